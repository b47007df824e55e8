"""/status/ is for staff only, and lists the workers that recorded a heartbeat lately (the
worker processes themselves are in tests/e2e/test_status_page.py)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from arena.core.models import WorkerHeartbeat
from arena.core.services import (
    worker_heartbeat_record,
    worker_heartbeat_remove,
    worker_heartbeats_prune,
)

pytestmark = pytest.mark.django_db


def test_status_is_for_staff_only(client, competition, alice, make_user):
    organizer = make_user("olga")
    competition.organizers.add(organizer)
    staff = make_user("sam")
    staff.is_staff = True
    staff.save()
    superuser = make_user("root")
    superuser.is_superuser = True  # without is_staff: still sees everything
    superuser.save()

    assert client.get("/status/").status_code == 302  # to the login page
    for user, status in ((alice, 403), (organizer, 403), (staff, 200), (superuser, 200)):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        assert client.get("/status/").status_code == status, user.username


def test_status_lists_workers_heard_from_lately_and_the_silent_ones(client, make_user):
    now = timezone.now()
    for hostname, queues, seen_ago in (
        ("scoring@a", ["scoring"], 2),
        ("methods@b", ["methods"], 25),
        ("scoring@gone", ["scoring"], 300),  # killed five minutes ago
    ):
        WorkerHeartbeat.objects.create(
            hostname=hostname,
            queues=queues,
            pid=100,
            started_at=now - timedelta(hours=1),
            seen_at=now - timedelta(seconds=seen_ago),
        )
    staff = make_user("sam")
    staff.is_staff = True
    staff.save()
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")

    page = client.get("/status/").content.decode()

    assert re.search(r"data-workers>2<", page)
    assert 'data-worker="scoring@a"' in page and 'data-worker="methods@b"' in page
    assert 'data-worker="scoring@gone"' not in page
    assert 'data-silent-worker="scoring@gone"' in page
    assert re.search(r'data-queue-workers="scoring">1<', page)
    assert re.search(r'data-queue-workers="methods">1<', page)


def test_a_queue_without_a_worker_says_so(client, make_user):
    staff = make_user("sam")
    staff.is_staff = True
    staff.save()
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get("/status/").content.decode()
    assert re.search(r"data-workers>0<", page)
    assert re.search(r'data-queue-workers="scoring"><span class="error-text">none<', page)


def test_heartbeats_are_renewed_removed_and_forgotten(db):
    started = timezone.now()
    worker_heartbeat_record(
        hostname="w@h", queues=["methods", "scoring"], pid=7, started_at=started
    )
    first = WorkerHeartbeat.objects.get()
    assert first.queues == ["methods", "scoring"]
    worker_heartbeat_record(hostname="w@h", queues=["scoring"], pid=7, started_at=started)
    assert WorkerHeartbeat.objects.get().seen_at > first.seen_at

    worker_heartbeat_remove(hostname="w@h", pid=8)  # an old process of the same name
    assert WorkerHeartbeat.objects.exists()
    worker_heartbeat_remove(hostname="w@h", pid=7)
    assert not WorkerHeartbeat.objects.exists()

    worker_heartbeat_record(hostname="w@h", queues=["scoring"], pid=7, started_at=started)
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - timedelta(days=2))
    assert worker_heartbeats_prune(silent_for=timedelta(days=1)) == 1

"""The organizers' status page reads the real broker and workers: queue depth, waiting work,
latency percentiles and the number of workers answering."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from arena.submissions.models import Submission
from arena.teams.services import team_create
from tests.integration.helpers import predictions_with_private_errors, submit_scored

pytestmark = pytest.mark.e2e


def test_status_page_shows_queues_latency_and_workers(
    client, celery_worker_process, products, competition, alice, make_user
):
    task, _ = products
    team_create(competition=competition, user=alice, name="Alpha")
    scored = submit_scored(task, alice, predictions_with_private_errors(task, wrong_private=0))
    # A known latency: 4 s from upload to scored.
    Submission.objects.filter(pk=scored.pk).update(
        created_at=timezone.now() - timedelta(seconds=4), finished_at=timezone.now()
    )
    # Two messages wait on the training queue, which no worker in this test consumes.
    from arena.celery import app

    for _ in range(2):
        app.send_task("arena.baselines.tasks.run_baseline_task", args=[0], queue="training")
    organizer = make_user("olga")
    competition.organizers.add(organizer)
    client.force_login(alice)
    assert client.get("/status/").status_code == 403  # participants do not see it
    client.force_login(organizer)
    page = client.get("/status/").content.decode()
    assert re.search(r"data-p50>4\.\d s<", page)
    assert re.search(r"data-workers>1<", page)  # the e2e worker answers the ping
    assert re.search(r'data-queue="scoring">0<', page)
    assert re.search(r"data-queued>0<", page)

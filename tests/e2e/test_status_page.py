"""The staff's status page reads the real broker and the workers' own heartbeats: queue depth,
waiting work, latency percentiles and the workers running, on Redis and on the embedded broker
(which answers no `celery inspect ping`)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from kombu import Exchange, Queue

from arena.celery import app
from arena.core.models import WorkerHeartbeat
from arena.submissions.models import Submission, SubmissionStatus
from arena.submissions.services import submission_create
from tests.e2e.conftest import _redis_broker, start_worker, stop_worker
from tests.e2e.helpers import wait_for
from tests.integration.helpers import csv_upload, predictions_with_private_errors
from tests.participants import team_create

pytestmark = pytest.mark.e2e
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def staff_client(client, make_user):
    staff = make_user("sam")
    staff.is_staff = True
    staff.save()
    client.force_login(staff, backend=MODEL_BACKEND)
    return client


def test_status_page_shows_queues_latency_and_workers(
    client, celery_worker_process, products, competition, alice, make_user
):
    task, _ = products
    team_create(competition=competition, user=alice, name="Alpha")
    # The worker scores it (scoring it here too would race the worker for the same row).
    scored = submission_create(
        task=task,
        user=alice,
        uploaded_file=csv_upload(predictions_with_private_errors(task, wrong_private=0)),
    )
    wait_for(
        lambda: Submission.objects.get(pk=scored.pk).status == SubmissionStatus.SCORED,
        what="the worker to score the upload",
        timeout=30,
    )
    # A known latency: 4 s from upload to scored.
    Submission.objects.filter(pk=scored.pk).update(
        created_at=timezone.now() - timedelta(seconds=4), finished_at=timezone.now()
    )
    # Two messages wait on the methods queue, which no worker in this test consumes.
    for _ in range(2):
        app.send_task("arena.methods.tasks.run_method", args=[0], queue="methods")
    organizer = make_user("olga")
    competition.organizers.add(organizer)
    staff = make_user("sam")
    staff.is_staff = True
    staff.save()
    for outsider in (alice, organizer):  # counts across every competition: staff only
        client.force_login(outsider, backend=MODEL_BACKEND)
        assert client.get("/status/").status_code == 403
    client.force_login(staff, backend=MODEL_BACKEND)
    wait_for(WorkerHeartbeat.objects.exists, what="the worker's first heartbeat", timeout=30)

    def scoring_queue_drained():
        return re.search(r'data-queue="scoring">0<', client.get("/status/").content.decode())

    wait_for(scoring_queue_drained, what="the worker to take the upload's message", timeout=30)
    page = client.get("/status/").content.decode()
    assert re.search(r"data-p50>4\.\d s<", page)
    assert re.search(r"data-workers>1<", page)  # the e2e worker's heartbeat
    assert re.search(r'data-worker="e2e-scoring-\w+@', page)
    assert re.search(r'data-queue="scoring">0<', page)
    assert re.search(r'data-queue="methods">2<', page)
    assert re.search(r'data-queue-workers="scoring">1<', page)
    assert re.search(r'data-queue-workers="methods"><span class="error-text">none<', page)
    assert re.search(r"data-queued>0<", page)


def test_embedded_broker_worker_is_listed_while_it_scores_and_gone_after_shutdown(
    transactional_db, staff_client, settings, products, competition, alice, tmp_path
):
    """The embedded broker carries no broadcast: the page used to say "0 answering" here."""
    url = f"arenasqla+sqlite:///{tmp_path / 'broker.sqlite3'}?timeout=20"
    task, data = products
    team_create(competition=competition, user=alice, name="Alpha")
    submission = submission_create(task=task, user=alice, uploaded_file=csv_upload(data.answers))
    _redis_broker().delete("scoring")  # its message went to the test run's Redis: drop it
    settings.CELERY_BROKER_URL = url  # the page reads the queue depths from it too
    worker_log = tmp_path / "worker.log"
    worker = start_worker(
        queues="scoring",
        log_path=worker_log,
        extra_env={
            "CELERY_BROKER_URL": url,
            "WORKER_HEARTBEAT_SECONDS": "1",
            # Scoring holds the claim this long, so the page is read while the worker works.
            "SCORING_FAULT_DELAY_SECONDS": "8",
        },
    )
    try:
        with app.connection_for_write(url=url) as connection:
            Queue("scoring", Exchange("scoring"), routing_key="scoring")(
                connection.default_channel
            ).declare()
            app.send_task(
                "arena.submissions.tasks.score_submission",
                args=[submission.pk],
                queue="scoring",
                connection=connection,
            )
        wait_for(
            lambda: Submission.objects.get(pk=submission.pk).status == SubmissionStatus.SCORING,
            what="the worker to claim the submission",
            timeout=30,
        )
        first = WorkerHeartbeat.objects.get()
        assert first.queues == ["scoring"]
        page = staff_client.get("/status/").content.decode()
        assert re.search(r"data-workers>1<", page), page
        assert f'data-worker="{first.hostname}"' in page
        assert re.search(r"data-scoring>1<", page)
        assert re.search(r'data-queue="scoring">0<', page)  # read from the embedded broker
        # The main process keeps beating while its pool process scores.
        wait_for(
            lambda: WorkerHeartbeat.objects.get().seen_at > first.seen_at + timedelta(seconds=1),
            what="a later heartbeat",
            timeout=10,
        )
        assert Submission.objects.get(pk=submission.pk).status == SubmissionStatus.SCORING
    finally:
        stop_worker(worker)  # a warm shutdown: the job ends first
        print(worker_log.read_text()[-3000:])
    assert not WorkerHeartbeat.objects.exists()
    page = staff_client.get("/status/").content.decode()
    assert re.search(r"data-workers>0<", page)

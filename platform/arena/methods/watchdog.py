"""The watchdog for method runs: takes back runs whose worker died and re-sends lost messages.

A methods worker holds each run under a lease (``core/leases.py``, claimed in
``runs.run_execute``). If the worker is killed, or its machine goes away, the heartbeat stops;
once it has lapsed this puts the run back in the queue, or ends it ``failed`` with a message
once it has used ``runs.MAX_RUN_ATTEMPTS``. A queued run whose message left long ago, or never
left (the broker refused it), is sent again. Beat calls it on the scoring queue
(``tasks.recover_method_runs``), so it works while every methods worker is busy or dead.
"""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from arena.core import leases
from arena.core.jobs import job_send
from arena.methods.models import MethodRun
from arena.methods.runs import MAX_RUN_ATTEMPTS, RUN_JOB

ABANDONED_MESSAGE = (
    "Arena's worker running this method stopped {attempts} times before the run ended (it was "
    "restarted or ran out of memory), so Arena gave up on it. This was not your method's limit: "
    "start the run again from the version's page, and tell the organizers if it happens again."
)


def method_run_enqueue(*, run_id: int) -> None:
    """Sends a run's message again; if the broker refuses it the run stays queued for the next
    pass (``enqueued_at`` says when the last attempt to send it was)."""
    MethodRun.objects.filter(pk=run_id, status=MethodRun.Status.QUEUED).update(
        enqueued_at=timezone.now()
    )
    job_send(name=RUN_JOB, args=[run_id])


def method_runs_recover(*, queued_longer_than: timedelta) -> list[int]:
    """Takes back the runs of dead workers and re-sends lost messages; returns the ids of the
    runs sent again, in order.

    A running run whose lease lapsed goes back to the queue, or ends ``failed`` with
    ``ABANDONED_MESSAGE`` once it has used ``MAX_RUN_ATTEMPTS``. A queued run whose message
    was sent more than ``queued_longer_than`` ago (or, with no ``enqueued_at``, that was created
    that long ago) is sent again: once per period, since sending it resets ``enqueued_at``.
    """
    now = timezone.now()
    dead = MethodRun.objects.filter(leases.dead_claim(now=now), status=MethodRun.Status.RUNNING)
    for run in dead.filter(attempts__gte=MAX_RUN_ATTEMPTS).only("pk", "attempts"):
        dead.filter(pk=run.pk).update(
            status=MethodRun.Status.FAILED,
            finished_at=now,
            claim_token="",
            message=ABANDONED_MESSAGE.format(attempts=run.attempts),
        )
    released = list(dead.values_list("pk", flat=True))
    # Filtered on the lapsed lease again: a run a redelivered message claimed meanwhile stays.
    dead.filter(pk__in=released).update(
        status=MethodRun.Status.QUEUED, claim_token="", heartbeat_at=None
    )
    cutoff = now - queued_longer_than
    forgotten = MethodRun.objects.filter(status=MethodRun.Status.QUEUED).filter(
        Q(enqueued_at__lt=cutoff) | Q(enqueued_at__isnull=True, created_at__lt=cutoff)
    )
    waiting = sorted(set(released) | set(forgotten.values_list("pk", flat=True)))
    for run_id in waiting:
        method_run_enqueue(run_id=run_id)
    return waiting

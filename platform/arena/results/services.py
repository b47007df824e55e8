"""Writes of results: what boards and the compare pages show that is too costly for a page view.

The worker is the only writer. After each score (``results_refresh``, a job on the scoring queue
that ``submissions.services._follow_up`` sends by name) it recomputes:

- which entries a paired bootstrap cannot tell from the leader's (it needs the answer key and two
  codes files from storage and 1,000 replicates per pair), stored per task version and split with
  the leader it was computed against; a board view only reads it (``boards.stored_ties``);
- the competition's comparison (matrix, ranks, Friedman tests, critical differences), stored per
  split (``StoredComparison``); the compare pages read it (``comparison.stored_comparison``) and
  ask for a new one when its inputs changed in other ways (finals, teams, rules).
"""

import time

from django.core.cache import cache
from django.utils import timezone

from arena.competitions.models import Competition, Task
from arena.core.jobs import job_send
from arena.results.boards import LeaderboardRow, leaderboard_for_task, ties_cache_key
from arena.results.comparison import comparison, comparison_payload, inputs_fingerprint
from arena.results.models import StoredComparison
from arena.results.pairwise import pairwise_difference
from arena.submissions.models import Submission

# Long enough to outlive any quiet spell of a challenge; a new score refreshes it anyway.
TIES_TIMEOUT_SECONDS = 30 * 24 * 3600
# A refresh asked for and not started within this long (a lost job) may be asked for again.
PENDING_TIMEOUT_SECONDS = 60


def results_refresh(*, task_id: int) -> None:
    """After a score of the task: its boards' tie marks, then its competition's comparison."""
    board_ties_refresh(task_id=task_id)
    task = Task.objects.filter(pk=task_id).only("competition_id").first()
    if task is not None:
        comparison_refresh(competition_id=task.competition_id)


def _pending_key(competition_id: int) -> str:
    return f"comparison-refresh-pending:{competition_id}"


def comparison_refresh_request(*, competition: Competition) -> None:
    """Asks a worker for a new comparison, once: a page that finds the stored one out of date
    calls this on every view, and only the first of them sends a job."""
    if cache.add(_pending_key(competition.pk), True, timeout=PENDING_TIMEOUT_SECONDS):
        job_send(name="arena.results.tasks.refresh_comparison", args=[competition.pk])


def comparison_refresh(*, competition_id: int) -> None:
    """Computes and stores the comparison of both splits. The fingerprint is taken before the
    inputs are read, so a score landing meanwhile makes the stored copy out of date, not wrong."""
    competition = Competition.objects.filter(pk=competition_id).first()
    if competition is None:
        return
    cache.delete(_pending_key(competition_id))
    fingerprint = inputs_fingerprint(competition=competition)
    for split in StoredComparison.Split:
        started = time.monotonic()
        blocks, rows = comparison(competition=competition, private=split == "private")
        StoredComparison.objects.update_or_create(
            competition=competition,
            split=split,
            defaults={
                "fingerprint": fingerprint,
                "payload": comparison_payload(blocks=blocks, rows=rows),
                "computed_at": timezone.now(),
                "seconds": time.monotonic() - started,
            },
        )


def board_ties_refresh(*, task_id: int) -> None:
    """Computes and stores, for the public and private board, the teams tied with the leader."""
    task = Task.objects.select_related("competition").filter(pk=task_id).first()
    if task is None:
        return
    for private in (False, True):
        rows = leaderboard_for_task(task=task, private=private)
        leader = next((row for row in rows if row.rank == 1), None)
        tied = tied_with_leader(task=task, rows=rows, private=private)
        cache.set(
            ties_cache_key(task=task, private=private),
            {"leader": leader.submission_id if leader else None, "tied": sorted(tied)},
            timeout=TIES_TIMEOUT_SECONDS,
        )


def tied_with_leader(
    *, task: Task, rows: list[LeaderboardRow], private: bool, limit: int = 10
) -> set[int]:
    """Team ids among the first ``limit`` rows that a 95% paired bootstrap cannot tell apart
    from the leader (cached per pair and task version, so a page view computes each once)."""
    leader = next((row for row in rows if row.rank == 1), None)
    if leader is None or leader.submission_id is None:
        return set()
    candidates = [row for row in rows[:limit] if row is not leader and row.submission_id]
    submissions = Submission.objects.in_bulk(
        [leader.submission_id, *(row.submission_id for row in candidates)]
    )
    tied = set()
    for row in candidates:
        result = pairwise_difference(
            task=task,
            submission_a=submissions[leader.submission_id],
            submission_b=submissions[row.submission_id],
            private=private,
        )
        if result is not None and result.ci_low <= 0 <= result.ci_high:
            tied.add(row.team_id)
    return tied


def pairwise_request(*, task: Task, submission_a, submission_b, private: bool) -> None:
    """Asks a worker for the paired bootstrap of two entries (the pairwise page shows progress
    meanwhile); once per pair while it is pending."""
    pending = f"pairwise-pending:{task.pk}:{task.version}:{submission_a.pk}:{submission_b.pk}"
    if cache.add(f"{pending}:{private}", True, timeout=PENDING_TIMEOUT_SECONDS):
        job_send(
            name="arena.results.tasks.compute_pairwise",
            args=[task.pk, submission_a.pk, submission_b.pk, private],
        )


def pairwise_compute(*, task_id: int, submission_a_id: int, submission_b_id: int, private: bool):
    """The worker's side of ``pairwise_request``: computes and caches the answer."""
    task = Task.objects.filter(pk=task_id).first()
    submissions = Submission.objects.in_bulk([submission_a_id, submission_b_id])
    if task is None or len(submissions) < 2:
        return
    pairwise_difference(
        task=task,
        submission_a=submissions[submission_a_id],
        submission_b=submissions[submission_b_id],
        private=private,
    )

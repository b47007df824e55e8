"""Writes for leaderboards: what a board shows that is too costly to compute on a page view.

Which entries a paired bootstrap cannot tell from the leader's needs the answer key and two
codes files from storage and 1,000 replicates per pair. The worker computes it after each score
(``board_ties_refresh``, a job on the scoring queue that ``submissions.services._follow_up``
sends by name) and stores it per task version and split with the leader it was computed
against; a board view only reads it (``selectors.stored_ties``).
"""

from django.core.cache import cache

from arena.competitions.models import Task
from arena.results.boards import LeaderboardRow, leaderboard_for_task, ties_cache_key
from arena.results.pairwise import pairwise_difference
from arena.submissions.models import Submission

# Long enough to outlive any quiet spell of a challenge; a new score refreshes it anyway.
TIES_TIMEOUT_SECONDS = 30 * 24 * 3600


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

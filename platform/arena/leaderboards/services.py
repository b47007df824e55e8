"""Writes for leaderboards: what a board shows that is too costly to compute on a page view.

Which entries a paired bootstrap cannot tell from the leader's needs the answer key and two
codes files from storage and 1,000 replicates per pair. The worker computes it after each score
(``board_ties_refresh``, a job on the scoring queue that ``submissions.services._follow_up``
sends by name) and stores it per task version and split with the leader it was computed
against; a board view only reads it (``selectors.stored_ties``).
"""

from django.core.cache import cache

from arena.competitions.models import Task
from arena.leaderboards.selectors import leaderboard_for_task, tied_with_leader, ties_cache_key

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

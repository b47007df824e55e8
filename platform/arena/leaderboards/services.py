"""Writes for leaderboards: what a board shows that is too costly to compute on a page view.

Which entries a paired bootstrap cannot tell from the leader's needs the answer key and two
codes files from storage and 1,000 replicates per pair. The worker computes it after each score
(``board_ties_refresh``, on the scoring queue) and stores it per task version and split with
the leader it was computed against; a board view only reads it (``selectors.stored_ties``).
"""

import logging

from celery import current_app
from django.core.cache import cache

from arena.competitions.models import Task
from arena.leaderboards.selectors import leaderboard_for_task, tied_with_leader, ties_cache_key

logger = logging.getLogger(__name__)
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


def board_ties_enqueue(*, task_id: int) -> None:
    """Asks a worker to refresh the ties of a task's boards; a broker outage only delays marks."""
    try:
        # By name: the scoring code that calls this needs no import of the board's tasks.
        current_app.send_task("arena.leaderboards.tasks.refresh_board_ties", args=[task_id])
    except Exception:
        logger.warning("could not enqueue the ties of task %s", task_id)

"""Sending background jobs by name.

Services send jobs by their registered name rather than by importing the Celery task: a task
module imports its service, so the service importing the task back would be a cycle, and a
lower app (submissions) may ask for work of a higher one (the boards) without importing it.
Routing (CELERY_TASK_ROUTES) works on names, so the job lands on the same queue either way.
"""

import logging

from celery import current_app

logger = logging.getLogger(__name__)

# Recomputes a competition's stored comparison (arena.results.tasks), for writes of lower apps
# that change what it shows without changing its inputs' counts (a team or method renamed).
REFRESH_COMPARISON = "arena.results.tasks.refresh_comparison"


def job_send(*, name: str, args: list) -> bool:
    """Sends one job; False (logged) when the broker cannot take it. Callers keep what they need
    in the database, so a watchdog or the next event sends it again."""
    try:
        current_app.send_task(name, args=args)
    except Exception:
        logger.exception("could not send %s%s", name, tuple(args))
        return False
    return True

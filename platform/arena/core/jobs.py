"""Sending background jobs by name.

Services send jobs by their registered name rather than by importing the Celery task: a task
module imports its service, so the service importing the task back would be a cycle, and a
lower app (submissions) may ask for work of a higher one (the boards) without importing it.
Routing (CELERY_TASK_ROUTES) works on names, so the job lands on the same queue either way.
"""

import logging

from celery import current_app

logger = logging.getLogger(__name__)

# Recomputes a competition's stored boards and comparison (arena.results.tasks): for pages that
# find them out of date, and for writes of lower apps that change what they show without
# changing the counts their fingerprint reads (a team or a method renamed).
REFRESH_RESULTS = "arena.results.tasks.refresh_competition_results"
# E-mails an announcement to the competition's participants (arena.teams.tasks): posted in
# competitions, whose participants are the teams'.
MAIL_ANNOUNCEMENT = "arena.teams.tasks.mail_announcement"


def job_send(*, name: str, args: list) -> bool:
    """Sends one job; False (logged) when the broker cannot take it. Callers keep what they need
    in the database, so a watchdog or the next event sends it again."""
    try:
        current_app.send_task(name, args=args)
    except Exception:
        logger.exception("could not send %s%s", name, tuple(args))
        return False
    return True

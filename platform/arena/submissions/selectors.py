"""Reads for submissions. Only public scores leave this module for participants."""

from django.db.models import Prefetch, QuerySet

from arena.competitions.models import Task
from arena.submissions.models import PENDING_STATUSES, Score, ScoreSplit, Submission
from arena.teams.models import Team


def submissions_for_team(*, task: Task, team: Team, limit: int = 50) -> list[Submission]:
    """The team's latest submissions on a task, each with ``public_scores`` {metric: value}."""
    public_scores = Score.objects.filter(split=ScoreSplit.PUBLIC)
    rows = list(
        Submission.objects.filter(task=task, team=team)
        .select_related("submitted_by")
        .prefetch_related(Prefetch("scores", queryset=public_scores, to_attr="public_score_rows"))
        .order_by("-created_at", "-id")[:limit]
    )
    for submission in rows:
        submission.public_scores = {s.metric: s.value for s in submission.public_score_rows}
        submission.primary_public_score = submission.public_scores.get(task.metric)
    return rows


def any_pending(*, submissions: list[Submission]) -> bool:
    return any(submission.status in PENDING_STATUSES for submission in submissions)


def submission_queryset_for_team(*, team: Team) -> QuerySet[Submission]:
    return Submission.objects.filter(team=team)

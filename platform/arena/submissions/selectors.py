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


def submission_for_viewer(
    *, task: Task, submission_id: int, user, is_organizer: bool
) -> Submission:
    """A submission the user may see: one of their team's, or any for the organizers.

    Anything else is "not found", so that others' submission numbers reveal nothing.
    """
    from django.http import Http404

    from arena.teams.selectors import team_for_user

    submissions = Submission.objects.filter(task=task).select_related("team", "submitted_by")
    if not is_organizer:
        team = team_for_user(competition=task.competition, user=user)
        submissions = submissions.filter(team=team) if team else submissions.none()
    submission = submissions.filter(pk=submission_id).first()
    if submission is None:
        raise Http404("No such submission")
    public = Score.objects.filter(submission=submission, split=ScoreSplit.PUBLIC)
    submission.public_scores = {score.metric: score.value for score in public}
    return submission


def confusion_view(*, details: dict, max_classes: int = 30) -> dict | None:
    """The public confusion matrix shaped for a heatmap; None when too large to draw."""
    classes = details.get("classes") or []
    matrix = details.get("confusion") or []
    if not classes or len(classes) > max_classes:
        return None
    largest = max((max(row) for row in matrix), default=0) or 1
    return {
        "classes": classes,
        "rows": [
            {
                "label": label,
                "cells": [{"count": count, "shade": round(count / largest, 3)} for count in row],
            }
            for label, row in zip(classes, matrix, strict=True)
        ],
    }

"""Reads for submissions. Only public scores leave this module for participants."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from arena.competitions.models import Task
from arena.submissions.models import (
    PENDING_STATUSES,
    Score,
    ScoreSplit,
    Submission,
    on_boards,
)
from arena.teams.models import Team
from arena.teams.selectors import team_for_user


def submissions_for_team(
    *, task: Task, team: Team, include_private: bool = False, limit: int = 50
) -> list[Submission]:
    """The team's latest submissions on a task, each with ``public_scores`` {metric: value}.

    Private scores are attached (``private_scores``) only when ``include_private`` is set, which
    callers do after the reveal; before it they never leave the database.
    """
    splits = [ScoreSplit.PUBLIC, ScoreSplit.PRIVATE] if include_private else [ScoreSplit.PUBLIC]
    current = Score.objects.filter(split__in=splits, task_version=task.version)
    rows = list(
        Submission.objects.filter(on_boards(), task=task, team=team)
        .select_related("submitted_by")
        .prefetch_related(Prefetch("scores", queryset=current, to_attr="current_scores"))
        .order_by("-created_at", "-id")[:limit]
    )
    for submission in rows:
        by_split: dict[str, dict[str, float]] = {"public": {}, "private": {}}
        for score in submission.current_scores:
            by_split[score.split][score.metric] = score.value
        submission.public_scores = by_split["public"]
        submission.primary_public_score = by_split["public"].get(task.metric)
        if include_private:
            submission.private_scores = by_split["private"]
            submission.primary_private_score = by_split["private"].get(task.metric)
    return rows


def submissions_of_team(
    *, team: Team, include_private: bool = False, limit: int = 200
) -> list[Submission]:
    """The team's latest uploads across the competition's tasks (its method runs left out),
    task loaded, each with ``primary_public_score``: its public score on its task's metric and
    current version, or None. ``primary_private_score`` is attached only when
    ``include_private`` is set, which callers do after the reveal. Two queries."""
    splits = [ScoreSplit.PUBLIC, ScoreSplit.PRIVATE] if include_private else [ScoreSplit.PUBLIC]
    primary = Score.objects.filter(
        split__in=splits,
        metric=F("submission__task__metric"),
        task_version=F("submission__task__version"),
    )
    rows = list(
        Submission.objects.filter(on_boards(), team=team)
        .select_related("task", "submitted_by")
        .prefetch_related(Prefetch("scores", queryset=primary, to_attr="primary_scores"))
        .order_by("-created_at", "-id")[:limit]
    )
    for submission in rows:
        by_split = {score.split: score.value for score in submission.primary_scores}
        submission.primary_public_score = by_split.get(ScoreSplit.PUBLIC)
        if include_private:
            submission.primary_private_score = by_split.get(ScoreSplit.PRIVATE)
    return rows


def any_pending(*, submissions: list[Submission]) -> bool:
    return any(submission.status in PENDING_STATUSES for submission in submissions)


def submission_queryset_for_team(*, team: Team) -> QuerySet[Submission]:
    return Submission.objects.filter(team=team)


def submission_for_viewer(
    *, task: Task, submission_id: int, user, is_organizer: bool, include_private: bool
) -> Submission:
    """A submission the user may see: one of their team's, or any for the organizers.

    Anything else is "not found", so that others' submission numbers reveal nothing.
    """
    from django.http import Http404

    submissions = Submission.objects.filter(task=task).select_related("team", "submitted_by")
    if not is_organizer:
        team = team_for_user(competition=task.competition, user=user)
        submissions = submissions.filter(team=team) if team else submissions.none()
    submission = submissions.filter(pk=submission_id).first()
    if submission is None:
        raise Http404("No such submission")
    submission.task = task  # the caller's, competition loaded: no query per use
    current = Score.objects.filter(submission=submission, task_version=task.version)
    submission.public_scores = {
        score.metric: score.value for score in current if score.split == ScoreSplit.PUBLIC
    }
    submission.public_intervals = {
        score.metric: (score.ci_low, score.ci_high)
        for score in current
        if score.split == ScoreSplit.PUBLIC and score.ci_low is not None
    }
    submission.private_scores = (
        {score.metric: score.value for score in current if score.split == ScoreSplit.PRIVATE}
        if include_private
        else {}
    )
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


# Statuses that use up quota: scored ones, and those still on their way to a score. Invalid and
# failed submissions give their slot back.
QUOTA_STATUSES = ("queued", "scoring", "scored")


@dataclass(frozen=True)
class Quota:
    daily_limit: int
    daily_used: int
    total_limit: int | None
    total_used: int
    resets_at: datetime
    # True when the person's own uploads (from any team of the competition) are what binds,
    # not the team's: someone who changes team brings what they used along.
    personal: bool = False

    @property
    def daily_left(self) -> int:
        return max(self.daily_limit - self.daily_used, 0)

    @property
    def total_left(self) -> int | None:
        return None if self.total_limit is None else max(self.total_limit - self.total_used, 0)

    @property
    def left(self) -> int:
        """Submissions the team may still make now."""
        return self.daily_left if self.total_left is None else min(self.daily_left, self.total_left)


def utc_day_start(now: datetime) -> datetime:
    return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def quota_for(*, task: Task, team: Team, user=None, now: datetime | None = None) -> Quota:
    """How much of its daily and total submission quota the team has used on the task.

    With ``user``, the person's own uploads on the task count too, from whichever team of the
    competition they sent them: leaving a team and founding another does not reset a quota.
    The larger of the team's and the person's counts is what is used.
    """
    now = now or timezone.now()
    day_start = utc_day_start(now)
    counts = {"total": Count("pk"), "today": Count("pk", filter=Q(created_at__gte=day_start))}
    counted = Submission.objects.filter(on_boards(), task=task, status__in=QUOTA_STATUSES)
    by_team = counted.filter(team=team).aggregate(**counts)
    by_person = {"total": 0, "today": 0}
    if user is not None and getattr(user, "is_authenticated", False):
        by_person = counted.filter(submitted_by=user).aggregate(**counts)
    competition = task.competition
    return Quota(
        daily_limit=competition.daily_submission_limit,
        daily_used=max(by_team["today"], by_person["today"]),
        total_limit=competition.total_submission_limit,
        total_used=max(by_team["total"], by_person["total"]),
        resets_at=day_start + timedelta(days=1),
        personal=(by_person["today"], by_person["total"]) > (by_team["today"], by_team["total"]),
    )


def method_names_of_team(*, team: Team | None, limit: int = 30) -> list[str]:
    """The team's earlier method names, most recent first (suggested at upload)."""
    if team is None:
        return []
    names = (
        Submission.objects.filter(on_boards(), team=team)
        .exclude(method_name="")
        .order_by("-created_at")
        .values_list("method_name", flat=True)
    )
    return list(dict.fromkeys(names))[:limit]

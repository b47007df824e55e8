"""A method's own page: what a team says about one method name and how it scored on every task.

A method is a team's submissions under one method name (as in the comparison). The page is
public like the leaderboards, so private figures follow the one visibility rule
(``visibility.private_visible``) and the private best of a task comes from the
team's final selection only, as on the private boards and in the private comparison.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import F
from django.http import Http404

from arena.competitions.models import Competition, Task
from arena.results.boards import Entry, final_selection
from arena.results.visibility import private_visible
from arena.submissions.models import (
    Score,
    Submission,
    SubmissionOrigin,
    SubmissionStatus,
    on_boards,
)
from arena.teams.models import Team
from arena.teams.selectors import standing_teams

NO_SUCH_METHOD = "No standing team of this competition has a method of that name."


@dataclass
class MethodSubmission:
    submission_id: int
    created_at: datetime
    status: str
    status_label: str
    is_final: bool
    public: float | None = None
    private: float | None = None


@dataclass
class MethodResult:
    task: Task
    value: float
    ci_low: float | None
    ci_high: float | None
    submission_id: int
    submitted_at: datetime


@dataclass
class MethodTask:
    task: Task
    submissions: list[MethodSubmission] = field(default_factory=list)


@dataclass
class MethodRunResult:
    """A run of the method by Arena (docs/METHODS.md) on a task of any competition: never on a
    board; its public score, as every run's score is (the task's own reveal rules its private)."""

    task: Task
    status: str
    status_label: str
    created_at: datetime
    public: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None


@dataclass
class MethodPage:
    team: Team
    method_name: str
    description: str
    code_url: str
    tags: list[str]
    private: bool
    results: list[MethodResult]
    tasks: list[MethodTask]
    runs: list[MethodRunResult] = field(default_factory=list)


def method_page(
    *, competition: Competition, team: int | Team, method_name: str, user
) -> MethodPage:
    """The method ``method_name`` of ``team`` (a team or its id) in ``competition``.

    Its latest description, code link and tags; its best current score per task on the task's
    primary metric with the 95% interval (private after the reveal, from the team's final
    selection; public before it, except to organizers); and every submission it made, per task.
    Raises Http404 for an unnamed method, a team of another competition, a team that does not
    stand (disqualified or without members) or a name the team never used.
    """
    team_id = team.pk if isinstance(team, Team) else team
    submissions = list(
        Submission.objects.filter(
            standing_teams(team_path="team"),
            on_boards(),
            team_id=team_id,
            team__competition=competition,
            method_name=method_name,
        )
        .select_related("team", "task__track")
        .order_by("task__track__position", "task__title", "-created_at", "-id")
        if method_name
        else []
    )
    if not submissions:
        raise Http404(NO_SUCH_METHOD)
    found = submissions[0].team
    private = private_visible(competition=competition, user=user)
    latest = max(submissions, key=lambda submission: (submission.created_at, submission.pk))
    scores = _current_scores(team=found, private=private)
    return MethodPage(
        team=found,
        method_name=method_name,
        description=latest.comment,
        code_url=latest.code_url,
        tags=list(latest.tags or []),
        private=private,
        results=_best_per_task(
            submissions=submissions, scores=scores, private=private, competition=competition
        ),
        tasks=_submissions_per_task(submissions=submissions, scores=scores, private=private),
        runs=_runs(team=found, method_name=method_name),
    )


def _runs(*, team: Team, method_name: str, limit: int = 200) -> list[MethodRunResult]:
    """The method's runs by Arena, newest first, with their public primary score."""
    runs = list(
        Submission.objects.filter(origin=SubmissionOrigin.RUN, team=team, method_name=method_name)
        .select_related("task__competition")
        .order_by("-created_at", "-id")[:limit]
    )
    scores = {
        score.submission_id: score
        for score in Score.objects.filter(
            submission__in=runs,
            split="public",
            task_version=F("submission__task__version"),
            metric=F("submission__task__metric"),
        )
    }
    results = []
    for run in runs:
        score = scores.get(run.pk)
        results.append(
            MethodRunResult(
                task=run.task,
                status=run.status,
                status_label=run.get_status_display(),
                created_at=run.created_at,
                public=score.value if score else None,
                ci_low=score.ci_low if score else None,
                ci_high=score.ci_high if score else None,
            )
        )
    return results


def _current_scores(*, team: Team, private: bool) -> dict[int, dict]:
    """Every scored submission of the team (all its methods: the final selection is the
    team's) on its task's current version and primary metric: submission id -> fields."""
    rows = Score.objects.filter(
        on_boards(submission_path="submission__"),
        submission__team=team,
        submission__status=SubmissionStatus.SCORED,
        task_version=F("submission__task__version"),
        metric=F("submission__task__metric"),
        split__in=["public", "private"] if private else ["public"],
    ).values_list(
        "submission_id",
        "submission__task_id",
        "submission__created_at",
        "submission__is_final",
        "split",
        "value",
        "ci_low",
        "ci_high",
    )
    scores: dict[int, dict] = {}
    for sub_id, task_id, created, final, split, value, low, high in rows:
        record = scores.setdefault(
            sub_id, {"task_id": task_id, "created_at": created, "is_final": final}
        )
        record[split] = (value, low, high)
    return scores


def _best_per_task(
    *, submissions: list[Submission], scores: dict[int, dict], private: bool, competition
) -> list[MethodResult]:
    split = "private" if private else "public"
    allowed = _finals(
        scores=scores, submissions=submissions, limit=competition.final_selection_limit
    )
    results: dict[int, MethodResult] = {}
    for submission in submissions:
        figures = scores.get(submission.pk, {}).get(split)
        if figures is None or (private and submission.pk not in allowed):
            continue
        value, low, high = figures
        task = submission.task
        current = results.get(task.pk)
        better = current is None or (
            value > current.value if task.higher_is_better else value < current.value
        )
        if better:
            results[task.pk] = MethodResult(
                task, value, low, high, submission.pk, submission.created_at
            )
    return list(results.values())


def _finals(*, scores: dict[int, dict], submissions: list[Submission], limit: int) -> set[int]:
    """The ids of the team's final selection on each task the method took part in."""
    tasks = {submission.task_id: submission.task for submission in submissions}
    by_task: dict[int, list[Entry]] = defaultdict(list)
    for sub_id, record in scores.items():
        if record["task_id"] not in tasks:
            continue
        entry = Entry(sub_id, 0, "", False, record["created_at"], record["is_final"])
        entry.public = record["public"][0] if "public" in record else None
        by_task[record["task_id"]].append(entry)
    chosen = set()
    for task_id, entries in by_task.items():
        higher = tasks[task_id].higher_is_better
        for finals in final_selection(entries=entries, higher=higher, limit=limit).values():
            chosen.update(entry.submission_id for entry in finals)
    return chosen


def _submissions_per_task(
    *, submissions: list[Submission], scores: dict[int, dict], private: bool
) -> list[MethodTask]:
    tasks: dict[int, MethodTask] = {}
    for submission in submissions:
        record = scores.get(submission.pk, {})
        row = MethodSubmission(
            submission_id=submission.pk,
            created_at=submission.created_at,
            status=submission.status,
            status_label=submission.get_status_display(),
            is_final=submission.is_final,
            public=record["public"][0] if "public" in record else None,
            private=record["private"][0] if private and "private" in record else None,
        )
        tasks.setdefault(submission.task_id, MethodTask(submission.task)).submissions.append(row)
    return list(tasks.values())

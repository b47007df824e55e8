"""Leaderboards: queries over stored scores; nothing here recomputes a metric.

Before the reveal, task boards rank each team's best public score. After it, they rank the
private score of each team's final selection, and show how far each team moved (the shake-up).
Track boards average a team's task scores and ranks over the tasks of a track.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from statistics import mean

from arena.competitions.models import Competition, Task, TaskVersion, Track
from arena.submissions.models import Score, SubmissionStatus, on_boards, on_prize_boards
from arena.teams.selectors import standing_teams


@dataclass
class Entry:
    """One scored submission with its primary-metric scores on the task's current version."""

    submission_id: int
    team_id: int
    team_name: str
    is_baseline: bool
    created_at: datetime
    is_final: bool
    public: float | None = None
    private: float | None = None
    method_name: str = ""
    after_end: bool = False


@dataclass(frozen=True)
class LeaderboardRow:
    rank: int | None  # None for baseline entries, which never take a prize rank
    team_id: int
    team_name: str
    is_baseline: bool
    score: float
    entries: int
    best_submitted_at: datetime
    last_submitted_at: datetime
    public_score: float | None = None  # private boards: the public score of the same entry
    public_rank: int | None = None  # private boards: the team's rank on the public board
    submission_id: int | None = None  # the entry the row's score comes from
    method_name: str = ""  # that entry's method, for the link to the method's page
    after_end: bool = False  # after-the-challenge boards: that entry came after the end

    @property
    def rank_change(self) -> int | None:
        """Places gained (positive) or lost (negative) from the public to the private board."""
        if self.rank is None or self.public_rank is None:
            return None
        return self.public_rank - self.rank


def _entries(*, task: Task, version: int | None = None, with_late: bool = False) -> list[Entry]:
    """The task's scored entries on the prize boards; ``with_late`` adds those uploaded after
    the end (the after-the-challenge board)."""
    version = task.version if version is None else version
    metric = task.metric if version == task.version else _metric_of(task=task, version=version)
    on = on_boards if with_late else on_prize_boards
    scores = Score.objects.filter(
        standing_teams(team_path="submission__team"),
        on(submission_path="submission__"),
        submission__task=task,
        submission__status=SubmissionStatus.SCORED,
        task_version=version,
        metric=metric,
    ).values_list(
        "submission_id",
        "submission__team_id",
        "submission__team__name",
        "submission__team__is_baseline",
        "submission__created_at",
        "submission__is_final",
        "split",
        "value",
        "submission__method_name",
        "submission__after_end",
    )
    entries: dict[int, Entry] = {}
    for (
        submission_id,
        team_id,
        name,
        baseline,
        created_at,
        is_final,
        split,
        value,
        method,
        after_end,
    ) in scores:
        entry = entries.setdefault(
            submission_id,
            Entry(
                submission_id, team_id, name, baseline, created_at, is_final,
                method_name=method, after_end=after_end,
            ),
        )  # fmt: skip
        setattr(entry, split, value)
    return sorted(entries.values(), key=lambda entry: (entry.created_at, entry.submission_id))


def _metric_of(*, task: Task, version: int) -> str:
    record = TaskVersion.objects.filter(task=task, number=version).first()
    return record.metric if record else task.metric


def _better(a: float, b: float, *, higher: bool) -> bool:
    return a > b if higher else a < b


def _ranked(
    rows: list[dict], *, higher: bool, score_key: str = "score", time_key: str = "best_at"
) -> list[dict]:
    """Sorts rows best first and gives competition ranks (1, 2, 2, 4); baselines get None."""
    sign = -1 if higher else 1
    ordered = sorted(rows, key=lambda row: (sign * row[score_key], row[time_key]))
    rank, previous, seen = 0, None, 0
    for row in ordered:
        row["rank"] = None
        if row["is_baseline"]:
            continue
        seen += 1
        if row[score_key] != previous:
            rank, previous = seen, row[score_key]
        row["rank"] = rank
    return ordered


def _public_rows(entries: list[Entry], *, higher: bool, split: str = "public") -> list[dict]:
    """Each team's best entry on ``split`` (the public board; the after-the-challenge board
    ranks every entry, on the private split once revealed)."""
    by_team: dict[int, dict] = {}
    for entry in entries:
        value = getattr(entry, split)
        if value is None:
            continue
        row = by_team.setdefault(
            entry.team_id,
            {
                "team_id": entry.team_id,
                "team_name": entry.team_name,
                "is_baseline": entry.is_baseline,
                "score": value,
                "entries": 0,
                "best_at": entry.created_at,
                "last_at": entry.created_at,
                "submission_id": entry.submission_id,
                "method_name": entry.method_name,
                "after_end": entry.after_end,
            },
        )
        row["entries"] += 1
        row["last_at"] = entry.created_at
        if _better(value, row["score"], higher=higher):
            row["score"], row["best_at"] = value, entry.created_at
            row["submission_id"] = entry.submission_id
            row["method_name"] = entry.method_name
            row["after_end"] = entry.after_end
    return _ranked(list(by_team.values()), higher=higher)


def final_selection(*, entries: list[Entry], higher: bool, limit: int) -> dict[int, list[Entry]]:
    """Each team's final submissions: those it marked, else its best ``limit`` by public score."""
    by_team: dict[int, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_team[entry.team_id].append(entry)
    chosen: dict[int, list[Entry]] = {}
    sign = -1 if higher else 1
    for team_id, team_entries in by_team.items():
        marked = [entry for entry in team_entries if entry.is_final]
        if marked:
            chosen[team_id] = marked
            continue
        with_public = [entry for entry in team_entries if entry.public is not None]
        with_public.sort(key=lambda entry: (sign * entry.public, entry.created_at))
        chosen[team_id] = with_public[:limit]
    return chosen


def _private_rows(entries: list[Entry], *, higher: bool, limit: int) -> list[dict]:
    public_rank = {row["team_id"]: row["rank"] for row in _public_rows(entries, higher=higher)}
    counts: dict[int, int] = defaultdict(int)
    last_at: dict[int, datetime] = {}
    for entry in entries:
        counts[entry.team_id] += 1
        last_at[entry.team_id] = entry.created_at
    rows = []
    for team_id, finals in final_selection(entries=entries, higher=higher, limit=limit).items():
        scored = [entry for entry in finals if entry.private is not None]
        if not scored:
            continue
        best = scored[0]
        for entry in scored[1:]:
            if _better(entry.private, best.private, higher=higher):
                best = entry
        rows.append(
            {
                "team_id": team_id,
                "team_name": best.team_name,
                "is_baseline": best.is_baseline,
                "score": best.private,
                "public_score": best.public,
                "public_rank": public_rank.get(team_id),
                "entries": counts[team_id],
                "best_at": best.created_at,
                "last_at": last_at[team_id],
                "submission_id": best.submission_id,
                "method_name": best.method_name,
            }
        )
    return _ranked(rows, higher=higher)


def _as_rows(rows: list[dict]) -> list[LeaderboardRow]:
    return [
        LeaderboardRow(
            rank=row["rank"],
            team_id=row["team_id"],
            team_name=row["team_name"],
            is_baseline=row["is_baseline"],
            score=row["score"],
            entries=row["entries"],
            best_submitted_at=row["best_at"],
            last_submitted_at=row["last_at"],
            public_score=row.get("public_score"),
            public_rank=row.get("public_rank"),
            submission_id=row.get("submission_id"),
            method_name=row.get("method_name", ""),
            after_end=row.get("after_end", False),
        )
        for row in rows
    ]


def leaderboard_for_task(
    *, task: Task, private: bool = False, version: int | None = None
) -> list[LeaderboardRow]:
    """The task's board: best public score per team, or (``private``) the private score of
    each team's final selection with its public rank for the shake-up.

    Ties share a rank; among equals the earlier submission is listed first. Baselines are
    listed but not ranked. Callers decide whether the viewer may see the private board.
    """
    entries = _entries(task=task, version=version)
    higher = task.higher_is_better
    if private:
        limit = task.competition.final_selection_limit
        return _as_rows(_private_rows(entries, higher=higher, limit=limit))
    return _as_rows(_public_rows(entries, higher=higher))


def leaderboard_after_challenge(*, task: Task, private: bool) -> list[LeaderboardRow]:
    """The living benchmark's board of a task: every team's best entry, made during the
    challenge or after its end, ranked on one split (``private``: the private rows, once
    they are revealed; no final selection, which belonged to the challenge). Rows say whether
    their entry came after the end. The prize boards never change with it."""
    entries = _entries(task=task, with_late=True)
    split = "private" if private else "public"
    return _as_rows(_public_rows(entries, higher=task.higher_is_better, split=split))


@dataclass(frozen=True)
class TrackCell:
    task: Task
    score: float
    rank: int | None
    submitted: bool
    method_name: str = ""  # the method of the task board's entry, when the team has one


@dataclass(frozen=True)
class TrackRow:
    rank: int | None
    team_id: int
    team_name: str
    is_baseline: bool
    mean_score: float
    mean_rank: float | None
    cells: list[TrackCell] = field(default_factory=list)


def leaderboard_for_track(*, track: Track, private: bool = False) -> list[TrackRow]:
    """Each team's mean score and mean rank over the track's tasks, ordered by the one the
    competition's prize rule names (``Competition.track_ranking``).

    A task a team did not submit to counts with the worst rank (the number of ranked teams on
    the track; baselines take no rank and are not counted) and a score of zero (for a
    lower-is-better metric: the worst score on that task). A task the organizers left out of
    the prize average (``Task.in_prize_average``) is shown and counts in neither mean.
    Baselines are placed where their figures would put them: by mean rank, with the rank each
    task's board would give them.
    """
    tasks = list(track.tasks.order_by("title"))
    boards = {task.pk: leaderboard_for_task(task=task, private=private) for task in tasks}
    teams: dict[int, tuple[str, bool]] = {}
    for rows in boards.values():
        for row in rows:
            teams[row.team_id] = (row.team_name, row.is_baseline)
    worst_rank = sum(1 for _, is_baseline in teams.values() if not is_baseline)
    by_rank = track.competition.track_ranking == Competition.TrackRanking.MEAN_RANK

    rows = []
    for team_id, (team_name, is_baseline) in teams.items():
        cells, placing = [], []
        for task in tasks:
            row = next((r for r in boards[task.pk] if r.team_id == team_id), None)
            if row is not None:
                cells.append(
                    TrackCell(
                        task, row.score, row.rank, submitted=True, method_name=row.method_name
                    )
                )
                placing.append(
                    row.rank
                    if row.rank is not None
                    else _rank_it_would_take(board=boards[task.pk], row=row, task=task)
                )
                continue
            scores = [r.score for r in boards[task.pk]]
            missing_score = 0.0 if task.higher_is_better else max(scores, default=0.0)
            cells.append(TrackCell(task, missing_score, None if is_baseline else worst_rank, False))
            placing.append(worst_rank)
        # Only the tasks in the prize average make the means; the others are shown beside.
        counted = [index for index, task in enumerate(tasks) if task.in_prize_average]
        ranks = [cells[i].rank for i in counted if cells[i].rank is not None]
        rows.append(
            {
                "team_id": team_id,
                "team_name": team_name,
                "is_baseline": is_baseline,
                "score": mean(cells[i].score for i in counted) if counted else 0.0,
                "mean_rank": None if is_baseline or not ranks else mean(ranks),
                "placing": mean(placing[i] for i in counted) if counted else float(worst_rank),
                "cells": cells,
                "best_at": team_name.casefold(),  # ties: alphabetical, for a stable order
            }
        )
    ranked = (
        _ranked(rows, higher=False, score_key="placing") if by_rank else _ranked(rows, higher=True)
    )
    return [
        TrackRow(
            rank=row["rank"],
            team_id=row["team_id"],
            team_name=row["team_name"],
            is_baseline=row["is_baseline"],
            mean_score=row["score"],
            mean_rank=row["mean_rank"],
            cells=row["cells"],
        )
        for row in ranked
    ]


def _rank_it_would_take(*, board: list[LeaderboardRow], row: LeaderboardRow, task: Task) -> int:
    """A baseline's place on a task board had it been ranked: one more than the teams ahead."""
    ahead = sum(
        1
        for other in board
        if other.rank is not None and _better(other.score, row.score, higher=task.higher_is_better)
    )
    return ahead + 1


@dataclass(frozen=True)
class RankChange:
    team_name: str
    old_rank: int | None
    new_rank: int | None
    old_score: float | None
    new_score: float | None


def rank_changes(*, task: Task, from_version: int) -> list[RankChange]:
    """How the public board moved between a former version of the task and the current one."""
    before = {row.team_id: row for row in leaderboard_for_task(task=task, version=from_version)}
    after = {row.team_id: row for row in leaderboard_for_task(task=task)}
    changes = []
    for team_id in sorted(before.keys() | after.keys()):
        old, new = before.get(team_id), after.get(team_id)
        changes.append(
            RankChange(
                team_name=(new or old).team_name,
                old_rank=old.rank if old else None,
                new_rank=new.rank if new else None,
                old_score=old.score if old else None,
                new_score=new.score if new else None,
            )
        )
    changes.sort(key=lambda change: (change.new_rank is None, change.new_rank or 0))
    return changes


def best_score_history(
    *, task: Task, team_ids: set[int] | None = None, limit_teams: int = 8
) -> dict[str, list[tuple[datetime, float]]]:
    """Each team's best public score over time: a point whenever its best improved.

    Public scores only, so it is safe to show to everyone. Without ``team_ids``, the teams
    that lead the public board now (at most ``limit_teams``).
    """
    higher = task.higher_is_better
    if team_ids is None:
        leaders = [row.team_id for row in leaderboard_for_task(task=task)[:limit_teams]]
        team_ids = set(leaders)
    history: dict[str, list[tuple[datetime, float]]] = {}
    for entry in _entries(task=task):
        if entry.team_id not in team_ids or entry.public is None:
            continue
        points = history.setdefault(entry.team_name, [])
        if not points or _better(entry.public, points[-1][1], higher=higher):
            points.append((entry.created_at, entry.public))
    return history

"""Leaderboards: queries over stored scores; nothing here recomputes a metric."""

from dataclasses import dataclass
from datetime import datetime

from arena.competitions.models import Task
from arena.submissions.models import Score, ScoreSplit, SubmissionStatus


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


def leaderboard_for_task(*, task: Task) -> list[LeaderboardRow]:
    """One row per team: its best public score on the task's primary metric.

    Ties share a rank (competition ranking: 1, 2, 2, 4); an earlier best submission is listed
    first among equals. Baseline teams are listed but not ranked.
    """
    scores = (
        Score.objects.filter(
            submission__task=task,
            submission__status=SubmissionStatus.SCORED,
            split=ScoreSplit.PUBLIC,
            metric=task.metric,
        )
        .values_list(
            "submission__team_id",
            "submission__team__name",
            "submission__team__is_baseline",
            "value",
            "submission__created_at",
        )
        .order_by("submission__created_at")
    )
    higher = task.higher_is_better
    best: dict[int, dict] = {}
    for team_id, team_name, is_baseline, value, created_at in scores:
        entry = best.setdefault(
            team_id,
            {
                "team_name": team_name,
                "is_baseline": is_baseline,
                "score": value,
                "entries": 0,
                "best_submitted_at": created_at,
                "last_submitted_at": created_at,
            },
        )
        entry["entries"] += 1
        entry["last_submitted_at"] = created_at
        if (value > entry["score"]) if higher else (value < entry["score"]):
            entry["score"] = value
            entry["best_submitted_at"] = created_at

    sign = -1 if higher else 1
    ordered = sorted(
        best.items(), key=lambda item: (sign * item[1]["score"], item[1]["best_submitted_at"])
    )
    rows: list[LeaderboardRow] = []
    rank = 0
    previous_score: float | None = None
    ranked_seen = 0
    for team_id, entry in ordered:
        row_rank = None
        if not entry["is_baseline"]:
            ranked_seen += 1
            if entry["score"] != previous_score:
                rank = ranked_seen
                previous_score = entry["score"]
            row_rank = rank
        rows.append(LeaderboardRow(rank=row_rank, team_id=team_id, **entry))
    return rows

"""Comparing methods across tasks: the matrix, ranks, the Friedman test per track, and the
standing of every method against the AutoGluon baseline. Reads stored scores only.

Two variants: uploads only (what teams handed in), and uploads and runs, where a method's run by
Arena fills a (method, task) cell its team left empty, so that the rank tests find bigger
complete blocks. Each cell says where it came from (``Cell.source``). The worker computes both
(``services.results_refresh``) and stores them; pages read the stored copy
(``stored.stored_result``) and never run a statistic themselves.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from django.db.models import F, Q

from arena.competitions.models import Competition, Task, Track
from arena.results.boards import Entry, final_selection
from arena.submissions.models import Score, SubmissionOrigin, SubmissionStatus, on_prize_boards
from arena.teams.models import Team
from arena.teams.selectors import standing_teams
from scoring import higher_is_better
from scoring.metrics import ideal_value
from scoring.statistics import (
    SignedRankTest,
    friedman,
    indistinguishable_groups,
    largest_complete_block,
    nemenyi_critical_difference,
    ranks,
    wilcoxon_across_tasks,
)

BASELINE_METHOD = "AutoGluon"

# Where a cell's score came from: the team's upload, Arena's run of the team's method, or both
# (the method has an upload and a run on the task: the upload's score is the cell's).
UPLOAD, RUN, BOTH = "upload", "run", "both"


@dataclass
class Cell:
    value: float
    ci_low: float | None
    ci_high: float | None
    submitted_at: datetime
    submission_id: int = 0
    rank: float | None = None
    normalized: float | None = None
    shade: float = 0.0
    normalized_shade: float = 0.0  # the heat of the normalized view: its own scale
    source: str = UPLOAD
    run_value: float | None = None  # with BOTH: the run's score, shown beside the upload's


@dataclass
class MethodRow:
    key: tuple[int, str]
    team_name: str
    method_name: str
    is_baseline: bool
    cells: dict[int, Cell] = field(default_factory=dict)
    track_summary: dict[int, dict] = field(default_factory=dict)
    # Per track: {"wins", "ties", "losses"} against the baseline on that track's tasks only.
    against_baseline: dict = field(default_factory=dict)
    # A team of another competition whose method Arena ran on this competition's tasks: the
    # title and slug of its own competition. Such a row is no entry of this competition.
    home: str = ""
    home_slug: str = ""

    @property
    def label(self) -> str:
        if self.home:
            return f"{self.method_name} ({self.team_name}, {self.home})"
        return f"{self.method_name} ({self.team_name})"

    @property
    def is_reference(self) -> bool:
        """The AutoGluon baseline of this competition, which normalized scores and win/tie/loss
        are measured against."""
        return self.is_baseline and not self.home and self.method_name == BASELINE_METHOD


@dataclass
class TrackBlock:
    track: Track
    tasks: list[Task]
    friedman: object | None = None
    critical_difference: float | None = None
    methods_tested: list[MethodRow] = field(default_factory=list)
    tasks_tested: list[Task] = field(default_factory=list)
    groups: list[list[int]] = field(default_factory=list)
    note: str = ""


# A comparison: its track blocks, and the method rows across them.
Matrix = tuple[list[TrackBlock], list[MethodRow]]


def _best_entries(*, competition: Competition, split: str) -> dict[int, dict]:
    """Per task, each (team, method name)'s best current score on the task's primary metric.

    On the private split only each team's final selection takes part (the submissions it
    marked final, else its best by public score), as on the private leaderboards: a method's
    private cell is what the team put forward, not the luckiest of its many tries. One query
    for the whole competition, so the matrix costs the same number of queries for 5 tasks or 50.
    """
    rows = Score.objects.filter(
        standing_teams(team_path="submission__team"),
        on_prize_boards(submission_path="submission__"),
        submission__task__competition=competition,
        submission__status=SubmissionStatus.SCORED,
        task_version=F("submission__task__version"),
        metric=F("submission__task__metric"),
        split__in=["public", "private"] if split == "private" else ["public"],
    ).values_list(
        "submission__task_id",
        "metric",
        "submission__team_id",
        "submission__method_name",
        "split",
        "value",
        "ci_low",
        "ci_high",
        "submission__created_at",
        "submission_id",
        "submission__is_final",
    )
    cells: dict[int, dict[int, dict]] = defaultdict(dict)  # task -> submission -> its fields
    for (
        task_id,
        metric,
        team_id,
        method,
        row_split,
        value,
        low,
        high,
        created,
        sub_id,
        final,
    ) in rows:
        record = cells[task_id].setdefault(
            sub_id,
            {"metric": metric, "team_id": team_id, "method": method, "created_at": created},
        )
        record["is_final"] = final
        record[row_split] = Cell(value, low, high, created, sub_id)
    best: dict[int, dict[tuple[int, str], Cell]] = defaultdict(dict)
    for task_id, submissions in cells.items():
        allowed = (
            _finals(submissions=submissions, limit=competition.final_selection_limit)
            if split == "private"
            else set(submissions)
        )
        for sub_id, record in submissions.items():
            cell = record.get(split)
            if sub_id not in allowed or cell is None:
                continue
            higher = higher_is_better(record["metric"])
            key = (record["team_id"], record["method"] or "(unnamed)")
            current = best[task_id].get(key)
            if current is None or (
                cell.value > current.value if higher else cell.value < current.value
            ):
                best[task_id][key] = cell
    return best


def _finals(*, submissions: dict[int, dict], limit: int) -> set[int]:
    """The ids of each team's final selection among one task's submissions."""
    entries = []
    for sub_id, record in submissions.items():
        entry = Entry(
            sub_id, record["team_id"], "", False, record["created_at"], record["is_final"]
        )
        entry.public = record["public"].value if "public" in record else None
        entries.append(entry)
    higher = higher_is_better(next(iter(submissions.values()))["metric"])
    chosen = final_selection(entries=entries, higher=higher, limit=limit)
    return {entry.submission_id for finals in chosen.values() for entry in finals}


def _newest_runs(*, competition: Competition, split: str) -> dict[int, dict[tuple, Cell]]:
    """Per task, each (team, method name)'s newest scored run by Arena on the task's current
    version and primary metric: the latest, not the best of several runs (no optimistic choice).

    The team may be of another competition (a reviewer or organizer ran its method here); it
    counts while it stands in its own competition. A run is never a final, so on the private
    split it is the newest run's private score; the private variant is shown under this
    competition's visibility policy, as the uploads' private scores are. One query.
    """
    rows = (
        Score.objects.filter(
            standing_teams(team_path="submission__team"),
            submission__origin=SubmissionOrigin.RUN,
            submission__task__competition=competition,
            submission__status=SubmissionStatus.SCORED,
            task_version=F("submission__task__version"),
            metric=F("submission__task__metric"),
            split=split,
        )
        .order_by("submission__created_at", "submission_id")
        .values_list(
            "submission__task_id",
            "submission__team_id",
            "submission__method_name",
            "value",
            "ci_low",
            "ci_high",
            "submission__created_at",
            "submission_id",
        )
    )
    newest: dict[int, dict[tuple, Cell]] = defaultdict(dict)
    for task_id, team_id, method, value, low, high, created, sub_id in rows:
        cell = Cell(value, low, high, created, sub_id, source=RUN)
        newest[task_id][(team_id, method or "(unnamed)")] = cell  # later rows are newer
    return newest


def _fill_from_runs(*, best: dict[int, dict], runs: dict[int, dict]) -> None:
    """A run fills a (method, task) cell without an upload; where both exist the upload's score
    stays the cell's and the run's is kept beside it."""
    for task_id, cells in runs.items():
        for key, run in cells.items():
            upload = best[task_id].get(key)
            if upload is None:
                best[task_id][key] = run
            else:
                upload.source = BOTH
                upload.run_value = run.value


def comparison(*, competition: Competition, private: bool, with_runs: bool = False) -> Matrix:
    """The methods-by-tasks matrix with ranks, normalized scores, per-track summaries and tests.

    ``with_runs``: cells without an upload are filled by the method's newest run by Arena
    (``_newest_runs``), methods of other competitions' teams included, labelled with their home.
    """
    split = "private" if private else "public"
    runs = _newest_runs(competition=competition, split=split) if with_runs else {}
    return _comparison(competition=competition, split=split, runs=runs)


def comparison_variants(*, competition: Competition, private: bool) -> tuple[Matrix, Matrix]:
    """``comparison`` without and with the runs. Where no run fills a cell (most
    competitions) the two are one and the same, computed once."""
    split = "private" if private else "public"
    runs = _newest_runs(competition=competition, split=split)
    uploads = _comparison(competition=competition, split=split, runs={})
    if not runs:
        return uploads, uploads
    return uploads, _comparison(competition=competition, split=split, runs=runs)


def _comparison(
    *, competition: Competition, split: str, runs: dict[int, dict[tuple, Cell]]
) -> Matrix:
    teams = {team.pk: team for team in Team.objects.filter(competition=competition)}
    best = _best_entries(competition=competition, split=split)
    if runs:
        _fill_from_runs(best=best, runs=runs)
        others = {key[0] for cells in runs.values() for key in cells} - set(teams)
        teams |= Team.objects.select_related("competition").in_bulk(others)
    rows: dict[tuple[int, str], MethodRow] = {}
    blocks = []
    for track in competition.tracks.prefetch_related("tasks"):
        tasks = sorted(track.tasks.all(), key=lambda task: task.title)
        blocks.append(TrackBlock(track=track, tasks=tasks))
        for task in tasks:
            for key, cell in best.get(task.pk, {}).items():
                if key not in rows:
                    rows[key] = _method_row(key=key, team=teams[key[0]], competition=competition)
                rows[key].cells[task.pk] = cell
    method_rows = sorted(
        rows.values(), key=lambda row: (row.is_baseline, bool(row.home), row.label.casefold())
    )
    for block in blocks:
        for task in block.tasks:
            _rank_and_normalize(task=task, rows=method_rows)
        _summarize_track(block=block, rows=method_rows)
        _test_track(block=block, rows=method_rows)
    _against_baseline(blocks=blocks, rows=method_rows)
    return blocks, method_rows


def _method_row(*, key: tuple[int, str], team: Team, competition: Competition) -> MethodRow:
    row = MethodRow(key, team.name, key[1], team.is_baseline)
    if team.competition_id != competition.pk:
        row.home, row.home_slug = team.competition.title, team.competition.slug
    return row


def _rank_and_normalize(*, task: Task, rows: list[MethodRow]) -> None:
    present = [row for row in rows if task.pk in row.cells]
    if not present:
        return
    values = np.array([row.cells[task.pk].value for row in present])
    task_ranks = ranks(scores=values[None, :], higher_is_better=task.higher_is_better)[0]
    baseline = [row.cells[task.pk].value for row in present if row.is_reference]
    low, high = values.min(), values.max()
    ideal = ideal_value(task.metric)
    for row, rank in zip(present, task_ranks, strict=True):
        cell = row.cells[task.pk]
        cell.rank = float(rank)
        cell.shade = float((cell.value - low) / (high - low)) if high > low else 1.0
        if not task.higher_is_better:
            cell.shade = 1.0 - cell.shade
        # The share of the baseline's distance to the ideal score that the method closes: 1 at
        # the ideal, 0 at the baseline, negative below it; undefined when the baseline is ideal.
        if baseline and baseline[0] != ideal:
            cell.normalized = float((cell.value - baseline[0]) / (ideal - baseline[0]))
    normalized = [row.cells[task.pk].normalized for row in present]
    defined = [value for value in normalized if value is not None]
    if defined:
        floor, top = min(defined), max(defined)
        for row in present:
            value = row.cells[task.pk].normalized
            if value is not None:
                row.cells[task.pk].normalized_shade = (
                    float((value - floor) / (top - floor)) if top > floor else 1.0
                )


def _summarize_track(*, block: TrackBlock, rows: list[MethodRow]) -> None:
    """Mean score and mean rank per method; a missing task counts as zero and the worst rank."""
    worst = len(rows)
    for row in rows:
        if not any(task.pk in row.cells for task in block.tasks):
            continue
        scores = [row.cells[t.pk].value if t.pk in row.cells else 0.0 for t in block.tasks]
        task_ranks = [row.cells[t.pk].rank if t.pk in row.cells else worst for t in block.tasks]
        normalized = [
            row.cells[t.pk].normalized
            for t in block.tasks
            if t.pk in row.cells and row.cells[t.pk].normalized is not None
        ]
        row.track_summary[block.track.pk] = {
            "mean_score": float(np.mean(scores)),
            "mean_rank": float(np.mean(task_ranks)),
            "missing": sum(1 for t in block.tasks if t.pk not in row.cells),
            # Normalized figures exist only where both the method and AutoGluon have a score:
            # their mean is over those tasks, never filled in with zeros.
            "mean_normalized": float(np.mean(normalized)) if normalized else None,
            "normalized_tasks": len(normalized),
        }


def _test_track(*, block: TrackBlock, rows: list[MethodRow]) -> None:
    """Friedman and Nemenyi on the largest complete block of the track: the methods and tasks
    where every method has a score on every task. A missing score is missing, not a zero."""
    tasks = block.tasks
    present = np.array([[t.pk in row.cells for t in tasks] for row in rows], dtype=bool)
    if not len(rows) or not len(tasks):
        chosen_rows, chosen_tasks = [], []
    else:
        chosen_rows, chosen_tasks = largest_complete_block(present=present)
    if not chosen_tasks:
        block.note = (
            "No 3 methods share a score on 2 tasks of this track yet, so no rank test can run "
            f"({len(tasks)} task(s), {len(rows)} method(s) in the comparison)."
        )
        return
    complete = [rows[index] for index in chosen_rows]
    tested_tasks = [tasks[index] for index in chosen_tasks]
    scores = np.array([[row.cells[t.pk].value for row in complete] for t in tested_tasks])
    higher = tested_tasks[0].higher_is_better
    block.friedman = friedman(scores=scores, higher_is_better=higher)
    block.critical_difference = nemenyi_critical_difference(
        methods=len(complete), tasks=len(tested_tasks)
    )
    block.methods_tested = complete
    block.tasks_tested = tested_tasks
    block.groups = indistinguishable_groups(
        average_ranks=block.friedman.average_ranks,
        critical_difference=block.critical_difference,
    )
    left_tasks = [t.title for t in tasks if t.pk not in {x.pk for x in tested_tasks}]
    tested = {id(row) for row in complete}
    left_methods = [
        row.label for row in rows if id(row) not in tested and any(t.pk in row.cells for t in tasks)
    ]
    if left_tasks or left_methods:
        parts = []
        if left_tasks:
            parts.append(f"tasks left out: {', '.join(left_tasks)}")
        if left_methods:
            parts.append(f"methods left out: {', '.join(left_methods)}")
        block.note = (
            "The test runs on the largest block in which every method has a score on every "
            f"task; {'; '.join(parts)} (a score is missing there)."
        )


def _against_baseline(*, blocks: list[TrackBlock], rows: list[MethodRow]) -> None:
    """Win when the method's 95% interval lies wholly beyond the baseline's score, loss when
    wholly short of it, tie otherwise; counted per track, on that track's tasks only."""
    for block in blocks:
        for task in block.tasks:
            baseline = next(
                (row.cells[task.pk] for row in rows if row.is_reference and task.pk in row.cells),
                None,
            )
            if baseline is None:
                continue
            for row in rows:
                cell = row.cells.get(task.pk)
                if cell is None or row.is_reference:
                    continue
                low = cell.ci_low if cell.ci_low is not None else cell.value
                high = cell.ci_high if cell.ci_high is not None else cell.value
                if not task.higher_is_better:
                    low, high, reference = -high, -low, -baseline.value
                else:
                    reference = baseline.value
                tally = row.against_baseline.setdefault(
                    block.track.pk, {"wins": 0, "ties": 0, "losses": 0}
                )
                if low > reference:
                    tally["wins"] += 1
                elif high < reference:
                    tally["losses"] += 1
                else:
                    tally["ties"] += 1


@dataclass(frozen=True)
class AcrossTasks:
    """Two methods on the tasks of one track that both entered, and Wilcoxon's test on them."""

    track: Track
    scores: list[tuple[Task, float, float]]  # task, method A's score, method B's score
    test: SignedRankTest


def methods_across_tasks(
    *, blocks: list[TrackBlock], row_a: MethodRow, row_b: MethodRow
) -> list[AcrossTasks]:
    """Per track, the paired scores of two methods and a signed-rank test across those tasks.

    Tracks keep apart tasks whose scores do not compare (a log loss beside an F1); within a
    track, a lower-is-better score is negated so that "better" points one way.
    """
    out = []
    for block in blocks:
        shared = [t for t in block.tasks if t.pk in row_a.cells and t.pk in row_b.cells]
        if not shared:
            continue
        sign = np.array([1.0 if t.higher_is_better else -1.0 for t in shared])
        a = np.array([row_a.cells[t.pk].value for t in shared])
        b = np.array([row_b.cells[t.pk].value for t in shared])
        out.append(
            AcrossTasks(
                track=block.track,
                scores=[(t, row_a.cells[t.pk].value, row_b.cells[t.pk].value) for t in shared],
                test=wilcoxon_across_tasks(scores_a=sign * a, scores_b=sign * b),
            )
        )
    return out


def method_key(row: MethodRow) -> str:
    """A method's identity in a URL: its team's id and its name."""
    return f"{row.key[0]}|{row.key[1]}"


def long_format_rows(
    *, competition: Competition, private: bool, with_runs: bool = False
) -> list[dict]:
    """Every current score, one row per (submission, split, metric), for export.

    ``origin`` says what the row's submission is (upload or run); ``source`` says where the
    method's cell on that task comes from in the comparison with runs (upload, run or both).
    Uploads only: every upload, ``source`` "upload". ``with_runs``: the uploads and the runs the
    comparison with runs reads (each method's newest scored run per task, from teams of any
    competition, ``team_competition`` naming the team's).
    """
    splits = ["public", "private"] if private else ["public"]
    origins = on_prize_boards(submission_path="submission__")
    if with_runs:
        origins |= Q(submission__origin=SubmissionOrigin.RUN)
    scores = (
        Score.objects.filter(
            standing_teams(team_path="submission__team"),
            origins,
            submission__task__competition=competition,
            submission__status=SubmissionStatus.SCORED,
            task_version=F("submission__task__version"),
            split__in=splits,
        )
        .select_related("submission__team__competition", "submission__task__track")
        .order_by("submission__task__slug", "submission_id", "split", "metric")
    )
    current = list(scores)
    newest_runs: dict[tuple, object] = {}  # (task, team, method) -> its newest run
    uploaded: set[tuple] = set()
    for score in current:
        submission = score.submission
        cell = (submission.task_id, submission.team_id, submission.method_name or "(unnamed)")
        if submission.origin != SubmissionOrigin.RUN:
            uploaded.add(cell)
        elif cell not in newest_runs or _newer(submission, than=newest_runs[cell]):
            newest_runs[cell] = submission
    rows = []
    for score in current:
        submission = score.submission
        cell = (submission.task_id, submission.team_id, submission.method_name or "(unnamed)")
        is_run = submission.origin == SubmissionOrigin.RUN
        if is_run and newest_runs[cell].pk != submission.pk:
            continue
        both = cell in uploaded and cell in newest_runs
        rows.append(
            {
                "submission_id": submission.pk,
                "team": submission.team.name,
                "method": submission.method_name or "(unnamed)",
                "task": submission.task.slug,
                "track": submission.task.track.name,
                "split": score.split,
                "metric": score.metric,
                "value": score.value,
                "ci_low": score.ci_low,
                "ci_high": score.ci_high,
                "submitted_at": submission.created_at.isoformat(),
                "code_url": submission.code_url,
                "tags": ";".join(submission.tags or []),
                "origin": RUN if is_run else UPLOAD,
                "source": BOTH if both else (RUN if is_run else UPLOAD),
                "team_competition": submission.team.competition.slug,
            }
        )
    return rows


def _newer(submission, *, than) -> bool:
    return (submission.created_at, submission.pk) > (than.created_at, than.pk)


LONG_FORMAT_COLUMNS = [
    "submission_id", "team", "method", "task", "track", "split", "metric", "value", "ci_low",
    "ci_high", "submitted_at", "code_url", "tags", "origin", "source", "team_competition",
]  # fmt: skip


def track_statistics(
    *, competition: Competition, blocks: list[TrackBlock], private: bool, with_runs: bool = False
) -> dict:
    """The rank tests of every track at full precision, for download beside the scores.

    Per track: the tasks and methods of the complete block tested, each method's average rank
    and where its cells in the block came from (upload, run or both), Friedman's statistic and
    p-value, and the Nemenyi critical difference; or why no test ran.
    """
    tracks = []
    for block in blocks:
        entry = {
            "track": block.track.name,
            "kind": block.track.kind,
            "tasks_tested": [task.slug for task in block.tasks_tested],
            "note": block.note,
            "friedman_statistic": None,
            "friedman_p_value": None,
            "critical_difference": None,
            "methods": [],
        }
        if block.friedman is not None:
            entry["friedman_statistic"] = float(block.friedman.statistic)
            entry["friedman_p_value"] = float(block.friedman.p_value)
            entry["critical_difference"] = float(block.critical_difference)
            entry["methods"] = [
                {
                    "method": row.method_name,
                    "team": row.team_name,
                    "average_rank": float(rank),
                    "home_competition": row.home_slug or competition.slug,
                    "sources": {
                        task.slug: row.cells[task.pk].source for task in block.tasks_tested
                    },
                }
                for row, rank in zip(
                    block.methods_tested, block.friedman.average_ranks, strict=True
                )
            ]
        tracks.append(entry)
    return {
        "competition": competition.slug,
        "split": "private" if private else "public",
        "cells": "uploads_and_runs" if with_runs else "uploads",
        "tracks": tracks,
    }


def grouped(rows: list[MethodRow]) -> dict:
    """Rows by baseline or not, for templates."""
    out = defaultdict(list)
    for row in rows:
        out["baselines" if row.is_baseline else "methods"].append(row)
    return out

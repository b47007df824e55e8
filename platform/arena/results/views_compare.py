import io
from functools import wraps

import pandas as pd
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from arena.competitions.selectors import competition_get, is_revealed
from arena.results import comparison, services
from arena.results.cd_diagram import cd_diagram_svg
from arena.results.exports import csv_cell
from arena.results.pairwise import pairwise_possible, pairwise_stored
from arena.results.stored import Stored, comparison_key
from arena.results.visibility import board_is_private, compare_refusal, private_visible
from arena.submissions.models import Submission

MODES = {"raw": "Scores", "normalized": "Baseline-normalized", "rank": "Ranks per task"}
# Where the matrix takes its cells from: the ``source`` query parameter (absent: uploads).
SOURCES = {"uploads": "Uploads", "runs": "Uploads and runs by Arena"}


def _with_runs(request) -> bool:
    return request.GET.get("source") == "runs"


def for_reviewers(view):
    """The gate of every compare page: the competition from the URL, then the one access rule
    (``visibility.compare_refusal``). The view gets the competition as a keyword argument.

    A refusal is a 403 page that says why: Django's bare 403 would drop the message, and a
    reviewer who competes needs to know the pages open at the reveal.
    """

    @wraps(view)
    def gate(request, competition_slug: str, **kwargs):
        competition = competition_get(slug=competition_slug)
        refusal = compare_refusal(competition=competition, user=request.user)
        if refusal is not None:
            return render(
                request,
                "compare/closed.html",
                {"competition": competition, "reason": refusal},
                status=403,
            )
        return view(request, competition=competition, **kwargs)

    return gate


# While the worker computes, a page reloads itself this often (seconds).
REFRESH_SECONDS = 3


def _stored(*, competition, private: bool, with_runs: bool = False) -> Stored:
    """The worker's comparison (of uploads, or with runs filling its empty cells); when it is
    missing or out of date, a worker is asked for a new one and the page says so (and reloads
    itself) instead of computing anything."""
    return services.stored_or_refresh(
        competition=competition, key=comparison_key(with_runs=with_runs), private=private
    )


@require_GET
@for_reviewers
def comparison_page(request, *, competition):
    private = board_is_private(
        competition=competition, user=request.user, asked=request.GET.get("board")
    )
    mode = request.GET.get("mode") if request.GET.get("mode") in MODES else "raw"
    with_runs = _with_runs(request)
    stored = _stored(competition=competition, private=private, with_runs=with_runs)
    blocks, rows = stored.value or ([], [])
    for block in blocks:
        if block.friedman is not None:
            block.svg = mark_safe(  # noqa: S308 - built by cd_diagram_svg, labels escaped there
                cd_diagram_svg(
                    labels=[row.label for row in block.methods_tested],
                    average_ranks=list(block.friedman.average_ranks),
                    critical_difference=block.critical_difference,
                    groups=block.groups,
                )
            )
    return render(
        request,
        "compare/comparison.html",
        {
            "competition": competition,
            "blocks": blocks,
            "rows": rows,
            "mode": mode,
            "modes": MODES,
            "source": "runs" if with_runs else "uploads",
            "sources": SOURCES,
            # Appended to the page's own links so that a choice of mode or split keeps the cells.
            "source_query": "&source=runs" if with_runs else "",
            "private": private,
            "revealed": is_revealed(competition=competition),
            "can_preview_private": private_visible(competition=competition, user=request.user),
            "stored": stored,
            "refresh_seconds": None if stored.current else REFRESH_SECONDS,
        },
    )


@require_GET
@for_reviewers
def export(request, *, competition, file_format: str):
    """Every score in long format, as CSV or Parquet (private rows only when visible); with
    ``?source=runs`` the runs the comparison with runs reads, too."""
    if file_format not in ("csv", "parquet"):
        raise Http404("Scores download as .csv or .parquet")
    private = private_visible(competition=competition, user=request.user)
    with_runs = _with_runs(request)
    frame = pd.DataFrame(
        comparison.long_format_rows(competition=competition, private=private, with_runs=with_runs),
        columns=comparison.LONG_FORMAT_COLUMNS,
    )
    if file_format == "parquet":
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        response = HttpResponse(buffer.getvalue(), content_type="application/vnd.apache.parquet")
    else:
        for column in ("team", "method", "task", "track", "code_url", "tags"):
            frame[column] = frame[column].map(csv_cell)
        response = HttpResponse(frame.to_csv(index=False), content_type="text/csv; charset=utf-8")
    name = f"{competition.slug}-scores{'-with-runs' if with_runs else ''}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@for_reviewers
def statistics_export(request, *, competition, file_format: str):
    """The tracks' rank tests at full precision, as JSON or CSV (one row per track and method).

    Private figures follow the comparison page's rule (``_private``), so the download is what
    the page shows.
    """
    if file_format not in ("json", "csv"):
        raise Http404("Statistics download as .json or .csv")
    private = board_is_private(
        competition=competition, user=request.user, asked=request.GET.get("board")
    )
    with_runs = _with_runs(request)
    stored = _stored(competition=competition, private=private, with_runs=with_runs)
    if stored.missing:
        return JsonResponse(
            {"detail": "The statistics are being computed; try again in a few seconds."},
            status=503,
            headers={"Retry-After": str(REFRESH_SECONDS)},
        )
    report = comparison.track_statistics(
        competition=competition, blocks=stored.value[0], private=private, with_runs=with_runs
    )
    report["computed_at"] = stored.computed_at.isoformat() if stored.computed_at else None
    report["current"] = stored.current
    runs = "-with-runs" if with_runs else ""
    name = f"{competition.slug}-statistics-{report['split']}{runs}.{file_format}"
    if file_format == "json":
        response = JsonResponse(report, json_dumps_params={"indent": 2})
    else:
        rows = [
            {
                "split": report["split"],
                "track": track["track"],
                "method": csv_cell(method["method"]),
                "team": csv_cell(method["team"]),
                "average_rank": repr(method["average_rank"]),
                "friedman_statistic": repr(track["friedman_statistic"]),
                "friedman_p_value": repr(track["friedman_p_value"]),
                "critical_difference": repr(track["critical_difference"]),
                "tasks_tested": ";".join(track["tasks_tested"]),
                "cells": report["cells"],
                "home_competition": method["home_competition"],
                "sources": ";".join(f"{task}:{how}" for task, how in method["sources"].items()),
            }
            for track in report["tracks"]
            for method in track["methods"]
        ]
        frame = pd.DataFrame(rows, columns=list(STATISTICS_CSV_COLUMNS))
        response = HttpResponse(frame.to_csv(index=False), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


STATISTICS_CSV_COLUMNS = (
    "split", "track", "method", "team", "average_rank", "friedman_statistic",
    "friedman_p_value", "critical_difference", "tasks_tested", "cells", "home_competition",
    "sources",
)  # fmt: skip


@require_GET
@for_reviewers
def pairwise(request, *, competition):
    """Pick two entries on one task: their paired-bootstrap difference, interval and p-value;
    or two methods: their scores on every task both entered and a signed-rank test per track."""
    private = board_is_private(
        competition=competition, user=request.user, asked=request.GET.get("board")
    )
    tasks = list(competition.tasks.order_by("title"))
    task = next(
        (t for t in tasks if t.slug == request.GET.get("task")), tasks[0] if tasks else None
    )
    entries, result, chosen, computing = [], None, {}, False
    stored = _stored(competition=competition, private=private)
    blocks, rows = stored.value or ([], [])
    methods = {comparison.method_key(row): row for row in rows}
    chosen_methods = {side: request.GET.get(side, "") for side in ("ma", "mb")}
    across = None
    if (
        chosen_methods["ma"] in methods
        and chosen_methods["mb"] in methods
        and chosen_methods["ma"] != chosen_methods["mb"]
    ):
        across = comparison.methods_across_tasks(
            blocks=blocks, row_a=methods[chosen_methods["ma"]], row_b=methods[chosen_methods["mb"]]
        )
    if task is not None:
        entries = [
            (row.cells[task.pk].submission_id, row.label, row.cells[task.pk].value)
            for row in rows
            if task.pk in row.cells
        ]
        ids = {entry[0] for entry in entries}
        try:
            chosen = {side: int(request.GET.get(side, "0")) for side in ("a", "b")}
        except ValueError:
            chosen = {}
        if chosen and chosen["a"] in ids and chosen["b"] in ids and chosen["a"] != chosen["b"]:
            submission_a = get_object_or_404(Submission, pk=chosen["a"], task=task)
            submission_b = get_object_or_404(Submission, pk=chosen["b"], task=task)
            pair = {"task": task, "submission_a": submission_a, "submission_b": submission_b}
            if pairwise_possible(**pair):
                result = pairwise_stored(**pair, private=private)
                if result is None:
                    services.pairwise_request(**pair, private=private)
                    computing = True
    return render(
        request,
        "compare/pairwise.html",
        {
            "competition": competition,
            "tasks": tasks,
            "task": task,
            "entries": entries,
            "chosen": chosen,
            "result": result,
            "private": private,
            "methods": methods,
            "chosen_methods": chosen_methods,
            "across": across,
            "computing": computing,
            "stored": stored,
            "refresh_seconds": REFRESH_SECONDS if computing or not stored.current else None,
        },
    )

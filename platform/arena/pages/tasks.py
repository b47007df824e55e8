"""A task's pages, as tabs with URLs of their own (Overview, Data, Submit, My submissions; the
Leaderboard tab is the results app's board page), and the task's file responses."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from arena.competitions import selectors
from arena.competitions.citation import sha256sums, task_citation
from arena.competitions.downloads import (
    DOWNLOAD_FORMATS,
    task_bundle_response,
    task_file_offered,
    task_file_response,
    task_thumbnail_response,
)
from arena.core.charts import best_over_time_svg
from arena.core.request_limits import upload_limit
from arena.pages.panels import panel_with_reproductions
from arena.pages.submissions import submission_upload
from arena.results.boards import best_score_history
from arena.submissions.selectors import quota_for
from arena.submissions.services import submission_refusal
from arena.teams.selectors import team_for_user


def _task_page(request, competition_slug: str, task_slug: str, *, tab: str) -> dict:
    """What every tab shows: the task, its competition, phase and the user's team."""
    competition = selectors.competition_get(slug=competition_slug)
    task = selectors.task_get(competition=competition, slug=task_slug)
    return {
        "competition": competition,
        "task": task,
        "phase": selectors.competition_phase(competition=competition),
        "late": selectors.uploads_after_end(competition=competition),
        "team": team_for_user(competition=competition, user=request.user),
        "tab": tab,
    }


@require_GET
def task_detail(request, competition_slug: str, task_slug: str):
    """Overview: the description, the task at a glance and where to go next."""
    context = _task_page(request, competition_slug, task_slug, tab="overview")
    return render(request, "competitions/task_detail.html", context)


@require_GET
def task_data(request, competition_slug: str, task_slug: str):
    """Data: downloads, the column profile, classes or match share, sample rows and pairs,
    all from the datasheet stored at import (no storage read here)."""
    context = _task_page(request, competition_slug, task_slug, tab="data")
    task = context["task"]
    sheet = task.datasheet or {}
    image_columns = {name for name, kind in (task.columns or {}).items() if kind == "image"}
    sample = sheet.get("sample") or {}
    pairs = sheet.get("pairs") or {}
    context.update(
        formats=list(DOWNLOAD_FORMATS),
        sample_rows=_cells(sample.get("columns", []), sample.get("rows", []), image_columns),
        pair_rows=[
            {
                **pair,
                "cells": list(
                    zip(
                        pairs.get("columns", []),
                        _cells(pairs.get("columns", []), [pair["left"]], image_columns)[0],
                        _cells(pairs.get("columns", []), [pair["right"]], image_columns)[0],
                        strict=True,
                    )
                ),
            }
            for pair in pairs.get("pairs", [])
        ],
    )
    return render(request, "competitions/task_data.html", context)


@require_GET
def task_versions(request, competition_slug: str, task_slug: str):
    """Versions: the task's permanent, citable page. Every version with its date, metric and
    its files' checksums (recorded at import, never computed here), and how to cite it."""
    context = _task_page(request, competition_slug, task_slug, tab="versions")
    competition, task = context["competition"], context["task"]
    is_organizer = selectors.user_is_organizer(competition=competition, user=request.user)
    history = selectors.task_version_history(task=task, show_unpublished_answers=is_organizer)
    # A stable address, whatever host the page was reached by (SITE_URL, as in e-mails).
    url = settings.SITE_URL + reverse(
        "competitions:task_versions", args=[competition.slug, task.slug]
    )
    current = next((record for record in history if record.current), None)
    citation, sums = None, ""
    if current is not None:
        # The answer key is part of what a paper cites only once anyone can download it.
        cited = current.files + (current.answers if task.answers_published else [])
        citation = task_citation(
            task=task,
            number=current.number,
            created_at=current.created_at,
            url=f"{url}#v{current.number}",
            files=cited,
        )
        sums = sha256sums(cited)
    context.update(
        history=history,
        current=current,
        citation=citation,
        sums=sums,
        is_organizer=is_organizer,
        page_url=url,
    )
    return render(request, "competitions/task_versions.html", context)


def _cells(columns: list[str], rows: list[list[str]], image_columns: set[str]) -> list[list]:
    """Each value with whether it names an image of the bundle (shown as a thumbnail)."""
    return [
        [
            {"value": value, "image": bool(value) and name in image_columns}
            for name, value in zip(columns, row, strict=False)
        ]
        for row in rows
    ]


@upload_limit(setting="SUBMISSION_MAX_BYTES")
def task_submit(request, competition_slug: str, task_slug: str):
    """Submit: the tab on GET, the upload itself on POST (one URL, as a form's would be)."""
    if request.method == "POST":
        return submission_upload(request, competition_slug, task_slug)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    return _submit_tab(request, competition_slug, task_slug)


def _submit_tab(request, competition_slug: str, task_slug: str):
    """The upload form first, the quota beside it, the team's submissions below."""
    context = _task_page(request, competition_slug, task_slug, tab="submit")
    task, team = context["task"], context["team"]
    context.update(panel_with_reproductions(task=task, team=team, user=request.user))
    refusal = ""
    if team and (context["phase"].accepts_submissions or context["late"]):
        refusal = submission_refusal(task=task, user=request.user)
    context["refusal"] = refusal
    return render(request, "competitions/task_submit.html", context)


@require_GET
def task_my_submissions(request, competition_slug: str, task_slug: str):
    """My submissions: the team's list (polled while any is being scored) and its best score
    over time."""
    context = _task_page(request, competition_slug, task_slug, tab="mine")
    task, team = context["task"], context["team"]
    context.update(panel_with_reproductions(task=task, team=team, user=request.user))
    own_chart = (
        best_over_time_svg(
            series=best_score_history(task=task, team_ids={team.pk}),
            now=timezone.now(),
            title=f"Your team's best public {task.metric} over time",
        )
        if team
        else ""
    )
    context["own_chart"] = mark_safe(own_chart)  # noqa: S308 - names escaped by the chart
    return render(request, "competitions/task_submissions.html", context)


@login_required
@require_GET
def task_quota(request, competition_slug: str, task_slug: str):
    """The quota beside the upload form, as a fragment refreshed after each upload."""
    context = _task_page(request, competition_slug, task_slug, tab="submit")
    team = context["team"]
    context["quota"] = (
        quota_for(task=context["task"], team=team, user=request.user) if team else None
    )
    return render(request, "competitions/_quota.html", context)


@require_GET
def task_download(request, competition_slug: str, task_slug: str, table: str, file_format: str):
    """One file of the task. A file the task does not offer (unpublished answers among them) is
    not found for everyone; a file it offers needs an account, as every download does."""
    competition = selectors.competition_get(slug=competition_slug)
    task = selectors.task_get(competition=competition, slug=task_slug)
    if not task_file_offered(task=task, table=table, file_format=file_format):
        raise Http404("No such table")
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return task_file_response(task=task, table=table, file_format=file_format)


@login_required
@require_GET
def task_download_all(request, competition_slug: str, task_slug: str, file_format: str):
    """Every public file of the task as one zip."""
    competition = selectors.competition_get(slug=competition_slug)
    task = selectors.task_get(competition=competition, slug=task_slug)
    return task_bundle_response(task=task, file_format=file_format)


@login_required
@require_GET
def task_thumbnail(request, competition_slug: str, task_slug: str, name: str):
    """A small PNG of one of the task's public images (the sample rows' thumbnails)."""
    competition = selectors.competition_get(slug=competition_slug)
    task = selectors.task_get(competition=competition, slug=task_slug)
    return task_thumbnail_response(task=task, name=name)

import yaml
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from arena.compare.selectors import compare_refusal, user_is_reviewer
from arena.competitions import selectors
from arena.core.charts import best_over_time_svg
from arena.core.files import private_storage
from arena.leaderboards.selectors import best_score_history
from arena.submissions.selectors import submission_panel
from arena.teams.selectors import team_for_user

DOWNLOAD_FORMATS = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet"}


@require_GET
def home(request):
    return render(request, "competitions/home.html", {"competitions": selectors.competition_list()})


@require_GET
def competition_detail(request, competition_slug: str):
    competition = selectors.competition_get(slug=competition_slug)
    return render(
        request,
        "competitions/competition_detail.html",
        {
            "competition": competition,
            "phase": selectors.competition_phase(competition=competition),
            "tracks": selectors.tracks_with_tasks(competition=competition),
            "team": team_for_user(competition=competition, user=request.user),
            "is_organizer": selectors.user_is_organizer(competition=competition, user=request.user),
            "upload_rate": {
                "count": settings.UPLOAD_RATE_LIMIT_COUNT,
                "minutes": settings.UPLOAD_RATE_LIMIT_SECONDS // 60,
            },
            **_compare_link(competition=competition, user=request.user),
        },
    )


def _compare_link(*, competition, user) -> dict:
    """Reviewers get the link to the compare pages or, while those are closed to them, the
    reason why; both come from the compare pages' own access rule, so link and pages agree."""
    if not user_is_reviewer(competition=competition, user=user):
        return {"is_reviewer": False, "compare_closed_because": ""}
    refusal = compare_refusal(competition=competition, user=user)
    return {"is_reviewer": True, "compare_closed_because": refusal or ""}


@require_GET
def task_detail(request, competition_slug: str, task_slug: str):
    competition = selectors.competition_get(slug=competition_slug)
    task = selectors.task_get(competition=competition, slug=task_slug)
    team = team_for_user(competition=competition, user=request.user)
    own_chart = (
        best_over_time_svg(
            series=best_score_history(task=task, team_ids={team.pk}),
            now=timezone.now(),
            title=f"Your team's best public {task.metric} over time",
        )
        if team
        else ""
    )
    return render(
        request,
        "competitions/task_detail.html",
        {
            "competition": competition,
            "task": task,
            "phase": selectors.competition_phase(competition=competition),
            "team": team,
            "formats": list(DOWNLOAD_FORMATS),
            "own_chart": mark_safe(own_chart),  # noqa: S308 - names escaped by the chart
            **submission_panel(task=task, team=team, user=request.user),
        },
    )


@login_required
@require_GET
def task_download(request, competition_slug: str, task_slug: str, table: str, file_format: str):
    competition = selectors.competition_get(slug=competition_slug)
    task = selectors.task_get(competition=competition, slug=task_slug)
    return task_file_response(task=task, table=table, file_format=file_format)


def task_file_response(*, task, table: str, file_format: str) -> HttpResponse:
    """A public file of the task (the pages and the API share it): a table in CSV or Parquet,
    the public task.yaml, or the images zip. Anything else, answers included, is not found."""
    # Only names from the task's own list of public tables ever become a storage key.
    if (table, file_format) == ("task", "yaml"):
        manifest = yaml.safe_dump(
            selectors.task_public_manifest(task=task), sort_keys=False, allow_unicode=True
        )
        response = HttpResponse(manifest, content_type="application/yaml; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="task.yaml"'
        return response
    if task.has_images and (table, file_format) == ("images", "zip"):
        key, content_type = task.images_zip_path, "application/zip"
    elif table in task.public_tables and file_format in DOWNLOAD_FORMATS:
        key = task.public_table_path(table=table, file_format=file_format)
        content_type = DOWNLOAD_FORMATS[file_format]
    else:
        raise Http404("No such table")
    storage = private_storage()
    if not storage.exists(key):
        raise Http404("No such table")
    return FileResponse(
        storage.open(key, "rb"),
        as_attachment=True,
        filename=f"{task.slug}-{table}.{file_format}",
        content_type=content_type,
    )

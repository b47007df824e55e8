from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from arena.competitions import selectors
from arena.competitions.downloads import DOWNLOAD_FORMATS, task_file_response
from arena.core.charts import best_over_time_svg
from arena.pages.panels import panel_with_reproductions
from arena.results.boards import best_score_history
from arena.results.visibility import compare_refusal, user_is_reviewer
from arena.teams.selectors import team_for_user


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
            **panel_with_reproductions(task=task, team=team, user=request.user),
        },
    )


@login_required
@require_GET
def task_download(request, competition_slug: str, task_slug: str, table: str, file_format: str):
    competition = selectors.competition_get(slug=competition_slug)
    task = selectors.task_get(competition=competition, slug=task_slug)
    return task_file_response(task=task, table=table, file_format=file_format)

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from arena.competitions.selectors import competition_get, is_revealed, task_get
from arena.core.charts import best_over_time_svg
from arena.results import exports
from arena.results.boards import (
    best_score_history,
    leaderboard_for_task,
    leaderboard_for_track,
    stored_ties,
)
from arena.results.visibility import board_is_private, method_descriptions_visible, private_visible
from arena.teams.selectors import team_for_user


def _csv_response(content: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def task_leaderboard(request, competition_slug: str, task_slug: str):
    competition = competition_get(slug=competition_slug)
    task = task_get(competition=competition, slug=task_slug)
    private = board_is_private(
        competition=competition, user=request.user, asked=request.GET.get("board")
    )
    rows = leaderboard_for_task(task=task, private=private)
    if request.GET.get("format") == "csv":
        split = "private" if private else "public"
        return _csv_response(
            exports.task_leaderboard_csv(rows=rows, metric=task.metric, private=private),
            f"{competition.slug}-{task.slug}-{split}-leaderboard.csv",
        )
    team = team_for_user(competition=competition, user=request.user)
    chart = best_over_time_svg(
        series=best_score_history(task=task),
        now=timezone.now(),
        title=f"Best public {task.metric} over time, leading teams",
    )
    return render(
        request,
        "leaderboards/task_leaderboard.html",
        {
            "competition": competition,
            "task": task,
            "rows": rows,
            "private": private,
            "revealed": is_revealed(competition=competition),
            "can_preview_private": private_visible(competition=competition, user=request.user),
            "my_team_id": team.pk if team else None,
            "show_methods": method_descriptions_visible(competition=competition, user=request.user),
            "chart": mark_safe(chart),  # noqa: S308 - built by best_over_time_svg, names escaped
            "tied": stored_ties(task=task, rows=rows, private=private),
            "tasks": competition.tasks.select_related("track").order_by("track__position", "title"),
        },
    )


@require_GET
def track_leaderboard(request, competition_slug: str, track_slug: str):
    competition = competition_get(slug=competition_slug)
    track = get_object_or_404(competition.tracks, slug=track_slug)
    private = board_is_private(
        competition=competition, user=request.user, asked=request.GET.get("board")
    )
    rows = leaderboard_for_track(track=track, private=private)
    if request.GET.get("format") == "csv":
        split = "private" if private else "public"
        return _csv_response(
            exports.track_leaderboard_csv(rows=rows, private=private),
            f"{competition.slug}-{track.slug}-{split}-leaderboard.csv",
        )
    team = team_for_user(competition=competition, user=request.user)
    return render(
        request,
        "leaderboards/track_leaderboard.html",
        {
            "competition": competition,
            "track": track,
            "tasks": [cell.task for cell in rows[0].cells] if rows else list(track.tasks.all()),
            "rows": rows,
            "ranked_teams": sum(1 for row in rows if not row.is_baseline),
            "show_methods": method_descriptions_visible(competition=competition, user=request.user),
            "private": private,
            "revealed": is_revealed(competition=competition),
            "can_preview_private": private_visible(competition=competition, user=request.user),
            "my_team_id": team.pk if team else None,
        },
    )

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from arena.competitions.selectors import competition_get, is_revealed, task_get
from arena.core.charts import best_over_time_svg
from arena.results import exports, services
from arena.results.boards import best_score_history
from arena.results.stored import Stored, task_after_board_key, task_board_key, track_board_key
from arena.results.visibility import board_is_private, method_descriptions_visible, private_visible
from arena.teams.selectors import team_for_user

# While a worker updates a board, its page reloads itself this often (seconds).
REFRESH_SECONDS = 3


def _not_ready() -> HttpResponse:
    response = HttpResponse(
        "The leaderboard is being computed; try again in a few seconds.\n",
        status=503,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(REFRESH_SECONDS)
    return response


def _stored_board(request, *, competition, key: str) -> tuple[bool, Stored]:
    """Which split the request gets (the visibility policy) and the worker's board of it."""
    private = board_is_private(
        competition=competition, user=request.user, asked=request.GET.get("board")
    )
    return private, services.stored_or_refresh(competition=competition, key=key, private=private)


def _viewer_context(request, *, competition) -> dict:
    """What every board page tells apart by viewer: the reveal, the organizers' preview of the
    private board, the viewer's own team and whether methods' names show."""
    team = team_for_user(competition=competition, user=request.user)
    return {
        "revealed": is_revealed(competition=competition),
        "can_preview_private": private_visible(competition=competition, user=request.user),
        "my_team_id": team.pk if team else None,
        "show_methods": method_descriptions_visible(competition=competition, user=request.user),
    }


def _freshness(stored: Stored) -> dict:
    return {"stored": stored, "refresh_seconds": None if stored.current else REFRESH_SECONDS}


def _csv_response(content: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _task_board_csv(
    *, stored: Stored, task, private: bool, name: str, shake_up: bool
) -> HttpResponse:
    """A stored task board as CSV (503 while the worker has not stored it yet)."""
    if stored.missing:
        return _not_ready()
    split = "private" if private else "public"
    return _csv_response(
        exports.task_leaderboard_csv(rows=stored.value.rows, metric=task.metric, private=shake_up),
        f"{task.competition.slug}-{task.slug}-{split}-{name}.csv",
    )


@require_GET
def task_leaderboard(request, competition_slug: str, task_slug: str):
    competition = competition_get(slug=competition_slug)
    task = task_get(competition=competition, slug=task_slug)
    private, stored = _stored_board(request, competition=competition, key=task_board_key(task))
    rows = stored.value.rows if stored.value else []
    if request.GET.get("format") == "csv":
        return _task_board_csv(
            stored=stored, task=task, private=private, name="leaderboard", shake_up=private
        )
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
            **_viewer_context(request, competition=competition),
            "chart": mark_safe(chart),  # noqa: S308 - built by best_over_time_svg, names escaped
            "tied": stored.value.tied if stored.value else set(),
            "tasks": competition.tasks.select_related("track").order_by("track__position", "title"),
            **_freshness(stored),
        },
    )


@require_GET
def task_after_leaderboard(request, competition_slug: str, task_slug: str):
    """The living benchmark's board: entries of the challenge and uploads after its end."""
    competition = competition_get(slug=competition_slug)
    task = task_get(competition=competition, slug=task_slug)
    if not competition.late_submissions:
        raise Http404("This competition takes no uploads after its end.")
    private, stored = _stored_board(
        request, competition=competition, key=task_after_board_key(task)
    )
    rows = stored.value.rows if stored.value else []
    if request.GET.get("format") == "csv":
        # No shake-up columns: this board ranks every entry on one split, no finals.
        return _task_board_csv(
            stored=stored, task=task, private=private, name="after-the-challenge", shake_up=False
        )
    return render(
        request,
        "leaderboards/task_after_leaderboard.html",
        {
            "competition": competition,
            "task": task,
            "rows": rows,
            "private": private,
            **_viewer_context(request, competition=competition),
            "late_rows": sum(1 for row in rows if row.after_end),
            **_freshness(stored),
        },
    )


@require_GET
def track_leaderboard(request, competition_slug: str, track_slug: str):
    competition = competition_get(slug=competition_slug)
    track = get_object_or_404(competition.tracks, slug=track_slug)
    private, stored = _stored_board(request, competition=competition, key=track_board_key(track))
    rows = stored.value.rows if stored.value else []
    if request.GET.get("format") == "csv":
        if stored.missing:
            return _not_ready()
        split = "private" if private else "public"
        return _csv_response(
            exports.track_leaderboard_csv(rows=rows, private=private),
            f"{competition.slug}-{track.slug}-{split}-leaderboard.csv",
        )
    tasks = [cell.task for cell in rows[0].cells] if rows else list(track.tasks.all())
    return render(
        request,
        "leaderboards/track_leaderboard.html",
        {
            "competition": competition,
            "track": track,
            "tasks": tasks,
            "counted_tasks": sum(1 for task in tasks if task.in_prize_average),
            "rows": rows,
            "ranked_teams": sum(1 for row in rows if not row.is_baseline),
            "private": private,
            **_viewer_context(request, competition=competition),
            **_freshness(stored),
        },
    )

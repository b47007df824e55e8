from django.shortcuts import render
from django.views.decorators.http import require_GET

from arena.competitions.selectors import competition_get, task_get
from arena.leaderboards.selectors import leaderboard_for_task
from arena.teams.selectors import team_for_user


@require_GET
def task_leaderboard(request, competition_slug: str, task_slug: str):
    competition = competition_get(slug=competition_slug)
    task = task_get(competition=competition, slug=task_slug)
    team = team_for_user(competition=competition, user=request.user)
    return render(
        request,
        "leaderboards/task_leaderboard.html",
        {
            "competition": competition,
            "task": task,
            "rows": leaderboard_for_task(task=task),
            "tasks": competition.tasks.select_related("track").order_by("track__position", "title"),
            "my_team_id": team.pk if team else None,
        },
    )

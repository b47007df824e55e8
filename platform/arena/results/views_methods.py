"""The method page: open to everyone after the reveal; before it, to the method's own team and
to those who may open the compare pages (organizers, reviewers who do not compete)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from arena.competitions.models import Task
from arena.competitions.selectors import competition_get, is_revealed
from arena.results.methods import method_page
from arena.results.visibility import (
    compare_refusal,
    method_descriptions_visible,
    methods_overseer,
)
from arena.teams.selectors import team_for_user

CLOSED = (
    "Teams' methods (their descriptions, links and every submission's score) are shown once the "
    "private scores are revealed; until then only on the team's own page. Before the reveal the "
    "leaderboards show scores, not how they were made."
)


@require_GET
def method_detail(request, competition_slug: str, team_id: int):
    # Method names are free text (spaces, slashes, any script), so the name travels as the
    # query parameter ``name``, percent-encoded, never as a path segment.
    competition = competition_get(slug=competition_slug)
    own = team_for_user(competition=competition, user=request.user)
    may_see = (
        is_revealed(competition=competition)
        or method_descriptions_visible(competition=competition, user=request.user)
        or (own is not None and own.pk == team_id)
        or compare_refusal(competition=competition, user=request.user) is None
    )
    if not may_see:
        return render(
            request,
            "compare/closed.html",
            {"competition": competition, "reason": CLOSED},
            status=403,
        )
    page = method_page(
        competition=competition,
        team=team_id,
        method_name=request.GET.get("name", ""),
        user=request.user,
    )
    # Those who oversee the competition's methods ask Arena what it would do on any task.
    ask_tasks = (
        Task.objects.select_related("competition").order_by("competition__title", "title")
        if methods_overseer(competition=competition, user=request.user)
        else []
    )
    return render(
        request,
        "compare/method_detail.html",
        {"competition": competition, "page": page, "ask_tasks": ask_tasks},
    )

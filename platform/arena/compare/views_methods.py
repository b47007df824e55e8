"""The method page: public like the leaderboards; private figures only when they may show."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from arena.compare.methods import method_page
from arena.competitions.selectors import competition_get


@require_GET
def method_detail(request, competition_slug: str, team_id: int):
    # Method names are free text (spaces, slashes, any script), so the name travels as the
    # query parameter ``name``, percent-encoded, never as a path segment.
    competition = competition_get(slug=competition_slug)
    page = method_page(
        competition=competition,
        team=team_id,
        method_name=request.GET.get("name", ""),
        user=request.user,
    )
    return render(request, "compare/method_detail.html", {"competition": competition, "page": page})

from functools import cache
from pathlib import Path

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_GET

from arena.competitions import selectors
from arena.pages.checklist import organizer_checklist
from arena.pages.console import may_create_competitions
from arena.results.visibility import compare_refusal, user_is_reviewer
from arena.teams.selectors import team_for_user


@require_GET
def home(request):
    return render(
        request,
        "competitions/home.html",
        {
            "competitions": selectors.competition_list(),
            "may_create": may_create_competitions(request.user),
        },
    )


@require_GET
def competition_detail(request, competition_slug: str):
    competition = selectors.competition_get(slug=competition_slug)
    is_organizer = selectors.user_is_organizer(competition=competition, user=request.user)
    checklist = organizer_checklist(competition=competition) if is_organizer else []
    return render(
        request,
        "competitions/competition_detail.html",
        {
            "checklist": checklist,
            "checklist_count": sum(step.done for step in checklist),
            "checklist_done": all(step.done or step.optional for step in checklist),
            "competition": competition,
            "phase": selectors.competition_phase(competition=competition),
            "tracks": selectors.tracks_with_tasks(competition=competition),
            "announcements": selectors.announcements_for(competition=competition, limit=2),
            "team": team_for_user(competition=competition, user=request.user),
            "rules": selectors.rules_standing(competition=competition, user=request.user),
            "is_organizer": is_organizer,
            "upload_rate": upload_rate(),
            **_compare_link(competition=competition, user=request.user),
        },
    )


def upload_rate() -> dict:
    """The platform's upload rate limit, as the rules in words state it."""
    return {
        "count": settings.UPLOAD_RATE_LIMIT_COUNT,
        "minutes": settings.UPLOAD_RATE_LIMIT_SECONDS // 60,
    }


def _compare_link(*, competition, user) -> dict:
    """Reviewers get the link to the compare pages or, while those are closed to them, the
    reason why; both come from the compare pages' own access rule, so link and pages agree."""
    if not user_is_reviewer(competition=competition, user=user):
        return {"is_reviewer": False, "compare_closed_because": ""}
    refusal = compare_refusal(competition=competition, user=user)
    return {"is_reviewer": True, "compare_closed_because": refusal or ""}


DATASETS_STANDARD = Path(settings.REPO_ROOT) / "docs" / "DATASETS.md"


@cache
def _datasets_standard_text() -> str:
    """docs/DATASETS.md, read once per process (it changes only with a deploy)."""
    return DATASETS_STANDARD.read_text(encoding="utf-8")


@require_GET
def datasets_standard(request):
    """The dataset standard (docs/DATASETS.md) as a page, for organizers writing a bundle."""
    return render(
        request, "competitions/datasets_standard.html", {"text": _datasets_standard_text()}
    )

"""A competition's rules page: the organizer's text, the rules in words, and accepting them."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods

from arena.competitions import selectors, services
from arena.competitions.forms import RulesAcceptForm
from arena.core.errors import UserFacingError
from arena.pages.competitions import upload_rate
from arena.teams.selectors import team_for_user


@require_http_methods(["GET", "POST"])
def competition_rules(request, competition_slug: str):
    """Anyone may read the rules; a signed-in person accepts them here, once per version."""
    competition = selectors.competition_get(slug=competition_slug)
    fingerprint = selectors.rules_fingerprint(competition=competition)
    form = RulesAcceptForm(initial={"rules_hash": fingerprint})
    next_url = _next_url(request)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        form = RulesAcceptForm(request.POST)
        if form.is_valid():
            try:
                services.rules_accept(
                    competition=competition,
                    user=request.user,
                    rules_hash=form.cleaned_data["rules_hash"],
                )
            except UserFacingError as error:
                # The rules changed while they read: the page shows the new ones to accept,
                # still on the way to where they were going.
                messages.error(request, error.message)
                again = reverse("competitions:rules", args=[competition.slug])
                return redirect(f"{again}?{urlencode({'next': next_url})}" if next_url else again)
            messages.success(request, "Thank you: you accepted the rules.")
            return redirect(next_url or reverse("competitions:rules", args=[competition.slug]))
    return render(
        request,
        "competitions/rules.html",
        {
            "competition": competition,
            "phase": selectors.competition_phase(competition=competition),
            "standing": selectors.rules_standing(competition=competition, user=request.user),
            "team": team_for_user(competition=competition, user=request.user),
            "form": form,
            "next_url": next_url,
            "upload_rate": upload_rate(),
        },
    )


def _next_url(request) -> str:
    """Where the person was going (the team page with an invite code, say), if it is ours."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if safe else ""

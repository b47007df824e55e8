from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from arena.competitions.selectors import (
    competition_for_organizer,
    competition_get,
    rules_standing,
)
from arena.core.errors import UserFacingError
from arena.teams import selectors, services
from arena.teams.forms import TeamCreateForm, TeamInviteForm, TeamJoinForm
from arena.teams.models import Team
from arena.teams.notifications import team_invitation_mail


@login_required
@require_http_methods(["GET", "POST"])
def my_team(request, competition_slug: str):
    competition = competition_get(slug=competition_slug)
    team = selectors.team_for_user(competition=competition, user=request.user)
    rules = rules_standing(competition=competition, user=request.user)
    create_form = TeamCreateForm(prefix="create")
    join_form = TeamJoinForm(prefix="join", initial={"invite_code": request.GET.get("code", "")})

    invite_form = TeamInviteForm(prefix="invite")
    if request.method == "POST" and team is not None and request.POST.get("action") == "invite":
        invite_form = TeamInviteForm(request.POST, prefix="invite")
        if invite_form.is_valid():
            email = invite_form.cleaned_data["email"]
            try:
                team_invitation_mail(
                    team=team, inviter=request.user, email=email, link=_invite_url(request, team)
                )
            except UserFacingError as error:
                invite_form.add_error("email", error.message)
            else:
                messages.success(
                    request,
                    f"If {email} is the verified address of an Arena account that takes "
                    "invitations, the invitation is on its way. If they have no account yet, "
                    "send them the link instead.",
                )
                return redirect("teams:mine", competition_slug=competition.slug)

    if request.method == "POST" and team is None:
        action = request.POST.get("action")
        form = (
            TeamCreateForm(request.POST, prefix="create")
            if action == "create"
            else TeamJoinForm(request.POST, prefix="join")
        )
        if form.is_valid():
            try:
                if action == "create":
                    team = services.team_create(
                        competition=competition, user=request.user, name=form.cleaned_data["name"]
                    )
                    messages.success(request, f"Team {team.name} created. Invite your teammates.")
                else:
                    team = services.team_join(
                        competition=competition,
                        user=request.user,
                        invite_code=form.cleaned_data["invite_code"],
                    )
                    messages.success(request, f"You joined {team.name}.")
                return redirect("teams:mine", competition_slug=competition.slug)
            except UserFacingError as error:
                if not rules.current:
                    # The page shows the way to the rules instead of the forms.
                    messages.error(request, error.message)
                else:
                    form.add_error(
                        error.field if error.field in form.fields else None, error.message
                    )
        if action == "create":
            create_form = form
        else:
            join_form = form

    members = selectors.team_members(team=team) if team else []
    return render(
        request,
        "teams/my_team.html",
        {
            "competition": competition,
            "team": team,
            "members": members,
            "rules": rules,
            "is_owner": any(m.user_id == request.user.pk and m.role == "owner" for m in members),
            "create_form": create_form,
            "join_form": join_form,
            "invite_form": invite_form,
            "invite_url": _invite_url(request, team) if team else "",
        },
    )


def _invite_url(request, team: Team) -> str:
    return request.build_absolute_uri(request.path) + f"?code={team.invite_code}"


@login_required
@require_POST
def team_manage(request, competition_slug: str):
    """The owner's and members' actions on their team: rename, remove a member, leave."""
    competition = competition_get(slug=competition_slug)
    team = selectors.team_for_user(competition=competition, user=request.user)
    if team is None:
        return redirect("teams:mine", competition_slug=competition.slug)
    action = request.POST.get("action")
    try:
        if action == "rename":
            services.team_rename(team=team, user=request.user, name=request.POST.get("name", ""))
            messages.success(request, f"The team is now called {team.name}.")
        elif action == "remove":
            member_id = int(request.POST.get("member", "0") or 0)
            services.team_remove_member(team=team, owner=request.user, member_id=member_id)
            messages.success(request, "Member removed; their submissions stay with the team.")
        elif action == "leave":
            services.team_leave(team=team, user=request.user)
            messages.success(request, f"You left {team.name}.")
        else:
            messages.error(request, "Unknown action.")
    except (UserFacingError, ValueError) as error:
        messages.error(request, getattr(error, "message", "That request was not understood."))
    return redirect("teams:mine", competition_slug=competition.slug)


# Above this many teams the page is paged; a search keeps its query from page to page.
TEAMS_PER_PAGE = 100


@login_required
@require_http_methods(["GET", "POST"])
def competition_teams(request, competition_slug: str):
    """Organizers: the teams, searched and paged, with their members and activity; disqualify
    or reinstate one."""
    competition = competition_for_organizer(
        slug=competition_slug,
        user=request.user,
        refusal="Only the competition's organizers see and manage all teams.",
    )
    if request.method == "POST":
        _standing_change(request, competition=competition)
        # Back to the search and page the organizer acted from.
        where = {key: request.POST[key] for key in ("q", "page") if request.POST.get(key)}
        url = reverse("teams:organize", args=[competition.slug])
        return redirect(f"{url}?{urlencode(where)}" if where else url)
    query = request.GET.get("q", "").strip()
    paginator = Paginator(
        selectors.teams_search(competition=competition, query=query), TEAMS_PER_PAGE
    )
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "teams/competition_teams.html",
        {
            "competition": competition,
            "teams": selectors.team_overviews(teams=page.object_list),
            "page": page,
            "query": query,
            "found": paginator.count,
            "total": selectors.teams_count(competition=competition) if query else paginator.count,
        },
    )


def _standing_change(request, *, competition) -> None:
    team_id = request.POST.get("team", "")
    if not team_id.isdigit():
        raise Http404("No such team")
    team = get_object_or_404(Team, competition=competition, is_baseline=False, pk=team_id)
    action = request.POST.get("action")
    if action not in ("disqualify", "reinstate"):
        messages.error(request, "Choose Disqualify or Reinstate.")
        return
    try:
        if action == "reinstate":
            services.team_reinstate(team=team, by=request.user)
            messages.success(request, f"{team.name} is back on the leaderboards.")
        else:
            services.team_disqualify(
                team=team, by=request.user, reason=request.POST.get("reason", "")
            )
            messages.success(request, f"{team.name} is disqualified and off the leaderboards.")
    except UserFacingError as error:
        messages.error(request, error.message)

"""Organizer pages of one team, and the teams' CSV (the Teams page itself is teams:organize)."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from arena.competitions.selectors import competition_for_organizer
from arena.methods.selectors import methods_of_team, runs_of_team
from arena.results.exports import teams_csv
from arena.results.visibility import board_is_private
from arena.submissions.selectors import submissions_of_team
from arena.teams import selectors as teams

REFUSAL = "Only the competition's organizers see its teams' members and submissions."


@login_required
@require_GET
def team_page(request, competition_slug: str, team_id: int):
    """One team as organizers see it: members, uploads, methods, runs and what happened."""
    competition = competition_for_organizer(
        slug=competition_slug, user=request.user, refusal=REFUSAL
    )
    team = teams.team_for_organizer(competition=competition, team_id=team_id)
    # The split a board gets when nobody asks: public until the reveal, for organizers too.
    # The boards offer organizers a preview of the private split; this page offers none.
    private = board_is_private(competition=competition, user=request.user, asked=None)
    members = teams.team_members(team=team)
    submissions = submissions_of_team(team=team, include_private=private)
    methods = list(methods_of_team(team=team))
    decisions = teams.team_decisions(team=team)
    return render(
        request,
        "teams/organize_team.html",
        {
            "competition": competition,
            "team": team,
            "members": members,
            "submissions": submissions,
            "private": private,
            "methods": methods,
            "runs": runs_of_team(team=team),
            "events": _activity(
                team=team,
                members=members,
                submissions=submissions,
                methods=methods,
                decisions=decisions,
            ),
        },
    )


@login_required
@require_GET
def teams_download(request, competition_slug: str):
    """The Teams page's rows (its search too, ``q``) as CSV, safe to open in a spreadsheet."""
    competition = competition_for_organizer(
        slug=competition_slug, user=request.user, refusal=REFUSAL
    )
    found = teams.teams_search(competition=competition, query=request.GET.get("q", ""))
    response = HttpResponse(
        teams_csv(rows=teams.team_overviews(teams=found)), content_type="text/csv; charset=utf-8"
    )
    # Slugs are letters, digits and hyphens: nothing to escape in the header.
    response["Content-Disposition"] = f'attachment; filename="{competition.slug}-teams.csv"'
    return response


@dataclass(frozen=True)
class Event:
    at: datetime
    kind: str  # "created", "joined", "upload", "method", "team.disqualified", ...
    who: str
    what: str


def _activity(*, team, members, submissions, methods, decisions) -> list[Event]:
    """The team's story from what the page already read, newest first: no further query."""
    events = [
        Event(team.created_at, "created", _name(team.created_by), f"Team {team.name} created")
    ]
    for member in members:
        role = "owner" if member.role == "owner" else "member"
        events.append(Event(member.joined_at, "joined", member.user.username, f"Joined as {role}"))
    for submission in submissions:
        what = f"Uploaded {submission.original_name} to {submission.task.title}"
        events.append(
            Event(
                submission.created_at,
                "upload",
                _name(submission.submitted_by),
                f"{what} ({submission.get_status_display().lower()})",
            )
        )
    for method in methods:
        for version in method.versions.all():
            what = f"Pushed {method.name} v{version.number}"
            events.append(Event(version.pushed_at, "method", _name(version.pushed_by), what))
    for decision in decisions:
        events.append(
            Event(decision.created_at, decision.action, _name(decision.actor), decision.summary)
        )
    return sorted(events, key=lambda event: event.at, reverse=True)


def _name(user) -> str:
    return user.username if user is not None else "—"

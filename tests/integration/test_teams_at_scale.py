"""Organizers run a challenge of many teams from the Teams page: it searches (team name, member
username or e-mail) and pages, each team has its own page (members, submissions with public
scores only until the reveal, methods and runs, activity), and the list downloads as CSV that a
spreadsheet cannot run. Neither page nor download costs more queries for more teams."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from arena.competitions.models import Competition
from arena.methods.models import Method, MethodRun, MethodVersion
from arena.submissions.models import Score, Submission
from arena.teams.models import Membership, Team
from arena.teams.services import team_disqualify
from tests.integration.helpers import predictions_with_private_errors, submit_scored
from tests.participants import team_create, team_join

pytestmark = pytest.mark.django_db


@pytest.fixture
def teams(competition, alice, bob, make_user):
    """Alpha (alice, owner, and dave), and a team whose name a spreadsheet would run."""
    alice.email = "alice@example.org"
    alice.save()
    dave = make_user("dave")
    dave.email = "dave@lab.example.net"
    dave.save()
    alpha = team_create(competition=competition, user=alice, name="Alpha")
    team_join(competition=competition, user=dave, invite_code=alpha.invite_code)
    bravo = team_create(competition=competition, user=bob, name="=Bravo")
    return {"Alpha": alpha, "=Bravo": bravo}


def teams_url(competition, **query) -> str:
    url = reverse("teams:organize", args=[competition.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def team_url(competition, team) -> str:
    return reverse("competitions:organize_team", args=[competition.slug, team.pk])


def csv_url(competition, **query) -> str:
    url = reverse("competitions:organize_teams_csv", args=[competition.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def listed(page: str, teams: dict) -> set[str]:
    return {name for name, team in teams.items() if f'data-team="{team.pk}"' in page}


def add_teams(competition, task, *, count: int, prefix: str = "Squad") -> list[Team]:
    """``count`` more teams, each with one member and one scored upload (rows written directly:
    only their number matters here)."""
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"{prefix.lower()}{i:03}", email=f"{prefix.lower()}{i}@x.org")
        for i in range(count)
    )
    created = Team.objects.bulk_create(
        Team(competition=competition, name=f"{prefix} {i:03}") for i in range(count)
    )
    Membership.objects.bulk_create(
        Membership(team=team, user=user, competition=competition, role="owner")
        for team, user in zip(created, users, strict=True)
    )
    for team, user in zip(created, users, strict=True):
        add_uploads(task, team=team, user=user, count=1)
    return created


def add_uploads(task, *, team, user, count: int) -> None:
    """``count`` scored uploads of ``team``, both splits scored."""
    first = Submission.objects.filter(team=team).count()
    submissions = Submission.objects.bulk_create(
        Submission(
            task=task,
            team=team,
            submitted_by=user,
            status="scored",
            file_key=f"t/{team.pk}/{first + i}",
            original_name="p.csv",
            size_bytes=1,
        )  # fmt: skip
        for i in range(count)
    )
    Score.objects.bulk_create(
        Score(submission=s, split=split, metric=task.metric, value=0.5, task_version=task.version)
        for s in submissions
        for split in ("public", "private")
    )


# --- search and pages -----------------------------------------------------------------------


def test_search_by_team_name_member_username_or_email(client, competition, organizer, teams):
    client.force_login(organizer)
    page = client.get(teams_url(competition)).content.decode()
    assert listed(page, teams) == {"Alpha", "=Bravo"} and "2 teams taking part" in page
    assert 'class="sortable"' in page and 'data-sort="num"' in page  # still sorts

    for query, found in (
        ("alp", {"Alpha"}),  # part of a name, any case
        ("BRAVO", {"=Bravo"}),
        ("bob", {"=Bravo"}),  # a member's username
        ("DAVE", {"Alpha"}),  # a member who is not the owner
        ("lab.example", {"Alpha"}),  # a member's e-mail
        ("nobody-here", set()),
    ):
        page = client.get(teams_url(competition, q=query)).content.decode()
        assert listed(page, teams) == found, query
        assert f"{len(found)} of 2 teams match" in page, query
    assert "No team's name, member's username or e-mail contains" in page


def test_a_search_with_two_matching_members_lists_the_team_once(client, competition, organizer):
    people = get_user_model().objects
    owner = people.create_user(username="sam-one", email="s1@example.org")
    team = team_create(competition=competition, user=owner, name="Samples")
    team_join(
        competition=competition,
        user=people.create_user(username="sam-two"),
        invite_code=team.invite_code,
    )
    client.force_login(organizer)
    page = client.get(teams_url(competition, q="sam")).content.decode()
    assert page.count(f'data-team="{team.pk}"') == 1 and "1 of 1 team match" in page


def test_many_teams_are_paged_and_the_pages_keep_the_search(
    client, competition, organizer, teams, products
):
    task, _ = products
    squads = add_teams(competition, task, count=105)
    client.force_login(organizer)

    first = client.get(teams_url(competition, q="squad")).content.decode()
    assert "105 of 107 teams match" in first
    assert first.count('data-team="') == 100 and "Page 1 of 2" in first
    assert 'href="?q=squad&amp;page=2"' in first
    second = client.get(teams_url(competition, q="squad", page=2)).content.decode()
    shown = {team.name for team in squads if f'data-team="{team.pk}"' in second}
    assert shown == {f"Squad {i:03}" for i in range(100, 105)}
    assert listed(second, teams) == set()  # still searching: Alpha and =Bravo stay out
    assert 'href="?q=squad&amp;page=1"' in second and "Page 2 of 2" in second
    # The CSV link downloads what the search found, not only the page.
    assert f'href="{csv_url(competition, q="squad")}"' in second

    everything = client.get(teams_url(competition)).content.decode()
    assert "107 teams taking part" in everything and "Page 1 of 2" in everything


def test_a_standing_change_returns_to_the_search(client, competition, organizer, teams):
    client.force_login(organizer)
    response = client.post(
        teams_url(competition),
        {"team": teams["Alpha"].pk, "action": "disqualify", "reason": "rule 3", "q": "alp"},
    )
    assert response.status_code == 302 and response["Location"] == teams_url(competition, q="alp")


# --- one team's page ------------------------------------------------------------------------


def reveal(competition) -> None:
    now = timezone.now()
    Competition.objects.filter(pk=competition.pk).update(
        start_at=now - timedelta(days=10), end_at=now - timedelta(hours=1), reveal_at=None
    )


def test_a_team_page_shows_members_submissions_and_public_scores_only(
    client, competition, organizer, teams, products, alice
):
    task, _ = products
    submission = submit_scored(task, alice, predictions_with_private_errors(task, wrong_private=9))
    scores = {s.split: s.value for s in submission.scores.filter(metric=task.metric)}
    public, private = f"{scores['public']:.4f}", f"{scores['private']:.4f}"
    assert public != private  # so the page can tell them apart

    client.force_login(organizer)
    page = client.get(team_url(competition, teams["Alpha"])).content.decode()
    assert 'data-member="alice"' in page and 'data-member="dave"' in page
    assert "alice@example.org" in page and "dave@lab.example.net" in page
    assert "<strong>Owner</strong>" in page
    assert f'data-submission="{submission.pk}"' in page and "Products" in page
    assert f">{public}</td>" in page
    assert private not in page and "Private score</th>" not in page
    # Activity: the team was created, dave joined, alice uploaded.
    assert 'data-kind="created"' in page and 'data-kind="joined"' in page
    assert "Uploaded predictions.csv to Products (scored)" in page

    reveal(competition)
    page = client.get(team_url(competition, teams["Alpha"])).content.decode()
    assert f">{public}</td>" in page and f">{private}</td>" in page
    assert "Private score</th>" in page


def test_a_team_page_shows_methods_runs_and_decisions(
    client, competition, organizer, teams, products
):
    task, _ = products
    alpha = teams["Alpha"]
    method = Method.objects.create(team=alpha, name="AlphaNet")
    version = MethodVersion.objects.create(
        method=method, number=1, content_hash="c0ffee", manifest={}, files=[], size_bytes=10,
        archive_key=f"methods/{alpha.pk}/alphanet-1.zip",
    )  # fmt: skip
    run = MethodRun.objects.create(version=version, task=task, status="failed", message="exit 1")
    team_disqualify(team=alpha, by=organizer, reason="Two accounts of one person")

    client.force_login(organizer)
    page = client.get(team_url(competition, alpha)).content.decode()
    version_url = reverse("methods:version", args=[competition.slug, version.pk])
    assert f'href="{version_url}"' in page and f'data-run="{run.pk}"' in page
    assert "Disqualified" in page and "Two accounts of one person" in page
    assert 'data-kind="team.disqualified"' in page and 'data-kind="method"' in page
    # The Teams page links each team to its page.
    assert (
        f'href="{team_url(competition, alpha)}"'
        in client.get(teams_url(competition)).content.decode()
    )


def test_only_organizers_see_team_pages_and_the_csv(
    client, competition, organizer, teams, alice, other_competition, make_user
):
    urls = [team_url(competition, teams["=Bravo"]), csv_url(competition)]
    for url in urls:
        assert client.get(url).status_code == 302  # to the login page
    client.force_login(alice)  # a member of Alpha, not an organizer
    for url in urls:
        assert client.get(url).status_code == 403
    elsewhere = make_user("otto")
    other_competition.organizers.add(elsewhere)
    client.force_login(elsewhere)  # organizes another competition
    for url in urls:
        assert client.get(url).status_code == 403
    # An organizer of the other competition cannot reach this one's team through theirs.
    foreign = reverse(
        "competitions:organize_team", args=[other_competition.slug, teams["Alpha"].pk]
    )
    assert client.get(foreign).status_code == 404
    client.force_login(organizer)
    for url in urls:
        assert client.get(url).status_code == 200


# --- the CSV --------------------------------------------------------------------------------


def read_csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_csv_lists_teams_and_defuses_formulas(
    client, competition, organizer, teams, products, alice, make_user
):
    task, _ = products
    submission = submit_scored(task, alice, predictions_with_private_errors(task, wrong_private=9))
    private = Score.objects.get(submission=submission, split="private", metric=task.metric).value
    team_disqualify(team=teams["=Bravo"], by=organizer, reason="@rule 3")
    hostile = {}
    for name, username, email in (
        ("+1 Club", "+plus", "=cmd@example.org"),
        ("-1 Club", "minus", ""),
        ("@x Club", "at", ""),
    ):
        user = make_user(username)
        user.email = email
        user.save()
        hostile[name] = team_create(competition=competition, user=user, name=name)

    client.force_login(organizer)
    response = client.get(csv_url(competition))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="test-cup-teams.csv"'
    text = response.content.decode()
    rows = {row["id"]: row for row in read_csv(response)}
    assert list(read_csv(response)[0]) == [
        "id", "name", "members", "member_emails", "created_utc", "submissions", "scored",
        "last_upload_utc", "standing", "disqualification_reason",
    ]  # fmt: skip
    alpha = rows[str(teams["Alpha"].pk)]
    assert alpha["name"] == "Alpha" and alpha["members"] == "alice;dave"
    assert alpha["member_emails"] == "alice@example.org;dave@lab.example.net"
    assert (alpha["submissions"], alpha["scored"], alpha["standing"]) == ("1", "1", "taking part")
    last_upload = submission.created_at.isoformat(timespec="seconds")
    assert alpha["last_upload_utc"] == last_upload
    created = teams["Alpha"].created_at.isoformat(timespec="seconds")
    assert alpha["created_utc"] == created
    bravo = rows[str(teams["=Bravo"].pk)]
    assert bravo["name"] == "'=Bravo" and bravo["standing"] == "disqualified"
    assert bravo["disqualification_reason"] == "'@rule 3"
    assert [rows[str(team.pk)]["name"] for team in hostile.values()] == [
        "'+1 Club",
        "'-1 Club",
        "'@x Club",
    ]
    plus = rows[str(hostile["+1 Club"].pk)]
    assert plus["members"] == "'+plus" and plus["member_emails"] == "'=cmd@example.org"
    # No cell anywhere starts with a character a spreadsheet would run.
    for row in csv.reader(io.StringIO(text)):
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row), row
    header = text.splitlines()[0]
    assert "public" not in header and "private" not in header
    assert f"{private:.4f}" not in text and repr(private) not in text

    only = read_csv(client.get(csv_url(competition, q="BRAV")))
    assert [row["id"] for row in only] == [str(teams["=Bravo"].pk)]


# --- queries do not grow with the teams -----------------------------------------------------


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_pages_and_csv_cost_the_same_queries_for_3_and_30_teams(
    client, competition, organizer, teams, products, alice
):
    task, _ = products
    add_teams(competition, task, count=1)  # 3 teams
    # Alpha has uploads from the start: a list with none skips a query that any count needs.
    add_uploads(task, team=teams["Alpha"], user=alice, count=1)
    client.force_login(organizer)
    urls = [
        teams_url(competition),
        teams_url(competition, q="a"),
        csv_url(competition),
        team_url(competition, teams["Alpha"]),
    ]
    client.get(urls[0])  # the session and caches warm
    few = {url: queries_for(client, url) for url in urls}
    add_teams(competition, task, count=27, prefix="Crew")  # 30 teams
    add_uploads(task, team=teams["Alpha"], user=alice, count=20)  # and a busier team
    many = {url: queries_for(client, url) for url in urls}
    assert few == many
    assert "30 teams taking part" in client.get(urls[0]).content.decode()

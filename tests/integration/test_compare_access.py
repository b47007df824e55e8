"""Who may open the compare pages (matrix, pairwise, score export) and who gets the link.

A reviewer who also competes would see every rival's method names and per-submission scores
and times, more than any other team sees: until the reveal the pages are closed to them (403,
saying why and when they open), unless they organize the competition too.

The contest is built once per module inside a transaction that is rolled back at the end; what
a test changes (the schedule, reviewers, teams) is rolled back with its own savepoint."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from arena.competitions.models import Competition, Task
from arena.results.services import competition_results_refresh
from arena.results.visibility import compare_refusal
from arena.submissions.models import Submission
from tests import builders
from tests.builders import products_task, user_create, world_fixture, world_user_fixture
from tests.integration.helpers import predictions_with_private_errors, submit_scored
from tests.participants import team_create

pytestmark = pytest.mark.django_db

RIVAL_METHOD = "SecretSauceBoost"


@dataclass(frozen=True)
class World:
    """Primary keys only: each test fetches its rows afresh."""

    task: int  # Products, in Test Cup


def _build() -> World:
    """Alpha (alice) and Bravo (bob) have each a scored entry; Bravo's method is the secret."""
    competition = builders.running_cup()
    task, _ = products_task(competition)
    alice, bob = user_create("alice"), user_create("bob")
    team_create(competition=competition, user=alice, name="Alpha")
    team_create(competition=competition, user=bob, name="Bravo")
    submit_scored(task, alice, predictions_with_private_errors(task, wrong_private=3))
    theirs = submit_scored(task, bob, predictions_with_private_errors(task, wrong_private=0))
    Submission.objects.filter(pk=theirs.pk).update(method_name=RIVAL_METHOD)
    competition_results_refresh(
        competition_id=competition.pk, force=True
    )  # what the worker does after scores
    return World(task=task.pk)


world = world_fixture(_build)  # built once per module, rolled back at its end


@pytest.fixture
def contest(world, db):
    """(competition, task) as they stand in this test."""
    task = Task.objects.select_related("competition").get(pk=world.task)
    return task.competition, task


alice = world_user_fixture("alice")
bob = world_user_fixture("bob")


@pytest.fixture
def competing_reviewer(contest, alice):
    competition, _ = contest
    competition.reviewers.add(alice)
    return alice


@pytest.fixture
def outside_reviewer(contest, make_user):
    competition, _ = contest
    rita = make_user("rita")
    competition.reviewers.add(rita)
    return rita


def compare_urls(competition, task) -> dict[str, str]:
    slug = competition.slug
    return {
        "matrix": reverse("compare:comparison", args=[slug]),
        "export": reverse("compare:export", args=[slug, "csv"]),
        "pairwise": reverse("compare:pairwise", args=[slug]) + f"?task={task.slug}",
    }


def reveal(competition) -> None:
    """Moves the schedule so the competition has ended and its results are out."""
    now = timezone.now()
    Competition.objects.filter(pk=competition.pk).update(
        start_at=now - timedelta(days=10), end_at=now - timedelta(hours=1), reveal_at=None
    )


def test_a_competing_reviewer_is_refused_every_compare_page_before_the_reveal(
    client, contest, competing_reviewer
):
    competition, task = contest
    opens = (competition.end_at + timedelta(days=3)).replace(hour=18, minute=30, microsecond=0)
    Competition.objects.filter(pk=competition.pk).update(reveal_at=opens)
    client.force_login(competing_reviewer)
    for name, url in compare_urls(competition, task).items():
        response = client.get(url)
        assert response.status_code == 403, name
        body = response.content.decode()
        assert "also compete in it (team Alpha)" in body, name
        assert f"{opens.day} {opens:%b %Y, %H:%M} UTC" in body, name  # when it opens
        assert RIVAL_METHOD not in body and "Bravo" not in body, name
        assert "text/csv" not in response["Content-Type"], name


def test_a_competing_reviewer_opens_every_compare_page_after_the_reveal(
    client, contest, competing_reviewer
):
    competition, task = contest
    reveal(competition)
    client.force_login(competing_reviewer)
    for name, url in compare_urls(competition, task).items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert RIVAL_METHOD in response.content.decode(), name


def test_a_reviewer_without_a_team_opens_every_compare_page_before_the_reveal(
    client, contest, outside_reviewer
):
    competition, task = contest
    client.force_login(outside_reviewer)
    for name, url in compare_urls(competition, task).items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert RIVAL_METHOD in response.content.decode(), name


def test_an_organizer_on_a_team_may_compare_before_the_reveal(client, contest, make_user):
    competition, task = contest
    olga = make_user("olga")
    team_create(competition=competition, user=olga, name="Oscar")
    competition.organizers.add(olga)
    competition.reviewers.add(olga)
    client.force_login(olga)
    for name, url in compare_urls(competition, task).items():
        assert client.get(url).status_code == 200, name


def test_participants_and_visitors_stay_refused(client, contest, bob):
    competition, task = contest
    for who in (None, bob):
        if who:
            client.force_login(who)
        for name, url in compare_urls(competition, task).items():
            response = client.get(url)
            assert response.status_code == 403, (who, name)
            assert "Only the competition&#x27;s reviewers and organizers" in (
                response.content.decode()
            )
            assert RIVAL_METHOD not in response.content.decode()


def test_the_rule_turns_at_the_reveal_time(contest, competing_reviewer):
    competition, _ = contest
    competition.refresh_from_db()
    moment = competition.reveal_time
    before = compare_refusal(
        competition=competition, user=competing_reviewer, now=moment - timedelta(seconds=1)
    )
    assert before is not None and "team Alpha" in before
    assert compare_refusal(competition=competition, user=competing_reviewer, now=moment) is None


def compare_link(competition) -> str:
    return f'href="{reverse("compare:comparison", args=[competition.slug])}"'


def test_reviewers_get_the_compare_link_participants_do_not(client, contest, outside_reviewer, bob):
    competition, _ = contest
    page_url = reverse("competitions:detail", args=[competition.slug])
    client.force_login(outside_reviewer)
    assert compare_link(competition) in client.get(page_url).content.decode()
    client.force_login(bob)
    page = client.get(page_url).content.decode()
    assert compare_link(competition) not in page and "Compare methods" not in page
    client.logout()
    assert compare_link(competition) not in client.get(page_url).content.decode()


def test_a_competing_reviewer_is_told_why_there_is_no_link_until_the_reveal(
    client, contest, competing_reviewer
):
    competition, _ = contest
    page_url = reverse("competitions:detail", args=[competition.slug])
    client.force_login(competing_reviewer)
    page = client.get(page_url).content.decode()
    assert compare_link(competition) not in page
    assert 'id="compare-closed"' in page and "also compete in it (team Alpha)" in page
    reveal(competition)
    page = client.get(page_url).content.decode()
    assert compare_link(competition) in page and 'id="compare-closed"' not in page


def test_leaving_the_team_for_a_look_does_not_open_the_pages(client, contest, competing_reviewer):
    from arena.teams.models import Team
    from arena.teams.services import team_leave

    competition, task = contest
    team_leave(team=Team.objects.get(name="Alpha"), user=competing_reviewer)
    client.force_login(competing_reviewer)
    for name, url in compare_urls(competition, task).items():
        response = client.get(url)
        assert response.status_code == 403, name
        assert RIVAL_METHOD not in response.content.decode(), name

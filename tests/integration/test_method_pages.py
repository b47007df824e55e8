"""Every method has a page: description, link, tags, results per task with intervals and its
submissions; public figures only before the reveal; boards and the comparison link to it.

Alpha's method is built once per module inside a transaction that is rolled back at the end;
what a test changes (the schedule, the team's standing, its members) is rolled back with its
own savepoint."""

from dataclasses import dataclass
from datetime import timedelta
from html import escape
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from arena.competitions.models import Competition
from arena.competitions.services import competition_create
from arena.results.services import competition_results_refresh
from arena.submissions.models import Score, Submission
from arena.teams.models import Membership, Team
from arena.teams.services import team_disqualify
from tests import builders
from tests.builders import gadgets_task, products_task, user_create, world_fixture
from tests.integration.helpers import (
    answers_with_usage,
    predictions_with_private_errors,
    submit_scored,
)
from tests.participants import team_create

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert('x')</script> a/b ünïcode?&name=x"


def with_errors(task, *, public: int, private: int):
    """Wrong on ``public`` public rows and ``private`` private rows: the two scores differ."""
    frame = predictions_with_private_errors(task, wrong_private=private)
    key = answers_with_usage(task)
    for index in key.index[key["usage"] == "public"][:public]:
        frame.at[index, "label"] = next(c for c in task.classes if c != frame.at[index, "label"])
    return frame


@dataclass(frozen=True)
class World:
    """Primary keys only: each test fetches its rows afresh."""

    alice: int
    team: int  # Alpha, alice's
    submissions: tuple[int, int]  # Alpha's method on Products, then on Gadgets


def _build() -> World:
    """Team Alpha's method HOSTILE on two tasks, described, tagged and linked."""
    competition = builders.running_cup()
    first, _ = products_task(competition)
    second = gadgets_task(competition, products=first)
    alice = user_create("alice")
    team = team_create(competition=competition, user=alice, name="Alpha")
    submissions = []
    for task in (first, second):
        submission = submit_scored(task, alice, with_errors(task, public=3, private=25))
        submission.method_name = HOSTILE
        submission.comment = "Gradient boosting on <b>TF-IDF</b> features"
        submission.tags = ["gbdt", "text"]
        submission.code_url = "https://example.org/code?a=1&b=2"
        submission.save(update_fields=["method_name", "comment", "tags", "code_url"])
        submissions.append(submission.pk)
    return World(alice=alice.pk, team=team.pk, submissions=tuple(submissions))


world = world_fixture(_build)  # built once per module, rolled back at its end


# The world's alice (the conftest fixture would make a new user of that name); alice_client
# logs her in.
@pytest.fixture
def alice(world, db):
    return get_user_model().objects.get(pk=world.alice)


@pytest.fixture
def method(world, db):
    """(team, (first task, second task), submissions) as they stand in this test."""
    team = Team.objects.get(pk=world.team)
    by_pk = Submission.objects.select_related("task").in_bulk(world.submissions)
    submissions = [by_pk[pk] for pk in world.submissions]
    return team, tuple(submission.task for submission in submissions), submissions


def method_url(competition, team_id, name=HOSTILE):
    base = reverse("compare:method", args=[competition.slug, team_id])
    return f"{base}?name={quote(name, safe='')}"


def primary(submission, split):
    return Score.objects.get(
        submission=submission,
        split=split,
        metric=submission.task.metric,
        task_version=submission.task.version,
    )


def reveal(competition):
    now = timezone.now()
    Competition.objects.filter(pk=competition.pk).update(
        start_at=now - timedelta(days=10), end_at=now - timedelta(hours=1), reveal_at=None
    )


def test_page_shows_both_results_with_intervals_and_what_the_team_says(alice_client, method):
    client = alice_client  # before the reveal, the team sees its own method
    team, tasks, submissions = method
    competition = tasks[0].competition
    response = client.get(method_url(competition, team.pk))
    assert response.status_code == 200
    html = response.content.decode()
    for task, submission in zip(tasks, submissions, strict=True):
        score = primary(submission, "public")
        assert score.ci_low is not None and score.ci_low < score.ci_high
        assert f"{score.value:.4f}" in html
        assert f"[{score.ci_low:.4f}, {score.ci_high:.4f}]" in html
        assert reverse("leaderboards:task", args=[competition.slug, task.slug]) in html
    assert "Gradient boosting on &lt;b&gt;TF-IDF&lt;/b&gt; features" in html
    assert "gbdt" in html and "text" in html
    assert 'href="https://example.org/code?a=1&amp;b=2" rel="nofollow noopener' in html
    assert ">Alpha<" in html
    assert 'class="sortable" id="method-results"' in html


def test_a_hostile_name_round_trips_through_its_url_escaped(alice_client, method):
    client = alice_client
    team, tasks, _ = method
    response = client.get(method_url(tasks[0].competition, team.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert" not in html
    assert escape(HOSTILE) in html
    assert "ünïcode" in html
    # A different name, or the name cut at a character a path would have split on: not found.
    cut = method_url(tasks[0].competition, team.pk, "<script>alert('x')</script> a")
    assert client.get(cut).status_code == 404


def test_unknown_methods_other_competitions_and_teams_that_do_not_stand_are_not_found(
    client, method, make_user
):
    team, tasks, _ = method
    competition = tasks[0].competition
    reveal(competition)  # open to everyone: what is left is whether the method exists
    assert client.get(method_url(competition, team.pk, "Nope")).status_code == 404
    assert client.get(method_url(competition, team.pk, "")).status_code == 404
    assert client.get(method_url(competition, team.pk + 999)).status_code == 404
    now = timezone.now()
    other = competition_create(
        slug="other-cup", title="Other Cup", start_at=now - timedelta(days=1),
        end_at=now + timedelta(days=30), max_team_size=2,
    )  # fmt: skip
    team_create(competition=other, user=make_user("olga"), name="Olga's")
    reveal(other)
    assert client.get(method_url(other, team.pk)).status_code == 404
    team_disqualify(
        team=team, by=make_user("oscar"), reason="Shared predictions with another team."
    )
    assert client.get(method_url(competition, team.pk)).status_code == 404


def test_a_team_without_members_has_no_method_page(client, method):
    team, tasks, _ = method
    reveal(tasks[0].competition)
    Membership.objects.filter(team=team).delete()
    assert client.get(method_url(tasks[0].competition, team.pk)).status_code == 404


def test_private_scores_show_only_after_the_reveal(client, alice, method):
    team, tasks, submissions = method
    client.force_login(alice)
    competition = tasks[0].competition
    private = [f"{primary(submission, 'private').value:.4f}" for submission in submissions]
    public = [f"{primary(submission, 'public').value:.4f}" for submission in submissions]
    assert not set(private) & set(public)
    html = client.get(method_url(competition, team.pk)).content.decode()
    for value in private:
        assert value not in html
    assert "Private score</th>" not in html and "Private macro_f1" not in html
    reveal(competition)
    html = client.get(method_url(competition, team.pk)).content.decode()
    for value in private + public:
        assert value in html
    interval = primary(submissions[0], "private")
    assert f"[{interval.ci_low:.4f}, {interval.ci_high:.4f}]" in html


def test_boards_and_the_comparison_link_to_the_method_page(client, method, make_user):
    team, tasks, _ = method
    competition = tasks[0].competition
    href = method_url(competition, team.pk)
    board_url = reverse("leaderboards:task", args=[competition.slug, tasks[0].slug])
    track_url = reverse("leaderboards:track", args=[competition.slug, tasks[0].track.slug])
    client.force_login(team.memberships.get().user)  # the team sees its own method linked
    assert f'href="{href}"' in client.get(board_url).content.decode()
    assert f'href="{href}"' in client.get(track_url).content.decode()
    reviewer = make_user("rita")
    competition.reviewers.add(reviewer)
    client.force_login(reviewer)
    competition_results_refresh(
        competition_id=competition.pk, force=True
    )  # what the worker does after scores
    comparison = client.get(reverse("compare:comparison", args=[competition.slug]))
    assert comparison.status_code == 200
    assert f'href="{href}"' in comparison.content.decode()
    # Following the link from the board lands on the page.
    assert client.get(href).status_code == 200


def test_before_the_reveal_rivals_see_scores_not_methods(client, method, bob, make_user):
    """Method names, descriptions and every submission's score stay with the team (and the
    organizers and reviewers who do not compete) until the reveal, as on the compare pages."""
    team, tasks, _ = method
    competition = tasks[0].competition
    href = method_url(competition, team.pk)
    board_url = reverse("leaderboards:task", args=[competition.slug, tasks[0].slug])
    team_create(competition=competition, user=bob, name="Bravo")
    for viewer in (None, bob):
        client.logout()
        if viewer is not None:
            client.force_login(viewer)
        closed = client.get(href)
        assert closed.status_code == 403
        assert "shown once the private scores are revealed" in closed.content.decode()
        assert "Gradient boosting" not in closed.content.decode()
        board = client.get(board_url).content.decode()
        assert "Alpha" in board and escape(HOSTILE) not in board and href not in board
    organizer = make_user("olga")
    competition.organizers.add(organizer)
    client.force_login(organizer)
    assert client.get(href).status_code == 200
    reveal(competition)
    client.logout()
    assert client.get(href).status_code == 200
    assert f'href="{href}"' in client.get(board_url).content.decode()

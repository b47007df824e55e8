"""Security, tried the way an attacker would: other teams' work stays out of reach, hidden
labels and private scores do not leak before the reveal, and hostile names are inert text on
every page and in every export."""

import io
import re

import pandas as pd
import pytest
from django.urls import reverse

from arena.results.services import competition_results_refresh
from arena.submissions.models import Submission
from tests.integration.helpers import predictions_with_private_errors, submit_scored
from tests.participants import team_create

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '<script>alert("x")</script>',
    '"><img src=x onerror=alert(1)>',
    '=HYPERLINK("http://evil")',
]
HOSTILE_TEAM = "<script>alert('team')</script>"
HOSTILE_METHOD = '"><img src=x onerror=alert(1)>'


@pytest.fixture
def two_teams(products, competition, alice, bob):
    task, _ = products
    team_create(competition=competition, user=alice, name=HOSTILE_TEAM)
    team_create(competition=competition, user=bob, name="Bravo")
    mine = submit_scored(task, alice, predictions_with_private_errors(task, wrong_private=7))
    Submission.objects.filter(pk=mine.pk).update(
        method_name=HOSTILE_METHOD, tags=["<svg onload=alert(1)>"], comment=PAYLOADS[0]
    )
    theirs = submit_scored(task, bob, predictions_with_private_errors(task, wrong_private=0))
    return task, mine, theirs


def test_a_team_cannot_reach_another_teams_submission(client, bob, two_teams):
    task, mine, _ = two_teams
    client.force_login(bob)
    base = f"/c/{task.competition.slug}/tasks/{task.slug}/submissions/{mine.pk}/"
    assert client.get(base).status_code == 404
    assert client.post(base + "final/", {"final": "1"}).status_code == 404
    client.post(base + "method/", {"method_name": "stolen"})
    assert Submission.objects.get(pk=mine.pk).method_name == HOSTILE_METHOD
    listing = client.get(f"/c/{task.competition.slug}/tasks/{task.slug}/submissions/")
    assert f'data-submission="{mine.pk}"' not in listing.content.decode()


def test_answers_and_private_scores_do_not_leak_before_the_reveal(client, bob, two_teams):
    task, mine, theirs = two_teams
    client.force_login(bob)
    slug = task.competition.slug
    for file_format in ("csv", "parquet"):
        url = reverse("competitions:download", args=[slug, task.slug, "answers", file_format])
        assert client.get(url).status_code == 404
    assert client.get("/admin/submissions/score/").status_code == 302  # to the admin login
    board = client.get(f"/c/{slug}/tasks/{task.slug}/leaderboard/?board=private")
    assert "Public split" in board.content.decode()
    csv = client.get(f"/c/{slug}/tasks/{task.slug}/leaderboard/?board=private&format=csv")
    assert "private" not in csv["Content-Disposition"]
    client.force_login(mine.submitted_by)  # the team's own page: public figures only
    own = client.get(f"/c/{slug}/tasks/{task.slug}/submissions/{mine.pk}/").content.decode()
    private_value = mine.scores.get(split="private", metric=task.metric).value
    public_value = mine.scores.get(split="public", metric=task.metric).value
    assert private_value != public_value
    assert f"{public_value:.4f}" in own
    assert f"{private_value:.4f}" not in own
    # Nothing under the files folder is served by URL.
    assert client.get(f"/files/{task.answers_path}").status_code == 404


def pages(task, mine):
    slug, task_slug = task.competition.slug, task.slug
    return [
        f"/c/{slug}/tasks/{task_slug}/leaderboard/",
        f"/c/{slug}/tracks/{task.track.slug}/leaderboard/",
        f"/c/{slug}/tasks/{task_slug}/",
        f"/c/{slug}/tasks/{task_slug}/submissions/{mine.pk}/",
        f"/c/{slug}/tasks/{task_slug}/submissions/",
        f"/c/{slug}/team/",
        f"/c/{slug}/compare/",
    ]


def test_hostile_names_are_escaped_on_every_page(client, alice, two_teams):
    task, mine, _ = two_teams
    # An organizer on a team may compare before the reveal; a mere reviewer on one may not.
    task.competition.organizers.add(alice)
    client.force_login(alice)
    for url in pages(task, mine):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for raw in ("<script>alert", "<img src=x", "<svg onload"):
            assert raw not in html, f"{raw!r} unescaped on {url}"
    board = client.get(pages(task, mine)[0]).content.decode()
    assert "&lt;script&gt;alert(&#x27;team&#x27;)&lt;/script&gt;" in board


def test_exports_escape_formulas(client, make_user, two_teams):
    task, _, _ = two_teams
    reviewer = make_user("rita")  # not on a team, so the compare export is open before the reveal
    task.competition.reviewers.add(reviewer)
    client.force_login(reviewer)
    Submission.objects.update(method_name=PAYLOADS[2])
    from arena.teams.models import Team

    Team.objects.filter(name="Bravo").update(name="=SUM(1+1)")
    # Renaming a team or a method asks the worker for new boards; it runs here:
    competition_results_refresh(competition_id=task.competition_id, force=True)
    slug = task.competition.slug
    board = client.get(f"/c/{slug}/tasks/{task.slug}/leaderboard/?format=csv").content.decode()
    scores = client.get(f"/c/{slug}/compare/scores.csv").content.decode()
    frame = pd.read_csv(io.StringIO(scores))
    assert not frame["method"].str.startswith(("=", "+", "-", "@")).any()
    assert not re.search(r"(^|,)=HYPERLINK", scores, re.MULTILINE)
    assert "'=SUM(1+1)" in board and not re.search(r"(^|,)=SUM", board, re.MULTILINE)
    assert HOSTILE_TEAM in board  # CSV is data, not HTML: names are kept verbatim


def test_private_boards_fall_back_to_public_on_every_path_before_the_reveal(
    client, alice, make_user, two_teams
):
    from rest_framework.test import APIClient

    from arena.api.services import api_token_create

    task, mine, theirs = two_teams
    slug = task.competition.slug
    private_value = mine.scores.get(split="private", metric=task.metric).value
    assert private_value < 1.0  # seven private rows wrong; every public row right
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=alice, name='t')[1]}")
    track = api.get(
        f"/api/competitions/{slug}/tracks/{task.track.slug}/leaderboard/", {"board": "private"}
    ).json()
    assert track["board"] == "public"
    assert all(abs(row["mean_score"] - private_value) > 1e-9 for row in track["rows"])

    reviewer = make_user("rita")  # a reviewer, not an organizer
    task.competition.reviewers.add(reviewer)
    client.force_login(reviewer)
    pair = f"&task={task.slug}&a={mine.pk}&b={theirs.pk}"
    for url in (
        f"/c/{slug}/compare/?board=private",
        f"/c/{slug}/compare/pairwise/?board=private{pair}",
        f"/c/{slug}/compare/scores.csv?board=private",
        f"/c/{slug}/tasks/{task.slug}/leaderboard/?board=private&format=csv",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert f"{private_value:.4f}" not in body.decode(), url
        assert "private" not in response.get("Content-Disposition", ""), url

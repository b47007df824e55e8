import pytest
from django.urls import reverse

from arena.core.errors import UserFacingError
from arena.teams.models import Membership, Team
from tests.integration.helpers import score_as_worker
from tests.participants import accept_rules, team_create, team_join


def test_create_team_in_the_browser_makes_the_user_its_owner(alice_client, alice, competition):
    accept_rules(competition=competition, user=alice)
    url = reverse("teams:mine", args=[competition.slug])
    response = alice_client.post(
        url, {"action": "create", "create-name": "  Deep   Thought "}, follow=True
    )
    team = Team.objects.get(competition=competition)
    assert team.name == "Deep Thought"
    assert Membership.objects.get(user=alice).role == "owner"
    assert team.invite_code.encode() in response.content


def test_join_with_invite_code(client, bob, alice_team, competition):
    accept_rules(competition=competition, user=bob)
    client.force_login(bob)
    url = reverse("teams:mine", args=[competition.slug])
    client.post(url, {"action": "join", "join-invite_code": alice_team.invite_code})
    assert Membership.objects.get(user=bob).team == alice_team


def test_wrong_invite_code_is_refused_with_a_message(client, bob, alice_team, competition):
    accept_rules(competition=competition, user=bob)
    client.force_login(bob)
    url = reverse("teams:mine", args=[competition.slug])
    response = client.post(url, {"action": "join", "join-invite_code": "not-a-code"})
    assert b"No team in this competition has that invite code" in response.content
    assert not Membership.objects.filter(user=bob).exists()


def test_team_size_limit_is_enforced(competition, alice_team, bob, charlie):
    team_join(competition=competition, user=bob, invite_code=alice_team.invite_code)
    with pytest.raises(UserFacingError, match="is full"):
        team_join(competition=competition, user=charlie, invite_code=alice_team.invite_code)
    assert alice_team.memberships.count() == 2


def test_a_user_is_in_at_most_one_team_per_competition(competition, alice_team, alice):
    with pytest.raises(UserFacingError, match="already in a team"):
        team_create(competition=competition, user=alice, name="Second")
    assert Team.objects.filter(competition=competition).count() == 1


def test_team_names_are_unique_regardless_of_case(competition, alice_team, bob):
    with pytest.raises(UserFacingError, match="taken"):
        team_create(competition=competition, user=bob, name="ALPHA")


@pytest.mark.parametrize("name", ["x", "a" * 61, "zero\u200bwidth", "bell\x07"])
def test_unusable_team_names_are_refused(competition, bob, name):
    with pytest.raises(UserFacingError):
        team_create(competition=competition, user=bob, name=name)
    assert not Team.objects.exists()


def test_hostile_team_name_is_escaped_on_pages(client, competition, products, bob):
    from arena.submissions.services import submission_create
    from tests.integration.helpers import csv_upload

    task, data = products
    team_create(competition=competition, user=bob, name="<script>alert(1)</script>")
    submission = submission_create(task=task, user=bob, uploaded_file=csv_upload(data.answers))
    score_as_worker(submission_id=submission.pk)
    client.force_login(bob)
    for url in (
        reverse("leaderboards:task", args=[competition.slug, task.slug]),
        reverse("teams:mine", args=[competition.slug]),
        reverse("competitions:task_mine", args=[competition.slug, task.slug]),
    ):
        page = client.get(url).content
        assert b"<script>alert(1)</script>" not in page
        assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page

"""Competition rules: schedule, team ownership, final selection, private reveal, exports."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from arena.core.errors import UserFacingError
from arena.results.boards import leaderboard_for_task
from arena.submissions.models import Submission
from arena.submissions.services import submission_create, submission_set_final
from arena.teams.models import Membership, Team
from arena.teams.services import team_remove_member, team_rename
from tests.integration.helpers import (
    csv_upload,
    predictions_with_private_errors,
    submit_scored,
)
from tests.participants import team_create, team_join


def move_schedule(competition, *, start_days: float, end_days: float, reveal_days=None):
    now = timezone.now()
    competition.start_at = now + timedelta(days=start_days)
    competition.end_at = now + timedelta(days=end_days)
    competition.reveal_at = None if reveal_days is None else now + timedelta(days=reveal_days)
    competition.save()


# --- schedule -------------------------------------------------------------------------------


def test_nothing_can_be_submitted_before_the_start(competition, alice, alice_team, products):
    task, data = products
    move_schedule(competition, start_days=1, end_days=2)
    with pytest.raises(UserFacingError, match="has not started"):
        submission_create(task=task, user=alice, uploaded_file=csv_upload(data.answers))


def test_upload_form_is_replaced_by_a_notice_after_the_end(
    alice_client, competition, alice_team, products
):
    task, _ = products
    move_schedule(competition, start_days=-3, end_days=-1)
    page = alice_client.get(reverse("submissions:upload", args=[competition.slug, task.slug]))
    assert b"Uploads are closed" in page.content
    assert b'name="file"' not in page.content
    assert b"left today" not in page.content  # no quota under "Uploads are closed"
    mine = alice_client.get(reverse("competitions:task_mine", args=[competition.slug, task.slug]))
    assert b"left today" not in mine.content


# --- teams ----------------------------------------------------------------------------------


def test_owner_renames_and_removes_members_and_submissions_stay(
    competition, alice, bob, alice_team, products
):
    task, data = products
    team_join(competition=competition, user=bob, invite_code=alice_team.invite_code)
    submission = submission_create(task=task, user=bob, uploaded_file=csv_upload(data.answers))
    with pytest.raises(UserFacingError, match="Only the team's owner"):
        team_rename(team=alice_team, user=bob, name="Mutiny")
    team_rename(team=alice_team, user=alice, name="Alpha Prime")
    team_remove_member(team=alice_team, owner=alice, member_id=bob.pk)
    assert Team.objects.get(pk=alice_team.pk).name == "Alpha Prime"
    assert not Membership.objects.filter(user=bob).exists()
    assert Submission.objects.get(pk=submission.pk).team_id == alice_team.pk
    with pytest.raises(UserFacingError, match="owner cannot be removed"):
        team_remove_member(team=alice_team, owner=alice, member_id=alice.pk)


def test_team_page_forms_for_the_owner(client, competition, alice, bob, alice_team):
    team_join(competition=competition, user=bob, invite_code=alice_team.invite_code)
    client.force_login(alice)
    url = reverse("teams:manage", args=[competition.slug])
    client.post(url, {"action": "rename", "name": "Renamed"})
    client.post(url, {"action": "remove", "member": str(bob.pk)})
    assert Team.objects.get(pk=alice_team.pk).name == "Renamed"
    assert alice_team.memberships.count() == 1


# --- final selection ------------------------------------------------------------------------


def test_final_selection_is_limited_and_can_be_changed(competition, alice, alice_team, products):
    task, data = products
    first, second, third = (submit_scored(task, alice, data.answers) for _ in range(3))
    submission_set_final(submission=first, user=alice, is_final=True)
    submission_set_final(submission=second, user=alice, is_final=True)
    with pytest.raises(UserFacingError, match="already chose 2 final"):
        submission_set_final(submission=third, user=alice, is_final=True)
    submission_set_final(submission=first, user=alice, is_final=False)
    submission_set_final(submission=third, user=alice, is_final=True)
    finals = set(Submission.objects.filter(is_final=True).values_list("pk", flat=True))
    assert finals == {second.pk, third.pk}


def test_only_the_team_may_choose_and_only_scored_while_running(
    competition, alice, bob, alice_team, products
):
    task, data = products
    scored = submit_scored(task, alice, data.answers)
    queued = submission_create(task=task, user=alice, uploaded_file=csv_upload(data.answers))
    with pytest.raises(UserFacingError, match="Only scored"):
        submission_set_final(submission=queued, user=alice, is_final=True)
    team_create(competition=competition, user=bob, name="Bravo")
    with pytest.raises(UserFacingError, match="Only members"):
        submission_set_final(submission=scored, user=bob, is_final=True)
    move_schedule(competition, start_days=-3, end_days=-1)
    scored = Submission.objects.select_related("task__competition").get(pk=scored.pk)
    with pytest.raises(UserFacingError, match="while the competition runs"):
        submission_set_final(submission=scored, user=alice, is_final=True)


def test_final_toggle_in_the_browser(alice_client, competition, alice, alice_team, products):
    task, data = products
    submission = submit_scored(task, alice, data.answers)
    url = reverse("submissions:final", args=[competition.slug, task.slug, submission.pk])
    fragment = alice_client.post(url, {"final": "1"}, headers={"HX-Request": "true"})
    assert b"\xe2\x98\x85 Final" in fragment.content  # ★ Final
    assert Submission.objects.get(pk=submission.pk).is_final


def test_private_board_uses_marked_finals_else_the_best_by_public(
    competition, alice, bob, products
):
    task, _ = products
    team_create(competition=competition, user=alice, name="Alpha")
    team_create(competition=competition, user=bob, name="Bravo")
    # Alice: a perfect file and one wrong on many private rows; she marks the weak one.
    perfect = predictions_with_private_errors(task, wrong_private=0)
    weak = predictions_with_private_errors(task, wrong_private=40)
    submit_scored(task, alice, perfect)
    weak_entry = submit_scored(task, alice, weak)
    submission_set_final(submission=weak_entry, user=alice, is_final=True)
    # Bob marks nothing: his best two by public score count, the perfect one among them.
    submit_scored(task, bob, weak)
    submit_scored(task, bob, perfect)
    rows = {row.team_name: row for row in leaderboard_for_task(task=task, private=True)}
    assert rows["Bravo"].score == 1.0 and rows["Bravo"].rank == 1
    assert rows["Alpha"].score == weak_entry.scores.get(split="private", metric="accuracy").value
    assert rows["Alpha"].rank == 2
    # Both were tied first on the public board; the shake-up is shown against it.
    assert rows["Alpha"].public_rank == 1 and rows["Alpha"].rank_change == -1


# --- private scores -------------------------------------------------------------------------


@pytest.fixture
def scored_with_secret(competition, alice, alice_team, products):
    """A submission whose private accuracy is a distinctive number, with the page strings."""
    task, _ = products
    submission = submit_scored(task, alice, predictions_with_private_errors(task, wrong_private=7))
    private = submission.scores.get(split="private", metric="macro_f1").value
    public = submission.scores.get(split="public", metric="macro_f1").value
    assert public == 1.0 and private < 1.0
    return task, submission, f"{private:.4f}"


def pages_of(client, competition, task, submission):
    slug, task_slug = competition.slug, task.slug
    urls = [
        reverse("competitions:task", args=[slug, task_slug]),
        reverse("competitions:task_data", args=[slug, task_slug]),
        reverse("submissions:upload", args=[slug, task_slug]),
        reverse("competitions:task_mine", args=[slug, task_slug]),
        reverse("submissions:team_list", args=[slug, task_slug]),
        reverse("submissions:detail", args=[slug, task_slug, submission.pk]),
        reverse("leaderboards:task", args=[slug, task_slug]),
        reverse("leaderboards:task", args=[slug, task_slug]) + "?board=private",
        reverse("leaderboards:task", args=[slug, task_slug]) + "?board=private&format=csv",
        reverse("leaderboards:track", args=[slug, task.track.slug]) + "?board=private",
        reverse("leaderboards:track", args=[slug, task.track.slug]) + "?board=private&format=csv",
    ]
    return {url: client.get(url).content.decode() for url in urls}


def test_private_scores_appear_nowhere_before_the_reveal(
    alice_client, competition, scored_with_secret
):
    task, submission, secret = scored_with_secret
    for url, body in pages_of(alice_client, competition, task, submission).items():
        assert secret not in body, url
        assert "private_macro_f1" not in body, url


def test_organizers_see_private_scores_before_the_reveal(
    client, competition, make_user, scored_with_secret
):
    task, submission, secret = scored_with_secret
    organizer = make_user("olga")
    competition.organizers.add(organizer)
    client.force_login(organizer)
    url = reverse("leaderboards:task", args=[competition.slug, task.slug]) + "?board=private"
    assert secret in client.get(url).content.decode()


def test_everyone_sees_private_scores_after_the_reveal(
    alice_client, client, competition, scored_with_secret
):
    task, submission, secret = scored_with_secret
    move_schedule(competition, start_days=-3, end_days=-1)
    pages = pages_of(alice_client, competition, task, submission)
    assert secret in pages[reverse("leaderboards:task", args=[competition.slug, task.slug])]
    assert secret in pages[reverse("submissions:team_list", args=[competition.slug, task.slug])]
    anonymous = client.get(reverse("leaderboards:task", args=[competition.slug, task.slug]))
    assert secret in anonymous.content.decode()


def test_reveal_can_come_after_the_end(alice_client, competition, scored_with_secret):
    task, submission, secret = scored_with_secret
    move_schedule(competition, start_days=-3, end_days=-1, reveal_days=2)
    for url, body in pages_of(alice_client, competition, task, submission).items():
        assert secret not in body, url


# --- exports --------------------------------------------------------------------------------


def test_leaderboard_csv_escapes_formulas(client, competition, bob, products):
    task, data = products
    team_create(competition=competition, user=bob, name="=HYPERLINK(1)")
    submit_scored(task, bob, data.answers)
    response = client.get(
        reverse("leaderboards:task", args=[competition.slug, task.slug]) + "?format=csv"
    )
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("rank,team,baseline,public_macro_f1")
    assert "'=HYPERLINK(1)" in lines[1]
    assert ",=HYPERLINK" not in response.content.decode()

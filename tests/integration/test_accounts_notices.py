"""Notice e-mails, each sent only to a verified address of a user who opted in, once; read from
a real SMTP server on loopback. Jobs run here as a worker would run them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from arena.accounts.services import (
    email_verification_token,
    email_verify,
    notice_preferences_update,
)
from arena.competitions.models import Competition
from arena.results.tasks import mail_results_revealed
from arena.submissions.services import submission_create, submission_score
from arena.submissions.tasks import mail_submission_result
from tests.integration.helpers import csv_upload
from tests.participants import team_create, team_join


def _verify(user, email):
    user.email = email
    user.save()
    email_verify(token=email_verification_token(user=user))


def _opt_in(client, **choices):
    data = {"action": "notices"} | {f"notices-{kind}": "on" for kind, on in choices.items() if on}
    response = client.post(reverse("accounts:settings"), data, follow=True)
    assert b"choices are saved" in response.content


@pytest.fixture
def uploaded(alice, alice_team, products):
    def upload(frame):
        task, _ = products
        submission = submission_create(task=task, user=alice, uploaded_file=csv_upload(frame))
        submission_score(submission_id=submission.pk)  # the scoring job...
        mail_submission_result.apply(args=[submission.pk])  # ...and the mail job it sends
        return submission

    return upload


def test_scored_mail_goes_to_a_verified_user_who_opted_in_once(
    alice, alice_client, uploaded, products, mail_server
):
    _verify(alice, "alice@example.org")
    _opt_in(alice_client, notify_submission_results=True)
    submission = uploaded(products[1].answers)
    message = mail_server.wait_for(1)
    assert message["To"] == "alice@example.org"
    assert message["Subject"].startswith("Scored: predictions.csv on Products")
    body = mail_server.body(message)
    assert "macro_f1 on the public rows: 1.0000" in body
    assert f"/submissions/{submission.pk}/" in body
    # A repeated job (a redelivered message) sends nothing more.
    mail_submission_result.apply(args=[submission.pk])
    assert len(mail_server.messages) == 1


def test_a_refused_upload_mails_the_reason(alice, alice_client, uploaded, products, mail_server):
    _verify(alice, "alice@example.org")
    _opt_in(alice_client, notify_submission_results=True)
    uploaded(products[1].answers.head(10))
    message = mail_server.wait_for(1)
    assert message["Subject"].startswith("Refused: predictions.csv")
    assert "does not count against your quota" in mail_server.body(message)
    assert "missing" in mail_server.body(message).lower()


def test_no_scored_mail_without_opting_in_or_verifying(
    alice, alice_client, uploaded, products, mail_server
):
    _verify(alice, "alice@example.org")
    uploaded(products[1].answers)  # opted out: the default
    _opt_in(alice_client, notify_submission_results=True)
    _opt_in(alice_client, notify_submission_results=False)  # and out again
    uploaded(products[1].answers)
    alice.email = "new-alice@example.org"  # a new address, not verified yet
    alice.save()
    _opt_in(alice_client, notify_submission_results=True)
    uploaded(products[1].answers)
    assert mail_server.messages == []


def test_the_reveal_mail_goes_once_to_each_participant_who_asked(
    alice, bob, charlie, alice_team, competition, mail_server
):
    for user in (alice, bob, charlie):
        _verify(user, f"{user.username}@example.org")
    team_join(competition=competition, user=bob, invite_code=alice_team.invite_code)
    team_create(competition=competition, user=charlie, name="Charlie's")
    notice_preferences_update(user=alice, choices={"notify_results_revealed": True})
    notice_preferences_update(user=charlie, choices={"notify_results_revealed": True})
    # bob did not ask; dora asked but takes no part.
    dora = type(alice).objects.create_user(username="dora", email="dora@example.org")
    _verify(dora, "dora@example.org")
    notice_preferences_update(user=dora, choices={"notify_results_revealed": True})

    assert mail_results_revealed.apply().get() == 0  # still running: nothing revealed
    now = timezone.now()
    Competition.objects.filter(pk=competition.pk).update(
        end_at=now - timedelta(hours=2), reveal_at=now - timedelta(hours=1)
    )
    assert mail_results_revealed.apply().get() == 2
    assert mail_results_revealed.apply().get() == 0  # the next beat: sent already
    assert sorted(m["To"] for m in mail_server.messages) == [
        "alice@example.org",
        "charlie@example.org",
    ]
    message = mail_server.messages[0]
    assert message["Subject"] == "Private results are out: Test Cup"
    assert "/c/test-cup/" in mail_server.body(message)


def _invite(client, email):
    return client.post(
        reverse("teams:mine", args=["test-cup"]),
        {"action": "invite", "invite-email": email},
        follow=True,
    )


def test_a_team_invitation_by_e_mail(alice, bob, charlie, alice_team, alice_client, mail_server):
    _verify(bob, "bob@example.org")
    response = _invite(alice_client, "BOB@example.org")
    assert b"the invitation is on its way" in response.content
    message = mail_server.wait_for(1)
    assert message["To"] == "bob@example.org"
    assert message["Subject"] == "alice invites you to the team Alpha"
    assert f"?code={alice_team.invite_code}" in mail_server.body(message)
    _invite(alice_client, "bob@example.org")  # once per team and person
    # No account, an unverified one, one that turned invitations off: the same answer, no mail.
    charlie.email = "charlie@example.org"
    charlie.save()
    dora = type(alice).objects.create_user(username="dora", email="dora@example.org")
    _verify(dora, "dora@example.org")
    notice_preferences_update(user=dora, choices={"notify_team_invitations": False})
    for email in ("nobody@example.org", "charlie@example.org", "dora@example.org"):
        assert b"the invitation is on its way" in _invite(alice_client, email).content
    assert len(mail_server.messages) == 1


def test_invitations_refuse_bad_input_in_words(alice, bob, alice_team, alice_client, mail_server):
    for email, words in (
        ("bob@example.org\r\nBcc: x@example.org", b"line break"),
        ("b" * 300 + "@example.org", b"at most 254"),
        ("", b"This field is required"),
    ):
        response = _invite(alice_client, email)
        assert words in response.content
    team_join(competition=alice_team.competition, user=bob, invite_code=alice_team.invite_code)
    response = _invite(alice_client, "carol@example.org")  # 2 of 2 members
    assert b"a member must leave before you invite someone" in response.content
    assert mail_server.messages == []

"""Announcements: organizers post Markdown news on a competition's pages, and one job e-mails it
once to each participant who takes announcements and verified an address; read from a real SMTP
server on loopback. The job runs here as a worker would run it."""

import json

import pytest
from django.urls import reverse

from arena.accounts.services import (
    email_verification_token,
    email_verify,
    notice_preferences_update,
)
from arena.competitions.models import Announcement, AuditEvent
from arena.competitions.services import announcement_post
from arena.core.errors import UserFacingError
from arena.teams.models import Team
from arena.teams.services import team_disqualify
from arena.teams.tasks import mail_announcement
from tests.participants import team_create, team_join

MAIL_JOB = "arena.teams.tasks.mail_announcement"
ORGANIZE = reverse("competitions:announcements_organize", args=["test-cup"])
LIST = reverse("competitions:announcements", args=["test-cup"])
DETAIL = reverse("competitions:detail", args=["test-cup"])


def _verify(user):
    user.email = f"{user.username}@example.org"
    user.save()
    email_verify(token=email_verification_token(user=user))


@pytest.fixture
def olga(organizer):
    return organizer  # tests/conftest.py: olga organizes the competition


@pytest.fixture
def olga_client(client, olga):
    client.force_login(olga)
    return client


def _jobs(broker) -> list[tuple[str, str]]:
    sent = [json.loads(raw)["headers"] for raw in broker.lrange("scoring", 0, -1)]
    return [(headers["task"], headers["argsrepr"]) for headers in sent]


@pytest.fixture
def people(competition, alice, bob, charlie, make_user, olga):
    """Who should and should not get the e-mail; returns the users by name."""
    users = {"alice": alice, "bob": bob, "charlie": charlie}
    for name in ("dora", "erin", "frank", "gina"):
        users[name] = make_user(name)
    alpha = team_create(competition=competition, user=alice, name="Alpha")  # takes them: mailed
    team_join(competition=competition, user=bob, invite_code=alpha.invite_code)
    notice_preferences_update(user=bob, choices={"notify_announcements": False})  # turned off
    team_create(competition=competition, user=charlie, name="Charlie's")  # never verified
    charlie.email = "charlie@example.org"
    charlie.save()
    cheats = team_create(competition=competition, user=users["dora"], name="Cheats")
    team_disqualify(team=cheats, by=olga, reason="Two accounts in one team (rule 3).")
    baseline = team_create(competition=competition, user=users["erin"], name="AutoGluon")
    Team.objects.filter(pk=baseline.pk).update(is_baseline=True)
    # frank takes part in no team; gina in her own, mailed like alice.
    team_create(competition=competition, user=users["gina"], name="Gina's")
    for name in ("alice", "bob", "dora", "erin", "frank", "gina"):
        _verify(users[name])
    return users


def _post(client, action="post", **fields):
    data = {"action": action, "title": "Deadline moved", "body": "Now **1 June**."} | fields
    return client.post(ORGANIZE, data, follow=True)


def test_an_organizer_posts_and_each_participant_who_takes_them_gets_one_mail(
    olga, olga_client, people, competition, broker, mail_server, client,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    broker.delete("scoring")  # the disqualification's own job
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(olga_client, body="The end moves to **1 June**.\n\n- one\n- two")
    assert b"Announcement posted" in response.content
    announcement = Announcement.objects.get(competition=competition)
    assert announcement.author == olga
    # One job, on the scoring queue, naming the announcement; the page itself sends no mail.
    assert _jobs(broker) == [(MAIL_JOB, f"[{announcement.pk}]")]
    assert mail_server.messages == []
    assert AuditEvent.objects.filter(action="announcement.posted").count() == 1

    assert mail_announcement.apply(args=[announcement.pk]).get() == 2
    assert sorted(m["To"] for m in mail_server.messages) == [
        "alice@example.org",
        "gina@example.org",
    ]
    message = mail_server.to("alice@example.org")[0]
    assert message["Subject"] == "Test Cup: Deadline moved"
    body = mail_server.body(message)
    assert "The end moves to **1 June**." in body
    assert "/c/test-cup/announcements/" in body
    assert "/accounts/settings/" in body

    # A repeated job (a redelivered message, or "Send now") sends nothing twice.
    assert mail_announcement.apply(args=[announcement.pk]).get() == 0
    assert len(mail_server.messages) == 2
    announcement.refresh_from_db()
    assert announcement.mailed_count == 2 and announcement.mailed_at is not None
    page = olga_client.get(ORGANIZE).content.decode()
    assert "to 2 participants" in page

    # Everyone who sees the competition sees it, rendered, on its page and on the list.
    client.logout()
    client.force_login(people["bob"])
    for url in (DETAIL, LIST):
        page = client.get(url).content.decode()
        assert "Deadline moved" in page
        assert "<strong>1 June</strong>" in page
        assert "<li>one</li>" in page
    client.logout()
    assert "Deadline moved" in client.get(LIST).content.decode()  # signed out too


def test_the_competition_page_shows_the_newest_two(olga, competition, client):
    for number in (1, 2, 3):
        announcement_post(
            competition=competition, author=olga, title=f"News number {number}", body="Text."
        )
    page = client.get(DETAIL).content.decode()
    assert "News number 3" in page and "News number 2" in page
    assert "News number 1" not in page
    assert "News number 1" in client.get(LIST).content.decode()
    assert page.index("News number 3") < page.index("News number 2")


def test_the_competition_page_cuts_a_long_one_short(olga, competition, client):
    words = " ".join(f"word{number}" for number in range(100))
    announcement_post(competition=competition, author=olga, title="Long", body=f"**{words}**")
    page = client.get(DETAIL).content.decode()
    assert "word39" in page and "word40 " not in page and "word99" not in page
    assert "word99</strong>" in client.get(LIST).content.decode()


def test_the_setting_is_on_the_settings_page_and_turns_announcements_off(
    alice, alice_team, olga, competition, client, mail_server
):
    _verify(alice)
    client.force_login(alice)
    page = client.get(reverse("accounts:settings")).content.decode()
    assert 'name="notices-notify_announcements"' in page
    assert "News from the organizers" in page
    # Saving the form without the box ticked turns them off.
    response = client.post(reverse("accounts:settings"), {"action": "notices"}, follow=True)
    assert b"choices are saved" in response.content
    announcement = announcement_post(competition=competition, author=olga, title="T", body="B")
    assert mail_announcement.apply(args=[announcement.pk]).get() == 0
    client.post(
        reverse("accounts:settings"),
        {"action": "notices", "notices-notify_announcements": "on"},
    )
    assert mail_announcement.apply(args=[announcement.pk]).get() == 1
    assert [m["To"] for m in mail_server.messages] == ["alice@example.org"]


def test_a_non_organizer_cannot_post(alice, alice_team, alice_client, competition, broker):
    response = _post(alice_client)
    assert response.status_code == 403
    assert alice_client.get(ORGANIZE).status_code == 403
    with pytest.raises(UserFacingError, match="Only the competition's organizers"):
        announcement_post(competition=competition, author=alice, title="Mine", body="Text.")
    assert not Announcement.objects.exists()
    assert _jobs(broker) == []
    assert ORGANIZE.encode() not in alice_client.get(DETAIL).content


@pytest.mark.parametrize(
    "fields, field, words",
    [
        ({"title": "   "}, "title", "Give the announcement a title."),
        ({"title": "x" * 201}, "title", "The title has 201 characters; keep it to 200."),
        ({"title": "Bad\u202etitle"}, "title", "invisible characters"),
        ({"body": ""}, "body", "Write the announcement itself"),
        ({"body": "y" * 20_001}, "body", "The text has 20001 characters; keep it to 20000"),
        ({"body": "Hi <script>alert(1)</script>"}, "body", "Remove &lt;script&gt;"),
        ({"body": '<img src="x" onerror="alert(1)">'}, "body", "onerror= on &lt;img&gt;"),
        ({"body": "[prize](javascript:alert(1))"}, "body", "a javascript: link"),
    ],
)
def test_bad_input_is_refused_next_to_its_field(olga_client, competition, fields, field, words):
    for action in ("post", "preview"):
        page = _post(olga_client, action=action, **fields).content.decode()
        # The message sits right after the field it is about (templates/_form_fields.html).
        widget = page.index(f'name="{field}"')
        errors = page.index('class="error-list"', widget)
        assert words in page[errors : errors + 400]
        # The textarea gives the text back escaped; nothing of it runs.
        assert "<script>alert" not in page
        assert 'onerror="' not in page
    assert not Announcement.objects.exists()


def test_code_about_html_is_fine_and_the_preview_shows_it_rendered(olga_client, competition):
    body = "Read `<script>` as text:\n\n```html\n<script>alert(1)</script>\n```\n\n*Good luck*"
    page = _post(olga_client, action="preview", body=body).content.decode()
    assert 'id="preview"' in page
    assert "<em>Good luck</em>" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in page
    assert not Announcement.objects.exists()  # a preview stores nothing
    _post(olga_client, body=body)
    assert Announcement.objects.get().body == body


def test_script_in_a_stored_body_is_stripped_when_shown(olga, competition, client):
    # Written around the form (the admin, the shell, a row from before the check): the pages'
    # sanitizer still removes what could run.
    Announcement.objects.create(
        competition=competition,
        author=olga,
        title="Sneaky",
        body='Hello <script>alert("x")</script> <img src="x" onerror="alert(2)"> **there**',
    )
    for url in (DETAIL, LIST):
        page = client.get(url).content.decode()
        assert "Sneaky" in page and "<strong>there</strong>" in page
        assert "<script>alert" not in page
        assert "onerror" not in page


def test_a_lost_mail_job_can_be_sent_again(olga, olga_client, competition, broker):
    # Posted in the test's transaction, which never commits: its job was never sent, as when
    # the broker was down.
    announcement = announcement_post(competition=competition, author=olga, title="T", body="B")
    page = olga_client.get(ORGANIZE).content.decode()
    assert "queued" in page and 'value="mail"' in page
    response = olga_client.post(
        ORGANIZE, {"action": "mail", "announcement": announcement.pk}, follow=True
    )
    assert b"gets nothing twice" in response.content
    assert _jobs(broker) == [(MAIL_JOB, f"[{announcement.pk}]")]


def test_an_organizer_deletes_an_announcement(olga, olga_client, competition, client):
    announcement = announcement_post(competition=competition, author=olga, title="Oops", body="x")
    assert "Oops" in client.get(DETAIL).content.decode()
    response = olga_client.post(
        ORGANIZE, {"action": "delete", "announcement": announcement.pk}, follow=True
    )
    assert b"Deleted: Oops." in response.content
    assert not Announcement.objects.exists()
    assert "Oops" not in client.get(DETAIL).content.decode()
    assert AuditEvent.objects.filter(action="announcement.deleted").count() == 1
    assert mail_announcement.apply(args=[announcement.pk]).get() == 0  # its job, if it runs


def test_an_organizer_of_another_competition_cannot_touch_these(
    olga, competition, other_competition, make_user, client
):
    announcement = announcement_post(competition=competition, author=olga, title="Ours", body="x")
    other = make_user("otto")
    other_competition.organizers.add(other)
    client.force_login(other)
    response = client.post(ORGANIZE, {"action": "delete", "announcement": announcement.pk})
    assert response.status_code == 403
    # Its own page cannot reach another competition's announcement either.
    other_page = reverse("competitions:announcements_organize", args=["other-cup"])
    response = client.post(other_page, {"action": "delete", "announcement": announcement.pk})
    assert response.status_code == 404
    assert Announcement.objects.filter(pk=announcement.pk).exists()

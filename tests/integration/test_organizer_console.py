"""Issue 18, item 1: the organizer console. A competition is created and set up from the site's
own forms (the admin stays for staff): each field explained, bad values refused in words next to
the field with nothing stored, Markdown previewed before saving, every change on the Activity
page, and a checklist on the new competition's page that says what is left to do."""

import html
import re
from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import RequestFactory
from django.utils import timezone

from arena.competitions.admin import CompetitionAdminForm
from arena.competitions.models import AuditEvent, Competition, Task
from arena.results.services import competition_results_refresh
from arena.results.stored import stored_result, track_board_key
from arena.submissions.models import SubmissionOrigin
from arena.teams.models import Team
from tests.integration.helpers import (
    predictions_with_private_errors,
    predictions_with_public_errors,
    submit_scored,
)
from tests.participants import team_create

pytestmark = pytest.mark.django_db
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def moment(days: float) -> str:
    """A datetime-local field's value, ``days`` from now (UTC)."""
    return (timezone.now() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def valid_form(**changes) -> dict:
    form = {
        "title": "Product Cup",
        "slug": "product-cup",
        "summary": "Put products in their categories.",
        "description": "# Welcome\r\nPrizes for the **best** two teams.",
        "start_at": moment(2),
        "end_at": moment(90),
        "reveal_at": "",
        "max_team_size": "4",
        "daily_submission_limit": "5",
        "total_submission_limit": "",
        "final_selection_limit": "2",
        "track_ranking": "rank",
        "run_baselines_on_import": "on",
        "reviewers_run_methods": "on",
        "methods_code_after_end": "private",
        "reviewers": "",
    }
    form.update(changes)
    return form


def errors_of(page: str, field: str) -> list[str]:
    """The error messages shown right after ``field``'s input."""
    block = re.search(
        rf'<ul class="error-list" role="alert" id="id_{field}-errors">(.*?)</ul>', page
    )
    return (
        [html.unescape(item) for item in re.findall(r"<li>(.*?)</li>", block.group(1))]
        if block
        else []
    )


@pytest.fixture
def creator(client, make_user):
    user = make_user("olga")
    user.user_permissions.add(Permission.objects.get(codename="add_competition"))
    client.force_login(user, backend=MODEL_BACKEND)
    return user


def test_a_permitted_user_creates_a_competition_and_becomes_its_organizer(client, creator):
    assert "New competition" in client.get("/").content.decode()
    response = client.post("/organize/new/", valid_form())
    assert response.status_code == 302 and response.url == "/c/product-cup/"
    competition = Competition.objects.get(slug="product-cup")
    assert list(competition.organizers.all()) == [creator]
    assert competition.track_ranking == "rank" and competition.max_team_size == 4
    assert competition.description == "# Welcome\nPrizes for the **best** two teams."  # no CR
    assert competition.total_submission_limit is None
    event = AuditEvent.objects.get(competition=competition)
    assert event.action == "competition.created" and event.actor == creator


def test_others_may_not_create_competitions(client, alice):
    client.force_login(alice, backend=MODEL_BACKEND)
    assert "New competition" not in client.get("/").content.decode()
    assert client.get("/organize/new/").status_code == 403
    assert client.post("/organize/new/", valid_form()).status_code == 403
    assert not Competition.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"end_at": moment(1)}, "end_at", "must end after it starts"),
        ({"end_at": "not a date"}, "end_at", "Enter a valid date/time"),
        ({"reveal_at": moment(30)}, "reveal_at", "never while uploads are open"),
        ({"slug": "Product Cup!"}, "slug", "lower-case letters, digits and hyphens"),
        ({"title": ""}, "title", "This field is required"),
        ({"daily_submission_limit": "0"}, "daily_submission_limit", "greater than or equal to 1"),
        ({"max_team_size": "-3"}, "max_team_size", "greater than or equal to 1"),
        ({"reviewers": "rita, nobody-here"}, "reviewers", "No user is named 'nobody-here'"),
        ({"track_ranking": "coin-toss"}, "track_ranking", "Select a valid choice"),
    ],
)
def test_bad_values_are_refused_beside_their_field_and_nothing_is_stored(
    client, creator, make_user, changes, field, message
):
    make_user("rita")
    response = client.post("/organize/new/", valid_form(**changes))
    assert response.status_code == 200
    page = response.content.decode()
    assert any(message in error for error in errors_of(page, field)), errors_of(page, field)
    assert "violated" not in page  # the database's words never reach the page
    assert not Competition.objects.exists() and not AuditEvent.objects.exists()


def test_a_taken_address_is_refused_in_words(client, creator, competition):
    response = client.post("/organize/new/", valid_form(slug=competition.slug))
    assert errors_of(response.content.decode(), "slug") == [
        "Another competition has this address: choose another."
    ]
    assert Competition.objects.count() == 1


def test_preview_renders_the_description_sanitized_and_saves_nothing(client, creator):
    hostile = "## Prizes\r\n<script>alert(1)</script>\r\n[ok](javascript:alert(2))"
    response = client.post("/organize/new/", valid_form(description=hostile, preview="1"))
    page = response.content.decode()
    preview = re.search(r'<article id="preview".*?</article>', page, re.S).group(0)
    assert "<h2>Prizes</h2>" in preview
    assert "<script>" not in preview and "javascript:" not in preview
    assert "&lt;script&gt;" in page  # the textarea keeps what was typed, escaped
    assert not Competition.objects.exists()


def test_organizers_change_settings_and_the_activity_page_says_who(client, competition, alice):
    competition.organizers.add(alice)
    competition.description = "Line one\nLine two"
    competition.save()
    client.force_login(alice, backend=MODEL_BACKEND)
    page = client.get(f"/c/{competition.slug}/organize/settings/").content.decode()
    assert 'name="slug"' not in page  # the address is fixed once teams link to it
    form = {
        **valid_form(),
        "title": competition.title,
        "summary": competition.summary,
        "description": "Line one\r\nLine two",  # as a browser sends it back: unchanged
        "start_at": competition.start_at.strftime("%Y-%m-%dT%H:%M"),
        "end_at": competition.end_at.strftime("%Y-%m-%dT%H:%M"),
        "max_team_size": str(competition.max_team_size),
    }
    form.pop("slug")
    response = client.post(f"/c/{competition.slug}/organize/settings/", form)
    assert response.status_code == 302
    event = AuditEvent.objects.get(competition=competition)
    assert "description" not in event.summary  # CRLF from the browser is no change
    assert event.actor == alice and "settings changed on the site" in event.summary.lower()
    competition.refresh_from_db()
    assert competition.track_ranking == "rank"

    later = competition.end_at + timedelta(days=7)
    form["end_at"] = later.strftime("%Y-%m-%dT%H:%M")
    form["daily_submission_limit"] = "9"
    client.post(f"/c/{competition.slug}/organize/settings/", form)
    competition.refresh_from_db()
    assert competition.daily_submission_limit == 9
    assert competition.end_at.replace(second=0, microsecond=0) == later.replace(
        second=0, microsecond=0
    )
    newest = AuditEvent.objects.filter(competition=competition).first()
    assert "daily_submission_limit → 9" in newest.summary and "end_at" in newest.summary
    activity = client.get(f"/c/{competition.slug}/organize/activity/").content.decode()
    assert "daily_submission_limit → 9" in html.unescape(activity)

    form["end_at"] = (competition.start_at - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    refused = client.post(f"/c/{competition.slug}/organize/settings/", form).content.decode()
    assert errors_of(refused, "end_at") == ["The competition must end after it starts."]
    competition.refresh_from_db()
    assert competition.end_at.replace(second=0, microsecond=0) == later.replace(
        second=0, microsecond=0
    )


def test_only_organizers_reach_the_settings_and_task_forms(client, competition, products, bob):
    task, _ = products
    client.force_login(bob, backend=MODEL_BACKEND)
    assert client.get(f"/c/{competition.slug}/organize/settings/").status_code == 403
    edit = f"/c/{competition.slug}/organize/tasks/{task.slug}/edit/"
    assert client.post(edit, {"title": "Mine now"}).status_code == 403
    assert Task.objects.get(pk=task.pk).title == "Products"


def test_the_checklist_says_what_is_left_and_no_team_is_offered(
    client, competition, products, make_user
):
    task, _ = products
    olga = make_user("olga")
    competition.organizers.add(olga)
    client.force_login(olga, backend=MODEL_BACKEND)

    def steps() -> dict[str, str]:
        page = client.get(f"/c/{competition.slug}/").content.decode()
        assert "Create or join a team" not in page
        found = re.findall(r'data-done="(true|false)">.*?<strong>(.*?)</strong>', page, re.S)
        return {title: done for done, title in found}

    assert steps() == {
        "Describe the challenge": "false",
        "Add a track and a task": "true",
        "Check the baselines": "false",
        "Name reviewers": "false",
        "Open it": "true",
    }
    competition.description = "What it is about."
    competition.save()
    robot = make_user("robot")
    team = team_create(competition=competition, user=robot, name="AutoGluon (fast)")
    Team.objects.filter(pk=team.pk).update(is_baseline=True)
    baseline = submit_scored(task, robot, predictions_with_private_errors(task, wrong_private=0))
    baseline.origin = SubmissionOrigin.BASELINE
    baseline.save(update_fields=["origin"])
    assert steps()["Check the baselines"] == "true"
    assert steps()["Describe the challenge"] == "true"


def test_a_participant_sees_no_checklist(client, competition, alice):
    client.force_login(alice, backend=MODEL_BACKEND)
    page = client.get(f"/c/{competition.slug}/").content.decode()
    assert 'id="checklist"' not in page and "Create or join a team" in page


def test_task_words_are_edited_with_a_preview_and_recorded(client, competition, products, alice):
    task, _ = products
    competition.organizers.add(alice)
    client.force_login(alice, backend=MODEL_BACKEND)
    edit = f"/c/{competition.slug}/organize/tasks/{task.slug}/edit/"
    words = {
        "title": "Products (v2 words)",
        "description": "Rows are **products**.\r\n\r\n| a | b |\r\n|---|---|\r\n| 1 | 2 |",
        "source": "Acme catalogue, 2026",
        "licence": "CC BY 4.0",
    }
    preview = client.post(edit, {**words, "preview": "1"}).content.decode()
    assert "<strong>products</strong>" in preview and "<table>" in preview
    assert Task.objects.get(pk=task.pk).title == "Products"  # a preview saves nothing
    assert client.post(edit, words).status_code == 302
    task.refresh_from_db()
    assert task.title == "Products (v2 words)" and "\r" not in task.description
    assert task.version == 1  # words re-score nothing
    event = AuditEvent.objects.get(competition=competition, action="task.details_changed")
    assert "title" in event.summary and "licence" in event.summary
    page = client.get(f"/c/{competition.slug}/tasks/{task.slug}/").content.decode()
    assert "Rows are <strong>products</strong>." in page
    too_long = client.post(edit, {**words, "title": "x" * 201}).content.decode()
    assert "at most 200 characters" in " ".join(errors_of(too_long, "title"))


def test_the_admin_form_no_longer_sees_a_crlf_description_as_a_change(competition, make_user):
    competition.description = "First line\nSecond line"
    competition.save()
    data = {
        "slug": competition.slug,
        "title": competition.title,
        "summary": "",
        "description": "First line\r\nSecond line",
        "start_at_0": competition.start_at.date(),
        "start_at_1": competition.start_at.time(),
        "end_at_0": competition.end_at.date(),
        "end_at_1": competition.end_at.time(),
        "max_team_size": competition.max_team_size,
        "daily_submission_limit": competition.daily_submission_limit,
        "final_selection_limit": competition.final_selection_limit,
        "track_ranking": competition.track_ranking,
        "run_baselines_on_import": "on",
        "reviewers_run_methods": "on",
        "methods_code_after_end": competition.methods_code_after_end,
        "organizers": "",
        "reviewers": "",
    }
    request = RequestFactory().get("/admin/")
    request.user = make_user("root")
    request.user.is_staff = request.user.is_superuser = True
    admin_form = admin.site.get_model_admin(Competition).get_form(request, competition)
    assert issubclass(admin_form, CompetitionAdminForm)
    form = admin_form(data=data, instance=competition)
    assert form.is_valid(), form.errors
    assert "description" not in form.changed_data
    earlier = competition.start_at - timedelta(days=1)
    bad = admin_form(
        data={**data, "end_at_0": earlier.date(), "end_at_1": earlier.time()},
        instance=competition,
    )
    assert not bad.is_valid()
    assert bad.errors["end_at"] == ["The competition must end after it starts."]


def test_a_task_added_mid_challenge_says_so_and_may_stay_out_of_the_prize_average(
    client, competition, products, gadgets, alice, bob
):
    """Issue 18, item 5: the track board says when a task was added; the organizer decides
    whether it joins the prize average, and the means follow."""
    first, _ = products
    Task.objects.filter(pk=gadgets.pk).update(created_at=timezone.now())  # added today
    Competition.objects.filter(pk=competition.pk).update(
        start_at=timezone.now() - timedelta(days=20)
    )
    team_create(competition=competition, user=alice, name="Alpha")
    team_create(competition=competition, user=bob, name="Bravo")
    # Alpha leads Products; only Bravo has entered Gadgets.
    submit_scored(first, alice, predictions_with_private_errors(first, wrong_private=0))
    submit_scored(first, bob, predictions_with_public_errors(first, wrong_public=8))
    submit_scored(gadgets, bob, predictions_with_private_errors(gadgets, wrong_private=0))
    competition.organizers.add(alice)
    client.force_login(alice, backend=MODEL_BACKEND)
    track_url = f"/c/{competition.slug}/tracks/{first.track.slug}/leaderboard/"

    def means() -> dict[str, float]:
        competition_results_refresh(competition_id=competition.pk)
        rows = stored_result(
            competition=competition, key=track_board_key(first.track), private=False
        ).value.rows
        return {row.team_name: row.mean_score for row in rows}

    counted = means()
    page = client.get(track_url).content.decode()
    assert re.search(r'data-task="gadgets" data-in-average="true"', page)
    assert "added " in page and "in the prize average from then" in page
    edit = f"/c/{competition.slug}/organize/tasks/{gadgets.slug}/edit/"
    words = {"title": gadgets.title, "description": "", "source": "", "licence": ""}
    assert client.post(edit, words).status_code == 302  # the box unticked: left out
    gadgets.refresh_from_db()
    assert gadgets.in_prize_average is False
    left_out = means()
    # Products alone now decides: Bravo's Gadgets entry no longer lifts its mean.
    assert left_out["Bravo"] < counted["Bravo"]
    assert left_out["Alpha"] > counted["Alpha"]
    page = client.get(track_url).content.decode()
    assert re.search(r'data-task="gadgets" data-in-average="false"', page)
    assert "not in the prize average" in page
    event = AuditEvent.objects.filter(action="task.details_changed").first()
    assert "in the prize average: no" in event.summary

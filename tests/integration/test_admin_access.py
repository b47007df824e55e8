"""The Django admin, tried by staff who organize one competition and not another: they see and
reach only their competition's rows, private scores stay hidden from everyone but organizers
until the reveal, and scores, submissions and a task's metric cannot be changed there.

The data (both competitions, their scored submissions, olga and root logged in) is built once
per module inside a transaction that is rolled back at the end; what a test changes is rolled
back with its own savepoint."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format

from arena.baselines.services import baseline_version_for
from arena.competitions import synthetic
from arena.competitions.models import Competition, Task
from arena.competitions.services import task_create, track_get_or_create
from arena.methods.models import MethodRun
from arena.results.admin import scores_visible_to
from arena.submissions.models import Score, Submission, SubmissionStatus
from tests import builders
from tests.builders import other_cup, products_task, user_create, world_fixture
from tests.integration.helpers import predictions_with_private_errors, submit_scored
from tests.participants import team_create

pytestmark = pytest.mark.django_db

ADMIN_APPS = ["competitions", "submissions", "teams", "methods"]


@dataclass(frozen=True)
class World:
    submissions: dict[str, int]  # "a" (Test Cup, team Alpha), "b" (Other Cup, Bravo): their pks
    sessions: dict[str, str]  # "organizer" (olga), "superuser" (root): session cookie


def _other_cup_with_widgets() -> Task:
    """Competition B ("Other Cup"), with its own task in its own track; returns the task."""
    other = other_cup()
    data = synthetic.classification_data(rows=120, seed=11)
    track = track_get_or_create(competition=other, name="Other track", kind="classification")
    return task_create(
        competition=other,
        track=track,
        slug="widgets",
        title="Widgets",
        kind="classification",
        metric="macro_f1",
        tables={"train": data.train, "test": data.test},
        answers=data.answers,
        public_fraction=0.5,
    )


def _staff_create(*, username: str, organizes: list[Competition]):
    """A staff user with every admin permission on the competition models (not a superuser)."""
    user = user_create(username)
    user.is_staff = True
    user.save()
    perms = Permission.objects.filter(content_type__app_label__in=ADMIN_APPS)
    user.user_permissions.set(perms)
    for competition in organizes:
        competition.organizers.add(user)
    return user


def _scored(task, user, *, method: str) -> Submission:
    submission = submit_scored(task, user, predictions_with_private_errors(task, wrong_private=7))
    Submission.objects.filter(pk=submission.pk).update(method_name=method)
    version = baseline_version_for(
        competition=task.competition, method="tfidf-logreg", preset="fast", time_limit=30
    )
    MethodRun.objects.create(version=version, task=task)  # a baseline's run, as queued
    submission.refresh_from_db()
    return submission


def _session_of(*, user) -> str:
    """A session cookie of ``user``, logged in once so that the tests reuse it."""
    browser = Client()
    browser.force_login(user)
    return browser.cookies[settings.SESSION_COOKIE_NAME].value


def _build() -> World:
    """One scored submission in each competition, private score apart from the public one;
    olga is staff organizing competition A (Test Cup) and not B."""
    competition = builders.running_cup()
    task_a, _ = products_task(competition)
    task_b = _other_cup_with_widgets()
    alice, bob = user_create("alice"), user_create("bob")
    team_create(competition=competition, user=alice, name="Alpha")
    team_create(competition=task_b.competition, user=bob, name="Bravo")
    submissions = {
        "a": _scored(task_a, alice, method="alpha-method"),
        "b": _scored(task_b, bob, method="bravo-method"),
    }
    olga = _staff_create(username="olga", organizes=[competition])
    root = get_user_model().objects.create_superuser("root", password="x-very-long-password")
    return World(
        submissions={name: submission.pk for name, submission in submissions.items()},
        sessions={"organizer": _session_of(user=olga), "superuser": _session_of(user=root)},
    )


world = world_fixture(_build)  # built once per module, rolled back at its end


@pytest.fixture
def worlds(world, db):
    """The two submissions, fetched afresh: an earlier test may have changed (and rolled back)
    their rows, and a test may change the instances it is given."""
    return {
        name: Submission.objects.select_related("task", "team").get(pk=pk)
        for name, pk in world.submissions.items()
    }


def _private(submission) -> Score:
    return submission.scores.get(split="private", metric=submission.task.metric)


def _public(submission) -> Score:
    return submission.scores.get(split="public", metric=submission.task.metric)


def _shown(score: Score) -> str:
    """The value as the admin prints it."""
    return number_format(score.value)


@pytest.fixture
def make_staff(db):
    """Makes a staff user with every admin permission on the competition models (not a
    superuser), organizing the given competitions."""

    def make(username: str, *, organizes: list[Competition]):
        return _staff_create(username=username, organizes=organizes)

    return make


@pytest.fixture
def organizer_client(client, world):
    """Staff organizing competition A (Test Cup) and not B: olga, logged in once."""
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions["organizer"]
    return client


@pytest.fixture
def superuser_client(world, db):
    """root, logged in once."""
    client = Client()  # its own, so a test can use it next to organizer_client
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions["superuser"]
    return client


def _admin_url(obj, view: str = "change") -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk])


def _list_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def _rows(submission):
    """One row per admin'd model that belongs to the submission's competition."""
    task = submission.task
    return [
        task.competition,
        task.track,
        task,
        submission.team,
        submission.team.memberships.get(),
        submission,
        _public(submission),
        _private(submission),
        MethodRun.objects.get(task=task),
    ]


def test_changelists_show_only_the_organized_competition(organizer_client, worlds):
    for mine, theirs in zip(_rows(worlds["a"]), _rows(worlds["b"]), strict=True):
        response = organizer_client.get(_list_url(type(mine)))
        assert response.status_code == 200, type(mine)
        html = response.content.decode()
        assert _admin_url(mine) in html, type(mine)
        assert _admin_url(theirs) not in html, type(mine)
        # Nor in the list filters, which by default would name every competition.
        assert "Other Cup" not in html, type(mine)


def test_pages_of_another_competitions_rows_are_not_found(organizer_client, worlds):
    theirs = worlds["b"]
    secrets = [_shown(_private(theirs)), theirs.file_key, "bravo-method"]
    for obj in _rows(theirs):
        for view in ("change", "history", "delete"):
            url = _admin_url(obj, view)
            response = organizer_client.get(url)
            # Not found (redirect to the index), or refused outright where nobody may delete.
            assert response.status_code in (302, 403, 404), url
            assert response.status_code != 302 or response.url == reverse("admin:index"), url
            html = response.content.decode()
            assert not any(secret in html for secret in secrets), url
    # A search or a filter on the other competition's rows finds nothing either.
    found = organizer_client.get(_list_url(Submission), {"q": "Bravo"}).content.decode()
    assert _admin_url(theirs) not in found
    by_id = {"task__competition__id__exact": theirs.task.competition_id}
    filtered = organizer_client.get(_list_url(Submission), by_id).content.decode()
    assert _admin_url(theirs) not in filtered


def test_organizers_see_their_private_scores_before_the_reveal(organizer_client, worlds):
    mine = worlds["a"]
    assert _shown(_private(mine)) != _shown(_public(mine))
    scores = organizer_client.get(_list_url(Score)).content.decode()
    assert _shown(_private(mine)) in scores
    page = organizer_client.get(_admin_url(mine)).content.decode()  # the scores inline
    assert _shown(_private(mine)) in page and mine.file_key in page


def test_staff_who_do_not_organize_see_no_private_score(client, make_staff, worlds):
    mine = worlds["a"]
    client.force_login(make_staff("oscar", organizes=[worlds["b"].task.competition]))
    for url in (_list_url(Score), _admin_url(mine), _admin_url(_private(mine))):
        assert _shown(_private(mine)) not in client.get(url).content.decode(), url


def test_private_scores_are_hidden_until_the_reveal_whatever_the_scope(make_staff, worlds):
    """Apart from the scope by competition, the boards' rule hides private scores before the
    reveal from anyone who does not organize the competition."""
    outsider = make_staff("oscar", organizes=[])
    competition = worlds["a"].task.competition
    scores = Score.objects.filter(submission=worlds["a"])
    visible = scores_visible_to(scores=scores, user=outsider)
    assert set(visible.values_list("split", flat=True)) == {"public"}
    competition.organizers.add(outsider)
    assert scores_visible_to(scores=scores, user=outsider).count() == scores.count()
    competition.organizers.remove(outsider)
    past = timezone.now() - timedelta(days=1)
    Competition.objects.filter(pk=competition.pk).update(
        start_at=past - timedelta(days=9), end_at=past
    )
    assert scores_visible_to(scores=scores, user=outsider).count() == scores.count()


def test_superusers_see_every_competition(superuser_client, worlds):
    html = superuser_client.get(_list_url(Score)).content.decode()
    for submission in worlds.values():
        assert _shown(_private(submission)) in html


@pytest.mark.parametrize("who", ["organizer_client", "superuser_client"])
def test_scores_and_submissions_cannot_be_changed_or_added(request, who, worlds):
    client = request.getfixturevalue(who)
    mine = worlds["a"]
    private = _private(mine)
    page = client.get(_admin_url(private)).content.decode()
    assert 'name="value"' not in page
    response = client.post(_admin_url(private), {"value": "0.123", "split": "public"})
    assert response.status_code == 403
    assert Score.objects.get(pk=private.pk).value == private.value
    assert Score.objects.get(pk=private.pk).split == "private"

    page = client.get(_admin_url(mine)).content.decode()
    for field in ("status", "is_final", "team", "task", "public_details"):
        assert f'name="{field}"' not in page, field
    edit = {"status": "invalid", "is_final": "on", "error_message": "x", "public_details": "{}"}
    assert client.post(_admin_url(mine), edit).status_code == 403
    after = Submission.objects.get(pk=mine.pk)
    assert after.status == SubmissionStatus.SCORED and not after.is_final
    assert after.error_message == "" and after.public_details == mine.public_details

    for model in (Score, Submission, MethodRun):
        add = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        assert client.get(add).status_code == 403, model


def test_only_superusers_delete_scores_and_submissions(organizer_client, superuser_client, worlds):
    mine = worlds["a"]
    delete = _admin_url(mine, "delete")
    assert organizer_client.post(delete, {"post": "yes"}).status_code == 403
    assert Submission.objects.filter(pk=mine.pk).exists()
    assert superuser_client.get(delete).status_code == 200


def test_a_tasks_metric_is_read_only(organizer_client, worlds):
    task = worlds["a"].task
    page = organizer_client.get(_admin_url(task)).content.decode()
    assert 'name="metric"' not in page and 'name="version"' not in page
    assert "Other track" not in page  # the track choices hold no track of competition B
    form = {
        "track": task.track_id,
        "slug": task.slug,
        "title": "Products, renamed",
        "description": "",
        "source": "",
        "licence": "",
        "metric": "accuracy",
        "version": task.version + 5,
        "_save": "Save",
    }
    response = organizer_client.post(_admin_url(task), form)
    assert response.status_code == 302  # saved: the editable fields did change
    task_after = Task.objects.get(pk=task.pk)
    assert task_after.title == "Products, renamed"
    assert (task_after.metric, task_after.version) == (task.metric, task.version)
    assert organizer_client.get(reverse("admin:competitions_task_add")).status_code == 403


def test_forms_offer_only_the_organized_competitions(organizer_client, worlds):
    html = organizer_client.get(reverse("admin:teams_team_add")).content.decode()
    assert "Test Cup" in html and "Other Cup" not in html
    other = worlds["b"].task.competition
    response = organizer_client.post(
        reverse("admin:teams_team_add"),
        {
            "competition": other.pk,
            "name": "Intruders",
            "invite_code": "intruders-code",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200  # the form comes back with an error
    assert not other.teams.filter(name="Intruders").exists()


def test_rows_cannot_be_moved_between_competitions(client, make_staff, worlds):
    """Even staff organizing both competitions: a task stays in its competition's tracks, a
    track and a team in their competition, memberships change only through the site."""
    task_a, task_b = worlds["a"].task, worlds["b"].task
    client.force_login(make_staff("both", organizes=[task_a.competition, task_b.competition]))
    form = {
        "track": task_b.track_id,
        "slug": task_a.slug,
        "title": task_a.title,
        "description": "",
        "source": "",
        "licence": "",
        "_save": "Save",
    }
    response = client.post(_admin_url(task_a), form)
    assert response.status_code == 200
    assert "Choose a track of Test Cup that holds classification tasks" in response.content.decode()
    assert Task.objects.get(pk=task_a.pk).track_id == task_a.track_id

    for row in (task_a.track, worlds["a"].team):
        page = client.get(_admin_url(row)).content.decode()
        assert 'name="competition"' not in page, type(row).__name__
    competition_page = client.get(_admin_url(task_a.competition)).content.decode()
    assert 'name="tracks-0-name"' in competition_page  # tracks are listed and renamable...
    assert 'name="tracks-0-kind"' not in competition_page  # ...but keep their kind
    membership = worlds["a"].team.memberships.get()
    assert client.get(reverse("admin:teams_membership_add")).status_code == 403
    assert client.get(_admin_url(membership)).content.decode().count('name="team"') == 0


def test_team_names_edited_in_the_admin_follow_the_sites_rules(organizer_client, worlds):
    team = worlds["a"].team
    response = organizer_client.post(
        _admin_url(team),
        {
            "name": "Evil\u202etxt.exe",  # a right-to-left override hides what a name says
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "1",
            "memberships-0-id": team.memberships.get().pk,
            "memberships-0-team": team.pk,
            "_save": "Save",
        },
    )
    assert response.status_code == 200
    team.refresh_from_db()
    assert team.name == "Alpha"

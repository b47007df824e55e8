"""Organizer decisions that can change a ranking are recorded with who, when and why, and shown
to the competition's organizers only."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse

from arena.competitions.models import AuditEvent, Task
from arena.competitions.synthetic import write_classification_bundle
from arena.teams.models import Team
from tests.integration.test_task_import import zip_folder
from tests.participants import team_create

pytestmark = pytest.mark.django_db


def actions(competition) -> list[tuple[str | None, str]]:
    events = AuditEvent.objects.filter(competition=competition).order_by("created_at", "id")
    return [(event.actor.username if event.actor else None, event.action) for event in events]


def test_decisions_are_recorded_with_their_author(client, competition, organizer, alice, tmp_path):
    client.force_login(organizer)
    bundle = write_classification_bundle(root=tmp_path / "b", rows=80, seed=4)
    archive = zip_folder(bundle)
    archive.name = "bundle.zip"
    client.post(
        reverse("competitions:task_import", args=[competition.slug]),
        {"bundle": archive},
        headers={"accept": "application/json"},
    )
    task = Task.objects.get(competition=competition)
    client.post(
        reverse("competitions:task_manage", args=[competition.slug, task.slug]),
        {"metric": "accuracy"},
    )
    team = team_create(competition=competition, user=alice, name="<b>Alpha</b>")
    teams_url = reverse("teams:organize", args=[competition.slug])
    client.post(teams_url, {"team": team.pk, "action": "disqualify", "reason": "Shared accounts."})
    client.post(teams_url, {"team": team.pk, "action": "reinstate"})
    call_command(
        "import_task", str(bundle), "--competition", competition.slug, "--update", "--yes",
        stdout=io.StringIO(),
    )  # fmt: skip
    assert actions(competition) == [
        ("olga", "task.imported"),
        ("olga", "task.metric_changed"),
        ("olga", "team.disqualified"),
        ("olga", "team.reinstated"),
        (None, "task.replaced"),
    ]
    page = client.get(reverse("competitions:activity", args=[competition.slug]))
    html = page.content.decode()
    assert "metric macro_f1 → accuracy" in html
    assert "&lt;b&gt;Alpha&lt;/b&gt; disqualified: Shared accounts." in html
    assert "command line" in html


def test_only_organizers_read_the_activity(client, competition, organizer, alice):
    url = reverse("competitions:activity", args=[competition.slug])
    client.force_login(alice)
    assert client.get(url).status_code == 403
    client.force_login(organizer)
    assert client.get(url).status_code == 200


def test_settings_changed_in_the_admin_are_recorded(client, competition, organizer):
    organizer.is_staff = True
    organizer.save()
    organizer.user_permissions.set(
        Permission.objects.filter(content_type__app_label="competitions")
    )
    client.force_login(organizer)
    url = reverse("admin:competitions_competition_change", args=[competition.pk])
    form = {
        "slug": competition.slug,
        "title": competition.title,
        "summary": "",
        "description": "",
        "start_at_0": competition.start_at.strftime("%Y-%m-%d"),
        "start_at_1": competition.start_at.strftime("%H:%M:%S"),
        "end_at_0": competition.end_at.strftime("%Y-%m-%d"),
        "end_at_1": competition.end_at.strftime("%H:%M:%S"),
        "reveal_at_0": "",
        "reveal_at_1": "",
        "max_team_size": "2",
        "daily_submission_limit": "9",
        "total_submission_limit": "",
        "final_selection_limit": "2",
        "track_ranking": "score",
        "methods_code_after_end": "private",
        "run_baselines_on_import": "on",
        "organizers": organizer.username,
        "tracks-TOTAL_FORMS": "0",
        "tracks-INITIAL_FORMS": "0",
        "_save": "Save",
    }
    response = client.post(url, form)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors,
        [f.formset.errors for f in response.context["inline_admin_formsets"]],
    )
    event = AuditEvent.objects.get(competition=competition, action="competition.changed")
    assert event.actor == organizer
    assert "daily_submission_limit → 9" in event.summary
    assert not Team.objects.exists()

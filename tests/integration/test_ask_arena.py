"""The reviewers' one button (issue 16, item 6): on a method's page, "what would it do on that
task?" queues a run of the method's newest version on any task and leads to the version's page,
which shows the answer when the run ends. Only those who oversee the competition's methods see
the button; a method not handed in as code says so."""

from pathlib import Path
from urllib.parse import quote

import pytest

from arena.competitions import synthetic
from arena.competitions.services import task_create, track_get_or_create
from arena.methods.models import MethodRun
from arena.methods.services import method_push_folder
from tests.integration.helpers import submit_scored
from tests.participants import team_create

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "methods" / "linear-baseline"


@pytest.fixture
def elsewhere(other_competition):
    """A task of another competition, imported after the first one's challenge."""
    data = synthetic.classification_data(rows=80, seed=5)
    track = track_get_or_create(
        competition=other_competition, name="Classification", kind="classification"
    )
    return task_create(
        competition=other_competition, track=track, slug="elsewhere", title="Elsewhere",
        kind="classification", metric="accuracy", tables={"train": data.train, "test": data.test},
        answers=data.answers,
    )  # fmt: skip


@pytest.fixture
def alphas_method(competition, products, alice):
    task, data = products
    team = team_create(competition=competition, user=alice, name="Alpha")
    version = method_push_folder(team=team, user=alice, root=EXAMPLE).version
    upload = submit_scored(task, alice, data.answers[["id", "label"]])
    upload.method_name = "Linear baseline"
    upload.save(update_fields=["method_name"])
    return team, version


def method_url(competition, team, name):
    return f"/c/{competition.slug}/methods/{team.pk}/?name={quote(name)}"


def test_a_reviewer_asks_what_a_method_would_do_on_another_task(
    client, competition, alphas_method, elsewhere, make_user
):
    team, version = alphas_method
    reviewer = make_user("rita")
    competition.reviewers.add(reviewer)
    client.force_login(reviewer)
    page = client.get(method_url(competition, team, "Linear baseline")).content.decode()
    assert "What would it do on another task?" in page
    assert f'<option value="{elsewhere.pk}">Elsewhere (classification)</option>' in page

    asked = client.post(
        f"/c/{competition.slug}/methods/ask/",
        {"team": team.pk, "name": "linear baseline", "task": elsewhere.pk},
    )
    run = MethodRun.objects.get()
    assert (run.version, run.task, run.requested_by) == (version, elsewhere, reviewer)
    assert asked["Location"] == f"/c/{competition.slug}/team/methods/versions/{version.pk}/#runs"
    followed = client.get(asked["Location"]).content.decode()
    assert f'data-run="{run.pk}"' in followed and 'http-equiv="refresh"' in followed


def test_a_method_without_code_and_a_reviewer_without_the_right_are_told_why(
    client, competition, products, alphas_method, elsewhere, make_user, bob
):
    task, data = products
    team, _ = alphas_method
    reviewer = make_user("rita")
    competition.reviewers.add(reviewer)
    client.force_login(reviewer)
    team_create(competition=competition, user=bob, name="Beta")
    upload = submit_scored(task, bob, data.answers[["id", "label"]])
    upload.method_name = "Hand-tuned rules"
    upload.save(update_fields=["method_name"])
    answer = client.post(
        f"/c/{competition.slug}/methods/ask/",
        {"team": upload.team_id, "name": "Hand-tuned rules", "task": elsewhere.pk},
        follow=True,
    ).content.decode()
    assert "was not handed in as code, so Arena cannot run it" in answer

    competition.reviewers_run_methods = False
    competition.save(update_fields=["reviewers_run_methods"])
    page = client.get(method_url(competition, team, "Linear baseline")).content.decode()
    assert "What would it do on another task?" not in page
    answer = client.post(
        f"/c/{competition.slug}/methods/ask/",
        {"team": team.pk, "name": "Linear baseline", "task": elsewhere.pk},
        follow=True,
    ).content.decode()
    assert "Only the method&#x27;s team, the competition&#x27;s organizers" in answer
    assert not MethodRun.objects.exists()

"""Organizers' batches of method runs (issue 16, item 4): "run every method on this task" and
"fill this track's matrix" queue exactly the missing (method, task) pairs, show their progress
and refuse when there is nothing to fill; nobody else may start or see them."""

import re
from pathlib import Path

import pytest
from django.utils import timezone

from arena.methods import runs
from arena.methods.models import MethodRun, RunBatch
from arena.methods.runs import run_execute, run_request
from arena.methods.services import method_push_folder
from tests.integration.helpers import score_as_worker, submit_scored
from tests.participants import team_create

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "methods" / "linear-baseline"


@pytest.fixture
def two_methods(competition, products, offers, alice, bob):
    """Alpha and Beta each push the example method (it handles both kinds of task); Alpha also
    uploads its predictions on Products, so its cell there is filled by an upload."""
    task, data = products
    alpha = team_create(competition=competition, user=alice, name="Alpha")
    beta = team_create(competition=competition, user=bob, name="Beta")
    method_push_folder(team=alpha, user=alice, root=EXAMPLE)
    method_push_folder(team=beta, user=bob, root=EXAMPLE)
    answers = data.answers[["id", "label"]]
    upload = submit_scored(task, alice, answers)
    upload.method_name = "linear BASELINE"  # the same method, however the team spelled it
    upload.save(update_fields=["method_name"])
    return alpha, beta


def test_an_organizer_fills_the_holes_and_follows_the_batch(
    client, competition, products, offers, two_methods, make_user, monkeypatch
):
    task, _ = products
    matching, _ = offers
    alpha, beta = two_methods
    organizer = make_user("olga")
    competition.organizers.add(organizer)
    client.force_login(organizer)
    url = f"/c/{competition.slug}/organize/runs/"
    classification = competition.tracks.get(kind="classification")

    assert client.post(url, {"track": classification.pk}).status_code == 302
    filled = RunBatch.objects.get()
    # Alpha's upload fills its Products cell; Beta's method has no result there: one run.
    assert [(run.version.method.team, run.task) for run in filled.runs.all()] == [(beta, task)]
    page = client.get(url).content.decode()
    assert "Fill the Classification matrix" in page and "0 of 1 finished (0%)" in page
    assert 'http-equiv="refresh"' in page  # the page follows the batch by itself

    run = filled.runs.get()
    assert run_execute(run_id=run.pk) == MethodRun.Status.SUBMITTED
    run.refresh_from_db()
    assert score_as_worker(submission_id=run.submission_id) == "scored"
    page = client.get(url).content.decode()
    assert "1 of 1 finished (100%): 1 scored, 0 failed." in page
    assert 'http-equiv="refresh"' not in page
    assert re.search(r"<td>Products</td>\s*<td><a [^>]*>Linear baseline v1</a>", page)

    # Nothing left to fill: refused in words, nothing queued.
    response = client.post(url, {"track": classification.pk}, follow=True)
    assert "has no hole a method could fill" in response.content.decode()
    assert RunBatch.objects.count() == 1

    # Every method on the matching task: both teams' methods, none ran there yet.
    monkeypatch.setattr(runs, "RUNS_PER_TEAM_PER_DAY", 1)
    response = client.post(url, {"task": matching.pk}, follow=True)
    assert "Every method on Offers: 2 runs queued." in response.content.decode()
    everyone = RunBatch.objects.get(title="Every method on Offers")
    assert {run.version.method.team for run in everyone.runs.all()} == {alpha, beta}
    assert {run.task for run in everyone.runs.all()} == {matching}
    # Batches are the organizers' asking: the teams' own allowance is untouched.
    run_request(version=alpha.methods.get().versions.get(), task=task, user=alpha.created_by)
    response = client.post(url, {"task": matching.pk}, follow=True)
    assert "has run on it already" in response.content.decode()


def test_only_organizers_run_batches(client, competition, products, two_methods, alice):
    task, _ = products
    alpha, _ = two_methods
    competition.reviewers.add(alice)
    client.force_login(alice)
    url = f"/c/{competition.slug}/organize/runs/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"task": task.pk}).status_code == 404
    assert not RunBatch.objects.exists() and not MethodRun.objects.exists()


def test_a_disqualified_teams_method_is_left_out(
    client, competition, products, two_methods, make_user
):
    task, _ = products
    alpha, beta = two_methods
    beta.disqualified_at = timezone.now()
    beta.save(update_fields=["disqualified_at"])
    organizer = make_user("olga")
    competition.organizers.add(organizer)
    client.force_login(organizer)
    client.post(f"/c/{competition.slug}/organize/runs/", {"task": task.pk})
    assert [run.version.method.team for run in MethodRun.objects.all()] == [alpha]

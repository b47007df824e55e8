"""Baselines that finish while you watch (issue 17, item 4): runs queued smallest task first and
the faster methods first; the Manage page follows them by itself (an htmx fragment that polls
while any run is under way and stops when all are done); a run is stopped at the limit the page
shows, with the sandbox's message. Runs here are real, in the sandbox (run_execute)."""

import dataclasses
import io
import textwrap

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse

from arena.baselines.services import (
    baseline_runs_enqueue_for_tasks,
    baseline_team_for,
    task_size,
)
from arena.methods import runs as method_runs
from arena.methods.models import MethodRun
from arena.methods.runs import run_execute, run_request_builtin, run_wall_limit_seconds
from arena.methods.services import method_push_folder
from arena.submissions.services import submission_score

POLLING = 'hx-trigger="every 2s"'


@pytest.fixture
def organizer_client(client, competition, alice):
    competition.organizers.add(alice)
    client.force_login(alice)
    return client


def _fragment(client, task):
    url = reverse("competitions:task_manage_baselines", args=[task.competition.slug, task.slug])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_runs_are_queued_fastest_method_first_and_smallest_task_first(products, offers):
    tasks = sorted([products[0], offers[0]], key=lambda task: task_size(task=task))
    runs = baseline_runs_enqueue_for_tasks(tasks=list(reversed(tasks)))
    order = [(run.task, run.version.method.name) for run in runs]
    fastest = "TF-IDF + logistic regression"  # seconds: first on every board, smallest first
    assert order[: len(tasks)] == [(task, fastest) for task in tasks]
    # Then the others, smallest task first and AutoGluon (its whole time limit) last on each.
    rest = order[len(tasks) :]
    assert [task for task, _ in rest] == sorted(
        (task for task, _ in rest), key=lambda task: task_size(task=task)
    )
    assert [name for task, name in rest if task == tasks[0]][-1] == "AutoGluon"
    assert len({run.version_id for run in runs}) == len(runs) // len(tasks)  # one per method


@pytest.mark.django_db
def test_the_demo_queues_every_tasks_baselines_once_after_loading():
    call_command("load_demo", "--no-builtin", stdout=io.StringIO())
    runs = list(MethodRun.objects.order_by("pk").select_related("task", "version__method"))
    assert len(runs) == 6  # both synthetic tasks, every built-in method, none on the way in
    sizes = [task_size(task=run.task) for run in runs[:2]]
    assert sizes == sorted(sizes) and runs[0].version.method.name.startswith("TF-IDF")
    call_command("load_demo", "--no-builtin", stdout=io.StringIO())
    assert MethodRun.objects.count() == 6  # loading again queues nothing more


@pytest.mark.django_db
def test_the_manage_page_polls_while_a_run_is_under_way_and_stops_when_it_is_on_the_board(
    organizer_client, products
):
    task = products[0]
    (run,) = baseline_runs_enqueue_for_tasks(tasks=[task], methods=["tfidf-logreg"])
    page = organizer_client.get(
        reverse("competitions:task_manage", args=[task.competition.slug, task.slug])
    ).content.decode()
    assert POLLING in page and 'data-stage="queued"' in page
    limit = run_wall_limit_seconds(version=run.version)
    assert f"/ {limit} s" in page  # the limit shown is the one the sandbox holds it to

    assert run_execute(run_id=run.pk) == "submitted"  # really in the sandbox
    fragment = _fragment(organizer_client, task)
    assert POLLING in fragment and 'data-stage="scoring"' in fragment  # not on the board yet

    run.refresh_from_db()
    assert submission_score(submission_id=run.submission_id) == "scored"
    fragment = _fragment(organizer_client, task)
    assert 'data-stage="on the board"' in fragment
    assert "hx-get" not in fragment  # all done: the page stops asking


@pytest.mark.django_db
def test_a_run_over_its_limit_is_stopped_at_it(organizer_client, products, tmp_path, monkeypatch):
    task = products[0]
    team, user = baseline_team_for(
        competition=task.competition, method="tfidf-logreg", preset="fast"
    )
    folder = tmp_path / "slow"
    folder.mkdir()
    (folder / "main.py").write_text(textwrap.dedent("import time\n\ntime.sleep(600)\n"))
    manifest = {
        "name": "Slow sleeper",
        "description": "Sleeps past any limit.",
        "kinds": ["classification"],
        "command": "python main.py --time-limit 1",
        "resources": {"cpus": 1, "memory_gb": 1, "minutes": 1},
    }
    (folder / "method.yaml").write_text(yaml.safe_dump(manifest))
    version = method_push_folder(team=team, user=user, root=folder).version
    # A tiny wall limit, for this test only; the page reads the same limit as the sandbox.
    real = method_runs._limits
    monkeypatch.setattr(
        method_runs,
        "_limits",
        lambda *, version: dataclasses.replace(real(version=version), wall_seconds=2),
    )
    run = run_request_builtin(version=version, task=task)
    assert run_execute(run_id=run.pk) == "failed"
    run.refresh_from_db()
    assert run.stopped_by == "wall time"
    stopped_by_its_limit = "The method stopped after 2 s wall time."
    assert run.message == stopped_by_its_limit
    fragment = _fragment(organizer_client, task)
    assert "/ 2 s" in fragment and "stopped after 2 s wall time" in fragment
    assert 'data-stage="failed"' in fragment and "hx-get" not in fragment

"""Methods as code end to end (issue 16): a team pushes its method in the browser, runs it on a
task of its competition with a real `methods` worker (the sandbox) and a real scoring worker,
and reads the run's score and output; a reviewer runs the same version on a task of another
competition. A method that fails says why, and nothing is left behind."""

import io
import os
import subprocess
import sys
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from arena.api.services import api_token_create
from arena.competitions import synthetic
from arena.competitions.services import competition_create, task_create, track_get_or_create
from arena.methods.models import MethodRun, MethodVersion
from arena.submissions.models import Score, SubmissionOrigin
from tests.e2e.conftest import _redis_broker, start_worker, stop_worker
from tests.e2e.helpers import wait_for
from tests.participants import team_create

pytestmark = pytest.mark.e2e

ARENA = Path(sys.executable).with_name("arena")
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "methods" / "linear-baseline"


@pytest.fixture(scope="module")
def module_workers(django_db_setup, tmp_path_factory):
    """One scoring and one `methods` worker for the whole module: starting them is most of
    what a test here would otherwise spend its CPU on. They hold no state between tests."""
    logs = tmp_path_factory.mktemp("workers")
    _redis_broker().delete("scoring", "training", "methods", "unacked", "unacked_index")
    scoring = start_worker(queues="scoring", log_path=logs / "worker.log")
    methods = start_worker(queues="methods", log_path=logs / "methods.log")
    yield {"scoring": scoring, "methods": methods, "logs": logs}
    stop_worker(methods)
    stop_worker(scoring)


def _worker(module_workers, queue: str, log_name: str):
    process = module_workers[queue]
    assert process.poll() is None, f"the {queue} worker died in an earlier test"
    yield process
    print((module_workers["logs"] / log_name).read_text()[-3000:])  # shown when a test failed


@pytest.fixture
def celery_worker_process(transactional_db, module_workers):
    """The module's real scoring worker (overrides the per-test one of tests/e2e/conftest.py)."""
    yield from _worker(module_workers, "scoring", "worker.log")


@pytest.fixture
def methods_worker_process(transactional_db, module_workers):
    """The module's real worker on the `methods` queue, apart from scoring."""
    yield from _worker(module_workers, "methods", "methods.log")


def zipped(folder: Path, *, replace: dict | None = None) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.rglob("*")):
            name = path.relative_to(folder).as_posix()
            if path.is_file() and name not in (replace or {}):
                archive.write(path, name)
        for name, text in (replace or {}).items():
            archive.writestr(name, text)
    buffer.seek(0)
    buffer.name = "method.zip"
    return buffer


def finished(run_id: int):
    run = MethodRun.objects.select_related("submission").get(pk=run_id)
    if run.status == MethodRun.Status.FAILED:
        return run
    if run.submission and run.submission.status not in ("queued", "scoring"):
        return run
    return None


def test_a_team_runs_its_method_and_a_reviewer_runs_it_elsewhere(
    client, celery_worker_process, methods_worker_process, products, competition, alice, make_user
):
    task, _ = products
    team_create(competition=competition, user=alice, name="Alpha")
    client.force_login(alice)
    pushed = client.post(f"/c/{competition.slug}/team/methods/", {"package": zipped(EXAMPLE)})
    assert pushed.status_code == 302
    version = MethodVersion.objects.get()
    version_url = f"/c/{competition.slug}/team/methods/versions/{version.pk}/"
    assert client.post(version_url + "run/", {"task": task.pk}).status_code == 302
    run = wait_for(lambda: finished(MethodRun.objects.get().pk), what="the team's run", timeout=180)
    assert run.status == MethodRun.Status.SUBMITTED, (run.message, run.stderr_tail)
    assert run.submission.origin == SubmissionOrigin.RUN and run.submission.status == "scored"
    assert "predictions written" in run.stdout_tail
    assert run.environment["sandbox"].startswith("bubblewrap")
    score = Score.objects.get(submission=run.submission, split="public", metric=task.metric)
    page = client.get(version_url).content.decode()
    assert f"{score.value:.4f}" in page and "Finished in" in page

    # A reviewer of Alpha's competition runs the method on a task of another competition.
    now = timezone.now()
    other = competition_create(
        slug="other-cup", title="Other Cup", start_at=now - timedelta(days=1),
        end_at=now + timedelta(days=9),
    )  # fmt: skip
    data = synthetic.classification_data(rows=160, seed=5)
    elsewhere = task_create(
        competition=other, track=track_get_or_create(
            competition=other, name="Classification", kind="classification"
        ), slug="elsewhere", title="Elsewhere", kind="classification", metric="accuracy",
        tables={"train": data.train, "test": data.test}, answers=data.answers,
    )  # fmt: skip
    reviewer = make_user("rita")
    competition.reviewers.add(reviewer)
    client.force_login(reviewer)
    assert client.post(version_url + "run/", {"task": elsewhere.pk}).status_code == 302
    second = MethodRun.objects.exclude(pk=run.pk).get()
    second = wait_for(lambda: finished(second.pk), what="the reviewer's run", timeout=180)
    assert second.status == MethodRun.Status.SUBMITTED, (second.message, second.stderr_tail)
    assert second.submission.task == elsewhere and second.submission.status == "scored"

    # ...and, as a reviewer of that competition too, sees it in its matrix, from runs: the
    # worker's follow-up job stores the comparison after the run's score.
    other.reviewers.add(reviewer)
    matrix = f"/c/{other.slug}/compare/?source=runs"

    def shown():
        page = client.get(matrix).content.decode()
        return page if "(Alpha, Test Cup)" in page and 'data-source="run"' in page else None

    page = wait_for(shown, what="the run in the other competition's matrix", timeout=60)
    assert "Linear baseline" in page
    assert "(Alpha, Test Cup)" not in client.get(f"/c/{other.slug}/compare/").content.decode()


def test_a_failing_method_says_why_and_leaves_nothing(
    client, methods_worker_process, products, competition, alice
):
    task, _ = products
    team_create(competition=competition, user=alice, name="Alpha")
    client.force_login(alice)
    crashing = zipped(EXAMPLE, replace={"main.py": "raise SystemExit('no model today')\n"})
    client.post(f"/c/{competition.slug}/team/methods/", {"package": crashing})
    version = MethodVersion.objects.get()
    client.post(f"/c/{competition.slug}/team/methods/versions/{version.pk}/run/", {"task": task.pk})
    run = wait_for(lambda: finished(MethodRun.objects.get().pk), what="the run", timeout=120)
    assert run.status == MethodRun.Status.FAILED and run.submission is None
    assert "exited with code 1" in run.message and "no model today" in run.stderr_tail
    assert not any(Path(settings.METHOD_RUNS_DIR).iterdir())  # the run's folder is gone


def test_a_team_runs_its_method_from_the_terminal(
    celery_worker_process, methods_worker_process, live_server, products, competition, alice,
    tmp_path,
):  # fmt: skip
    """`arena method push`, then `arena method run NAME TASK --wait`: the run's score and the
    end of its output come back to the terminal."""
    task, _ = products
    team_create(competition=competition, user=alice, name="Alpha")
    _, key = api_token_create(user=alice, name="cli")
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}

    def arena(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(ARENA), *args], cwd=tmp_path, env=env, capture_output=True, text=True,
            timeout=300,
        )  # fmt: skip

    assert arena("configure", "--url", live_server.url, "--token", key).returncode == 0
    assert arena("method", "push", str(EXAMPLE)).returncode == 0
    done = arena("method", "run", "Linear baseline", task.slug, "--wait")
    assert done.returncode == 0, done.stderr + done.stdout
    assert "scored, public score" in done.stdout
    assert "predictions written" in done.stdout  # the end of the method's own output
    refused = arena("method", "run", "Linear baseline@7", task.slug)
    assert refused.returncode == 1 and "has no version 7" in refused.stderr


def package(name: str, code: str, *, memory_gb: float = 0.5) -> io.BytesIO:
    """A one-file method named ``name`` whose main.py is ``code``."""
    manifest = (
        f"name: {name}\ndescription: misbehaves on purpose\nkinds: [classification]\n"
        f"command: python main.py\nresources: {{cpus: 1, memory_gb: {memory_gb}, minutes: 1}}\n"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("method.yaml", manifest)
        archive.writestr("main.py", code)
    buffer.seek(0)
    buffer.name = f"{name}.zip"
    return buffer


def test_bad_methods_end_with_a_reason_and_touch_nothing(
    client, celery_worker_process, methods_worker_process, live_server, products, competition,
    alice,
):  # fmt: skip
    """Through a real `methods` worker: memory, processes, network, secrets, a gigabyte of
    output, 50 GB of files, writes outside /work and a wrong file each end their run with what
    happened; the worker goes on with the next run. (Sleeping for ever meets the wall limit of
    at least a minute: tests/unit/test_sandbox.py runs it with a shorter one.)"""
    task, data = products
    secret_file = Path(settings.PRIVATE_FILES_ROOT) / task.answers_path
    assert secret_file.is_file()
    port = live_server.url.rsplit(":", 1)[1]
    wrong_ids = ", ".join(repr(f"nope-{i}") for i in range(len(data.test)))
    bad = {
        "Hog": ("x = bytearray(30 * 1024**3)\n", "memory"),
        "Forker": (
            "import os\nwhile True:\n    os.fork()\n",
            "processes",
        ),
        "Caller": (
            "import socket\n"
            "for host, port in (('127.0.0.1', " + port + "), ('1.1.1.1', 53)):\n"
            "    try:\n"
            "        socket.create_connection((host, port), timeout=3)\n"
            "        print('CONNECTED', host)\n"
            "    except OSError as error:\n"
            "        print('refused', host, error)\n"
            "raise SystemExit(3)\n",
            "exit",
        ),
        "Snoop": (
            "import os\n"
            f"for path in ({str(secret_file)!r}, {str(settings.ARENA_HOME)!r}, '/etc/shadow'):\n"
            "    print(path, 'SEEN' if os.path.exists(path) else 'absent')\n"
            "print('ENV', sorted(os.environ))\n"
            "raise SystemExit(4)\n",
            "exit",
        ),
        "Printer": (
            "import sys\nline = 'x' * 1_000_000 + '\\n'\n"
            "for _ in range(1024):\n    sys.stdout.write(line)\nprint('THE END')\n",
            "no predictions",
        ),
        "Filler": (
            "chunk = b'0' * 2**20\nwith open('/work/filler.bin', 'wb') as out:\n"
            "    for _ in range(50 * 1024):\n        out.write(chunk)\n",
            "output",
        ),
        "Scribbler": (
            f"home = {str(settings.ARENA_HOME)!r}\n"
            "for path in ('/method/x', '/task/x', '/usr/x', '/venv/x', home + '/x'):\n"
            "    try:\n        open(path, 'w').write('x')\n        print('WROTE', path)\n"
            "    except OSError as error:\n        print('refused', path, error.strerror)\n"
            "raise SystemExit(5)\n",
            "exit",
        ),
        "Wrong ids": (
            "import pandas as pd\n"
            f"pd.DataFrame({{'id': [{wrong_ids}], 'label': 'x'}})"
            ".to_csv('/work/predictions.csv', index=False)\n",
            "invalid",
        ),
    }
    team_create(competition=competition, user=alice, name="Alpha")
    client.force_login(alice)
    for name, (code, _) in bad.items():
        assert (
            client.post(
                f"/c/{competition.slug}/team/methods/",
                # The fork bomb gets room to reach the process limit before the memory limit
                # (256 interpreters outgrow 0.5 GB); the others keep the smallest memory.
                {"package": package(name, code, memory_gb=4 if name == "Forker" else 0.5)},
            ).status_code
            == 302
        )
    for version in MethodVersion.objects.all():
        client.post(
            f"/c/{competition.slug}/team/methods/versions/{version.pk}/run/", {"task": task.pk}
        )
    runs = {run.version.method.name: run.pk for run in MethodRun.objects.select_related(
        "version__method"
    )}  # fmt: skip
    ended = {name: wait_for(lambda pk=pk: finished(pk), what=name, timeout=120)
             for name, pk in runs.items()}  # fmt: skip
    assert ended["Hog"].stopped_by == "memory" and "memory" in ended["Hog"].message
    assert ended["Forker"].stopped_by == "processes" and "processes" in ended["Forker"].message
    caller = ended["Caller"].stdout_tail
    assert "CONNECTED" not in caller
    assert sum(line.startswith("refused ") for line in caller.splitlines()) == 2
    snoop = ended["Snoop"].stdout_tail
    assert "SEEN" not in snoop and snoop.count("absent") == 3
    assert "SECRET_KEY" not in snoop and "DATABASE_URL" not in snoop and "ARENA_SEED" in snoop
    printer = ended["Printer"]
    assert printer.stdout_tail.endswith("THE END\n") and len(printer.stdout_tail) <= 64 * 1024
    assert "without writing /work/predictions" in printer.message
    assert (
        ended["Filler"].stopped_by == "output"
        and "wrote more than 1 GiB" in ended["Filler"].message
    )
    scribbler = ended["Scribbler"].stdout_tail
    assert "WROTE" not in scribbler and scribbler.count("refused") == 5
    assert not (Path(settings.ARENA_HOME) / "x").exists()
    wrong = ended["Wrong ids"]
    assert wrong.status == MethodRun.Status.SUBMITTED and wrong.submission.status == "invalid"
    assert wrong.submission.error_message
    for name in ("Hog", "Forker", "Caller", "Snoop", "Printer", "Filler", "Scribbler"):
        assert ended[name].status == MethodRun.Status.FAILED and ended[name].submission is None
    assert not any(Path(settings.METHOD_RUNS_DIR).iterdir())


def test_a_method_written_from_the_docs_alone_runs_unchanged(
    client, celery_worker_process, methods_worker_process, products, offers, competition, alice
):
    """tests/fixtures/methods/outsider-knn was written by someone who read only
    docs/METHODS.md (and DATASETS.md): it runs in the sandbox on both kinds of task, as is."""
    folder = Path(__file__).resolve().parents[1] / "fixtures" / "methods" / "outsider-knn"
    team_create(competition=competition, user=alice, name="Alpha")
    client.force_login(alice)
    assert (
        client.post(f"/c/{competition.slug}/team/methods/", {"package": zipped(folder)}).status_code
        == 302
    )
    version = MethodVersion.objects.get()
    for task, _ in (products, offers):
        client.post(
            f"/c/{competition.slug}/team/methods/versions/{version.pk}/run/", {"task": task.pk}
        )
    for run in MethodRun.objects.all():
        ended = wait_for(lambda pk=run.pk: finished(pk), what=f"run {run.pk}", timeout=180)
        assert ended.status == MethodRun.Status.SUBMITTED, (ended.message, ended.stderr_tail)
        assert ended.submission.status == "scored", ended.submission.error_message

"""The plain-process runner for Arena's own baselines on a host that cannot sandbox
(methods/trusted.py): the method's contract holds (its folders and seed in the environment,
nothing of the worker's), and the wall-time and memory limits stop it with a clear message."""

import time
from pathlib import Path

import pytest

from arena.methods.sandbox import LimitKind, Limits
from arena.methods.trusted import BACKEND, run_trusted


@pytest.fixture
def folders(tmp_path):
    code, task, work = (tmp_path / name for name in ("method", "task", "work"))
    for folder in (code, task, work):
        folder.mkdir()
    (task / "task.yaml").write_text("kind: classification\n")
    return code, task, work


def run(folders, code: str, **limits):
    code_dir, task_dir, work_dir = folders
    (code_dir / "main.py").write_text(code)
    return run_trusted(
        command=["python", "main.py"], code_dir=code_dir, task_dir=task_dir, work_dir=work_dir,
        limits=Limits(**{"memory_bytes": 2 * 1024**3, **limits}), seed=7,
    )  # fmt: skip


def test_the_contract_holds_and_the_workers_secrets_stay_behind(folders, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "not-for-methods")
    outcome = run(
        folders,
        "import os, pathlib\n"
        "task, work = pathlib.Path(os.environ['ARENA_TASK_DIR']), os.environ['ARENA_WORK_DIR']\n"
        "print(task.joinpath('task.yaml').read_text().strip(), os.environ['ARENA_SEED'])\n"
        "print('SECRET' if 'SECRET_KEY' in os.environ else 'no secret')\n"
        "pathlib.Path(work, 'predictions.csv').write_text('id,label\\n')\n",
    )
    assert outcome.succeeded, outcome.stderr_tail
    assert outcome.stdout_tail.splitlines() == ["kind: classification 7", "no secret"]
    assert (folders[2] / "predictions.csv").is_file() and outcome.output_files == 1
    assert outcome.environment.backend == BACKEND


def test_wall_time_stops_the_method_and_what_it_started(folders):
    outcome = run(
        folders,
        "import subprocess, time\n"
        "child = subprocess.Popen(['sleep', '300'])\n"
        "print(child.pid, flush=True)\n"
        "time.sleep(300)\n",
        wall_seconds=2,
    )
    assert outcome.stop is not None and outcome.stop.limit == LimitKind.WALL_TIME
    assert "stopped at its wall time of 2 s" in outcome.summary
    child = int(outcome.stdout_tail.split()[0])
    for _ in range(100):  # the killed child is reaped by init at its own pace
        if not alive(child):
            break
        time.sleep(0.05)
    else:
        pytest.fail("the method's child outlived the stop")


def alive(pid: int) -> bool:
    """Running or asleep; a zombie (killed, not yet reaped) or a vanished process is not."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_memory_is_capped(folders):
    outcome = run(folders, "x = bytearray(3 * 1024**3)\n", memory_bytes=512 * 1024**2)
    assert not outcome.succeeded and "MemoryError" in outcome.stderr_tail

"""The sandbox core (arena/methods/sandbox.py) attacked for real: every test starts bubblewrap
with a tiny Python method and checks the Outcome and the host afterwards (no process left,
nothing large on disk, no connection received, nothing of the host visible inside)."""

import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest

from arena.methods import sandbox
from arena.methods.sandbox import GIB, KIB, MIB, LimitKind, Limits, Outcome, run_sandboxed

REPOSITORY = Path(__file__).resolve().parents[2]
# Small limits, so that each attack is over in seconds.
QUICK = Limits(
    cpus=1,
    memory_bytes=1 * GIB,
    wall_seconds=30,
    processes=32,
    output_bytes=64 * MIB,
    log_tail_bytes=4 * KIB,
)


@pytest.fixture(autouse=True)
def bubblewrap_is_installed():
    if shutil.which("bwrap") is None:
        pytest.fail("bubblewrap (bwrap) is not installed: apt-get install bubblewrap.")


class Method:
    """A method's folders in tmp_path: code (main.py), task (public files) and work."""

    def __init__(self, root: Path) -> None:
        self.code = root / "code"
        self.task = root / "task"
        self.work = root / "work"
        for folder in (self.code, self.task, self.work):
            folder.mkdir()
        self.marker = uuid.uuid4().hex  # in the environment of every process of the run

    def run(
        self,
        source: str,
        *,
        limits: Limits = QUICK,
        command: tuple[str, ...] = ("python", "main.py"),
        seed: int = 0,
    ) -> Outcome:
        (self.code / "main.py").write_text(textwrap.dedent(source))
        outcome = run_sandboxed(
            command=list(command),
            code_dir=self.code,
            task_dir=self.task,
            work_dir=self.work,
            limits=limits,
            env={"ARENA_TEST_RUN": self.marker},
            seed=seed,
        )
        assert processes_of(self.marker) == [], "a process of the sandbox survived it"
        return outcome

    def report(self, outcome: Outcome) -> dict:
        """What a method printed as JSON on its last line."""
        assert outcome.exit_code == 0, outcome.stderr_tail
        return json.loads(outcome.stdout_tail.strip().splitlines()[-1])


@pytest.fixture
def method(tmp_path) -> Method:
    return Method(tmp_path)


def processes_of(marker: str) -> list[int]:
    """Host processes whose environment holds the run's marker."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                environ = (entry / "environ").read_bytes()
            except OSError:
                continue
            if f"ARENA_TEST_RUN={marker}".encode() in environ.split(b"\0"):
                found.append(int(entry.name))
    return found


def leftover_cgroups() -> list[Path]:
    own = f"{sandbox.CGROUP_PREFIX}{os.getpid()}-"
    return [
        path
        for controller in ("pids", "cpuset")
        for path in (Path("/sys/fs/cgroup") / controller).glob(f"{own}*")
    ]


def test_a_crash_at_start_gives_the_exit_code_and_the_traceback(method):
    outcome = method.run("raise RuntimeError('no model for this task')\n")

    assert (outcome.exit_code, outcome.signal, outcome.stop) == (1, None, None)
    assert not outcome.succeeded
    assert "Traceback (most recent call last)" in outcome.stderr_tail
    assert "RuntimeError: no model for this task" in outcome.stderr_tail
    assert outcome.summary.startswith("exited with code 1 after")


def test_printing_a_gigabyte_keeps_only_the_tail(method):
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * KIB
    outcome = method.run(
        """
        import sys
        line = b"x" * (1024 * 1024 - 1) + b"\\n"
        for _ in range(1024):
            sys.stdout.buffer.write(line)
        print("the end", flush=True)
        print("and on stderr", file=sys.stderr)
        """
    )

    assert outcome.succeeded, outcome.stderr_tail
    assert outcome.stdout_bytes == GIB + len("the end\n")
    assert len(outcome.stdout_tail) == QUICK.log_tail_bytes
    assert outcome.stdout_tail.endswith("x\nthe end\n")
    assert outcome.stderr_tail == "and on stderr\n"
    # The runner kept a tail, never the gigabyte.
    peak_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * KIB
    assert peak_after - peak_before < 64 * MIB


WRITERS = {
    "many files in /work": """
        block = b"\\1" * (8 * 1024 * 1024)
        for number in range(6400):  # 50 GiB, each file far below the file limit
            with open(f"/work/part-{number}.bin", "wb") as part:
                part.write(block)
        """,
    "one file in /work": """
        block = b"\\1" * (8 * 1024 * 1024)
        with open("/work/all.bin", "wb") as everything:
            for _ in range(6400):
                everything.write(block)
        """,
    "one file in /tmp": """
        block = b"\\1" * (8 * 1024 * 1024)
        with open("/tmp/all.bin", "wb") as everything:
            for _ in range(6400):
                everything.write(block)
        """,
}


@pytest.mark.parametrize("writer", WRITERS)
def test_writing_50_gb_is_stopped_by_the_output_limit(method, writer):
    free_before = shutil.disk_usage(method.work).free
    outcome = method.run(WRITERS[writer])

    assert outcome.stop is not None and outcome.stop.limit == LimitKind.OUTPUT, outcome
    assert outcome.stop.message.startswith("wrote more than 64 MiB (stopped after ")
    # Over the limit, /work is emptied: nothing large is left on the host's disk.
    assert list(method.work.iterdir()) == []
    assert (outcome.output_bytes, outcome.output_files) == (0, 0)
    assert free_before - shutil.disk_usage(method.work).free < 1 * GIB


FORK_BOMB = """
    import os, time
    started = 0
    for _ in range(10_000):
        try:
            child = os.fork()
        except OSError:
            continue  # refused: try again, as a fork bomb would
        if child == 0:
            time.sleep(600)
            os._exit(0)
        started += 1
    time.sleep(600)
    """


def test_a_fork_bomb_is_stopped_by_the_pids_cgroup(method):
    outcome = method.run(FORK_BOMB)

    assert outcome.environment.enforcement["processes"] == "pids cgroup (v1)"
    assert outcome.stop is not None and outcome.stop.limit == LimitKind.PROCESSES, outcome
    assert outcome.stop.message.startswith("started more than 32 processes or threads")
    assert leftover_cgroups() == []
    assert subprocess.run(["true"], check=False).returncode == 0  # the host can still fork


def test_without_cgroups_a_fork_bomb_meets_rlimit_nproc(method, monkeypatch, tmp_path):
    # Where no cgroup is writable, the method's uid (not root) makes RLIMIT_NPROC count.
    monkeypatch.setattr(sandbox, "CGROUP_V1_ROOT", tmp_path / "no-cgroups")
    outcome = method.run(FORK_BOMB)

    assert outcome.environment.enforcement["processes"].startswith("RLIMIT_NPROC")
    assert outcome.environment.enforcement["cpus"].startswith("CPU affinity")
    assert outcome.stop is not None and outcome.stop.limit == LimitKind.PROCESSES, outcome


def test_sleeping_for_ever_is_stopped_at_the_wall_limit(method):
    outcome = method.run(
        """
        import os, signal, subprocess, time
        # A child that ignores SIGTERM and a daemon in a session of its own: none survives.
        subprocess.Popen(["python", "-c", "import signal, time; "
                          "signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(10**6)"])
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                time.sleep(10**6)
            os._exit(0)
        time.sleep(10**6)
        """,
        limits=Limits(wall_seconds=2, memory_bytes=1 * GIB, processes=32),
    )

    assert outcome.stop is not None and outcome.stop.limit == LimitKind.WALL_TIME
    assert outcome.stop.message == "stopped after 2 s wall time"
    assert outcome.summary == outcome.stop.message
    assert (outcome.exit_code, outcome.signal) == (None, "SIGKILL")


# The sandbox module loaded from its file alone, with -I: it needs nothing but the standard
# library (no Django settings, no other arena module).
RUNNER = """
import importlib.util, sys
from pathlib import Path
spec = importlib.util.spec_from_file_location("sandbox", sys.argv[1])
sandbox = sys.modules["sandbox"] = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sandbox)
code, task, work = map(Path, sys.argv[2:5])
sandbox.run_sandboxed(command=["python", "main.py"], code_dir=code, task_dir=task,
                      work_dir=work, limits=sandbox.Limits(wall_seconds=60),
                      env={"ARENA_TEST_RUN": sys.argv[5]})
"""


def test_when_the_runner_dies_the_sandbox_dies_with_it(method):
    (method.code / "main.py").write_text("import time\ntime.sleep(600)\n")
    folders = [str(method.code), str(method.task), str(method.work)]
    runner = subprocess.Popen(
        [sys.executable, "-I", "-c", RUNNER, sandbox.__file__, *folders, method.marker]
    )
    try:
        # The supervisor, bwrap's monitor and init, and the method: all four are running.
        assert wait_for(lambda: len(processes_of(method.marker)) == 4, seconds=10)
        runner.kill()
        runner.wait()
        assert wait_for(lambda: processes_of(method.marker) == [], seconds=5)
    finally:
        runner.kill()
        runner.wait()
        # The dead runner's cgroups are left behind. rmdir succeeds only on an empty one, and
        # a killed process leaves its cgroup when it is reaped, a moment after it is gone from ps.
        left = f"{sandbox.CGROUP_PREFIX}{runner.pid}-*"
        for controller in ("pids", "cpuset"):
            for cgroup in (Path("/sys/fs/cgroup") / controller).glob(left):
                procs = cgroup / "cgroup.procs"
                reaped = wait_for(lambda procs=procs: not procs.read_text(), seconds=10)
                assert reaped, f"{cgroup} still holds processes"
                cgroup.rmdir()


def wait_for(condition, *, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_allocating_30_gb_is_stopped_at_the_memory_limit(method):
    outcome = method.run(
        """
        blocks = []
        for _ in range(300):  # 30 GiB, 100 MiB at a time, each page written
            blocks.append(b"\\1" * (100 * 1024 * 1024))
        """,
        limits=Limits(memory_bytes=512 * MIB, processes=32, wall_seconds=30),
    )

    assert outcome.stop is not None and outcome.stop.limit == LimitKind.MEMORY, outcome
    assert outcome.stop.message.startswith("stopped at 512 MiB memory after ")
    assert "MemoryError" in outcome.stderr_tail
    # Far from the 30 GiB asked for. The peak is sampled and summed over the method's processes
    # (the interpreter's own pages included), so it may pass the limit by a little; not by GiBs.
    assert 300 * MIB < outcome.peak_memory_bytes < 1 * GIB


def test_memory_of_several_processes_counts_together(method):
    # Each process stays below the limit; together they pass it.
    outcome = method.run(
        """
        import os, time
        for _ in range(4):
            if os.fork() == 0:
                block = b"\\1" * (200 * 1024 * 1024)
                time.sleep(600)
        time.sleep(600)
        """,
        limits=Limits(memory_bytes=512 * MIB, processes=32, wall_seconds=30),
    )

    assert outcome.stop is not None and outcome.stop.limit == LimitKind.MEMORY, outcome
    assert outcome.stop.message.startswith("stopped at 512 MiB memory after ")
    assert outcome.peak_memory_bytes > 512 * MIB


def test_no_network_not_even_the_hosts_loopback(method):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        port = listener.getsockname()[1]
        outcome = method.run(
            f"""
            import json, socket
            def connect(address):
                try:
                    socket.create_connection(address, timeout=3).close()
                    return "connected"
                except OSError as error:
                    return type(error).__name__
            print(json.dumps({{
                "host loopback": connect(("127.0.0.1", {port})),
                "outside": connect(("1.1.1.1", 53)),
                "interfaces": [name for _, name in socket.if_nameindex()],
            }}))
            """
        )
        with pytest.raises(BlockingIOError):
            listener.accept()  # nothing ever arrived

    report = method.report(outcome)
    assert report["host loopback"] == "ConnectionRefusedError"  # the sandbox's own loopback
    assert report["outside"] in ("OSError", "TimeoutError")  # network unreachable
    assert report["interfaces"] == ["lo"]


def test_the_host_stays_hidden(method, tmp_path, monkeypatch):
    answers = tmp_path / "answers" / "answers.parquet"
    answers.parent.mkdir()
    answers.write_bytes(b"the hidden labels")
    arena_home = tmp_path / "arena-home"
    (arena_home / "db").mkdir(parents=True)
    monkeypatch.setenv("ARENA_HOME", str(arena_home))
    monkeypatch.setenv("ARENA_TEST_SECRET", "correct-horse-battery-staple")

    outcome = method.run(
        f"""
        import json, os
        from pathlib import Path
        def exists(path):
            return os.path.exists(path)
        found = []
        for folder in ("/etc", "/method", "/task", "/work", "/tmp", "/dev", "/root"):
            for root, _, files in os.walk(folder):
                found += [os.path.join(root, name) for name in files if "answers" in name]
        print(json.dumps({{
            "passwd": Path("/etc/passwd").read_text(),
            "etc": sorted(os.listdir("/etc")),
            "root": sorted(os.listdir("/")),
            "repository": [exists("{REPOSITORY}"), exists("{REPOSITORY / "pyproject.toml"}")],
            "answers": [exists("{answers}"), exists("{answers.parent}"), found],
            "arena home": exists("{arena_home}"),
            "environment": dict(os.environ),
            "processes": sorted(int(p) for p in os.listdir("/proc") if p.isdigit()),
            "uid": [os.getuid(), os.geteuid(), os.getgid()],
            "capabilities": [line.split()[1] for line in open("/proc/self/status")
                             if line.startswith(("CapEff", "CapPrm", "CapBnd"))],
            "open files": sorted(os.listdir("/proc/self/fd")),  # 3: the listing itself
            "stdin": os.readlink("/proc/self/fd/0"),
        }}))
        """,
        seed=42,
    )

    report = method.report(outcome)
    assert report["passwd"] != Path("/etc/passwd").read_text()
    assert "/root:" not in report["passwd"]
    assert report["etc"] == ["alternatives", "group", "hosts", "ld.so.cache", "passwd"]
    expected_root = {"bin", "dev", "etc", "lib", "method", "proc", "root", "sbin", "task"}
    assert set(report["root"]) - {"lib32", "lib64", "libx32"} == expected_root | {
        "tmp",
        "usr",
        "venv",
        "work",
    }
    assert report["repository"] == [False, False]
    assert report["answers"] == [False, False, []]
    assert report["arena home"] is False
    assert report["environment"] == {
        "PATH": sandbox.SANDBOX_PATH,
        "HOME": "/work",
        "LANG": "C.UTF-8",
        "PWD": "/method",
        "ARENA_SEED": "42",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "OMP_WAIT_POLICY": "PASSIVE",
        "ARENA_TEST_RUN": method.marker,
    }
    assert len(report["processes"]) <= 3  # bwrap's init and the method: no host process
    uid = sandbox.sandbox_uid()
    assert uid != 0 and report["uid"] == [uid, uid, uid]
    assert report["capabilities"] == ["0000000000000000"] * 3
    assert report["open files"] == ["0", "1", "2", "3"]
    assert report["stdin"] == "/dev/null"


def test_nothing_outside_work_can_be_written(method):
    name = f"arena-sandbox-test-{uuid.uuid4().hex}"
    outcome = method.run(
        f"""
        import json
        def write(path):
            try:
                with open(path, "w") as file:
                    file.write("x")
                return "written"
            except OSError as error:
                return error.strerror
        places = ["/method/x", "/task/x", "/x", "/usr/x", "/venv/x", "/etc/x", "/etc/passwd",
                  "/root/x", "/proc/x", "/work/{name}", "/tmp/{name}"]
        print(json.dumps({{place: write(place) for place in places}}))
        """
    )

    report = method.report(outcome)
    for place in ("/method/x", "/task/x", "/x", "/usr/x", "/venv/x", "/etc/x", "/etc/passwd"):
        assert report[place] == "Read-only file system", place
    assert report["/root/x"] in ("Read-only file system", "Permission denied")
    assert report["/proc/x"] != "written"
    assert report[f"/work/{name}"] == report[f"/tmp/{name}"] == "written"
    assert (method.work / name).read_text() == "x"
    assert (method.work / name).stat().st_uid == os.getuid()  # handed back to the runner
    assert not (Path("/tmp") / name).exists()  # the sandbox's /tmp is its own
    assert list(method.code.iterdir()) == [method.code / "main.py"]
    assert list(method.task.iterdir()) == []


PREDICT = """
    import json, os, sys
    import numpy as np, pandas as pd, pyarrow, sklearn
    from sklearn.ensemble import RandomForestClassifier

    train_csv, test_csv, predictions_csv = sys.argv[1:4]
    train, test = pd.read_csv(train_csv), pd.read_csv(test_csv)
    model = RandomForestClassifier(n_estimators=20, random_state=int(os.environ["ARENA_SEED"]))
    model.fit(train[["a", "b"]], train["label"])
    pd.DataFrame({"id": test["id"], "label": model.predict(test[["a", "b"]])}).to_csv(
        predictions_csv, index=False
    )
    cpus = os.sched_getaffinity(0)
    try:
        os.sched_setaffinity(0, set(range(os.cpu_count())))
    except OSError:
        pass
    print(json.dumps({
        "versions": [np.__version__, pd.__version__, pyarrow.__version__, sklearn.__version__],
        "variables": {name: os.environ[name] for name in
                      ("ARENA_SEED", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")},
        "cpus": len(cpus),
        "cpus after widening": len(os.sched_getaffinity(0)),
    }))
    """


def test_a_well_behaved_method_writes_the_same_bytes_as_outside(method, tmp_path):
    import numpy as np
    import pandas as pd
    import pyarrow
    import sklearn

    rows = np.random.default_rng(7).normal(size=(300, 2))
    frame = pd.DataFrame({"id": range(300), "a": rows[:, 0], "b": rows[:, 1]})
    frame["label"] = (frame["a"] + frame["b"] > 0).astype(int)
    frame[:200].to_csv(method.task / "train.csv", index=False)
    frame[200:].drop(columns="label").to_csv(method.task / "test.csv", index=False)

    outcome = method.run(
        PREDICT,
        command=("python", "main.py", "/task/train.csv", "/task/test.csv", "/work/predictions.csv"),
        seed=11,
        limits=Limits(cpus=1, processes=64, wall_seconds=60),
    )
    outside = tmp_path / "outside"
    outside.mkdir()
    variables = {"ARENA_SEED": "11", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    subprocess.run(
        [
            sys.executable,
            str(method.code / "main.py"),
            str(method.task / "train.csv"),
            str(method.task / "test.csv"),
            str(outside / "predictions.csv"),
        ],
        env={"PATH": os.environ["PATH"], "MKL_NUM_THREADS": "1", **variables},
        check=True,
        capture_output=True,
    )

    report = method.report(outcome)
    inside = (method.work / "predictions.csv").read_bytes()
    assert inside == (outside / "predictions.csv").read_bytes()
    assert inside.count(b"\n") == 101
    assert report["versions"] == [
        np.__version__,
        pd.__version__,
        pyarrow.__version__,
        sklearn.__version__,
    ]
    assert report["variables"] == {**variables, "MKL_NUM_THREADS": "1"}
    assert report["cpus"] == 1
    if outcome.environment.enforcement["cpus"].startswith("cpuset"):
        assert report["cpus after widening"] == 1
    assert outcome.environment.python_version == ".".join(map(str, sys.version_info[:3]))
    assert outcome.environment.backend.startswith("bubblewrap ")
    assert 0 < outcome.peak_memory_bytes < 1 * GIB


def test_bad_arguments_are_refused_before_anything_runs(method):
    with pytest.raises(ValueError, match="ARENA_SEED"):
        run_sandboxed(
            command=["python", "main.py"],
            code_dir=method.code,
            task_dir=method.task,
            work_dir=method.work,
            limits=QUICK,
            env={"ARENA_SEED": "1"},
        )
    with pytest.raises(ValueError, match="work_dir"):
        run_sandboxed(
            command=["python", "main.py"],
            code_dir=method.code,
            task_dir=method.task,
            work_dir=method.work / "missing",
            limits=QUICK,
        )
    with pytest.raises(ValueError, match="command"):
        run_sandboxed(
            command="python main.py",
            code_dir=method.code,
            task_dir=method.task,
            work_dir=method.work,
            limits=QUICK,
        )
    with pytest.raises(ValueError, match="memory_bytes"):
        Limits(memory_bytes=0)


def test_limits_are_told_in_words():
    assert sandbox.describe_duration(192) == "3 min 12 s"
    assert sandbox.describe_duration(600) == "10 min"
    assert sandbox.describe_duration(2.0) == "2 s"
    assert sandbox.describe_duration(3900) == "1 h 5 min"
    assert sandbox.describe_size(4 * GIB) == "4 GiB"
    assert sandbox.describe_size(1536 * MIB) == "1.5 GiB"

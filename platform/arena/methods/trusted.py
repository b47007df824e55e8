"""Running Arena's own built-in baselines where the host cannot sandbox (no root, no bubblewrap:
a developer's `make demo` as an ordinary user). Their code is the platform's own, so it may run
as a plain child process; a team's method never does (runs.py only falls back for built-ins).

Same contract as the sandbox (docs/METHODS.md): the task's files in ``ARENA_TASK_DIR``, the
output in ``ARENA_WORK_DIR``, ``ARENA_SEED`` and the thread counts set, nothing else of the
worker's environment. Limits kept: wall time (the process group is killed at it) and memory
(RLIMIT_AS); the others need the sandbox.
"""

import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from arena.methods.sandbox import (
    LimitKind,
    Limits,
    Outcome,
    SandboxInfo,
    Stop,
    describe_duration,
)

BACKEND = "none (built-in baseline, no sandbox on this host)"


def run_trusted(
    *,
    command: Sequence[str],
    code_dir: Path,
    task_dir: Path,
    work_dir: Path,
    limits: Limits,
    env: Mapping[str, str] | None = None,
    seed: int = 0,
) -> Outcome:
    """Runs a built-in ``command`` in ``code_dir`` and waits for its end, or for its wall time."""
    threads = str(limits.cpus)
    variables = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(work_dir),
        "LANG": "C.UTF-8",
        "ARENA_TASK_DIR": str(task_dir),
        "ARENA_WORK_DIR": str(work_dir),
        "ARENA_SEED": str(seed),
        **{name: threads for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "ARENA_THREADS")},
        "OMP_WAIT_POLICY": "PASSIVE",  # as in the sandbox (sandbox._sandbox_variables)
        **(env or {}),
    }
    argv = [sys.executable if part == "python" else part for part in command]
    memory = limits.memory_bytes

    def limit_memory() -> None:  # in the child, before exec
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    started = time.monotonic()
    stop = None
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(  # noqa: S603 - Arena's own package, fixed command
            argv, cwd=code_dir, env=variables, stdout=out, stderr=err,
            preexec_fn=limit_memory, start_new_session=True,
        )  # fmt: skip
        try:
            process.wait(timeout=limits.wall_seconds)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            took = time.monotonic() - started
            stop = Stop(
                LimitKind.WALL_TIME, took,
                f"stopped at its wall time of {describe_duration(limits.wall_seconds)}",
            )  # fmt: skip
        wall = time.monotonic() - started
        stdout, stdout_bytes = _tail(out, limits.log_tail_bytes)
        stderr, stderr_bytes = _tail(err, limits.log_tail_bytes)
    code = process.returncode
    return Outcome(
        exit_code=code if code is not None and code >= 0 else None,
        signal=signal.Signals(-code).name if code is not None and code < 0 else None,
        stop=stop,
        wall_seconds=wall,
        peak_memory_bytes=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024,
        output_bytes=sum(p.stat().st_size for p in work_dir.rglob("*") if p.is_file()),
        output_files=sum(1 for p in work_dir.rglob("*") if p.is_file()),
        stdout_tail=stdout,
        stderr_tail=stderr,
        stdout_bytes=stdout_bytes,
        stderr_bytes=stderr_bytes,
        environment=SandboxInfo(
            python_version=".".join(str(part) for part in sys.version_info[:3]),
            backend=BACKEND,
            cpus=(),
            enforcement={"wall time": "killed at the limit", "memory": "RLIMIT_AS"},
        ),
    )


def _tail(file, keep: int) -> tuple[str, int]:
    size = file.seek(0, os.SEEK_END)
    file.seek(max(0, size - keep))
    return file.read().decode("utf-8", "replace"), size

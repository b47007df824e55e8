"""Runs one command of a team's method in a bubblewrap sandbox, with limits (docs/METHODS.md).

Standard library only and importable without Django settings: the platform's jobs call
``run_sandboxed`` and turn its ``Outcome`` into what a team sees.

Inside, the method sees the task's public files read-only at /task, its own code read-only at
/method (the working directory), the host folder ``work_dir`` writable at /work, a private /tmp,
the system's /usr (with /bin, /lib*, /sbin as on the host), the runner's Python environment
read-only at /venv, and a made-up /etc (passwd, group, hosts; the loader cache and
/etc/alternatives). It runs as an unprivileged uid/gid of its own (sandbox_uid) with no
capabilities, in its own pid, network, IPC, UTS and cgroup namespaces, from an empty
environment.

Needs root on the host (bwrap mounts as root; the method then drops to its own uid with setpriv):
``SandboxUnavailable`` says so, and says when bwrap or setpriv is missing.
"""

from __future__ import annotations

import contextlib
import enum
import os
import resource
import selectors
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

KIB = 1024
MIB = 1024 * KIB
GIB = 1024 * MIB

# Where things are inside the sandbox.
TASK_DIR = "/task"
METHOD_DIR = "/method"
WORK_DIR = "/work"
VENV_DIR = "/venv"
TMP_DIR = "/tmp"  # noqa: S108 (a private tmpfs inside the sandbox, not the host's /tmp)
SHM_DIR = "/dev/shm"  # noqa: S108 (likewise)
SANDBOX_PATH = f"{VENV_DIR}/bin:/usr/local/bin:/usr/bin:/bin"

# The method runs as a user of its own, not root, so RLIMIT_NPROC applies and host files owned
# by root keep their owner's rights to themselves. Each runner process (a Celery pool process
# runs one sandbox at a time) gives its methods a uid no other live runner uses, derived from its
# pid: where no pids cgroup is writable, RLIMIT_NPROC counts per uid, and a shared uid would
# let one run's processes count against another's (and share a kernel keyring).
SANDBOX_UID_BASE = 1_000_000


def sandbox_uid() -> int:
    """The uid (and gid) of the methods this process runs: unique among live runners."""
    return SANDBOX_UID_BASE + os.getpid()


SANDBOX_HOSTNAME = "arena"
# /dev/shm holds semaphores and small shared arrays (Docker gives 64 MiB too); it is RAM.
SHM_BYTES = 64 * MIB
# The supervisor, bwrap's monitor and bwrap's init inside the pid namespace: a pids cgroup
# counts them too, on top of what the method may start.
RUNNER_PROCESSES = 3
# Host folders bound read-only (or recreated as the same symlinks), as far as they exist.
SYSTEM_DIRS = ("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32")
SYSTEM_ETC_FILES = ("/etc/ld.so.cache", "/etc/alternatives")
# Mount points of the sandbox; a Python tree under one of them would be hidden by it.
SANDBOX_MOUNTS = (TASK_DIR, METHOD_DIR, WORK_DIR, VENV_DIR, TMP_DIR, "/dev", "/proc", "/etc")
RESERVED_VARIABLES = frozenset(
    {
        "PATH",
        "HOME",
        "LANG",
        "PWD",
        "ARENA_SEED",
        "OMP_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "MKL_NUM_THREADS",
    }
)
# Where cgroup v1 hierarchies are mounted (a module attribute so a test can take them away).
CGROUP_V1_ROOT = Path("/sys/fs/cgroup")
CGROUP_PREFIX = "arena-sandbox-"

WATCH_SECONDS = 0.1  # how often memory, processes and the clock are looked at
# How often the proportional set size is read while the resident set is under the limit:
# reading smaps_rollup walks every mapping of the process (tens of milliseconds for a process
# with torch loaded, its memory map locked meanwhile), the resident count is one line.
PSS_WATCH_SECONDS = 1.0
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
OUTPUT_WATCH_SECONDS = 0.25  # how often /work is measured (a walk of the folder)
GONE_TIMEOUT_SECONDS = 10.0  # how long killed processes may take to disappear
DRAIN_TIMEOUT_SECONDS = 2.0  # how long the pipes may stay open after the sandbox ended
READ_CHUNK = 64 * KIB

# Last words of a process whose allocation failed, from Python, C++ and the C library.
MEMORY_MARKERS = ("MemoryError", "std::bad_alloc", "Cannot allocate memory", "out of memory")
FILE_SIZE_MARKERS = ("File too large", "No space left on device")
FORK_MARKERS = ("Resource temporarily unavailable", "can't start new thread")


class SandboxUnavailable(RuntimeError):
    """This host cannot run a sandbox (no bwrap, no setpriv, not root, no usable Python)."""


class SandboxError(RuntimeError):
    """The sandbox could not be cleaned up: a process of it survived being killed."""


@dataclass(frozen=True)
class Limits:
    """What one run may use. Threads count as processes (the kernel counts both as tasks)."""

    cpus: int = 1
    memory_bytes: int = 4 * GIB
    wall_seconds: float = 600.0
    processes: int = 256
    # All files under /work together; also the size of any one file and of the RAM /tmp.
    output_bytes: int = 1 * GIB
    output_files: int = 100_000
    # Of stdout and stderr each, only the last this many bytes are kept.
    log_tail_bytes: int = 64 * KIB

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            whole = isinstance(value, int) or name == "wall_seconds"
            if not whole or isinstance(value, bool) or not value > 0:
                raise ValueError(f"Limits.{name} must be a positive number, not {value!r}.")


class LimitKind(enum.StrEnum):
    WALL_TIME = "wall time"
    MEMORY = "memory"
    PROCESSES = "processes"
    OUTPUT = "output"


@dataclass(frozen=True)
class Stop:
    """The limit that ended a run, when, and the sentence a participant reads."""

    limit: LimitKind
    after_seconds: float
    message: str


@dataclass(frozen=True)
class SandboxInfo:
    """What ran the method: for the run's record and for a participant who wants to reproduce."""

    python_version: str
    backend: str  # "bubblewrap 0.8.0"
    cpus: tuple[int, ...]  # the host's CPU numbers the run was given
    enforcement: Mapping[str, str]  # limit -> how it was enforced on this host


@dataclass(frozen=True)
class Outcome:
    exit_code: int | None  # None when the method ended by a signal
    signal: str | None  # "SIGSEGV"; SIGKILL also when a limit stopped the run
    stop: Stop | None  # the limit that stopped the run, if one did
    wall_seconds: float
    peak_memory_bytes: int
    output_bytes: int  # what /work held at the end (emptied when the output limit stopped it)
    output_files: int
    stdout_tail: str
    stderr_tail: str
    stdout_bytes: int  # everything the method printed, of which the tail is the end
    stderr_bytes: int
    environment: SandboxInfo

    @property
    def succeeded(self) -> bool:
        return self.exit_code == 0 and self.stop is None

    @property
    def summary(self) -> str:
        """One line for a participant: the stop's message, or how the method ended."""
        if self.stop is not None:
            return self.stop.message
        if self.signal is not None:
            return f"ended by {self.signal} after {describe_duration(self.wall_seconds)}"
        return f"exited with code {self.exit_code} after {describe_duration(self.wall_seconds)}"


@dataclass(frozen=True)
class PythonEnvironment:
    """A virtual environment and the interpreter tree its bin/python points into."""

    venv_dir: Path  # mounted at /venv
    interpreter_dir: Path  # mounted at the same path, where the venv's symlinks point
    version: str

    @classmethod
    def of_runner(cls) -> PythonEnvironment:
        """The environment this process runs in (the project's .venv)."""
        return cls(
            venv_dir=Path(sys.prefix),
            interpreter_dir=Path(sys.base_prefix),
            version=".".join(str(part) for part in sys.version_info[:3]),
        )


def run_sandboxed(
    *,
    command: Sequence[str],
    code_dir: Path,
    task_dir: Path,
    work_dir: Path,
    limits: Limits,
    env: Mapping[str, str] | None = None,
    seed: int = 0,
    python: PythonEnvironment | None = None,
) -> Outcome:
    """Runs ``command`` (e.g. ``["python", "main.py"]``) in /method and waits for its end.

    ``env`` adds variables to the sandbox's own (PATH, HOME, LANG, ARENA_SEED, the thread
    counts), which it may not replace. Files the method leaves in /work stay in ``work_dir``,
    owned as ``work_dir`` was before, unless the output limit stopped it: then ``work_dir`` is
    emptied. Raises SandboxUnavailable when this host cannot sandbox, ValueError on bad
    arguments, SandboxError when a process of the sandbox survived being killed.
    """
    _check_arguments(command=command, code_dir=code_dir, task_dir=task_dir, work_dir=work_dir)
    tools = _sandbox_tools()
    python = python or PythonEnvironment.of_runner()
    cpus = _choose_cpus(count=limits.cpus)
    variables = _sandbox_variables(cpu_count=len(cpus), seed=seed, extra=env or {})
    with contextlib.ExitStack() as cleanup:
        pids_cgroup, cpuset_cgroup = _make_cgroups(limits=limits, cpus=cpus, cleanup=cleanup)
        cgroups = [cgroup for cgroup in (pids_cgroup, cpuset_cgroup) if cgroup is not None]
        owner = work_dir.stat()
        uid = sandbox_uid()
        _change_owner(work_dir, uid=uid, gid=uid)
        cleanup.callback(_change_owner, work_dir, uid=owner.st_uid, gid=owner.st_gid)
        etc_fds = {path: _pipe_holding(text) for path, text in _etc_files(uid=uid).items()}
        cleanup.callback(lambda: [os.close(fd) for fd in etc_fds.values()])
        run = _Run(limits=limits, work_dir=work_dir, pids_cgroup=pids_cgroup)
        cleanup.callback(run.close)  # an error while watching must not leave the sandbox running
        run.start(
            arguments=[
                *_supervisor_arguments(),
                tools.bwrap,
                *_namespace_arguments(),
                *_mount_arguments(
                    code_dir=code_dir,
                    task_dir=task_dir,
                    work_dir=work_dir,
                    python=python,
                    limits=limits,
                    etc_fds=etc_fds,
                ),
                *_privilege_arguments(setpriv=tools.setpriv),
                *command,
            ],
            variables=variables,
            pass_fds=list(etc_fds.values()),
            preexec=_limit_the_sandbox(
                procs_files=[cgroup.procs_file for cgroup in cgroups],
                cpus=cpus,
                rlimits=_rlimits(limits, nproc=pids_cgroup is None),
            ),
        )
        run.watch()
        run.finish()
    info = SandboxInfo(
        python_version=python.version,
        backend=tools.version,
        cpus=tuple(sorted(cpus)),
        enforcement=_enforcement(pids_cgroup=pids_cgroup, cpuset_cgroup=cpuset_cgroup),
    )
    return run.outcome(info)


def _make_cgroups(
    *, limits: Limits, cpus: set[int], cleanup: contextlib.ExitStack
) -> tuple[_Cgroup | None, _Cgroup | None]:
    """A pids and a cpuset cgroup for the run, each where this host lets us make one."""
    name = f"{CGROUP_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:8]}"
    pids_cgroup = _Cgroup.create(
        controller="pids",
        name=name,
        settings={"pids.max": str(limits.processes + RUNNER_PROCESSES)},
    )
    cpuset_cgroup = _Cgroup.create(controller="cpuset", name=name, settings=_cpuset_settings(cpus))
    for cgroup in (pids_cgroup, cpuset_cgroup):
        if cgroup is not None:
            cleanup.callback(cgroup.remove)
    return pids_cgroup, cpuset_cgroup


# --- Checks and tools -------------------------------------------------------------------


def _check_arguments(
    *, command: Sequence[str], code_dir: Path, task_dir: Path, work_dir: Path
) -> None:
    if isinstance(command, str) or not command or not all(isinstance(w, str) for w in command):
        raise ValueError("command must be a non-empty list of strings, e.g. ['python', 'main.py'].")
    for label, folder in (("code_dir", code_dir), ("task_dir", task_dir), ("work_dir", work_dir)):
        if not folder.is_absolute() or not folder.is_dir():
            raise ValueError(f"{label} must be an existing folder given by its absolute path.")


@dataclass(frozen=True)
class _Tools:
    bwrap: str
    setpriv: str
    version: str


@cache
def _sandbox_tools() -> _Tools:
    """bwrap and setpriv, or SandboxUnavailable saying what is missing."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxUnavailable("bubblewrap is not installed (apt-get install bubblewrap).")
    setpriv = shutil.which("setpriv")
    # setpriv runs inside, where only /usr (and symlinks into it) exist.
    if setpriv is None or not os.path.realpath(setpriv).startswith("/usr/"):
        raise SandboxUnavailable("setpriv (util-linux) is not installed under /usr.")
    if os.geteuid() != 0:
        # Without root, bwrap needs a user namespace and the method would run as the runner's
        # own uid: RLIMIT_NPROC would count the worker's processes and no cgroup is writable.
        raise SandboxUnavailable(
            "the sandbox runner must run as root (it drops to an unprivileged uid)."
        )
    version = subprocess.run(  # noqa: S603 (a fixed argument list, no shell)
        [bwrap, "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    return _Tools(bwrap=bwrap, setpriv=os.path.realpath(setpriv), version=version)


# --- The bwrap command line -------------------------------------------------------------


# Between the runner and bwrap, in Python's standard library only. bwrap's monitor exits as soon
# as its init reports the method's exit code, without reaping the init: the method's rusage
# (its peak memory) would be lost. As a child subreaper the supervisor inherits the init and
# reaps it, so the runner's wait4 on the supervisor sees the peak of every process that ended.
# It dies with the runner (PDEATHSIG), and bwrap (--die-with-parent) with it.
_SUPERVISOR = """
import ctypes, os, signal, sys
prctl = ctypes.CDLL(None, use_errno=True).prctl
prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
if os.getppid() != int(sys.argv[1]):
    os._exit(111)  # the runner died before the line above
prctl(36, 1)  # PR_SET_CHILD_SUBREAPER
bwrap = os.fork()
if bwrap == 0:
    os.execv(sys.argv[2], sys.argv[2:])
status = 0
while True:
    try:
        pid, code = os.wait()
    except ChildProcessError:
        break
    if pid == bwrap:
        status = os.waitstatus_to_exitcode(code)
os._exit(status if status >= 0 else 128 - status)
"""


def _supervisor_arguments() -> list[str]:
    # -I -S: no environment variables, no site: nothing of the runner's set-up runs here.
    return [sys.executable, "-I", "-S", "-c", _SUPERVISOR, str(os.getpid())]


def _namespace_arguments() -> list[str]:
    return [
        "--unshare-pid",
        "--unshare-net",  # a network namespace of its own: only its own loopback
        "--unshare-ipc",
        "--unshare-uts",
        "--unshare-cgroup-try",
        "--hostname",
        SANDBOX_HOSTNAME,
        "--die-with-parent",  # the runner dies: the sandbox dies with it
        "--new-session",  # no writing into the runner's terminal (TIOCSTI)
    ]


def _mount_arguments(
    *,
    code_dir: Path,
    task_dir: Path,
    work_dir: Path,
    python: PythonEnvironment,
    limits: Limits,
    etc_fds: Mapping[str, int],
) -> list[str]:
    arguments = [*_system_mounts(), *_python_mounts(python)]
    arguments += ["--ro-bind", str(task_dir), TASK_DIR]
    arguments += ["--ro-bind", str(code_dir), METHOD_DIR]
    arguments += ["--bind", str(work_dir), WORK_DIR]
    arguments += ["--proc", "/proc", "--dev", "/dev"]
    # Both are RAM: sized so that writing there cannot take the machine's memory.
    arguments += ["--perms", "1777", "--size", str(SHM_BYTES), "--tmpfs", SHM_DIR]
    arguments += ["--perms", "1777", "--size", str(limits.output_bytes), "--tmpfs", TMP_DIR]
    arguments += _etc_mounts(etc_fds)
    # The root is a tmpfs bwrap made; read-only, nothing can be written outside the mounts.
    arguments += ["--chdir", METHOD_DIR, "--remount-ro", "/"]
    return arguments


def _system_mounts() -> list[str]:
    arguments = []
    for name in SYSTEM_DIRS:
        host = Path("/") / name
        if host.is_symlink():  # a merged /usr: /bin -> usr/bin
            arguments += ["--symlink", os.readlink(host), str(host)]
        elif host.is_dir():
            arguments += ["--ro-bind", str(host), str(host)]
    return arguments


def _python_mounts(python: PythonEnvironment) -> list[str]:
    arguments = ["--ro-bind", str(python.venv_dir.resolve()), VENV_DIR]
    tree = python.interpreter_dir
    if tree.resolve() == python.venv_dir.resolve() or _under_system_dirs(tree):
        return arguments
    if any(_is_within(tree, Path(mount)) for mount in SANDBOX_MOUNTS):
        raise SandboxUnavailable(f"the Python in {tree} would be hidden by a sandbox folder.")
    # bwrap copies the modes of the host's parents (e.g. /root is 0700): the method, not being
    # root, could not reach the interpreter. Parents are made 0755 first.
    for parent in reversed(tree.parents[:-1]):
        arguments += ["--perms", "0755", "--dir", str(parent)]
    arguments += ["--ro-bind", str(tree.resolve()), str(tree)]
    return arguments


def _under_system_dirs(path: Path) -> bool:
    return any(_is_within(path, Path("/") / name) for name in SYSTEM_DIRS)


def _is_within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


# A made-up /etc: the host's would tell its users, hosts and configuration. The method's user
# has a name, for programs that ask (getpass, some libraries).
def _etc_files(*, uid: int) -> dict[str, str]:
    return {
        "/etc/passwd": (
            "root:x:0:0:root:/nonexistent:/usr/sbin/nologin\n"
            f"method:x:{uid}:{uid}:Arena method:{WORK_DIR}:/usr/sbin/nologin\n"
        ),
        "/etc/group": f"root:x:0:\nmethod:x:{uid}:\n",
        "/etc/hosts": f"127.0.0.1 localhost {SANDBOX_HOSTNAME}\n::1 localhost\n",
    }


def _etc_mounts(etc_fds: Mapping[str, int]) -> list[str]:
    arguments = ["--perms", "0755", "--dir", "/etc"]
    for path in SYSTEM_ETC_FILES:
        arguments += ["--ro-bind-try", path, path]
    for path, fd in etc_fds.items():
        arguments += ["--perms", "0644", "--ro-bind-data", str(fd), path]
    return arguments


def _pipe_holding(text: str) -> int:
    """A pipe's read end already holding ``text`` (small: it fits the pipe's buffer)."""
    read_end, write_end = os.pipe()
    os.write(write_end, text.encode())
    os.close(write_end)
    return read_end


def _privilege_arguments(*, setpriv: str) -> list[str]:
    """bwrap (root) keeps only what setpriv needs to become the method's uid; setpriv then drops
    everything."""
    return [
        "--cap-drop",
        "ALL",
        "--cap-add",
        "CAP_SETUID",
        "--cap-add",
        "CAP_SETGID",
        "--cap-add",
        "CAP_SETPCAP",
        "--",
        setpriv,
        f"--reuid={sandbox_uid()}",
        f"--regid={sandbox_uid()}",
        "--clear-groups",
        "--inh-caps=-all",
        "--bounding-set=-all",
        "--no-new-privs",  # no setuid program in /usr can give anything back
        "--",
    ]


def _sandbox_variables(*, cpu_count: int, seed: int, extra: Mapping[str, str]) -> dict[str, str]:
    clash = sorted(RESERVED_VARIABLES & set(extra))
    if clash:
        raise ValueError(f"env may not set {', '.join(clash)}: the sandbox sets them.")
    for name, value in extra.items():
        if not isinstance(value, str) or not name or "=" in name or "\0" in name + value:
            raise ValueError(f"env: {name!r} is not a variable name with a text value.")
    threads = str(cpu_count)
    return {
        "PATH": SANDBOX_PATH,
        "HOME": WORK_DIR,
        "LANG": "C.UTF-8",
        "ARENA_SEED": str(seed),
        "OMP_NUM_THREADS": threads,
        "OPENBLAS_NUM_THREADS": threads,
        "MKL_NUM_THREADS": threads,
        # OpenMP threads (torch, LightGBM, scikit-learn) otherwise spin while they wait: on a
        # host where a run shares cores with the workers, they burn the CPU those need. A
        # method that owns its cores may set it back with env.
        "OMP_WAIT_POLICY": "PASSIVE",
        **extra,
    }


# --- Limits set on the process before it becomes bwrap ----------------------------------


def _rlimits(limits: Limits, *, nproc: bool) -> list[tuple[int, int]]:
    rlimits = [
        (resource.RLIMIT_AS, limits.memory_bytes),  # per process; the total is watched
        (resource.RLIMIT_FSIZE, limits.output_bytes),  # any one file
        (resource.RLIMIT_CORE, 0),  # no core dumps (a core pattern may pipe them to the host)
    ]
    if nproc:
        # Without a pids cgroup: counted per uid (the runner's own; root would be exempt).
        rlimits.append((resource.RLIMIT_NPROC, limits.processes))
    return rlimits


def _limit_the_sandbox(
    *, procs_files: list[Path], cpus: set[int], rlimits: list[tuple[int, int]]
) -> Callable[[], None]:
    """Runs in the forked child before it execs bwrap: the limits hold from bwrap's first
    instruction on and are inherited by everything the method starts."""

    def limit_this_process() -> None:
        own_pid = str(os.getpid()).encode()
        for procs_file in procs_files:
            fd = os.open(procs_file, os.O_WRONLY)
            try:
                os.write(fd, own_pid)
            finally:
                os.close(fd)
        os.sched_setaffinity(0, cpus)
        for kind, value in rlimits:
            resource.setrlimit(kind, (value, value))

    return limit_this_process


# --- CPUs and cgroups -------------------------------------------------------------------


def _choose_cpus(*, count: int) -> set[int]:
    """``count`` of the runner's CPUs, those the fewest other sandboxes run on first."""
    available = sorted(os.sched_getaffinity(0))
    busy = {cpu: 0 for cpu in available}
    parent = _own_cgroup_dir("cpuset")
    if parent is not None:
        for sibling in parent.glob(f"{CGROUP_PREFIX}*"):
            try:
                for cpu in _parse_cpu_list((sibling / "cpuset.cpus").read_text()):
                    if cpu in busy:
                        busy[cpu] += 1
            except OSError:
                continue
    return set(sorted(available, key=lambda cpu: (busy[cpu], cpu))[:count])


def _parse_cpu_list(text: str) -> set[int]:
    """The kernel's CPU list format: "0-3,6"."""
    cpus: set[int] = set()
    for part in text.strip().split(","):
        if "-" in part:
            low, high = part.split("-")
            cpus.update(range(int(low), int(high) + 1))
        elif part:
            cpus.add(int(part))
    return cpus


def _cpuset_settings(cpus: set[int]) -> dict[str, str]:
    parent = _own_cgroup_dir("cpuset")
    mems = (parent / "cpuset.effective_mems").read_text().strip() if parent else "0"
    # A v1 cpuset starts with no CPUs and no memory nodes: both before any process joins.
    return {"cpuset.cpus": ",".join(str(cpu) for cpu in sorted(cpus)), "cpuset.mems": mems}


def _own_cgroup_dir(controller: str) -> Path | None:
    """The folder of this process's own cgroup v1 for ``controller``, if writable here."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controller in controllers.split(","):
            folder = CGROUP_V1_ROOT / controller / path.lstrip("/")
            writable = (folder / "cgroup.procs").is_file() and os.access(folder, os.W_OK)
            return folder if writable else None
    return None


class _Cgroup:
    """One cgroup (v1) of one run, made under the runner's own cgroup of its controller."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def create(cls, *, controller: str, name: str, settings: Mapping[str, str]) -> _Cgroup | None:
        parent = _own_cgroup_dir(controller)
        if parent is None:
            return None
        _remove_stale_cgroups(parent)
        try:
            (parent / name).mkdir()
        except OSError:
            return None
        cgroup = cls(parent / name)
        try:
            for key, value in settings.items():
                (cgroup.path / key).write_text(value)
        except OSError:
            cgroup.remove()
            return None
        return cgroup

    @property
    def procs_file(self) -> Path:
        return self.path / "cgroup.procs"

    def pids(self) -> list[int]:
        try:
            return [int(word) for word in self.procs_file.read_text().split()]
        except OSError:
            return []

    def limit_was_hit(self) -> bool:
        """pids.events counts the forks the pids limit refused."""
        try:
            events = dict(
                line.split() for line in (self.path / "pids.events").read_text().splitlines()
            )
        except (OSError, ValueError):
            return False
        return int(events.get("max", "0")) > 0

    def remove(self) -> None:
        deadline = time.monotonic() + GONE_TIMEOUT_SECONDS
        while self.pids() and time.monotonic() < deadline:
            time.sleep(0.02)
        # Still busy after that: an empty leftover folder, harmless, gone with the next boot.
        with contextlib.suppress(OSError):
            self.path.rmdir()


def _remove_stale_cgroups(parent: Path) -> None:
    """Removes the cgroups of runners that died (SIGKILL leaves no time to clean up). A cgroup
    that still holds a process cannot be removed, so none of a live run is lost."""
    for stale in parent.glob(f"{CGROUP_PREFIX}*"):
        runner_pid = stale.name.removeprefix(CGROUP_PREFIX).split("-")[0]
        if runner_pid.isdigit() and not _is_alive(int(runner_pid)):
            with contextlib.suppress(OSError):
                stale.rmdir()


def _enforcement(*, pids_cgroup: _Cgroup | None, cpuset_cgroup: _Cgroup | None) -> dict[str, str]:
    return {
        "wall time": "the runner kills the sandbox (its pid namespace) at the limit",
        "memory": "RLIMIT_AS per process; the total (PSS) of all its processes is watched",
        "processes": (
            "pids cgroup (v1)"
            if pids_cgroup
            else f"RLIMIT_NPROC for uid {sandbox_uid()} (this runner's own); its tasks are watched"
        ),
        "cpus": (
            "cpuset cgroup (v1) and CPU affinity"
            if cpuset_cgroup
            else "CPU affinity (which a method could widen)"
        ),
        "output": "RLIMIT_FSIZE per file; the total under /work is watched; /tmp is sized",
        "network": "a network namespace of its own (only its own loopback)",
    }


# --- Ownership of the work folder -------------------------------------------------------


def _change_owner(folder: Path, *, uid: int, gid: int) -> None:
    """Gives ``folder`` and everything in it to uid:gid, never following a symlink."""
    os.chown(folder, uid, gid, follow_symlinks=False)
    for entry in _walk(folder):
        os.chown(entry.path, uid, gid, follow_symlinks=False)


def _walk(folder: Path) -> Iterator[os.DirEntry[str]]:
    """Every entry below ``folder``, depth first without recursion (a method can nest deep)."""
    pending = [str(folder)]
    while pending:
        try:
            with os.scandir(pending.pop()) as entries:
                for entry in entries:
                    yield entry
                    if entry.is_dir(follow_symlinks=False):
                        pending.append(entry.path)
        except OSError:
            continue  # gone meanwhile


def _measure(folder: Path) -> tuple[int, int]:
    """Bytes and entries below ``folder``: the larger of size and blocks, so that neither a
    sparse nor a preallocated file passes for small."""
    total_bytes = entries = 0
    for entry in _walk(folder):
        try:
            stat = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        total_bytes += max(stat.st_size, stat.st_blocks * 512)
        entries += 1
    return total_bytes, entries


def _empty(folder: Path) -> None:
    for entry in os.scandir(folder):
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            Path(entry.path).unlink(missing_ok=True)


# --- Processes on the host --------------------------------------------------------------


def _descendants(root_pid: int) -> list[int]:
    """``root_pid``'s descendants, from the parent links in /proc (reparented orphans of the
    sandbox go to bwrap's init inside it, so they stay below the root)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            stat = _proc_stat(int(entry.name))
            if stat is not None:
                children.setdefault(int(stat[1]), []).append(int(entry.name))
    found, pending = [], [root_pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found


def _proc_stat(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat from the state on (state, ppid, ...), None when gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rfind(")") + 2 :].split()


def _is_alive(pid: int) -> bool:
    stat = _proc_stat(pid)
    return stat is not None and stat[0] not in ("Z", "X")


def _runs_the_method(pid: int) -> bool:
    """Whether the process runs as the method's uid (the supervisor and bwrap are root's)."""
    try:
        return os.stat(f"/proc/{pid}").st_uid == sandbox_uid()
    except OSError:
        return False


def _task_count(pid: int) -> int:
    """Threads of the process (the kernel's limits count each thread as a task)."""
    stat = _proc_stat(pid)
    return int(stat[17]) if stat else 0  # num_threads


def _pid_namespace(pid: int) -> str | None:
    try:
        return os.readlink(f"/proc/{pid}/ns/pid")
    except OSError:
        return None


def _members_of(pid_namespace: str) -> list[int]:
    """Host processes in the given pid namespace."""
    return [
        int(entry.name)
        for entry in os.scandir("/proc")
        if entry.name.isdigit() and _pid_namespace(int(entry.name)) == pid_namespace
    ]


def _rss_bytes(pid: int) -> int:
    """Resident set size, cheap to read; never less than the proportional set size."""
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_BYTES
    except (OSError, ValueError, IndexError):
        return 0


def _pss_bytes(pid: int) -> int:
    """Proportional set size: shared pages split between their users (forked workers sharing
    their parent's memory are not counted twice)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * KIB
    except (OSError, ValueError, IndexError):
        return 0
    return 0


# --- Watching one run -------------------------------------------------------------------


class _Tail:
    """The last ``limit`` bytes of a stream, and how many bytes it carried in all."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.buffer = bytearray()
        self.total = 0

    def add(self, chunk: bytes) -> None:
        self.total += len(chunk)
        self.buffer += chunk
        if len(self.buffer) > 2 * self.limit:  # trimmed in batches, not at every chunk
            del self.buffer[: -self.limit]

    def text(self) -> str:
        return bytes(self.buffer[-self.limit :]).decode("utf-8", errors="replace")


class _Run:
    def __init__(
        self,
        *,
        limits: Limits,
        work_dir: Path,
        pids_cgroup: _Cgroup | None,
    ) -> None:
        self.limits = limits
        self.work_dir = work_dir
        self.pids_cgroup = pids_cgroup
        self.process: subprocess.Popen[bytes] | None = None
        self.pid_namespace: str | None = None  # the sandbox's, learnt while it runs
        self.stdout = _Tail(limits.log_tail_bytes)
        self.stderr = _Tail(limits.log_tail_bytes)
        self.stop: Stop | None = None
        self.peak_memory = 0
        self.status: int | None = None
        self.killed_at = 0.0
        self.output_bytes = self.output_files = 0
        self.next_output_check = 0.0
        self.next_pss_check = 0.0

    def start(
        self,
        *,
        arguments: list[str],
        variables: dict[str, str],
        pass_fds: list[int],
        preexec: Callable[[], None],
    ) -> None:
        try:
            self.process = subprocess.Popen(  # noqa: S603 (a built list of arguments, no shell)
                arguments,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=variables,
                cwd="/",
                start_new_session=True,  # its own process group, killed as one
                pass_fds=pass_fds,
                # The limits must hold from bwrap's first instruction on.
                preexec_fn=preexec,
            )
        except subprocess.SubprocessError as error:
            raise SandboxUnavailable(f"the sandbox could not be started: {error}") from error
        self.started = time.monotonic()
        self.deadline = self.started + self.limits.wall_seconds
        self.selector = selectors.DefaultSelector()
        for stream, tail in (
            (self.process.stdout, self.stdout),
            (self.process.stderr, self.stderr),
        ):
            assert stream is not None
            os.set_blocking(stream.fileno(), False)
            self.selector.register(stream, selectors.EVENT_READ, tail)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    # The loop: read the pipes, look at the limits, until bwrap has ended.
    def watch(self) -> None:
        next_check = 0.0
        while not self._reaped():
            now = time.monotonic()
            if self.stop is None and now >= self.deadline:
                self._stop_for(LimitKind.WALL_TIME)
            elif self.stop is not None and now > self.killed_at + GONE_TIMEOUT_SECONDS:
                self._kill(supervisor=True)  # it should have ended by itself long ago
            elif self.stop is None and now >= next_check:
                self._check_limits(now)
                next_check = now + WATCH_SECONDS
            # After a stop the loop only waits for the killed supervisor.
            until_deadline = WATCH_SECONDS if self.stop else self.deadline - now
            self._read(timeout=max(0.01, min(WATCH_SECONDS, until_deadline)))

    def _reaped(self) -> bool:
        pid, status, usage = os.wait4(self.process.pid, os.WNOHANG)
        if pid == 0:
            return False
        self.status = status
        self.process.returncode = os.waitstatus_to_exitcode(status)  # Popen must not wait again
        # The largest resident set of every process reaped below the supervisor: all of the
        # sandbox's, unless a limit killed the run before they were reaped.
        self.peak_memory = max(self.peak_memory, usage.ru_maxrss * KIB)
        return True

    def _read(self, *, timeout: float) -> None:
        for key, _ in self.selector.select(timeout):
            chunk = os.read(key.fd, READ_CHUNK)
            if chunk:
                key.data.add(chunk)
            else:
                self.selector.unregister(key.fileobj)

    def _sandbox_pids(self) -> list[int]:
        """The run's processes. Found through the cgroup where there is one; otherwise below
        the supervisor while it is not reaped (its pid cannot be reused before), and after that
        by the sandbox's pid namespace, so that no pid reused by another process is killed."""
        if self.pids_cgroup is not None:
            return self.pids_cgroup.pids()
        if self.status is None:
            pids = [self.process.pid, *_descendants(self.process.pid)]
            if self.pid_namespace is None:
                own = _pid_namespace(os.getpid())
                found = {_pid_namespace(pid) for pid in pids} - {own, None}
                self.pid_namespace = found.pop() if len(found) == 1 else None
            return pids
        return _members_of(self.pid_namespace) if self.pid_namespace else []

    def _check_limits(self, now: float) -> None:
        pids = [pid for pid in self._sandbox_pids() if _runs_the_method(pid)]
        # The limit is on the proportional set size, which the resident set bounds from above:
        # below the limit in resident pages, the run is below it; the PSS is read then only
        # now and again, for the peak.
        over = sum(_rss_bytes(pid) for pid in pids) > self.limits.memory_bytes
        memory = 0
        if over or now >= self.next_pss_check:
            memory = sum(_pss_bytes(pid) for pid in pids)
            self.peak_memory = max(self.peak_memory, memory)
            self.next_pss_check = now + PSS_WATCH_SECONDS
        if memory > self.limits.memory_bytes:
            self._stop_for(LimitKind.MEMORY)
        elif self._process_limit_hit(pids):
            self._stop_for(LimitKind.PROCESSES)
        elif now >= self.next_output_check:
            began = time.monotonic()
            if self._output_over_limit():
                self._stop_for(LimitKind.OUTPUT)
            # A large folder is walked less often, so that watching does not cost a core.
            self.next_output_check = now + max(OUTPUT_WATCH_SECONDS, 4 * (time.monotonic() - began))

    def _process_limit_hit(self, pids: list[int]) -> bool:
        if self.pids_cgroup is not None:
            return self.pids_cgroup.limit_was_hit()
        return sum(_task_count(pid) for pid in pids) >= self.limits.processes

    def _output_over_limit(self) -> bool:
        self.output_bytes, self.output_files = _measure(self.work_dir)
        return (
            self.output_bytes > self.limits.output_bytes
            or self.output_files > self.limits.output_files
        )

    def _stop_for(self, limit: LimitKind) -> None:
        self.stop = _stop_message(
            limit, limits=self.limits, after_seconds=self.elapsed(), output_files=self.output_files
        )
        self.killed_at = time.monotonic()
        self._kill(supervisor=False)

    def _kill(self, *, supervisor: bool) -> list[int]:
        """SIGKILL to every process of the sandbox: once bwrap's monitor is dead, its init dies
        too (--die-with-parent) and with it, by the kernel, all of its pid namespace. The
        supervisor is spared unless asked: it reaps them all, so their peak memory counts."""
        pids = self._sandbox_pids()
        if supervisor and self.status is None:  # not reaped: the group is still its own
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        for pid in pids:
            if pid != self.process.pid:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        return pids

    # After bwrap ended: nothing of the sandbox may be left, then the pipes and /work.
    def finish(self) -> None:
        self.wall_seconds = self.elapsed()
        self._make_sure_nothing_survives()
        self._drain()
        if self.stop is None and self._output_over_limit():
            self.stop = _stop_message(
                LimitKind.OUTPUT,
                limits=self.limits,
                after_seconds=self.wall_seconds,
                output_files=self.output_files,
            )
        if self.stop is None:
            self.stop = self._stop_told_by_the_method()
        if self.stop is not None and self.stop.limit == LimitKind.OUTPUT:
            _empty(self.work_dir)  # over the limit: not usable, and not to fill the disk
        self.output_bytes, self.output_files = _measure(self.work_dir)

    def _make_sure_nothing_survives(self) -> None:
        deadline = time.monotonic() + GONE_TIMEOUT_SECONDS
        while True:
            survivors = [pid for pid in self._kill(supervisor=True) if _is_alive(pid)]
            if not survivors:
                return
            if time.monotonic() > deadline:
                raise SandboxError(f"processes {survivors} of the sandbox survived SIGKILL.")
            time.sleep(0.02)

    def _drain(self) -> None:
        deadline = time.monotonic() + DRAIN_TIMEOUT_SECONDS
        while self.selector.get_map() and time.monotonic() < deadline:
            self._read(timeout=0.05)
        for key in list(self.selector.get_map().values()):
            self.selector.unregister(key.fileobj)
        self.selector.close()
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()

    def close(self) -> None:
        """After an error: kills and reaps what is still running and closes the pipes."""
        if self.process is None or self.status is not None:
            return
        self._kill(supervisor=True)
        self.process.wait()
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()

    def _stop_told_by_the_method(self) -> Stop | None:
        """A limit the kernel enforced shows as a failed allocation, write or fork."""
        code, signal_name = _exit(self.status)
        if code == 0:
            return None
        last_words = self.stderr.text()[-4 * KIB :]
        limit = None
        if any(marker in last_words for marker in MEMORY_MARKERS):
            limit = LimitKind.MEMORY
        elif signal_name == "SIGXFSZ" or any(m in last_words for m in FILE_SIZE_MARKERS):
            limit = LimitKind.OUTPUT
        elif self._process_limit_hit([]) or (
            self.pids_cgroup is None and any(m in last_words for m in FORK_MARKERS)
        ):
            limit = LimitKind.PROCESSES
        if limit is None:
            return None
        return _stop_message(
            limit,
            limits=self.limits,
            after_seconds=self.wall_seconds,
            output_files=self.output_files,
        )

    def outcome(self, info: SandboxInfo) -> Outcome:
        code, signal_name = _exit(self.status)
        return Outcome(
            exit_code=code,
            signal=signal_name,
            stop=self.stop,
            wall_seconds=round(self.wall_seconds, 3),
            peak_memory_bytes=self.peak_memory,
            output_bytes=self.output_bytes,
            output_files=self.output_files,
            stdout_tail=self.stdout.text(),
            stderr_tail=self.stderr.text(),
            stdout_bytes=self.stdout.total,
            stderr_bytes=self.stderr.total,
            environment=info,
        )


def _exit(status: int | None) -> tuple[int | None, str | None]:
    """Exit code or signal name. bwrap reports a signal that ended the method as 128 + its
    number (as a shell does), so a method's own exit(139) reads as SIGSEGV too."""
    if status is None:
        return None, None
    code = os.waitstatus_to_exitcode(status)
    if code < 0:
        return None, _signal_name(-code)
    if code > 128 and _signal_name(code - 128) is not None:
        return None, _signal_name(code - 128)
    return code, None


def _signal_name(number: int) -> str | None:
    try:
        return signal.Signals(number).name
    except ValueError:
        return None


# --- Words for participants -------------------------------------------------------------


def _stop_message(
    limit: LimitKind, *, limits: Limits, after_seconds: float, output_files: int
) -> Stop:
    after = describe_duration(after_seconds)
    if limit == LimitKind.WALL_TIME:
        message = f"stopped after {describe_duration(limits.wall_seconds)} wall time"
    elif limit == LimitKind.MEMORY:
        message = f"stopped at {describe_size(limits.memory_bytes)} memory after {after}"
    elif limit == LimitKind.PROCESSES:
        message = (
            f"started more than {limits.processes} processes or threads (stopped after {after})"
        )
    elif output_files > limits.output_files:
        message = f"wrote more than {limits.output_files:,} files (stopped after {after})"
    else:
        message = f"wrote more than {describe_size(limits.output_bytes)} (stopped after {after})"
    return Stop(limit=limit, after_seconds=round(after_seconds, 3), message=message)


def describe_duration(seconds: float) -> str:
    """3 min 12 s, 10 min, 1 h 5 min, 45 s, 2.5 s."""
    if seconds < 10:
        return f"{round(seconds, 1):g} s"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    return f"{secs} s"


def describe_size(size: int) -> str:
    """4 GiB, 1.5 GiB, 64 MiB, 512 bytes."""
    for unit, factor in (("GiB", GIB), ("MiB", MIB), ("KiB", KIB)):
        if size >= factor:
            return f"{round(size / factor, 1):g} {unit}"
    return f"{size} bytes"


__all__ = [
    "GIB",
    "KIB",
    "MIB",
    "LimitKind",
    "Limits",
    "Outcome",
    "PythonEnvironment",
    "SandboxError",
    "SandboxInfo",
    "SandboxUnavailable",
    "Stop",
    "describe_duration",
    "describe_size",
    "run_sandboxed",
]

"""Benchmark: what the methods sandbox costs per run, and runs per hour on the built-in tasks.

    python tests/bench/bench_sandbox.py [--repeat 20]
    ARENA_RUN="tests/bench/bench_sandbox.py --throughput [--runs-per-task 2] [--workers 1 2]
        [--bundles var/bundles]" bash scripts/test.sh

Without ``--throughput`` (what ``make bench`` runs; needs root and bubblewrap, no services):

1. **Start-up cost.** Two tiny methods, each a ``main.py`` in a code folder: ``trivial`` writes a
   small file to /work and ends; ``imports`` first imports pandas and scikit-learn's
   LogisticRegression, as most real methods do. Each runs ``--repeat`` times through
   ``arena.methods.sandbox.run_sandboxed`` (the limits of the example method: 1 CPU, 2 GiB,
   5 minutes) and as many times as a bare ``subprocess.run([sys.executable, "main.py"])`` in the
   same folders with the same thread variables, pinned to the CPU the sandbox pins its run to,
   interleaved (the order flips every round), after one untimed round of each. Wall times are
   taken around the call. Reports median and p90 of both, the ratio of the medians (sandbox /
   bare) and the overhead in ms (difference of the medians, and the median of the paired
   per-round differences). Then where the time goes: the method stamps the wall clock on its
   first and last statement, which gives the time from the call to its first line and from its
   last line to the call's return, and the sandbox's own clock (``Outcome.wall_seconds``: from
   starting bwrap's supervisor to reaping it) against what ``run_sandboxed`` does around it
   (cgroups, ownership of /work, the final checks). Exits 1 when a run does not write its
   file; there is no time bar.

With ``--throughput`` (run through scripts/test.sh, which starts a throwaway PostgreSQL and
Redis; ``make bench`` does this):

2. **Runs per hour.** Migrates the database, builds the built-in bundles (``--bundles``, kept
   between runs; a recipe that fails is skipped and named) and imports them into a competition
   that does not run baselines. Starts one scoring worker and then, for each ``--workers`` count,
   that many ``methods`` worker processes with ``docker/entrypoint.sh methods-worker`` (one run
   at a time each, as in production), pushes the example method docs/examples/methods/
   linear-baseline for a fresh team (``method_push_folder``), queues ``--runs-per-task`` runs of
   it on every task with ``run_request``, round-robin over the tasks, and waits until every run
   has failed or its predictions are scored. Reports runs per hour (runs divided by the time from
   the first request to the last score), per task the median time in the sandbox, on the worker
   (``started_at`` to ``finished_at``: copying the task and the code, the sandbox) and from the
   run's end to its score, and the CPUs the sandboxes were pinned to (with the pairs of runs that
   shared one at the same time). Checks that nothing is left behind: every run submitted and
   scored at its first attempt, no run folder, no cgroup of its runners, no process of a sandbox
   uid with one of its run folders mounted. Exits 1 when a check fails.
"""

import argparse
import contextlib
import itertools
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "platform"), str(REPO)]

from arena.methods.sandbox import (  # noqa: E402
    GIB,
    SANDBOX_UID_BASE,
    Limits,
    SandboxUnavailable,
    run_sandboxed,
)

EXAMPLE = REPO / "docs" / "examples" / "methods" / "linear-baseline"
# The example method's resources (method.yaml): what a typical run is given.
LIMITS = Limits(cpus=1, memory_bytes=2 * GIB, wall_seconds=300)
DONE = "done"
# The method's first statement takes the time and its last writes it with the time again into
# /work/done (the wall clock, which a sandbox shares with the host): how long the call took to
# reach the method's code, and how long it took to return after the method was done.
STAMP_BEGIN = "import time\n\nstarted = time.time()\nimport os  # noqa: E402\n"
STAMP_END = (
    "from pathlib import Path  # noqa: E402\n\n"
    f'Path(os.environ.get("ARENA_WORK_DIR", "/work"), "{DONE}")'
    '.write_text(f"{started!r} {time.time()!r}")\n'
)
METHODS = {
    "trivial": STAMP_BEGIN + STAMP_END,
    "imports": (
        STAMP_BEGIN + "import pandas  # noqa: E402, F401\n"
        "from sklearn.linear_model import LogisticRegression  # noqa: E402, F401\n" + STAMP_END
    ),
}
# What the sandbox sets for a 1-CPU run (sandbox._sandbox_variables), given to the bare run too.
THREADS = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def percentile(values, q: float) -> float:
    return float(np.percentile(np.array(values), q))


# --- Part 1: start-up cost ----------------------------------------------------------------


def fresh_folder(parent: Path, name: str) -> Path:
    folder = parent / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)  # whatever the umask: the method (not root) reads its code
    return folder


@dataclass
class Timing:
    """One run, in seconds: the whole call, from the call to the method's first statement, from
    its last statement to the call's return, and (sandbox) the sandbox's own clock."""

    whole: float
    to_first_line: float
    after_last_line: float
    own_clock: float = 0.0
    cpus: tuple[int, ...] = ()  # (sandbox) the CPUs the run was pinned to


def timed(call, work_dir: Path) -> tuple[Timing, object]:
    began, began_clock = time.perf_counter(), time.time()
    result = call()
    whole, ended_clock = time.perf_counter() - began, time.time()
    try:
        first, last = (float(word) for word in (work_dir / DONE).read_text().split())
    except (OSError, ValueError):
        raise SystemExit(f"The method did not write {DONE}: {result}") from None
    return Timing(whole, first - began_clock, ended_clock - last), result


def run_in_sandbox(*, code_dir: Path, task_dir: Path, scratch: Path) -> Timing:
    work_dir = fresh_folder(scratch, "work-sandbox")
    timing, outcome = timed(
        lambda: run_sandboxed(
            command=["python", "main.py"],
            code_dir=code_dir,
            task_dir=task_dir,
            work_dir=work_dir,
            limits=LIMITS,
            env={"ARENA_TASK_KIND": "classification"},
            seed=1,
        ),
        work_dir,
    )
    if not outcome.succeeded:
        raise SystemExit(f"The sandboxed method failed: {outcome.summary}\n{outcome.stderr_tail}")
    timing.own_clock, timing.cpus = outcome.wall_seconds, outcome.environment.cpus
    return timing


def run_bare(*, code_dir: Path, scratch: Path, cpus: tuple[int, ...]) -> Timing:
    """The same script as a plain child process, pinned to the CPUs the sandbox pins its run to
    (so that both compete alike with whatever else runs on the machine)."""
    work_dir = fresh_folder(scratch, "work-bare")
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(work_dir),
        "LANG": "C.UTF-8",
        "ARENA_SEED": "1",
        "ARENA_TASK_KIND": "classification",
        "ARENA_WORK_DIR": str(work_dir),
        **THREADS,
    }

    def call() -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603 (a fixed argument list, no shell)
            [sys.executable, "main.py"], cwd=code_dir, env=env, check=True,
            stdin=subprocess.DEVNULL, preexec_fn=lambda: os.sched_setaffinity(0, cpus),
        )  # fmt: skip

    return timed(call, work_dir)[0]


def ms(values) -> str:
    return f"{statistics.median(values) * 1000:.0f} ms"


def startup_cost(*, repeat: int) -> int:
    scratch = Path(tempfile.mkdtemp(prefix="arena-bench-sandbox-"))
    try:
        task_dir = fresh_folder(scratch, "task")
        (task_dir / "task.yaml").write_text("slug: bench\nkind: classification\n")
        (task_dir / "task.yaml").chmod(0o644)
        code_dirs = {}
        for name, source in METHODS.items():
            code_dirs[name] = fresh_folder(scratch, f"method-{name}")
            (code_dirs[name] / "main.py").write_text(source)
            (code_dirs[name] / "main.py").chmod(0o644)
        try:  # the untimed round
            for code_dir in code_dirs.values():
                cpus = run_in_sandbox(code_dir=code_dir, task_dir=task_dir, scratch=scratch).cpus
                run_bare(code_dir=code_dir, scratch=scratch, cpus=cpus)
        except SandboxUnavailable as error:
            print(f"Skipped: the sandbox cannot run here ({error}).")
            return 0
        print(
            f"{repeat} timed runs of each, interleaved, after 1 untimed; limits: "
            f"{LIMITS.cpus} CPU, {LIMITS.memory_bytes // GIB} GiB, {LIMITS.wall_seconds:.0f} s\n"
        )
        runs = {name: {"bare": [], "sandbox": []} for name in code_dirs}
        for name, code_dir in code_dirs.items():
            for round_ in range(repeat):
                for which in ("sandbox", "bare") if round_ % 2 == 0 else ("bare", "sandbox"):
                    if which == "bare":
                        timing = run_bare(code_dir=code_dir, scratch=scratch, cpus=cpus)
                    else:
                        timing = run_in_sandbox(
                            code_dir=code_dir, task_dir=task_dir, scratch=scratch
                        )
                        cpus = timing.cpus
                    runs[name][which].append(timing)
        print(
            "| method | bare median | bare p90 | sandbox median | sandbox p90 "
            "| sandbox / bare | overhead (medians) | overhead (paired median) |"
        )
        print("|---|---|---|---|---|---|---|---|")
        for name, both in runs.items():
            bare = [t.whole for t in both["bare"]]
            sandboxed = [t.whole for t in both["sandbox"]]
            paired = [s - b for s, b in zip(sandboxed, bare, strict=True)]
            print(
                f"| {name} | {ms(bare)} | {percentile(bare, 90) * 1000:.0f} ms "
                f"| {ms(sandboxed)} | {percentile(sandboxed, 90) * 1000:.0f} ms "
                f"| {statistics.median(sandboxed) / statistics.median(bare):.2f}x "
                f"| {(statistics.median(sandboxed) - statistics.median(bare)) * 1000:+.0f} ms "
                f"| {statistics.median(paired) * 1000:+.0f} ms |"
            )
        print(
            "\nWhere the time goes (medians): from the call to the method's first statement, from"
            " its last statement to the call's return, and the sandbox's own clock (Outcome."
            "wall_seconds, from starting bwrap's supervisor to reaping it).\n"
        )
        print(
            "| method | to first line: bare | sandbox | after last line: bare | sandbox "
            "| sandbox runs back 80+ ms later than bare after the last line | sandbox: own clock "
            "| sandbox: outside its clock |"
        )
        print("|---|---|---|---|---|---|---|---|")
        for name, both in runs.items():
            bare, sandboxed = both["bare"], both["sandbox"]
            bare_after = statistics.median(t.after_last_line for t in bare)
            print(
                f"| {name} | {ms(t.to_first_line for t in bare)} "
                f"| {ms(t.to_first_line for t in sandboxed)} "
                f"| {ms(t.after_last_line for t in bare)} "
                f"| {ms(t.after_last_line for t in sandboxed)} "
                f"| {sum(t.after_last_line - bare_after >= 0.08 for t in sandboxed)} "
                f"of {len(sandboxed)} "
                f"| {ms(t.own_clock for t in sandboxed)} "
                f"| {ms(t.whole - t.own_clock for t in sandboxed)} |"
            )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print("\nEvery run wrote its file.")
    return 0


# --- Part 2: runs per hour ----------------------------------------------------------------


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arena.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_bundles(folder: Path) -> list[Path]:
    from arena.competitions.recipes import RECIPES

    built = []
    for slug, recipe in RECIPES.items():
        began = time.monotonic()
        try:
            if not (folder / slug / "task.yaml").is_file():
                recipe.build(root=folder, cache=folder / ".cache")
        except Exception as error:  # one recipe that cannot run here must not stop the others
            print(f"  {slug}: skipped, its recipe failed: {error}")
            continue
        print(f"  {slug}: ready in {time.monotonic() - began:.1f} s")
        built.append(folder / slug)
    return built


def import_tasks(bundles: list[Path]):
    from datetime import timedelta

    from django.utils import timezone

    from arena.competitions.services import competition_create
    from arena.workflows.task_data import task_import

    now = timezone.now()
    competition = competition_create(
        slug="sandbox-bench", title="Sandbox bench", start_at=now - timedelta(days=1),
        end_at=now + timedelta(days=30),
    )  # fmt: skip
    competition.run_baselines_on_import = False  # no training jobs beside the runs
    competition.save()
    tasks = [task_import(bundle_dir=b, competition_slug=competition.slug).task for b in bundles]
    return competition, tasks


def start_worker(role: str, *, number: int, logs: Path) -> subprocess.Popen:
    log = logs / f"{role}-{number}.log"
    env = {
        **os.environ,
        "PYTHON": sys.executable,
        "HOSTNAME": f"bench{number}",
        "SCORING_CONCURRENCY": "1",
        "METHODS_CONCURRENCY": "1",
    }
    process = subprocess.Popen(  # noqa: S603 (a fixed argument list, no shell)
        [str(REPO / "docker" / "entrypoint.sh"), role], cwd=REPO, env=env,
        stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while b"ready." not in log.read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            stop_workers([process])
            raise SystemExit(f"The {role} did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)
    return process


def stop_workers(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def team_with_method(*, competition, number: int):
    """A fresh team (the allowance is 20 runs per team and day) and its push of the example."""
    from django.contrib.auth import get_user_model

    from arena.competitions.selectors import rules_fingerprint
    from arena.competitions.services import rules_accept
    from arena.methods.services import method_push_folder
    from arena.teams.services import team_create

    user = get_user_model().objects.create_user(username=f"bench{number}", password="x" * 12)
    # The bench's participants accept the rules first, as the rules page asks of everyone.
    rules = rules_fingerprint(competition=competition)
    rules_accept(competition=competition, user=user, rules_hash=rules)
    team = team_create(competition=competition, user=user, name=f"Bench team {number}")
    return user, method_push_folder(team=team, user=user, root=EXAMPLE).version


def queue_runs(*, competition, tasks, runs_per_task: int, first_team: int) -> list[int]:
    from arena.methods.runs import RUNS_PER_TEAM_PER_DAY, run_request

    run_ids, team_number, user, version = [], first_team, None, None
    for _ in range(runs_per_task):
        for task in tasks:
            if len(run_ids) % RUNS_PER_TEAM_PER_DAY == 0:
                team_number += 1
                user, version = team_with_method(competition=competition, number=team_number)
            run_ids.append(run_request(version=version, task=task, user=user).pk)
    return run_ids


def finished(run_ids: list[int]) -> bool:
    from arena.methods.models import MethodRun

    runs = MethodRun.objects.filter(pk__in=run_ids).select_related("submission")
    return all(
        run.status == MethodRun.Status.FAILED
        or (run.submission is not None and run.submission.status not in ("queued", "scoring"))
        for run in runs
    )


def group_pids(pgid: int) -> set[int]:
    """The processes of a worker: its main process and its pool (the sandboxes have their own
    sessions)."""
    pids = set()
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError, ValueError, IndexError):
            if entry.name.isdigit():
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[2]) == pgid:  # the fields after the name: state, ppid, pgrp
                    pids.add(int(entry.name))
    return pids


def leftovers(runner_pids: set[int]) -> list[str]:
    """What this benchmark's runs may have left behind: a run folder, a cgroup of one of its
    runners, a process of a sandbox uid with one of its run folders mounted (another test suite
    may be running sandboxes of its own meanwhile)."""
    from django.conf import settings

    from arena.methods.sandbox import CGROUP_PREFIX, CGROUP_V1_ROOT

    runs_dir = Path(settings.METHOD_RUNS_DIR)
    found = [f"run folder {path}" for path in runs_dir.iterdir()]
    for pid in runner_pids:
        found += [f"cgroup {path}" for path in CGROUP_V1_ROOT.glob(f"*/{CGROUP_PREFIX}{pid}-*")]
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError):
            mine = entry.name.isdigit() and entry.stat().st_uid >= SANDBOX_UID_BASE
            if mine and str(runs_dir) in (entry / "mountinfo").read_text():
                found.append(f"process {entry.name} of uid {entry.stat().st_uid}")
    return found


def measure(*, competition, tasks, workers: int, runs_per_task: int, first_team: int,
            logs: Path, timeout: float) -> dict:  # fmt: skip
    from arena.methods.models import MethodRun

    methods = [start_worker("methods-worker", number=10 * workers + n, logs=logs)
               for n in range(workers)]  # fmt: skip
    try:
        began = time.monotonic()
        run_ids = queue_runs(
            competition=competition, tasks=tasks, runs_per_task=runs_per_task,
            first_team=first_team,
        )  # fmt: skip
        deadline = began + timeout
        while not finished(run_ids):
            if time.monotonic() > deadline:
                print(f"  not finished after {timeout:.0f} s (logs in {logs})")
                break
            time.sleep(0.5)
        polled = time.monotonic() - began
    finally:
        runner_pids = set().union(*(group_pids(process.pid) for process in methods))
        stop_workers(methods)
    runs = list(
        MethodRun.objects.filter(pk__in=run_ids).select_related("submission", "task", "version")
    )
    return {"workers": workers, "runs": runs, "polled": polled, "runner_pids": runner_pids}


def seconds(start, end) -> float:
    return (end - start).total_seconds() if start and end else float("nan")


def median(values) -> float:
    known = [value for value in values if value == value]  # without NaN
    return statistics.median(known) if known else float("nan")


def in_sandbox(run) -> float:
    return run.wall_seconds if run.wall_seconds is not None else float("nan")


def on_worker(run) -> float:
    return seconds(run.started_at, run.finished_at)


def run_end_to_score(run) -> float:
    return seconds(run.finished_at, run.submission and run.submission.finished_at)


def request_to_score(run) -> float:
    return seconds(run.created_at, run.submission and run.submission.finished_at)


def report(results: list[dict]) -> bool:
    from arena.methods.models import MethodRun

    ok = True
    print("\n| methods workers | runs | submitted and scored | wall (request to last score) "
          "| runs per hour | median in sandbox | median on the worker "
          "| median request to score |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for result in results:
        runs = result["runs"]
        scored = [r for r in runs if r.submission is not None and r.submission.status == "scored"]
        first = min(r.created_at for r in runs)
        last = max((r.submission.finished_at for r in scored), default=None)
        result["wall"] = wall = seconds(first, last)
        ok &= len(scored) == len(runs) and all(r.attempts == 1 for r in runs)
        print(
            f"| {result['workers']} | {len(runs)} | {len(scored)} | {wall:.1f} s "
            f"(polled {result['polled']:.1f} s) | **{len(scored) / wall * 3600:.0f}** "
            f"| {median(map(in_sandbox, scored)):.1f} s | {median(map(on_worker, scored)):.1f} s "
            f"| {median(map(request_to_score, scored)):.1f} s |"
        )
        for run in runs:
            if run.status != MethodRun.Status.SUBMITTED or run.attempts != 1:
                print(f"  run {run.pk} on {run.task.slug}: {run.status}, attempts "
                      f"{run.attempts}: {run.message} {run.stderr_tail[-500:]}")  # fmt: skip
    print("\nPer task, medians over its runs: in the sandbox / on the worker / from the run's end "
          "to its score:\n")  # fmt: skip
    header = " | ".join(f"{result['workers']} methods worker(s)" for result in results)
    print(f"| task | kind | test rows | {header} |")
    print("|---|---|---|" + "---|" * len(results))
    tasks = {r.task.slug: r.task for result in results for r in result["runs"]}
    for slug, task in sorted(tasks.items()):
        cells = []
        for result in results:
            runs = [r for r in result["runs"] if r.task.slug == slug]
            cells.append(
                f"{median(map(in_sandbox, runs)):.1f} / {median(map(on_worker, runs)):.1f} / "
                f"{median(map(run_end_to_score, runs)):.1f} s"
            )
        print(f"| {slug} | {task.kind} | {task.test_rows:,} | " + " | ".join(cells) + " |")
    print("\nCPUs the sandboxes were pinned to (runs per CPU), and pairs of runs whose sandboxes "
          "ran at the same time on the same CPU (another test suite's sandboxes count when the "
          "CPUs are chosen):\n")  # fmt: skip
    for result in results:
        runs = [r for r in result["runs"] if r.finished_at and r.wall_seconds is not None]
        cpus = [tuple(r.environment.get("cpus", ())) for r in runs]
        spans = [
            (r.finished_at.timestamp() - r.wall_seconds, r.finished_at.timestamp()) for r in runs
        ]
        shared = sum(
            bool(set(cpus_a) & set(cpus_b)) and a[0] < b[1] and b[0] < a[1]
            for (a, cpus_a), (b, cpus_b) in itertools.combinations(zip(spans, cpus, strict=True), 2)
        )
        counts = ", ".join(
            f"CPU {','.join(map(str, c))}: {cpus.count(c)}" for c in sorted(set(cpus))
        )
        print(f"- {result['workers']} methods worker(s): {counts}; {shared} pairs at once")
    if len(results) == 2:
        fewer, more = sorted(results, key=lambda result: result["workers"])
        print(f"\nSpeed-up from {fewer['workers']} to {more['workers']} methods workers: "
              f"{fewer['wall'] / more['wall']:.2f}x")  # fmt: skip
    return ok


def throughput(args) -> int:
    if not os.environ.get("CELERY_BROKER_URL", "").startswith("redis://"):
        raise SystemExit(
            "Run me through scripts/test.sh (ARENA_RUN=...), which starts the services."
        )
    setup_django()
    print(f"Bundles in {args.bundles}:")
    bundles = build_bundles(args.bundles)
    competition, tasks = import_tasks(bundles)
    logs = Path(tempfile.mkdtemp(prefix="arena-bench-sandbox-"))
    print(f"{len(tasks)} tasks, {args.runs_per_task} runs each per measurement; logs in {logs}")
    scoring = [start_worker("scoring-worker", number=0, logs=logs)]
    results = []
    try:
        for workers in args.workers:
            print(f"Measuring with {workers} methods worker(s)...", flush=True)
            results.append(
                measure(
                    competition=competition, tasks=tasks, workers=workers,
                    runs_per_task=args.runs_per_task, first_team=100 * len(results),
                    logs=logs, timeout=args.timeout,
                )
            )  # fmt: skip
    finally:
        stop_workers(scoring)
    ok = report(results)
    left = leftovers(set().union(*(result["runner_pids"] for result in results)))
    for item in left:
        print("  left behind:", item)
    ok &= not left
    if not left:
        print("\nNothing left behind (run folders, cgroups, sandbox processes).")
    if not ok:
        print(f"A check FAILED (see above; logs in {logs})")
        return 1
    shutil.rmtree(logs, ignore_errors=True)
    print("All checks passed.")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20, help="timed runs of each (part 1)")
    parser.add_argument("--throughput", action="store_true", help="part 2 instead (see above)")
    parser.add_argument("--runs-per-task", type=int, default=2)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--bundles", type=Path, default=REPO / "var" / "bundles")
    parser.add_argument("--timeout", type=float, default=3600.0, help="per measurement, seconds")
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    if args.throughput:
        return throughput(args)
    return startup_cost(repeat=args.repeat)


if __name__ == "__main__":
    sys.exit(main())

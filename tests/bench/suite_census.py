"""Where the test suite's CPU goes, by kind of process:
    .venv/bin/python tests/bench/suite_census.py [--top N] -- COMMAND...
e.g. `... suite_census.py -- env CI=true make test`. Runs COMMAND, reads /proc every 0.2 s
while it runs, and prints the CPU (user + system) of every process that started after the
census began, summed by kind: the pytest workers themselves, Celery workers, Chromium, the
sandboxed methods, PostgreSQL, and so on. On 2 busy cores the suite's wall time follows the CPU
it needs, so this table says where time can be won. Processes that live under 0.2 s are missed
(a few per cent of the total); a process's CPU is its last reading before it ended. Not part of
`make bench`: it takes one whole run of the suite (figures in docs/BENCHMARKS.md)."""

import argparse
import os
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
# The first pattern that matches a process's command line names its kind.
KINDS = [
    ("pytest workers (in-process tests)", r"-c import sys;exec|execnet"),
    ("pytest controller", r"-m pytest"),
    ("Celery workers", r"celery -A arena worker"),
    ("Celery beat and calls", r"celery"),
    ("methods in the sandbox", r"^python main\.py|/method/|arena\.baselines"),
    ("bubblewrap and sandbox set-up", r"bwrap|-I -S -c"),
    ("gunicorn", r"gunicorn"),
    ("manage.py commands", r"manage\.py|django\.setup\(\)"),
    ("Chromium", r"chrom"),
    ("Playwright driver", r"node|playwright"),
    ("PostgreSQL", r"postgres|initdb|pg_ctl|createdb"),
    ("Redis", r"redis"),
    ("scoring CLI", r"-m scoring"),
    ("arena CLI", r"bin/arena "),
    ("ruff, mypy, import contracts", r"mypy|lint-imports|ruff"),
]


def kind_of(command: str) -> str:
    for kind, pattern in KINDS:
        if re.search(pattern, command):
            return kind
    return "other"


def read_process(pid: str) -> tuple[float, float, str] | None:
    """(start time in seconds after boot, CPU seconds, command line) of ``pid``."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        command = (
            Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        )
    except OSError:  # gone meanwhile
        return None
    fields = stat[stat.rfind(")") + 2 :].split()
    cpu = (int(fields[11]) + int(fields[12])) / TICKS
    started = int(fields[19]) / TICKS
    return started, cpu, command.strip()  # empty for a process that is ending


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=0, help="also list the N costliest commands")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to measure after --")
    began = time.time()
    # Only processes started after this moment count: the ones running now are not the suite's.
    running = [pid for pid in os.listdir("/proc") if pid.isdigit()]
    before = {(pid, found[0]) for pid in running if (found := read_process(pid))}
    seen: dict[tuple[str, float], list] = {}  # (pid, start) -> [cpu, command]
    child = subprocess.Popen(command)
    while child.poll() is None:
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            found = read_process(pid)
            if found is None or (pid, found[0]) in before:
                continue
            started, cpu, line = found
            entry = seen.setdefault((pid, started), [0.0, line])
            entry[0] = cpu
            if line:  # forked first, then exec'd: the latest name (none while it ends)
                entry[1] = line
        time.sleep(0.2)
    wall = time.time() - began
    by_kind, count, commands = Counter(), Counter(), Counter()
    for cpu, line in seen.values():
        kind = kind_of(line)
        by_kind[kind] += cpu
        count[kind] += 1
        commands[line[:110]] += cpu
    total = sum(by_kind.values())
    print(f"\n{' '.join(command)}: exit {child.returncode}, {wall:.0f} s wall, {total:.0f} s CPU")
    print(f"{'CPU s':>8} {'share':>6} {'processes':>9}  kind")
    for kind, cpu in by_kind.most_common():
        print(f"{cpu:8.1f} {cpu / total:6.1%} {count[kind]:9d}  {kind}")
    for line, cpu in commands.most_common(args.top):
        print(f"{cpu:8.1f}  {line}")
    return child.returncode


if __name__ == "__main__":
    sys.exit(main())

"""Load: 500 uploads from 50 teams within a minute, on loopback, to the production processes.

    ARENA_RUN="tests/bench/load_uploads.py [--teams 50] [--uploads 500] [--seconds 50]" \\
        bash scripts/test.sh

Runs inside the throwaway PostgreSQL and Redis that scripts/test.sh starts (`make bench` does
this). Starts the stack with docker/entrypoint.sh (gunicorn, two scoring worker processes, beat),
creates a competition with one task and one API token per team, then sends the uploads through
the REST API at an even pace from a pool of threads. Reports p50/p95 of the upload response time
and of upload-to-scored latency, and checks that every submission was scored exactly once.
"""

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import requests

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "platform"), str(REPO)]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare(*, teams: int) -> tuple[object, list[str], bytes]:
    """Schema, a competition with one 2,000-row task, the teams and their tokens."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arena.settings")
    import django

    django.setup()
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from arena.api.services import api_token_create
    from arena.competitions import synthetic
    from arena.competitions.selectors import rules_fingerprint
    from arena.competitions.services import (
        competition_create,
        rules_accept,
        task_create,
        track_get_or_create,
    )
    from arena.teams.services import team_create

    call_command("migrate", verbosity=0)
    now = timezone.now()
    competition = competition_create(
        slug="load-cup", title="Load", start_at=now - timedelta(days=1), end_at=now + timedelta(1)
    )
    competition.daily_submission_limit = 1000
    competition.run_baselines_on_import = False
    competition.save()
    data = synthetic.classification_data(rows=4000, seed=2)
    track = track_get_or_create(
        competition=competition, name="Classification", kind="classification"
    )
    task = task_create(
        competition=competition, track=track, slug="load", title="Load", kind="classification",
        metric="macro_f1", tables={"train": data.train, "test": data.test}, answers=data.answers,
    )  # fmt: skip
    tokens = []
    for number in range(teams):
        user = get_user_model().objects.create_user(username=f"load{number}", password="x" * 12)
        # Each team's owner accepts the rules first, as the rules page asks of everyone.
        rules = rules_fingerprint(competition=competition)
        rules_accept(competition=competition, user=user, rules_hash=rules)
        team_create(competition=competition, user=user, name=f"Load team {number}")
        tokens.append(api_token_create(user=user, name="load")[1])
    predictions = data.answers[["id", "label"]].to_csv(index=False).encode()
    return task, tokens, predictions


def start_stack(*, port: int, logs: Path) -> list[subprocess.Popen]:
    env = {
        **os.environ,
        "PYTHON": sys.executable,
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "3",
        "SCORING_CONCURRENCY": "1",
        "STATIC_MANIFEST": "true",
    }
    processes = []
    for number, role in enumerate(("web", "scoring-worker", "scoring-worker", "beat")):
        processes.append(
            subprocess.Popen(
                [str(REPO / "docker" / "entrypoint.sh"), role], cwd=REPO,
                env={**env, "HOSTNAME": f"load{number}"},
                stdout=(logs / f"{role}-{number}.log").open("wb"), stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).ok:
                break
        except requests.RequestException:
            pass
        time.sleep(0.5)
    else:
        raise SystemExit("gunicorn did not come up; see " + str(logs))
    while sum(b"ready." in (logs / f"scoring-worker-{n}.log").read_bytes() for n in (1, 2)) < 2:
        time.sleep(0.5)
    return processes


def percentile(values, q: float) -> float:
    return float(np.percentile(np.array(values), q))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--teams", type=int, default=50)
    parser.add_argument("--uploads", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=50.0, help="spread the uploads over this")
    args = parser.parse_args()
    if not os.environ.get("CELERY_BROKER_URL", "").startswith("redis://"):
        raise SystemExit(
            "Run me through scripts/test.sh (ARENA_RUN=...), which starts the services."
        )
    task, tokens, predictions = prepare(teams=args.teams)
    port = free_port()
    logs = Path(tempfile.mkdtemp(prefix="arena-load-"))
    processes = start_stack(port=port, logs=logs)
    url = f"http://127.0.0.1:{port}/api/competitions/{task.competition.slug}/tasks/{task.slug}/submissions/"
    response_times, ids, errors = [], [], []
    lock = threading.Lock()
    start = time.monotonic()

    def upload(number: int) -> None:
        time.sleep(max(0.0, start + number * args.seconds / args.uploads - time.monotonic()))
        began = time.perf_counter()
        try:
            answer = requests.post(
                url,
                headers={"Authorization": f"Token {tokens[number % len(tokens)]}"},
                files={"file": ("predictions.csv", predictions, "text/csv")},
                data={"comment": f"load {number}"},
                timeout=60,
            )
        except requests.RequestException as error:
            with lock:
                errors.append(repr(error))
            return
        elapsed = time.perf_counter() - began
        with lock:
            if answer.status_code == 201:
                response_times.append(elapsed)
                ids.append(answer.json()["id"])
            else:
                errors.append(f"{answer.status_code} {answer.text[:200]}")

    try:
        with ThreadPoolExecutor(max_workers=16) as pool:
            list(pool.map(upload, range(args.uploads)))
        sent_in = time.monotonic() - start
        from arena.submissions.models import Submission

        deadline = time.monotonic() + 600
        while Submission.objects.filter(pk__in=ids, status__in=["queued", "scoring"]).exists():
            if time.monotonic() > deadline:
                break
            time.sleep(1)
        rows = list(
            Submission.objects.filter(pk__in=ids).values_list(
                "status", "attempts", "created_at", "finished_at"
            )
        )
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)
    latencies = [
        (done - made).total_seconds() for status, _, made, done in rows if status == "scored"
    ]
    scored_once = sum(1 for status, attempts, _, _ in rows if status == "scored" and attempts == 1)
    print(f"uploads sent: {args.uploads} from {args.teams} teams in {sent_in:.1f} s; accepted "
          f"{len(ids)}, refused or failed {len(errors)}")  # fmt: skip
    for error in errors[:5]:
        print("  ", error)
    print(f"upload response time: p50 {statistics.median(response_times) * 1000:.0f} ms, "
          f"p95 {percentile(response_times, 95) * 1000:.0f} ms")  # fmt: skip
    print(f"upload to scored: p50 {percentile(latencies, 50):.2f} s, "
          f"p95 {percentile(latencies, 95):.2f} s, max {max(latencies):.2f} s")  # fmt: skip
    print(f"scored: {len(latencies)} of {len(ids)}; scored exactly once: {scored_once}")
    ok = not errors and len(ids) == args.uploads and scored_once == args.uploads
    print("All bars met." if ok else "A bar was NOT met (see above; logs in " + str(logs) + ")")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: the task leaderboard page with many teams and submissions.

    python tests/bench/bench_leaderboard.py [--teams 100] [--submissions 10000]

Renders the public board of one task for 10 teams / 1,000 submissions and for 100 teams /
10,000 submissions (scores written in bulk) on an embedded SQLite database in a temporary
folder, and reports the SQL queries per page (the bar: the same for both sizes) and the median
render time. The page reads stored scores only; nothing is recomputed on view.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "tests" / "bench"), str(REPO / "platform"), str(REPO)]

from bench_compare import setup_django  # noqa: E402


def populate(*, slug: str, teams: int, submissions: int):
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from arena.competitions import synthetic
    from arena.competitions.services import competition_create, task_create, track_get_or_create
    from arena.submissions.models import Score, Submission, SubmissionStatus
    from arena.teams.models import Membership, Team

    now = timezone.now()
    competition = competition_create(
        slug=slug, title=slug, start_at=now - timedelta(days=1), end_at=now + timedelta(days=9)
    )
    data = synthetic.classification_data(rows=40, seed=1)
    track = track_get_or_create(
        competition=competition, name="Classification", kind="classification"
    )
    task = task_create(
        competition=competition, track=track, slug="task", title="Task", kind="classification",
        metric="macro_f1", tables={"train": data.train, "test": data.test}, answers=data.answers,
    )  # fmt: skip
    users = get_user_model().objects.bulk_create(
        [get_user_model()(username=f"{slug}-{i}") for i in range(teams)]
    )
    team_rows = Team.objects.bulk_create(
        [Team(competition=competition, name=f"Team {i}", created_by=u) for i, u in enumerate(users)]
    )
    Membership.objects.bulk_create(
        [
            Membership(team=t, user=u, competition=competition, role=Membership.Role.OWNER)
            for t, u in zip(team_rows, users, strict=True)
        ]
    )
    rng = np.random.default_rng(5)
    rows = Submission.objects.bulk_create(
        [
            Submission(
                task=task, team=team_rows[i % teams], status=SubmissionStatus.SCORED,
                file_key=f"{slug}/{i}", original_name="p.csv", size_bytes=1,
            )
            for i in range(submissions)
        ],
        batch_size=2000,
    )  # fmt: skip
    Score.objects.bulk_create(
        [
            Score(submission=row, split=split, metric="macro_f1", value=float(rng.uniform()))
            for row in rows
            for split in ("public", "private")
        ],
        batch_size=5000,
    )
    return task


def measure(*, teams: int, submissions: int, renders: int = 5) -> dict:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    task = populate(slug=f"lb-{teams}-{submissions}", teams=teams, submissions=submissions)
    url = f"/c/{task.competition.slug}/tasks/{task.slug}/leaderboard/"
    client = Client()
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("<tr class=") >= teams
    times = []
    for _ in range(renders):
        start = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - start)
    return {"size": f"{teams} teams, {submissions:,} submissions", "queries": len(queries),
            "median_s": statistics.median(times)}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--teams", type=int, default=100)
    parser.add_argument("--submissions", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        setup_django(Path(home))
        from django.core.signals import request_started
        from django.db import reset_queries

        request_started.disconnect(reset_queries)  # keep the log for the count
        figures = [
            measure(teams=max(args.teams // 10, 2), submissions=args.submissions // 10),
            measure(teams=args.teams, submissions=args.submissions),
        ]
    print("Task leaderboard page (bar: the same number of SQL queries for both sizes)")
    print("| size | SQL queries | median render |")
    print("|---|---|---|")
    for figure in figures:
        print(f"| {figure['size']} | {figure['queries']} | {figure['median_s'] * 1000:.0f} ms |")
    ok = len({figure["queries"] for figure in figures}) == 1
    print("\nAll bars met." if ok else "\nA bar was NOT met.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

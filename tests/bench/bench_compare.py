"""Benchmark: the reviewers' comparison.

    python tests/bench/bench_compare.py [--rows 100000] [--teams 50] [--tasks 20]

1. Bootstrap intervals for one submission of a 100,000-row task (what the worker adds after
   scoring), for 50 classes and for matching, against a straightforward row-resampling bootstrap
   (scikit-learn's metric on resampled rows) timed in the same run on a few replicates.
2. The methods-by-tasks matrix page for 5 teams x 4 tasks and for 50 teams x 20 tasks: the number
   of SQL queries (the bar: the same for both sizes) and the median render time. It runs on an
   embedded SQLite database in a temporary folder, so it needs no server.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "platform"), str(REPO)]


def best_of(function, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


REFERENCE_REPLICATES = 20


def as_labels(codes: np.ndarray, *, classes: list[str], kind: str) -> list[str]:
    if kind == "classification":
        return [classes[code] for code in codes]
    return [str(code) for code in codes]


def bootstrap_figures(*, rows: int) -> list[dict]:
    from sklearn.metrics import f1_score

    from scoring import TaskSpec, score_predictions
    from scoring.confidence import DEFAULT_REPLICATES, report_intervals

    rng = np.random.default_rng(0)
    figures = []
    for kind, n_classes, metric in (("classification", 50, "macro_f1"), ("matching", 2, "f1")):
        classes = [f"class_{i:02d}" for i in range(n_classes)]
        truth = rng.integers(0, n_classes, rows)
        predicted = np.where(rng.random(rows) < 0.7, truth, rng.integers(0, n_classes, rows))
        ids = pa.array([f"r{i}" for i in range(rows)])
        usage = np.where(rng.random(rows) < 0.3, "public", "private")
        answers = pa.table(
            {
                "id": ids,
                "label": pa.array(as_labels(truth, classes=classes, kind=kind)),
                "usage": pa.array(usage),
            }
        )
        predictions = pa.table(
            {
                "id": ids,
                "label": pa.array(as_labels(predicted, classes=classes, kind=kind)),
            }
        )
        spec = TaskSpec(
            kind=kind, metric=metric, classes=tuple(classes) if kind == "classification" else ()
        )
        report = score_predictions(spec=spec, predictions=predictions, answers=answers)
        arena = best_of(lambda r=report, k=kind: report_intervals(report=r, kind=k))
        # The straightforward way: resample rows and recompute the metric, per split.
        average = "macro" if kind == "classification" else "binary"

        def naive(t=truth, p=predicted, avg=average, u=usage, few=REFERENCE_REPLICATES):
            for split in ("public", "private"):
                mask = u == split
                split_truth, split_predicted = t[mask], p[mask]
                for _ in range(few):
                    pick = rng.integers(0, len(split_truth), len(split_truth))
                    f1_score(split_truth[pick], split_predicted[pick], average=avg)

        naive_per_replicate = best_of(naive, repeat=1) / REFERENCE_REPLICATES
        figures.append(
            {
                "kind": f"{kind}, {n_classes} classes" if kind == "classification" else kind,
                "arena_s": arena,
                "naive_s": naive_per_replicate * DEFAULT_REPLICATES,
            }
        )
    return figures


def setup_django(home: Path) -> None:
    os.environ.update({"ARENA_HOME": str(home), "DEBUG": "true", "ALLOWED_HOSTS": "testserver"})
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "arena.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def populate(*, slug: str, teams: int, tasks: int):
    """A competition with ``tasks`` tasks in two tracks and ``teams`` teams (one of them the
    AutoGluon baseline), each with two scored entries per task, written in bulk."""
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
    created = []
    for index in range(tasks):
        track = track_get_or_create(
            competition=competition, name=f"Track {index % 2}", kind="classification"
        )
        created.append(
            task_create(
                competition=competition, track=track, slug=f"task-{index}", title=f"Task {index}",
                kind="classification", metric="macro_f1",
                tables={"train": data.train, "test": data.test}, answers=data.answers,
            )
        )  # fmt: skip
    users = get_user_model().objects.bulk_create(
        [get_user_model()(username=f"{slug}-user-{i}") for i in range(teams)]
    )
    team_rows = Team.objects.bulk_create(
        [
            Team(
                competition=competition,
                name="AutoGluon (fast)" if i == 0 else f"Team {i}",
                created_by=user,
                is_baseline=i == 0,
            )
            for i, user in enumerate(users)
        ]
    )
    Membership.objects.bulk_create(
        [
            Membership(team=team, user=user, competition=competition, role=Membership.Role.OWNER)
            for team, user in zip(team_rows, users, strict=True)
        ]
    )
    rng = np.random.default_rng(3)
    submissions = Submission.objects.bulk_create(
        [
            Submission(
                task=task, team=team, status=SubmissionStatus.SCORED,
                file_key=f"{slug}/{task.pk}/{team.pk}/{entry}", original_name="p.csv",
                size_bytes=1, method_name="AutoGluon" if team.is_baseline else f"Method {entry}",
            )
            for task in created for team in team_rows for entry in range(2)
        ]
    )  # fmt: skip
    scores = []
    for submission in submissions:
        value = float(rng.uniform(0.4, 0.9))
        for split in ("public", "private"):
            scores.append(
                Score(
                    submission=submission, split=split, metric="macro_f1", value=value,
                    ci_low=value - 0.03, ci_high=value + 0.03,
                )
            )  # fmt: skip
    Score.objects.bulk_create(scores)
    return competition


def matrix_figures(*, sizes: list[tuple[int, int]], renders: int = 5) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.core.signals import request_started
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    # Django empties the query log when a request starts; keep it for the count.
    request_started.disconnect(reset_queries)
    reviewer = get_user_model().objects.create_superuser(username="reviewer", password="x")
    client = Client()
    client.force_login(reviewer)
    figures = []
    for teams, tasks in sizes:
        competition = populate(slug=f"bench-{teams}x{tasks}", teams=teams, tasks=tasks)
        url = reverse("compare:comparison", args=[competition.slug])
        reset_queries()  # the log is a bounded deque, full after populating
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, response.status_code
        times = []
        for _ in range(renders):
            start = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - start)
        figures.append(
            {
                "size": f"{teams} teams x {tasks} tasks",
                "queries": len(queries),
                "median_s": statistics.median(times),
            }
        )
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--teams", type=int, default=50)
    parser.add_argument("--tasks", type=int, default=20)
    args = parser.parse_args()
    ok = True
    print(f"Bootstrap intervals for one submission, {args.rows:,} rows (bar: at most 1 s)")
    print("| task | arena (1,000 replicates, both splits) | row resampling, estimated | ratio |")
    print("|---|---|---|---|")
    for figure in bootstrap_figures(rows=args.rows):
        ok &= figure["arena_s"] <= 1.0
        print(
            f"| {figure['kind']} | {figure['arena_s']:.3f} s | {figure['naive_s']:.1f} s "
            f"| {figure['naive_s'] / figure['arena_s']:.0f}x |"
        )
    with tempfile.TemporaryDirectory() as home:
        setup_django(Path(home))
        figures = matrix_figures(sizes=[(5, 4), (args.teams, args.tasks)])
    print("\nMethods-by-tasks matrix page (bar: the same number of SQL queries for both sizes)")
    print("| size | SQL queries | median render |")
    print("|---|---|---|")
    for figure in figures:
        print(f"| {figure['size']} | {figure['queries']} | {figure['median_s'] * 1000:.0f} ms |")
    ok &= len({figure["queries"] for figure in figures}) == 1
    print("\nAll bars met." if ok else "\nA bar was NOT met.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

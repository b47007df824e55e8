"""Benchmark: a task board and the comparison for a 1,000,000-row task with 100 teams.

    python tests/bench/bench_large_board.py [--rows 1000000] [--teams 100] [--real 100]
        [--classes 50] [--errors neighbours|uniform] [--renders 5]

On an embedded SQLite database and file storage in a temporary folder (no server), it builds a
competition whose track holds a classification task of ``--rows`` test rows and ``--classes``
classes, plus two 12-row tasks (scores written in bulk) so that the track's Friedman test runs.
Every one of ``--teams`` teams (one of them the AutoGluon baseline) sends one predictions file
(Parquet) to the large task, and the first ``--real`` of them are really scored: the upload goes
through ``submission_create`` and ``submission_score``, so the file and its class codes are in
storage as the worker leaves them; the other teams' submissions and scores, if any, are written
in bulk without files. Then, calling in-process what the worker runs (there is no worker here):

1. The follow-up job of a score, ``results.services.results_refresh``, timed, with its paired
   bootstraps (the tie marks against the leader) and its comparison timed apart.
2. The pages, through Django's test client, anonymous, as a reviewer and as an organizer: the
   task board, the track board, the comparison page and the statistics JSON. Per page: the SQL
   queries of a warm view and the median of ``--renders`` views; and that no page reads storage:
   each is rendered again with the storage folder renamed away and every storage call counted,
   and must answer 200 with the same rows. A control read of the answer key in that state must
   fail and be counted, or the check itself fails.
3. The same pages for 10 teams on a 10,000-row task (all really scored): the query count must
   be the same (the bar).
4. Score to board: two more teams upload to the large task, one file that takes the lead (every
   tie mark is new: 9 rivals x 2 splits) and one that lands mid-board (the cached pairs answer).
   Timed: the upload (``submission_create``), its scoring (``submission_score``) and the
   follow-up job (``results_refresh``: boards, tie marks, comparison, both splits), which is
   when the board and comparison are up to date: the pages show the new score and no longer
   say that they are being updated. A real worker adds the broker hop and any queue ahead.

Exits 1 when a bar is not met: queries that differ between the sizes, a storage call or a
different answer with storage moved away, or a board not up to date after the follow-up job.
``--errors``: where a team's wrong predictions go; ``neighbours`` (the default) to one of the 5
classes next to the true one, as confusions cluster in real models; ``uniform`` to any class, the
worst case of the paired bootstrap, whose cost follows the distinct (truth, a, b) triples.
"""

import argparse
import contextlib
import io
import json
import re
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "tests" / "bench"), str(REPO / "platform"), str(REPO)]

from bench_compare import setup_django  # noqa: E402

SIDE_TASKS = 2  # small tasks beside the large one, so that the track's Friedman test runs
ROW_PATTERN = re.compile(r"<tr\b.*?</tr>", re.DOTALL)
VOLATILE = re.compile(r'(csrfmiddlewaretoken" value="|nonce="|csrftoken=)[^"&;\s]*')


class Timer:
    """Adds up the time and calls of the functions it wraps (see ``wrapped``)."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}

    def reset(self) -> None:
        self.seconds.clear()
        self.calls.clear()

    def wrap(self, name: str, function):
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start
                self.calls[name] = self.calls.get(name, 0) + 1

        return timed


@contextlib.contextmanager
def wrapped(timer: Timer, targets: list[tuple[object, str, str]]):
    """Wraps ``module.attribute`` for each (module, attribute, name) while the block runs."""
    saved = []
    for module, attribute, name in targets:
        original = getattr(module, attribute)
        saved.append((module, attribute, original))
        setattr(module, attribute, timer.wrap(name, original))
    try:
        yield timer
    finally:
        for module, attribute, original in saved:
            setattr(module, attribute, original)


STORAGE_METHODS = ("open", "exists", "path", "size", "listdir", "save", "delete", "url")


@contextlib.contextmanager
def storage_watched():
    """Counts every call to the private storage (``arena.core.files.private_storage``)."""
    from arena.core.files import private_storage

    storage = private_storage()
    storage.exists("")  # sets the lazy storage up
    target = storage._wrapped
    calls: list[str] = []

    def counting(method: str):
        original = getattr(target, method)

        def call(*args, **kwargs):
            calls.append(f"{method}({args[0] if args else ''})")
            return original(*args, **kwargs)

        return call

    for method in STORAGE_METHODS:
        setattr(target, method, counting(method))
    try:
        yield calls
    finally:
        for method in STORAGE_METHODS:
            delattr(target, method)  # back to the class's method


@contextlib.contextmanager
def storage_moved():
    """Renames the storage folder away, so that any read of a stored file fails."""
    from django.conf import settings

    root = Path(settings.PRIVATE_FILES_ROOT)
    away = root.with_name(root.name + ".moved-away")
    root.rename(away)
    try:
        yield
    finally:
        away.rename(root)


def task_tables(*, rows: int, classes: list[str], seed: int):
    """A classification task's tables: a small train table with every class, a test table of
    ``rows`` ids (``r0000000``...) and its answer key with a 30/70 public/private usage."""
    rng = np.random.default_rng(seed)
    width = max(7, len(str(rows - 1)))
    ids = pd.Series([f"r{index:0{width}d}" for index in range(rows)])
    truth = rng.integers(0, len(classes), rows)
    train_labels = np.repeat(np.array(classes), 20)
    train = pd.DataFrame(
        {
            "id": [f"t{index:06d}" for index in range(len(train_labels))],
            "x": rng.normal(size=len(train_labels)).round(3),
            "label": train_labels,
        }
    )
    test = pd.DataFrame({"id": ids, "x": rng.normal(size=rows).round(3)})
    answers = pd.DataFrame(
        {
            "id": ids,
            "label": np.array(classes)[truth],
            "usage": np.where(rng.random(rows) < 0.3, "public", "private"),
        }
    )
    return train, test, answers, truth


def predictions_file(
    *, ids: pa.Array, truth: np.ndarray, classes: list[str], accuracy: float, errors: str, rng
) -> bytes:
    """A Parquet predictions file (id, label in test order) right on about ``accuracy`` rows."""
    k = len(classes)
    wrong = rng.random(len(truth)) >= accuracy
    if errors == "uniform":
        other = (truth + rng.integers(1, k, len(truth))) % k
    else:
        other = (truth + rng.integers(1, 6, len(truth))) % k
    codes = np.where(wrong, other, truth).astype(np.int32)
    labels = pa.DictionaryArray.from_arrays(pa.array(codes), pa.array(classes)).cast(pa.string())
    buffer = io.BytesIO()
    pq.write_table(pa.table({"id": ids, "label": labels}), buffer)
    return buffer.getvalue()


def upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("predictions.parquet", data, content_type="application/octet-stream")


def accuracy_of(index: int, teams: int) -> float:
    """Team 0 (the baseline) in the middle; the others from 0.55 to 0.80, the best two close."""
    if index == 0:
        return 0.70
    value = 0.55 + 0.25 * index / max(teams - 1, 1)
    return value - 0.0015 if index == teams - 2 else value


def populate(*, slug: str, rows: int, teams: int, real: int, classes: int, errors: str) -> dict:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from arena.competitions import synthetic
    from arena.competitions.services import competition_create, task_create, track_get_or_create
    from arena.submissions.models import Score, Submission, SubmissionStatus
    from arena.submissions.services import submission_create, submission_score
    from arena.teams.models import Membership, Team

    User = get_user_model()
    now = timezone.now()
    competition = competition_create(
        slug=slug, title=slug, start_at=now - timedelta(days=1), end_at=now + timedelta(days=9)
    )
    reviewer = User.objects.create_user(username=f"{slug}-reviewer", password="x")
    organizer = User.objects.create_user(username=f"{slug}-organizer", password="x")
    competition.reviewers.add(reviewer)
    competition.organizers.add(organizer)
    track = track_get_or_create(
        competition=competition, name="Classification", kind="classification"
    )
    names = [f"class_{index:02d}" for index in range(classes)]
    started = time.perf_counter()
    train, test, answers, truth = task_tables(rows=rows, classes=names, seed=1)
    task = task_create(
        competition=competition, track=track, slug="large", title="Large", kind="classification",
        metric="macro_f1", tables={"train": train, "test": test}, answers=answers,
    )  # fmt: skip
    ids = pa.array(test["id"])
    del train, test, answers
    task_seconds = time.perf_counter() - started
    small = synthetic.classification_data(rows=40, seed=2)
    side_tasks = [
        task_create(
            competition=competition,
            track=track,
            slug=f"side-{index}",
            title=f"Side {index}",
            kind="classification",
            metric="macro_f1",
            tables={"train": small.train, "test": small.test},
            answers=small.answers,
        )  # fmt: skip
        for index in range(SIDE_TASKS)
    ]
    extra = len(LATE_UPLOADS)
    users = User.objects.bulk_create([User(username=f"{slug}-{i}") for i in range(teams + extra)])
    team_rows = Team.objects.bulk_create(
        [
            Team(
                competition=competition,
                name="AutoGluon (fast)" if i == 0 else f"Team {i:03d}",
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
    # The last teams send nothing yet: their uploads are the ones timed from score to board.
    late = list(zip(users[teams:], team_rows[teams:], strict=True))
    users, team_rows = users[:teams], team_rows[:teams]

    def method(index: int) -> str:
        return "AutoGluon" if index == 0 else f"Method {index}"

    rng = np.random.default_rng(7)
    scoring_seconds = []
    for index in range(real):
        data = predictions_file(
            ids=ids, truth=truth, classes=names, accuracy=accuracy_of(index, teams),
            errors=errors, rng=rng,
        )  # fmt: skip
        start = time.perf_counter()
        submission = submission_create(
            task=task, user=users[index], uploaded_file=upload(data),
            method_name=method(index), enforce_rules=False,
        )  # fmt: skip
        status = submission_score(submission_id=submission.pk)
        scoring_seconds.append(time.perf_counter() - start)
        assert status == "scored", status
    bulk = [(task, index) for index in range(real, teams)]
    bulk += [(side, index) for side in side_tasks for index in range(teams)]
    submissions = Submission.objects.bulk_create(
        [
            Submission(
                task=on, team=team_rows[index], status=SubmissionStatus.SCORED,
                file_key=f"{slug}/bulk/{on.pk}/{index}", original_name="p.csv", size_bytes=1,
                method_name=method(index),
            )
            for on, index in bulk
        ],
        batch_size=2000,
    )  # fmt: skip
    scores = []
    for submission, (on, index) in zip(submissions, bulk, strict=True):
        value = accuracy_of(index, teams) if on == task else float(rng.uniform(0.4, 0.9))
        for split in ("public", "private"):
            scores.append(
                Score(
                    submission=submission, split=split, metric="macro_f1", value=value,
                    ci_low=value - 0.02, ci_high=value + 0.02,
                )
            )  # fmt: skip
    Score.objects.bulk_create(scores, batch_size=5000)
    return {
        "competition": competition,
        "task": task,
        "track": track,
        "reviewer": reviewer,
        "organizer": organizer,
        "ids": ids,
        "truth": truth,
        "classes": names,
        "late": late,
        "task_seconds": task_seconds,
        "scoring_seconds": scoring_seconds,
    }


def refresh(*, task, timer: Timer) -> float:
    """The worker's follow-up job of a score of ``task``, in-process, timed; ``timer`` gets its
    paired bootstraps, answer-key reads and comparison apart."""
    from arena.results import pairwise, services

    timer.reset()
    targets = [
        (services, "pairwise_difference", "paired bootstrap"),
        (pairwise, "load_answers", "answer key read"),
        (services, "comparison", "comparison"),
    ]
    store, stored_at = services._store, []

    def store_noted(**fields):
        # The first pass ends with the comparison of the last split: boards and comparison
        # are up to date from then on; the tie marks of new pairs follow in the second pass.
        store(**fields)
        if fields["key"] == "comparison":
            stored_at.append(time.perf_counter())

    with wrapped(timer, [target for target in targets if hasattr(target[0], target[1])]):
        services._store = store_noted
        try:
            start = time.perf_counter()
            services.results_refresh(task_id=task.pk)
            end = time.perf_counter()
        finally:
            services._store = store
    timer.seconds["ranked"] = (stored_at[-1] - start) if stored_at else end - start
    return end - start


def pages(setup: dict) -> list[tuple[str, str, str]]:
    """(name, who, url) of every page measured."""
    from django.urls import reverse

    competition, task, track = setup["competition"], setup["task"], setup["track"]
    task_url = reverse("leaderboards:task", args=[competition.slug, task.slug])
    track_url = reverse("leaderboards:track", args=[competition.slug, track.slug])
    compare_url = reverse("compare:comparison", args=[competition.slug])
    statistics_url = reverse("compare:statistics", args=[competition.slug, "json"])
    return [
        ("task board", "anonymous", task_url),
        ("task board", "reviewer", task_url),
        ("task board, private split", "organizer", f"{task_url}?board=private"),
        ("track board", "anonymous", track_url),
        ("track board", "reviewer", track_url),
        ("comparison", "reviewer", compare_url),
        ("comparison, private split", "organizer", f"{compare_url}?board=private"),
        ("statistics JSON", "reviewer", statistics_url),
    ]


def clients(setup: dict) -> dict:
    from django.test import Client

    out = {"anonymous": Client()}
    for who in ("reviewer", "organizer"):
        out[who] = Client()
        out[who].force_login(setup[who])
    return out


def content_of(response) -> object:
    """What must not change when storage is away: the table rows of a page (or the JSON)."""
    text = response.content.decode()
    if response["Content-Type"].startswith("application/json"):
        return json.loads(text)
    return [" ".join(row.split()) for row in ROW_PATTERN.findall(VOLATILE.sub(r"\1", text))]


def rows_of(response) -> int:
    """Table rows of a page; for the statistics JSON, the methods tested over all tracks."""
    content = content_of(response)
    if isinstance(content, dict):
        return sum(len(track["methods"]) for track in content["tracks"])
    return len(content)


def up_to_date(response) -> bool:
    """A page whose stored result is current: no 'being updated' reload (base.html)."""
    if response["Content-Type"].startswith("application/json"):
        return bool(json.loads(response.content).get("current"))
    return b'http-equiv="refresh"' not in response.content


def render_figures(setup: dict, *, renders: int) -> list[dict]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    browsers = clients(setup)
    figures = []
    for name, who, url in pages(setup):
        client = browsers[who]
        first = client.get(url)
        assert first.status_code == 200, (name, who, first.status_code)
        reset_queries()  # the log is a bounded deque; start each count empty
        with CaptureQueriesContext(connection) as queries, storage_watched() as calls:
            response = client.get(url)
        assert response.status_code == 200, (name, who, response.status_code)
        times = []
        for _ in range(renders):
            start = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - start)
        figures.append(
            {
                "page": name, "who": who, "url": url, "queries": len(queries),
                "median_s": statistics.median(times), "storage_calls": list(calls),
                "content": content_of(response), "current": up_to_date(response),
                "rows": rows_of(response),
            }
        )  # fmt: skip
    # Again with the storage folder renamed away: same answers, and no storage call at all.
    with storage_moved(), storage_watched() as calls:
        for figure in figures:
            before = len(calls)
            try:
                response = browsers[figure["who"]].get(figure["url"])
                figure["moved_status"] = response.status_code
                figure["moved_same"] = content_of(response) == figure["content"]
            except Exception as error:  # noqa: BLE001 - a page that read a stored file
                figure["moved_status"] = f"error: {type(error).__name__}: {error}"
                figure["moved_same"] = False
            figure["storage_calls"] += calls[before:]
        control = control_read(setup["task"], calls)
    assert control, "the storage check did not catch a read of the answer key: it proves nothing"
    return figures


def control_read(task, calls: list[str]) -> bool:
    """The check's own control: with storage away, reading the answer key (as the paired
    bootstrap does) must fail and be counted; else a page could read storage unnoticed."""
    from arena.submissions.services import load_answers

    before = len(calls)
    try:
        load_answers(task=task)
    except OSError:
        return len(calls) > before
    return False


LATE_UPLOADS = (
    # (what it shows, accuracy): a new leader makes every tie mark new (9 rivals x 2 splits);
    # a score outside the first ten leaves them as they were, so the cached pairs answer.
    ("takes the lead", 0.83),
    ("lands mid-board", 0.60),
)


def latency(setup: dict, *, errors: str, timer: Timer) -> list[dict]:
    """Uploads of teams that had sent nothing: from the upload to the board and comparison being
    up to date, each step as the web process and the worker run it (there is no broker here)."""
    from arena.submissions.models import Score
    from arena.submissions.services import submission_create, submission_score

    task = setup["task"]
    figures = []
    for (what, accuracy), (user, team) in zip(LATE_UPLOADS, setup["late"], strict=True):
        method = f"Late method of {team.name}"
        data = predictions_file(
            ids=setup["ids"], truth=setup["truth"], classes=setup["classes"], accuracy=accuracy,
            errors=errors, rng=np.random.default_rng(11),
        )  # fmt: skip
        start = time.perf_counter()
        submission = submission_create(
            task=task, user=user, uploaded_file=upload(data), method_name=method,
            enforce_rules=False,
        )  # fmt: skip
        uploaded = time.perf_counter() - start
        start = time.perf_counter()
        status = submission_score(submission_id=submission.pk)
        scored = time.perf_counter() - start
        assert status == "scored", status
        value = Score.objects.get(submission=submission, split="public", metric="macro_f1").value
        followed = refresh(task=task, timer=timer)
        parts, calls = dict(timer.seconds), dict(timer.calls)
        again = refresh(task=task, timer=timer)  # a second follow-up job for the same score
        browsers = clients(setup)
        shown, current = True, True
        for name, who, url in pages(setup):
            response = browsers[who].get(url)
            current &= response.status_code == 200 and up_to_date(response)
            if name == "task board":
                rows = content_of(response)
                place = next((i for i, row in enumerate(rows) if team.name in row), None)
                shown &= place is not None and (what != "takes the lead" or place <= 1)
            if name == "comparison":
                shown &= method in response.content.decode()
        figures.append(
            {
                "what": what, "upload_s": uploaded, "score_s": scored, "refresh_s": followed,
                "again_s": again, "parts": parts, "calls": calls, "shown": shown,
                "current": current, "value": value, "team": team.name,
            }
        )  # fmt: skip
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--teams", type=int, default=100)
    parser.add_argument("--real", type=int, default=None, help="teams really scored (all)")
    parser.add_argument("--classes", type=int, default=50)
    parser.add_argument("--errors", choices=["neighbours", "uniform"], default="neighbours")
    parser.add_argument("--renders", type=int, default=5)
    args = parser.parse_args()
    real = args.teams if args.real is None else min(args.real, args.teams)
    small_rows, small_teams = max(args.rows // 100, 100), max(args.teams // 10, 3)
    timer = Timer()
    with tempfile.TemporaryDirectory() as home:
        setup_django(Path(home))
        from django.core.signals import request_started
        from django.db import reset_queries

        request_started.disconnect(reset_queries)  # keep the log for the count
        sizes = {}
        for label, rows, teams, scored in (
            ("small", small_rows, small_teams, small_teams),
            ("large", args.rows, args.teams, real),
        ):
            print(f"Building {label}: {rows:,} rows, {teams} teams ({scored} really scored)")
            setup = populate(
                slug=label, rows=rows, teams=teams, real=scored, classes=args.classes,
                errors=args.errors,
            )  # fmt: skip
            refresh_s = refresh(task=setup["task"], timer=timer)
            sizes[label] = {
                "rows": rows, "teams": teams, "real": scored, "setup": setup,
                "refresh_s": refresh_s, "parts": dict(timer.seconds), "calls": dict(timer.calls),
                "pages": render_figures(setup, renders=args.renders),
            }  # fmt: skip
        late = latency(sizes["large"]["setup"], errors=args.errors, timer=timer)
    return report(sizes, late)


def report(sizes: dict, late: dict) -> int:
    small, large = sizes["small"], sizes["large"]
    ok = True
    scorings = large["setup"]["scoring_seconds"]
    print(
        f"\nLarge task created in {large['setup']['task_seconds']:.1f} s; "
        f"{len(scorings)} uploads really scored (submission_create + submission_score), "
        f"median {statistics.median(scorings):.2f} s, max {max(scorings):.2f} s each"
        if scorings
        else "\nNo upload really scored"
    )
    print(
        "\nPages (bars: the same SQL queries for both sizes; no storage call, and the same "
        "answer with the storage folder moved away)"
    )
    print(
        f"| page | viewer | SQL queries, {small['teams']} teams / {small['rows']:,} rows "
        f"| SQL queries, {large['teams']} teams / {large['rows']:,} rows | median render, small "
        "| median render, large | rows shown, large | storage calls | storage moved away |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for a, b in zip(small["pages"], large["pages"], strict=True):
        same = a["queries"] == b["queries"]
        calls = len(a["storage_calls"]) + len(b["storage_calls"])
        moved_ok = all(f["moved_status"] == 200 and f["moved_same"] for f in (a, b))
        ok &= same and calls == 0 and moved_ok and a["current"] and b["current"]
        moved = "200, same rows" if moved_ok else f"{a['moved_status']} / {b['moved_status']}"
        print(
            f"| {b['page']} | {b['who']} | {a['queries']} | {b['queries']}"
            f"{'' if same else ' (FAIL)'} | {a['median_s'] * 1000:.0f} ms "
            f"| {b['median_s'] * 1000:.0f} ms | {b['rows']} | {calls} | {moved} |"
        )
        for call in (a["storage_calls"] + b["storage_calls"])[:5]:
            print(f"    storage call on {b['page']} ({b['who']}): {call}")
    print("\nThe worker's follow-up job after the scores (results_refresh), both splits")
    print("| size | whole job | paired bootstraps (calls) | answer-key reads | comparison | rest |")
    print("|---|---|---|---|---|---|")
    for label, size in sizes.items():
        print(refresh_row(f"{label}: {size['teams']} teams, {size['rows']:,} rows", size))
    print(
        f"\nScore to board ({large['rows']:,} rows, {large['teams']} teams): one more team "
        "uploads; the worker's steps run in-process, one after the other"
    )
    print("| step | " + " | ".join(f"{f['team']} {f['what']}" for f in late) + " |")
    print("|---|" + "---|" * len(late))
    steps = [
        ("public macro-F1 of the upload", lambda f: f"{f['value']:.4f}"),
        ("upload (submission_create: checks, file stored, queued)", seconds("upload_s")),
        ("scoring (submission_score)", seconds("score_s")),
        ("follow-up job (results_refresh), both splits", seconds("refresh_s")),
        ("- of which paired bootstraps, tie marks (calls)", part("paired bootstrap")),
        ("- of which answer-key reads, inside those (calls)", part("answer key read")),
        ("- of which the comparison", part("comparison")),
        ("- of which the rest (boards, fingerprint, storing)", rest),
        ("**upload to ranked board and comparison stored** (first pass)", ranked),
        ("**upload to tie marks stored** (second pass)", total),
        ("a second follow-up job for the same score", seconds("again_s", 3)),
        ("new score shown on the board and in the comparison", yes("shown")),
        ("every page current (no 'being updated')", yes("current")),
    ]
    for name, show in steps:
        print(f"| {name} | " + " | ".join(show(f) for f in late) + " |")
    for figure in late:
        ok &= figure["shown"] and figure["current"]
    print("\nAll bars met." if ok else "\nA bar was NOT met.")
    return 0 if ok else 1


def seconds(key: str, digits: int = 2):
    return lambda figure: f"{figure[key]:.{digits}f} s"


def part(name: str):
    return lambda f: f"{f['parts'].get(name, 0.0):.2f} s ({f['calls'].get(name, 0)})"


def rest(figure: dict) -> str:
    parts = figure["parts"]
    left = figure["refresh_s"] - parts.get("paired bootstrap", 0.0) - parts.get("comparison", 0.0)
    return f"{left:.2f} s"


def ranked(figure: dict) -> str:
    first_pass = figure["parts"].get("ranked", figure["refresh_s"])
    return f"**{figure['upload_s'] + figure['score_s'] + first_pass:.2f} s**"


def total(figure: dict) -> str:
    return f"**{figure['upload_s'] + figure['score_s'] + figure['refresh_s']:.2f} s**"


def yes(key: str):
    return lambda figure: "yes" if figure[key] else "NO"


def refresh_row(label: str, size: dict) -> str:
    parts, calls = size["parts"], size["calls"]
    whole = size.get("refresh_s", 0.0)
    bootstrap = parts.get("paired bootstrap", 0.0)
    answers = parts.get("answer key read", 0.0)
    compared = parts.get("comparison", 0.0)
    return (
        f"| {label} | {whole:.2f} s | {bootstrap:.2f} s ({calls.get('paired bootstrap', 0)}) "
        f"| {answers:.2f} s ({calls.get('answer key read', 0)}) | {compared:.2f} s "
        f"| {whole - bootstrap - compared:.2f} s |"
    )


if __name__ == "__main__":
    sys.exit(main())

"""Writes of results: everything boards and the compare pages show, computed by the worker.

The worker is the only writer. After each score (``results_refresh``, a job on the scoring queue
that ``submissions.services._follow_up`` sends by name) it recomputes, for the whole competition
and both splits, and stores as ``StoredResult`` rows with the fingerprint of the inputs it read:

- every task board: ranked rows, and which entries a paired bootstrap cannot tell from the
  leader's (it needs the answer key and two codes files from storage and 1,000 replicates per
  pair; each pair's answer is cached per task version, so only new pairs cost);
- every track board (mean score and mean rank per team);
- the comparison (matrix, ranks, Friedman tests, critical differences, win/tie/loss), twice:
  of uploads only ("comparison") and with the methods' runs by Arena filling the cells
  uploads left empty ("comparison:runs").

Pages read them (``stored.stored_result``) and ask for a refresh when the fingerprint no longer
matches (a final chosen, a team disqualified, a rule changed), once (``results_refresh_request``).
A refresh whose stored results already match the current inputs stops at once, so a burst of
scores costs one computation per change, not one per job.
"""

import time
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from arena.competitions.models import Competition, Task
from arena.core.jobs import REFRESH_RESULTS, job_send
from arena.results.boards import (
    LeaderboardRow,
    TrackRow,
    leaderboard_after_challenge,
    leaderboard_for_task,
    leaderboard_for_track,
)
from arena.results.comparison import comparison_variants
from arena.results.models import StoredResult
from arena.results.pairwise import (
    PairInputs,
    pairwise_difference,
    pairwise_possible,
    pairwise_stored,
)
from arena.results.stored import (
    COMPARISON,
    COMPARISON_RUNS,
    Stored,
    inputs_fingerprint,
    payload_of,
    stored_result,
    task_after_board_key,
    task_board_key,
    track_board_key,
)
from arena.submissions.models import Submission

# A refresh asked for and not started within this long (a lost job) may be asked for again.
PENDING_TIMEOUT_SECONDS = 60


@dataclass
class TaskBoard:
    """What a task board shows: ranked rows and the teams tied with the leader."""

    rows: list[LeaderboardRow]
    tied: set[int] = field(default_factory=set)


@dataclass
class TrackBoard:
    rows: list[TrackRow]


def results_refresh(*, task_id: int) -> None:
    """After a score of the task: every stored result of its competition."""
    task = Task.objects.filter(pk=task_id).only("competition_id").first()
    if task is not None:
        competition_results_refresh(competition_id=task.competition_id)


def _pending_key(competition_id: int) -> str:
    return f"results-refresh-pending:{competition_id}"


def results_refresh_request(*, competition: Competition) -> None:
    """Asks a worker for fresh results, once: a page that finds them out of date calls this on
    every view, and only the first of those views sends a job."""
    if cache.add(_pending_key(competition.pk), True, timeout=PENDING_TIMEOUT_SECONDS):
        job_send(name=REFRESH_RESULTS, args=[competition.pk])


def stored_or_refresh(*, competition: Competition, key: str, private: bool) -> Stored:
    """What a page shows: the stored result, and a worker asked for a new one (once) when it is
    missing or out of date. Reads and at most one job; never computes."""
    stored = stored_result(competition=competition, key=key, private=private)
    if not stored.current:
        results_refresh_request(competition=competition)
    return stored


def _expected_keys(competition: Competition) -> set[str]:
    tasks = {task_board_key(task) for task in competition.tasks.all()}
    if competition.late_submissions:
        tasks |= {task_after_board_key(task) for task in competition.tasks.all()}
    tracks = {track_board_key(track) for track in competition.tracks.all()}
    return tasks | tracks | {COMPARISON, COMPARISON_RUNS}


def _all_current(*, competition: Competition, fingerprint: str) -> bool:
    stored = StoredResult.objects.filter(competition=competition, fingerprint=fingerprint)
    found = {(key, split) for key, split in stored.values_list("key", "split")}
    expected = {(key, split) for key in _expected_keys(competition) for split in StoredResult.Split}
    return expected <= found


def _store(*, competition, key: str, split: str, fingerprint: str, value, started: float):
    fields = {
        "fingerprint": fingerprint,
        "payload": payload_of(value),
        "computed_at": timezone.now(),
        "seconds": time.monotonic() - started,
    }
    try:
        with transaction.atomic():
            StoredResult.objects.update_or_create(
                competition=competition, key=key, split=split, defaults=fields
            )
    except IntegrityError:
        # Two workers stored the first copy at once: the other one's row is there now. Either
        # copy is fine; a copy older than the inputs is caught by its fingerprint at the next view.
        StoredResult.objects.filter(competition=competition, key=key, split=split).update(**fields)


def competition_results_refresh(*, competition_id: int, force: bool = False) -> None:
    """Computes and stores every board and the comparison of the competition, both splits.

    The fingerprint is taken before the inputs are read, so a score landing meanwhile makes the
    stored results out of date (and the next view asks again), never wrong. Without ``force`` it
    does nothing when everything stored already matches the inputs (a burst of follow-up jobs).
    """
    competition = Competition.objects.filter(pk=competition_id).first()
    if competition is None:
        return
    cache.delete(_pending_key(competition_id))
    fingerprint = inputs_fingerprint(competition=competition)
    if not force and _all_current(competition=competition, fingerprint=fingerprint):
        return
    # First pass: ranked rows, track boards and the comparison, in well under a second for any
    # size, with the tie marks whose pairs were weighed before; a new leader shows at once.
    tasks = list(competition.tasks.select_related("competition"))
    weigh_later = []
    for split in StoredResult.Split:
        private = split == StoredResult.Split.PRIVATE
        for task in tasks:
            started = time.monotonic()
            rows = leaderboard_for_task(task=task, private=private)
            tied, complete = tied_with_leader(
                task=task, rows=rows, private=private, cached_only=True
            )
            _store(
                competition=competition, key=task_board_key(task), split=split,
                fingerprint=fingerprint, value=TaskBoard(rows=rows, tied=tied), started=started,
            )  # fmt: skip
            if not complete:
                weigh_later.append((task, split, rows))
            if competition.late_submissions:
                started = time.monotonic()
                after = leaderboard_after_challenge(task=task, private=private)
                _store(
                    competition=competition, key=task_after_board_key(task), split=split,
                    fingerprint=fingerprint, value=TaskBoard(rows=after), started=started,
                )  # fmt: skip
        for track in competition.tracks.all():
            started = time.monotonic()
            board = TrackBoard(rows=leaderboard_for_track(track=track, private=private))
            _store(
                competition=competition, key=track_board_key(track), split=split,
                fingerprint=fingerprint, value=board, started=started,
            )  # fmt: skip
        started = time.monotonic()
        variants = comparison_variants(competition=competition, private=private)
        for key, value in zip((COMPARISON, COMPARISON_RUNS), variants, strict=True):
            _store(
                competition=competition, key=key, split=split,
                fingerprint=fingerprint, value=value, started=started,
            )  # fmt: skip
    # Second pass: the bootstraps of pairs not weighed yet (each reads the answer key and two
    # codes files); the board gains its marks when they are done.
    for task, split, rows in weigh_later:
        started = time.monotonic()
        tied, _ = tied_with_leader(task=task, rows=rows, private=split == "private")
        _store(
            competition=competition, key=task_board_key(task), split=split,
            fingerprint=fingerprint, value=TaskBoard(rows=rows, tied=tied), started=started,
        )  # fmt: skip


def tied_with_leader(
    *,
    task: Task,
    rows: list[LeaderboardRow],
    private: bool,
    limit: int = 10,
    cached_only: bool = False,
) -> tuple[set[int], bool]:
    """Team ids among the first ``limit`` rows that a 95% paired bootstrap cannot tell apart
    from the leader, and whether every pair was weighed. Each pair's answer is cached per task
    version; with ``cached_only`` no new pair is weighed (no storage read, no bootstrap)."""
    leader = next((row for row in rows if row.rank == 1), None)
    if leader is None or leader.submission_id is None:
        return set(), True
    candidates = [row for row in rows[:limit] if row is not leader and row.submission_id]
    submissions = Submission.objects.in_bulk(
        [leader.submission_id, *(row.submission_id for row in candidates)]
    )
    inputs = PairInputs(task=task)
    tied, complete = set(), True
    for row in candidates:
        pair = {
            "task": task,
            "submission_a": submissions[leader.submission_id],
            "submission_b": submissions[row.submission_id],
        }
        if cached_only:
            if not pairwise_possible(**pair):
                continue
            result = pairwise_stored(**pair, private=private)
            if result is None:
                complete = False
                continue
        else:
            result = pairwise_difference(**pair, private=private, inputs=inputs)
        if result is not None and result.ci_low <= 0 <= result.ci_high:
            tied.add(row.team_id)
    return tied, complete


def pairwise_request(*, task: Task, submission_a, submission_b, private: bool) -> None:
    """Asks a worker for the paired bootstrap of two entries (the pairwise page shows progress
    meanwhile); once per pair while it is pending."""
    pending = f"pairwise-pending:{task.pk}:{task.version}:{submission_a.pk}:{submission_b.pk}"
    if cache.add(f"{pending}:{private}", True, timeout=PENDING_TIMEOUT_SECONDS):
        job_send(
            name="arena.results.tasks.compute_pairwise",
            args=[task.pk, submission_a.pk, submission_b.pk, private],
        )


def pairwise_compute(*, task_id: int, submission_a_id: int, submission_b_id: int, private: bool):
    """The worker's side of ``pairwise_request``: computes and caches the answer."""
    task = Task.objects.filter(pk=task_id).first()
    submissions = Submission.objects.in_bulk([submission_a_id, submission_b_id])
    if task is None or len(submissions) < 2:
        return
    pairwise_difference(
        task=task,
        submission_a=submissions[submission_a_id],
        submission_b=submissions[submission_b_id],
        private=private,
    )

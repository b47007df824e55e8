"""Reading what the worker stored (``StoredResult``): boards and the comparison, per split.

A read costs a handful of queries whatever the size of the competition: the stored row, and the
fingerprint of the competition's inputs to tell whether it is still current. Nothing is ranked,
tested or read from storage here.
"""

import hashlib
import pickle  # noqa: S403 - payloads are written by our own worker, see StoredResult
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Max, Q, Sum

from arena.competitions.models import Competition, Task, Track
from arena.results.models import StoredResult
from arena.submissions.models import Submission, SubmissionOrigin, SubmissionStatus
from arena.teams.models import Membership, Team

COMPARISON = "comparison"
# The comparison whose empty cells are filled by the methods' runs by Arena.
COMPARISON_RUNS = "comparison:runs"


def comparison_key(*, with_runs: bool) -> str:
    return COMPARISON_RUNS if with_runs else COMPARISON


def task_board_key(task: Task) -> str:
    return f"task:{task.pk}"


def task_after_board_key(task: Task) -> str:
    """The task's after-the-challenge board (competitions that take late uploads)."""
    return f"task:{task.pk}:after"


def track_board_key(track: Track) -> str:
    return f"track:{track.pk}"


def inputs_fingerprint(*, competition: Competition) -> str:
    """A digest of what every board and the comparison of ``competition`` are computed from, in
    five queries: the scores (runs' too), the final selections, the teams that stand
    (disqualifications, members joining and leaving), the tasks with their versions and tracks,
    the competition's rules, and the teams of other competitions whose methods Arena ran here
    (their names, homes, standing: few rows). Renaming a team or a method of the competition
    changes none of these counts: those services ask for a refresh themselves
    (``core.jobs.REFRESH_RESULTS``)."""
    # Scores are written when a submission finishes (and again, with a new finish time, when it
    # is re-scored), so the submissions tell of every change of scores without reading them.
    submissions = Submission.objects.filter(task__competition=competition).aggregate(
        scored=Count("pk", filter=Q(status=SubmissionStatus.SCORED)),
        last_finished=Max("finished_at"),
        finals=Count("pk", filter=Q(is_final=True)),
        final_ids=Sum("pk", filter=Q(is_final=True)),
    )
    teams = Team.objects.filter(competition=competition).aggregate(
        n=Count("pk"),
        out=Count("pk", filter=Q(disqualified_at__isnull=False)),
        last_out=Max("disqualified_at"),
    )
    members = Membership.objects.filter(team__competition=competition).aggregate(
        n=Count("pk"), last=Max("pk"), ids=Sum("pk")
    )
    tasks = Task.objects.filter(competition=competition).aggregate(
        n=Count("pk"), versions=Sum("version"), last=Max("pk"), tracks=Sum("track_id"),
        left_out=Sum("pk", filter=Q(in_prize_average=False)),
    )  # fmt: skip
    rules = (competition.final_selection_limit, competition.track_ranking)
    figures = [
        _plain(value) for part in (submissions, teams, members, tasks) for value in part.values()
    ]
    text = repr((figures, rules, _visiting_teams(competition=competition)))
    return hashlib.sha256(text.encode()).hexdigest()


def _visiting_teams(*, competition: Competition) -> list[tuple]:
    """Teams of other competitions with runs on this one's tasks, as the comparison with runs
    labels and filters them (their rename or disqualification is announced to their own
    competition only)."""
    runs = Submission.objects.filter(task__competition=competition, origin=SubmissionOrigin.RUN)
    visiting = (
        Team.objects.filter(pk__in=runs.values("team_id"))
        .exclude(competition=competition)
        .annotate(members=Count("memberships"))
        .order_by("pk")
        .values_list("pk", "name", "disqualified_at", "competition__title", "members")
    )
    return [tuple(_plain(value) for value in row) for row in visiting]


def _plain(value):
    """The same text for the same moment in every process, whatever time zone object the
    database connection handed back (a web process and a worker must agree)."""
    return value.timestamp() if isinstance(value, datetime) else value


def payload_of(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


@dataclass(frozen=True)
class Stored:
    """A stored result as a page reads it: ``value`` is None while none was computed yet;
    ``current`` is False when the competition's inputs changed since."""

    value: Any
    computed_at: datetime | None
    current: bool

    @property
    def missing(self) -> bool:
        return self.value is None


def stored_result(
    *, competition: Competition, key: str, private: bool, fingerprint: str | None = None
) -> Stored:
    """The worker's latest ``key`` of ``competition`` for one split, and whether it is current.
    Pass ``fingerprint`` when a page reads several results, to compute it once."""
    split = "private" if private else "public"
    stored = StoredResult.objects.filter(competition=competition, key=key, split=split).first()
    if stored is None:
        return Stored(None, None, current=False)
    try:
        value = pickle.loads(bytes(stored.payload))  # noqa: S301 - written by our worker
    except Exception:  # noqa: BLE001 - a payload of an older release: compute it again
        return Stored(None, None, current=False)
    if fingerprint is None:
        fingerprint = inputs_fingerprint(competition=competition)
    return Stored(value, stored.computed_at, current=stored.fingerprint == fingerprint)

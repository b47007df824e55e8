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

from django.db import connection

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
    """A digest of what every board and the comparison of ``competition`` are computed from: the
    scores (runs' too), the final selections, the teams that stand (disqualifications, members
    joining and leaving), the tasks with their versions and tracks, the competition's rules, and
    the teams of other competitions whose methods Arena ran here (their names, homes, standing:
    few rows). Renaming a team or a method of the competition changes none of these counts:
    those services ask for a refresh themselves (``core.jobs.REFRESH_RESULTS``).

    Every board and comparison view asks for it, so it is two statements of plain SQL: built
    with the ORM, the same five aggregates cost more to compile than to run."""
    with connection.cursor() as cursor:
        cursor.execute(
            _COUNTS_SQL, {"competition": competition.pk, "scored": SubmissionStatus.SCORED}
        )
        counts = cursor.fetchone()
        cursor.execute(_VISITING_SQL, {"competition": competition.pk, "run": SubmissionOrigin.RUN})
        visiting = cursor.fetchall()
    rules = (competition.final_selection_limit, competition.track_ranking)
    text = repr(
        ([_plain(value) for value in counts], rules, [tuple(map(_plain, row)) for row in visiting])
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# Scores are written when a submission finishes (and again, with a new finish time, when it is
# re-scored), so the submissions tell of every change of scores without reading them. Portable
# SQL (PostgreSQL, and SQLite for `make demo`); sums are cast so that both give integers.
_COUNTS_SQL = f"""
SELECT * FROM
  (SELECT COUNT(*) FILTER (WHERE s.status = %(scored)s),
          MAX(s.finished_at),
          COUNT(*) FILTER (WHERE s.is_final),
          CAST(SUM(s.id) FILTER (WHERE s.is_final) AS BIGINT)
     FROM {_table(Submission)} s JOIN {_table(Task)} t ON t.id = s.task_id
    WHERE t.competition_id = %(competition)s) AS submissions,
  (SELECT COUNT(*), COUNT(disqualified_at), MAX(disqualified_at)
     FROM {_table(Team)} WHERE competition_id = %(competition)s) AS teams,
  (SELECT COUNT(*), MAX(m.id), CAST(SUM(m.id) AS BIGINT)
     FROM {_table(Membership)} m JOIN {_table(Team)} tm ON tm.id = m.team_id
    WHERE tm.competition_id = %(competition)s) AS members,
  (SELECT COUNT(*), CAST(SUM(version) AS BIGINT), MAX(id), CAST(SUM(track_id) AS BIGINT),
          CAST(SUM(id) FILTER (WHERE NOT in_prize_average) AS BIGINT)
     FROM {_table(Task)} WHERE competition_id = %(competition)s) AS tasks
"""  # noqa: S608 - only our own tables' names are formatted in

# Teams of other competitions with runs on this one's tasks, as the comparison with runs labels
# and filters them (their rename or disqualification is announced to their own competition only).
_VISITING_SQL = f"""
SELECT v.id, v.name, v.disqualified_at, c.title,
       (SELECT COUNT(*) FROM {_table(Membership)} m WHERE m.team_id = v.id)
  FROM {_table(Team)} v JOIN {_table(Competition)} c ON c.id = v.competition_id
 WHERE v.competition_id <> %(competition)s
   AND v.id IN (SELECT s.team_id FROM {_table(Submission)} s JOIN {_table(Task)} t
                    ON t.id = s.task_id
                 WHERE t.competition_id = %(competition)s AND s.origin = %(run)s)
 ORDER BY v.id
"""  # noqa: S608 - only our own tables' names are formatted in


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

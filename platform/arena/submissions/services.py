"""Writes for submissions: accepting an upload and scoring it."""

import hashlib
import io
import logging
import time
import unicodedata
import uuid
from datetime import timedelta
from functools import partial
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from arena.competitions.models import Task
from arena.competitions.selectors import competition_phase, is_revealed, uploads_after_end
from arena.core import files, leases
from arena.core.errors import UserFacingError
from arena.core.jobs import REFRESH_RESULTS, job_send
from arena.core.memory import job_memory_limit
from arena.submissions import uploads
from arena.submissions.models import (
    Score,
    Submission,
    SubmissionOrigin,
    SubmissionStatus,
    on_boards,
)
from arena.submissions.notifications import MAIL_SUBMISSION_RESULT
from arena.submissions.selectors import quota_for
from arena.teams.models import Membership, Team
from arena.teams.selectors import team_for_user
from scoring import (
    InvalidPredictions,
    TableReadError,
    TaskSpec,
    read_arrow,
    required_columns,
    score_predictions,
)
from scoring.confidence import report_intervals
from scoring.readers import predictions_row_cap

logger = logging.getLogger(__name__)

# A submission whose scoring crashed this many times is marked failed instead of retried.
MAX_SCORING_ATTEMPTS = 3
FAILED_MESSAGE = (
    "Scoring failed on our side. It does not count against your quota; please upload the file "
    "again, and tell the organizers if it keeps failing."
)


def _refuse_disqualified(*, team: Team, user) -> None:
    """Disqualification follows the people too: someone who uploaded for a disqualified team
    cannot go on uploading from another team of the same competition."""
    if team.disqualified_at is not None:
        team.refresh_from_db(fields=["disqualification_reason"])
        raise UserFacingError(
            f"Your team was disqualified by the organizers: {team.disqualification_reason}"
        )
    earlier = Submission.objects.filter(
        submitted_by=user,
        task__competition_id=team.competition_id,
        team__disqualified_at__isnull=False,
    ).exists()
    if earlier:
        raise UserFacingError(
            "You uploaded for a team that the organizers disqualified, so you cannot upload "
            "in this competition; write to the organizers if you think this is a mistake."
        )


def submission_create(
    *,
    task: Task,
    user,
    uploaded_file: UploadedFile,
    comment: str = "",
    method_name: str = "",
    tags: str | list[str] = "",
    code_url: str = "",
    enforce_rules: bool = True,
    client_key: str | None = None,
    require_method_name: bool = False,
) -> Submission:
    """Stores an upload privately, creates it as queued and enqueues scoring once committed.

    Refuses, with nothing stored, when the competition is closed, the user has no team, or the
    file is too big, empty, not CSV/Parquet, or lacks the id and label columns; and, with
    ``require_method_name`` (the page and the API), when the method is not named.

    When the team already uploaded the same bytes to the task, the upload is accepted and the
    returned submission's ``warning`` says so (it is "" otherwise).

    ``client_key`` (the API's ``Idempotency-Key``) makes a retry safe: when the team already has
    a submission with that key, it is returned unchanged, with ``replayed`` set, and nothing is
    stored or counted again.
    """
    client_key = _clean_client_key(client_key)
    # Only the platform's own baseline runs skip the schedule and the quota (enforce_rules=False).
    after_end = _check_phase(task=task) if enforce_rules else False
    team = team_for_user(competition=task.competition, user=user)
    if team is None:
        raise UserFacingError(NO_TEAM)
    earlier = _replayed(task=task, team=team, client_key=client_key)
    if earlier is not None:
        return earlier
    if enforce_rules:
        _check_upload_rate(
            team=team, user=user
        )  # before storing anything; checked again under the lock
    _refuse_disqualified(team=team, user=user)
    file_format = _check_predictions_file(task=task, uploaded_file=uploaded_file)
    method = method_metadata_clean(method_name=method_name, tags=tags, code_url=code_url)
    if require_method_name and not method["method_name"]:
        raise UserFacingError(METHOD_NAME_REQUIRED, field="method_name")
    content_hash = _content_hash(uploaded_file)

    key = f"submissions/task-{task.pk}/{uuid.uuid4().hex}.{file_format}"
    try:
        # Inside the try: a write cut short (a full disk) leaves part of a file under the key.
        files.save_file(key=key, file=uploaded_file)
        with transaction.atomic():
            # Concurrent uploads of one team queue up here, so the quota is checked and used
            # as one step: twenty uploads for the last slot give exactly one submission.
            locked = Team.objects.select_for_update().only("pk", "disqualified_at").get(pk=team.pk)
            if locked.disqualified_at is not None:  # disqualified while this file came in
                _refuse_disqualified(team=locked, user=user)
            if enforce_rules:
                _check_upload_rate(team=team, user=user)
                _check_quota(task=task, team=team, user=user)
            same_bytes = (
                Submission.objects.filter(
                    on_boards(), task=task, team=team, content_hash=content_hash
                )
                .order_by("-created_at")
                .values_list("pk", flat=True)
                .first()
            )
            submission = Submission.objects.create(
                task=task,
                team=team,
                submitted_by=user,
                file_key=key,
                original_name=uploads.display_name(name=uploaded_file.name),
                size_bytes=uploaded_file.size,
                content_hash=content_hash,
                comment=" ".join((comment or "").split())[:300],
                client_key=client_key or "",
                enqueued_at=timezone.now(),  # on commit, just below
                after_end=after_end,
                **method,
            )
            transaction.on_commit(lambda: submission_enqueue(submission_id=submission.pk))
    except IntegrityError:
        # The same key raced in twice: the other request created it first.
        files.delete_quietly(key)
        earlier = _replayed(task=task, team=team, client_key=client_key)
        if earlier is None:
            raise
        return earlier
    except BaseException:
        files.delete_quietly(key)
        raise
    submission.replayed = False
    submission.warning = "" if same_bytes is None else _same_bytes_warning(same_bytes)
    return submission


NO_TEAM = "Create or join a team before you submit."


def _check_phase(*, task: Task) -> bool:
    """Refuses uploads outside the schedule; returns whether this one comes after the end (a
    competition that takes late uploads, for its after-the-challenge boards)."""
    phase = competition_phase(competition=task.competition)
    if phase.accepts_submissions:
        return False
    if phase.code == "upcoming":
        raise UserFacingError("The competition has not started yet.")
    if uploads_after_end(competition=task.competition):
        return True
    raise UserFacingError("The competition has ended; uploads are closed.")


def submission_refusal(*, task: Task, user) -> str:
    """What ``submission_create`` would answer an upload by ``user`` now, before any file is
    sent: the schedule's, the team's or the quota's refusal, in the same words, or "" when it
    would be accepted (the file's own checks aside). Clients ask first to spare an upload."""
    try:
        _check_phase(task=task)
        team = team_for_user(competition=task.competition, user=user)
        if team is None:
            raise UserFacingError(NO_TEAM)
        _refuse_disqualified(team=team, user=user)
        _check_quota(task=task, team=team, user=user)
    except UserFacingError as refusal:
        return refusal.message
    return ""


METHOD_NAME_REQUIRED = (
    "Name the method that made this file (e.g. LightGBM + TF-IDF): reviewers compare methods "
    "by name across tasks, so reuse the name for the same method."
)


def _content_hash(uploaded_file: UploadedFile) -> str:
    """SHA-256 of the upload's bytes, read in chunks (the file is rewound for storing)."""
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    return digest.hexdigest()


def _same_bytes_warning(earlier_pk: int) -> str:
    return (
        f"This file is byte for byte the one your team uploaded as submission #{earlier_pk} to "
        "this task. It was accepted and counts against the quota like any upload."
    )


def _check_predictions_file(*, task: Task, uploaded_file: UploadedFile) -> str:
    """The checks every predictions file gets before it is stored (size, format, row count
    from a Parquet footer, columns); returns its format. Raises UserFacingError with what to do."""
    if uploaded_file.size == 0:
        raise UserFacingError("The file is empty.", field="file")
    if uploaded_file.size > settings.SUBMISSION_MAX_BYTES:
        limit_mb = settings.SUBMISSION_MAX_BYTES // (1024 * 1024)
        raise UserFacingError(f"The file is larger than the {limit_mb} MB limit.", field="file")
    uploaded_file.seek(0)
    file_format = uploads.detect_format(head=uploaded_file.read(8))
    columns = uploads.read_column_names(file=uploaded_file, file_format=file_format)
    if file_format == "parquet" and task.test_rows:
        # A footer declaring millions of rows costs nothing to read here and would cost a
        # worker gigabytes to decode: refuse it now, before anything is stored.
        rows = uploads.parquet_row_count(file=uploaded_file)
        cap = predictions_row_cap(expected_rows=task.test_rows)
        if rows > cap:
            raise UserFacingError(
                f"The file holds {rows:,} rows; this task has {task.test_rows:,} test rows, so "
                f"a predictions file has at most {cap:,}. Send one row per test id.",
                field="file",
            )
    needed = required_columns(spec=task_spec(task=task))
    missing = [name for name in needed if name not in columns]
    if missing:
        found = ", ".join(repr(name) for name in columns[:10]) or "none"
        shown = ", ".join(repr(name) for name in missing[:10])
        raise UserFacingError(
            f"Missing column(s) {shown}: the file needs {', '.join(repr(n) for n in needed[:12])}"
            f"{' …' if len(needed) > 12 else ''} (found {found}). "
            "See sample_submission for the expected layout.",
            field="file",
        )
    return file_format


def submission_create_for_run(
    *,
    task: Task,
    team: Team,
    requested_by,
    predictions: Path,
    method_name: str,
    comment: str,
    origin: str = SubmissionOrigin.RUN,
) -> Submission:
    """Queues for scoring the predictions a method wrote in Arena's sandbox (a run, docs/
    METHODS.md): the same checks and scoring as an upload, but no schedule, quota or team
    membership (a reviewer may ask for a run on any task). A team's run (``origin`` run) is
    never on a board; a built-in baseline's (``origin`` baseline) is, never ranked."""
    if origin not in (SubmissionOrigin.RUN, SubmissionOrigin.BASELINE):
        raise ValueError(f"a run's origin is run or baseline, not {origin!r}")
    with predictions.open("rb") as handle:
        uploaded = File(handle, name=predictions.name)
        uploaded.size = predictions.stat().st_size
        file_format = _check_predictions_file(task=task, uploaded_file=uploaded)
        key = f"submissions/task-{task.pk}/{uuid.uuid4().hex}.{file_format}"
        try:
            files.save_file(key=key, file=uploaded)
            with transaction.atomic():
                submission = Submission.objects.create(
                    task=task,
                    team=team,
                    submitted_by=requested_by,
                    origin=origin,
                    file_key=key,
                    original_name=predictions.name,
                    size_bytes=uploaded.size,
                    comment=" ".join(comment.split())[:300],
                    method_name=method_name[:80],
                    enqueued_at=timezone.now(),
                )
                transaction.on_commit(lambda: submission_enqueue(submission_id=submission.pk))
        except BaseException:
            files.delete_quietly(key)
            raise
    return submission


CLIENT_KEY_CHARACTERS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
)


def _clean_client_key(client_key: str | None) -> str | None:
    if client_key in (None, ""):
        return None
    if len(client_key) > 64 or not set(client_key) <= CLIENT_KEY_CHARACTERS:
        raise UserFacingError(
            "An Idempotency-Key is 1 to 64 letters, digits, - or _ (a UUID will do).",
            field="client_key",
        )
    return client_key


def _replayed(*, task: Task, team: Team, client_key: str | None) -> Submission | None:
    """The team's submission sent earlier under ``client_key``, if any."""
    if client_key is None:
        return None
    earlier = Submission.objects.filter(team=team, client_key=client_key).first()
    if earlier is None:
        return None
    earlier.warning = ""
    if earlier.task_id != task.pk:
        raise UserFacingError(
            "This Idempotency-Key was already used for another task; send a new one.",
            field="client_key",
        )
    earlier.replayed = True
    return earlier


METHOD_NAME_MAX = 80
TAGS_MAX = 8
TAG_MAX = 30


def method_metadata_clean(
    *, method_name: str = "", tags: str | list[str] = "", code_url: str = ""
) -> dict:
    """Normalizes method metadata; refuses invisible characters and links that are not http(s)."""
    name = " ".join(unicodedata.normalize("NFC", method_name or "").split())
    if len(name) > METHOD_NAME_MAX:
        raise UserFacingError(
            f"A method name has at most {METHOD_NAME_MAX} characters.", field="method_name"
        )
    if any(unicodedata.category(char) in ("Cc", "Cf", "Co", "Cs") for char in name):
        raise UserFacingError("A method name cannot contain invisible characters.")
    raw_tags = tags.split(",") if isinstance(tags, str) else list(tags)
    cleaned_tags: list[str] = []
    for tag in raw_tags:
        tag = "-".join(tag.strip().lower().split())
        if not tag or tag in cleaned_tags:
            continue
        if len(tag) > TAG_MAX or not all(char.isalnum() or char in "-_.+" for char in tag):
            raise UserFacingError(
                f"Tags are short words (letters, digits, - _ . +), at most {TAG_MAX} characters: "
                f"{tag[:40]!r} is not.",
                field="tags",
            )
        cleaned_tags.append(tag)
    if len(cleaned_tags) > TAGS_MAX:
        raise UserFacingError(f"At most {TAGS_MAX} tags.", field="tags")
    url = (code_url or "").strip()
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise UserFacingError(
                "The link must be an http(s) address, e.g. https://github.com/...",
                field="code_url",
            ) from None
    return {"method_name": name, "tags": cleaned_tags, "code_url": url[:300]}


def submission_update_method(
    *, submission: Submission, user, method_name: str, description: str, tags, code_url: str
) -> Submission:
    """Edits a submission's method metadata: team members only, until private scores show."""
    if not Membership.objects.filter(team_id=submission.team_id, user=user).exists():
        raise UserFacingError("Only members of the team can describe its submissions.")
    if is_revealed(competition=submission.task.competition):
        raise UserFacingError("Methods can no longer be edited: the results are revealed.")
    fields = method_metadata_clean(method_name=method_name, tags=tags, code_url=code_url)
    fields["comment"] = " ".join((description or "").split())[:300]
    Submission.objects.filter(pk=submission.pk).update(**fields)
    for name, value in fields.items():
        setattr(submission, name, value)
    # Stored boards and the comparison show method names; their fingerprint counts rows.
    job_send(name=REFRESH_RESULTS, args=[submission.task.competition_id])
    return submission


def _check_upload_rate(*, team: Team, user) -> None:
    """At most ``UPLOAD_RATE_LIMIT_COUNT`` uploads in a sliding window, whatever their outcome,
    on all tasks of the competition: per team, and per person across the teams they sent
    from (so a new team is no way around it)."""
    window = timedelta(seconds=settings.UPLOAD_RATE_LIMIT_SECONDS)
    recent = list(
        Submission.objects.filter(
            Q(team=team) | Q(submitted_by=user, task__competition_id=team.competition_id),
            on_boards(),
            created_at__gte=timezone.now() - window,
        )
        .order_by("-created_at")
        .values_list("created_at", flat=True)[: settings.UPLOAD_RATE_LIMIT_COUNT]
    )
    if len(recent) < settings.UPLOAD_RATE_LIMIT_COUNT:
        return
    free_at = recent[-1] + window
    raise UserFacingError(
        f"Your team sent {settings.UPLOAD_RATE_LIMIT_COUNT} files in the last "
        f"{settings.UPLOAD_RATE_LIMIT_SECONDS // 60} minutes, the most allowed (uploads you "
        f"sent from another team count too); the next upload is possible at {free_at:%H:%M:%S} "
        "UTC. Check files locally first with `python -m scoring validate` or `arena validate`."
    )


def _check_quota(*, task: Task, team: Team, user) -> None:
    quota = quota_for(task=task, team=team, user=user)
    who = "You have" if quota.personal else "Your team has"
    earlier = " (counting what you sent from an earlier team)" if quota.personal else ""
    if quota.total_left == 0:
        raise UserFacingError(
            f"{who} used all {quota.total_limit} submissions for this task{earlier}."
        )
    if quota.daily_left == 0:
        raise UserFacingError(
            f"{who} used today's {quota.daily_limit} submissions for this task{earlier}; the "
            f"quota resets at {quota.resets_at:%H:%M} UTC. Invalid files do not count."
        )


def submission_set_final(*, submission: Submission, user, is_final: bool) -> Submission:
    """Marks or unmarks a scored submission as one of its team's finals for the task.

    Only members of the team, only before the competition ends, and at most the competition's
    ``final_selection_limit`` per team and task (checked under a lock on the team).
    """
    task = submission.task
    competition = task.competition
    if not Membership.objects.filter(team_id=submission.team_id, user=user).exists():
        raise UserFacingError("Only members of the team can choose its final submissions.")
    if competition_phase(competition=competition).code != "running":
        raise UserFacingError("Final submissions can only be chosen while the competition runs.")
    if is_final and submission.status != SubmissionStatus.SCORED:
        raise UserFacingError("Only scored submissions can be chosen as final.")
    if submission.origin != SubmissionOrigin.UPLOAD:
        raise UserFacingError("Runs of a method never count for the leaderboards.")
    with transaction.atomic():
        Team.objects.select_for_update().only("pk").get(pk=submission.team_id)
        if is_final:
            chosen = (
                Submission.objects.filter(task=task, team_id=submission.team_id, is_final=True)
                .exclude(pk=submission.pk)
                .count()
            )
            if chosen >= competition.final_selection_limit:
                raise UserFacingError(
                    f"Your team already chose {competition.final_selection_limit} final "
                    "submissions for this task; unmark one first."
                )
        Submission.objects.filter(pk=submission.pk).update(is_final=is_final)
    submission.is_final = is_final
    # The private boards follow the finals: refreshed now rather than at their next view.
    job_send(name=REFRESH_RESULTS, args=[competition.pk])
    return submission


def submission_enqueue(*, submission_id: int) -> None:
    """Sends the scoring message. A lost message is recovered by re-enqueuing queued work: the
    upload is safe in the database as queued, so the broker being down must not lose it."""
    job_send(name="arena.submissions.tasks.score_submission", args=[submission_id])


def task_spec(*, task: Task) -> TaskSpec:
    return TaskSpec(
        kind=task.kind,
        metric=task.metric,
        id_column=task.id_column,
        label_column=task.label_column,
        classes=tuple(str(name) for name in task.classes),
    )


def load_answers(*, task: Task) -> pa.Table:
    with files.local_copy(key=task.answers_path) as path:
        # Labels and usage read dictionary-encoded: coding them touches a few distinct values.
        return pq.read_table(path, read_dictionary=[task.label_column, "usage"])


def submission_score(*, submission_id: int) -> str | None:
    """Claims a submission, validates and scores it, and records the outcome.

    A submission can be claimed when it is queued, or when it is in ``scoring`` under a lease
    whose worker stopped renewing it (core/leases.py): a redelivered message after a worker died
    takes the job back. Returns the final status, or None when the submission is not ours (done
    already, or another live worker holds it). Invalid files end as ``invalid`` with a message
    for the participant; any other error puts the submission back in the queue and propagates,
    so the caller can retry and finally mark it ``failed``.
    """
    token = leases.new_token()
    now = timezone.now()
    claimable = Q(status=SubmissionStatus.QUEUED) | (
        Q(status=SubmissionStatus.SCORING, attempts__lt=MAX_SCORING_ATTEMPTS)
        & leases.dead_claim(now=now)
    )
    claimed = Submission.objects.filter(claimable, pk=submission_id).update(
        status=SubmissionStatus.SCORING,
        claim_token=token,
        heartbeat_at=now,
        scoring_started_at=now,
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return None
    try:
        with leases.Heartbeat(model=Submission, pk=submission_id, token=token):
            return _score_claimed(submission_id=submission_id, token=token)
    except Exception:
        submission_release(submission_id=submission_id, token=token)
        raise


def _score_claimed(*, submission_id: int, token: str) -> str | None:
    if settings.SCORING_FAULT_DELAY_SECONDS:
        # Fault tests only: hold the claim long enough to kill the worker in the middle of it.
        time.sleep(settings.SCORING_FAULT_DELAY_SECONDS)
    submission = Submission.objects.select_related("task").get(pk=submission_id)
    task = submission.task  # fresh: a re-import may have changed its version and files
    try:
        with job_memory_limit(megabytes=settings.SCORING_JOB_MEMORY_MB):
            answers = load_answers(task=task)
            with files.local_copy(key=submission.file_key) as path:
                predictions = read_arrow(
                    path=path,
                    max_bytes=settings.SUBMISSION_MAX_BYTES,
                    max_rows=predictions_row_cap(expected_rows=answers.num_rows),
                )
            report = score_predictions(
                spec=task_spec(task=task), predictions=predictions, answers=answers
            )
    except (TableReadError, InvalidPredictions) as error:
        messages = getattr(error, "errors", None) or [str(error)]
        _finish(
            submission_id=submission_id,
            token=token,
            status=SubmissionStatus.INVALID,
            messages=messages,
        )
        _mail_result(submission=submission)
        return SubmissionStatus.INVALID
    except MemoryError:
        # Caps on rows and decoded size come first; this is the last line behind them.
        _finish(
            submission_id=submission_id,
            token=token,
            status=SubmissionStatus.INVALID,
            messages=[
                f"Scoring this file needs more than the {settings.SCORING_JOB_MEMORY_MB} MB a "
                "scoring job may use. Send one row per test id with only the required columns."
            ],
        )
        _mail_result(submission=submission)
        return SubmissionStatus.INVALID

    recorded = _record_scores(submission=submission, task=task, report=report, token=token)
    if not recorded:
        return None
    _follow_up(task_id=task.pk)
    _mail_result(submission=submission)
    return SubmissionStatus.SCORED


# Jobs that recompute what boards show after a score, sent by name: submissions sit below the
# boards in the layer order and must not import them.
FOLLOW_UP_TASKS = ("arena.results.tasks.refresh_results",)


def _follow_up(*, task_id: int) -> None:
    """Asks workers to refresh what boards show for the task; a broker outage only delays it."""
    for name in FOLLOW_UP_TASKS:
        job_send(name=name, args=[task_id])


def _mail_result(*, submission: Submission) -> None:
    """Asks for the uploader's e-mail about the outcome (submissions/notifications.py); a job of
    its own, so mail never delays or fails scoring. Only uploads by a person get one."""
    if submission.origin == SubmissionOrigin.UPLOAD and submission.submitted_by_id:
        job_send(name=MAIL_SUBMISSION_RESULT, args=[submission.pk])


def _record_scores(*, submission: Submission, task: Task, report, token: str) -> bool:
    """Writes scores, their intervals, the explanation and the class codes as one step.

    Everything is computed first; the codes file (stored under a key of this attempt) is
    written before the transaction and removed if the transaction does not happen, so a crash
    anywhere leaves either a scored submission with all of its results or none of them. The
    codes file of an earlier version is deleted once the new one is committed. False when the
    submission is no longer this attempt's to finish (its lease went to another worker).
    """
    intervals = report_intervals(report=report, kind=task.kind)
    scores = [
        Score(
            submission_id=submission.pk,
            task_version=task.version,
            split=split,
            metric=metric,
            value=float(value),
            ci_low=intervals.get(split, {}).get(metric, (None, None))[0],
            ci_high=intervals.get(split, {}).get(metric, (None, None))[1],
        )
        for split, values in (("public", report.public), ("private", report.private))
        for metric, value in values.items()
    ]
    buffer = io.BytesIO()
    np.save(buffer, report.aligned_labels.astype(np.int32), allow_pickle=False)
    codes_key = f"{submission.file_key}.v{task.version}.{token[:8]}.codes.npy"
    files.save_bytes(key=codes_key, data=buffer.getvalue())
    superseded = Submission.objects.filter(pk=submission.pk).values_list("codes_key", flat=True)
    previous = superseded.first() or ""
    try:
        with transaction.atomic():
            finished = _finish(
                submission_id=submission.pk,
                token=token,
                status=SubmissionStatus.SCORED,
                messages=[],
            )
            if finished:
                Score.objects.bulk_create(scores)
                Submission.objects.filter(pk=submission.pk).update(
                    public_details=report.public_details, codes_key=codes_key
                )
    except BaseException:
        files.delete_quietly(codes_key)
        raise
    if not finished:  # another worker holds it now: this attempt's file is nobody's
        files.delete_quietly(codes_key)
    elif previous and previous != codes_key:
        files.delete_quietly(previous)
    return finished


def _finish(*, submission_id: int, token: str, status: str, messages: list[str]) -> bool:
    """Moves a submission out of ``scoring``; False if it is no longer ours to finish."""
    return bool(
        Submission.objects.filter(
            pk=submission_id, status=SubmissionStatus.SCORING, claim_token=token
        ).update(status=status, error_message="\n".join(messages), finished_at=timezone.now())
    )


def submission_release(*, submission_id: int, token: str) -> None:
    """Puts a submission whose scoring hit a platform fault back in the queue for a retry."""
    Submission.objects.filter(
        pk=submission_id, status=SubmissionStatus.SCORING, claim_token=token
    ).update(status=SubmissionStatus.QUEUED, claim_token="", heartbeat_at=None)


def submission_mark_failed(*, submission_id: int) -> None:
    """Gives up on a submission after repeated platform faults; it does not count for quota."""
    Submission.objects.filter(pk=submission_id, status=SubmissionStatus.QUEUED).update(
        status=SubmissionStatus.FAILED, error_message=FAILED_MESSAGE, finished_at=timezone.now()
    )


def submissions_requeue_stale(*, queued_longer_than: timedelta) -> list[int]:
    """The watchdog: takes back what dead workers and lost messages left behind.

    A submission in ``scoring`` whose lease lapsed (no heartbeat for ``JOB_STALE_SECONDS``: its
    worker was killed) goes back to ``queued``, or to ``failed`` once it has used its attempts.
    Queued submissions whose message was sent more than ``queued_longer_than`` ago are sent
    again. The claim in ``submission_score`` makes a duplicate message harmless. Returns the ids
    enqueued.
    """
    now = timezone.now()
    dead = Submission.objects.filter(leases.dead_claim(now=now), status=SubmissionStatus.SCORING)
    dead.filter(attempts__gte=MAX_SCORING_ATTEMPTS).update(
        status=SubmissionStatus.FAILED, error_message=FAILED_MESSAGE, finished_at=now
    )
    released = list(dead.values_list("pk", flat=True))  # the rest, still in "scoring"
    dead.filter(pk__in=released).update(
        status=SubmissionStatus.QUEUED, claim_token="", heartbeat_at=None
    )
    forgotten = Submission.objects.filter(status=SubmissionStatus.QUEUED).filter(
        Q(enqueued_at__lt=now - queued_longer_than)
        | Q(enqueued_at__isnull=True, created_at__lt=now - queued_longer_than)
    )
    waiting = set(released) | set(forgotten.values_list("pk", flat=True))
    Submission.objects.filter(pk__in=waiting).update(enqueued_at=now)
    for submission_id in sorted(waiting):
        submission_enqueue(submission_id=submission_id)
    return sorted(waiting)


def submissions_rescore_for_task(*, task: Task) -> int:
    """Queues every finished submission of a task to be scored again, in place (same rows).

    Used when the task's data or metric changes (its version goes up first). Old scores stay,
    tagged with the version they were computed against; leaderboards rank only the current one.
    """
    finished = [SubmissionStatus.SCORED, SubmissionStatus.INVALID, SubmissionStatus.FAILED]
    ids = list(
        Submission.objects.filter(task=task, status__in=finished).values_list("pk", flat=True)
    )
    Submission.objects.filter(pk__in=ids).update(
        status=SubmissionStatus.QUEUED,
        error_message="",
        attempts=0,
        claim_token="",
        heartbeat_at=None,
        enqueued_at=timezone.now(),
        scoring_started_at=None,
        finished_at=None,
    )
    for submission_id in ids:
        transaction.on_commit(partial(submission_enqueue, submission_id=submission_id))
    return len(ids)

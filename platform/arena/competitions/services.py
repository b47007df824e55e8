"""Writes for competitions, tracks and tasks."""

import secrets
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pandas as pd
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.text import slugify

from arena.competitions.datasheet import build_datasheet
from arena.competitions.models import (
    AuditEvent,
    Competition,
    RulesAcceptance,
    Task,
    TaskKind,
    TaskVersion,
    Track,
)
from arena.competitions.selectors import rules_fingerprint
from arena.core import files
from arena.core.errors import UserFacingError
from scoring import METRICS, assign_usage

PUBLIC_TABLES = {
    TaskKind.CLASSIFICATION: ("train", "test", "sample_submission"),
    TaskKind.MATCHING: ("left", "right", "train_pairs", "test_pairs", "sample_submission"),
}
TEST_TABLE = {TaskKind.CLASSIFICATION: "test", TaskKind.MATCHING: "test_pairs"}

# Re-scores a task's submissions inside the transaction that makes its new version, returning how
# many were queued. Passed in by the caller (arena.workflows.task_data), because scoring belongs
# to the submissions app, which sits above this one.
Rescore = Callable[[Task], int]


def competition_create(
    *,
    slug: str,
    title: str,
    start_at: datetime,
    end_at: datetime,
    summary: str = "",
    description: str = "",
    rules: str = "",
    reveal_at: datetime | None = None,
    max_team_size: int = 5,
) -> Competition:
    """Creates a competition; the end must come after the start, the reveal not before the end."""
    if end_at <= start_at:
        raise UserFacingError("The competition must end after it starts.", field="end_at")
    if reveal_at is not None and reveal_at < end_at:
        raise UserFacingError(
            "Private scores can be revealed at the end or later, never while uploads are open.",
            field="reveal_at",
        )
    return Competition.objects.create(
        slug=slug,
        title=title,
        summary=summary,
        description=description,
        rules=rules,
        start_at=start_at,
        end_at=end_at,
        reveal_at=reveal_at,
        max_team_size=max_team_size,
    )


def rules_accept(*, competition: Competition, user, rules_hash: str) -> RulesAcceptance:
    """Records that ``user`` accepts the competition's rules, as they read them.

    ``rules_hash`` is the ``rules_fingerprint`` of the rules shown to them: if the rules changed
    since (an organizer edited them while they read), nothing is recorded and they are asked to
    read them again. Accepting the same rules twice keeps the first time.
    """
    if not user.is_authenticated:
        raise UserFacingError("Sign in to accept the rules.")
    if rules_hash != rules_fingerprint(competition=competition):
        raise UserFacingError(
            "The rules changed while you were reading them; read them again and accept them."
        )
    try:
        with transaction.atomic():
            acceptance, _ = RulesAcceptance.objects.get_or_create(
                competition=competition, user=user, rules_hash=rules_hash
            )
    except IntegrityError:
        # The same acceptance sent twice at once (a double click): the other one recorded it.
        acceptance = RulesAcceptance.objects.get(
            competition=competition, user=user, rules_hash=rules_hash
        )
    return acceptance


def track_get_or_create(*, competition: Competition, name: str, kind: str) -> Track:
    """Returns the competition's track called ``name``, creating it for ``kind`` if missing."""
    track, _ = Track.objects.get_or_create(
        competition=competition,
        slug=slugify(name),
        defaults={"name": name, "kind": kind, "position": competition.tracks.count()},
    )
    if track.kind != kind:
        raise UserFacingError(f"Track {track.name!r} holds {track.kind} tasks, not {kind} tasks.")
    return track


def infer_column_types(*, frame: pd.DataFrame, exclude: set[str]) -> dict[str, str]:
    """Numeric columns are numeric, everything else text (for tasks made from data frames)."""
    return {
        str(name): "numeric" if pd.api.types.is_numeric_dtype(frame[name]) else "text"
        for name in frame.columns
        if name not in exclude
    }


def task_create(
    *,
    competition: Competition,
    track: Track,
    slug: str,
    title: str,
    kind: str,
    metric: str,
    tables: dict[str, pd.DataFrame],
    answers: pd.DataFrame,
    columns: dict[str, str] | None = None,
    description: str = "",
    id_column: str = "id",
    label_column: str = "label",
    public_fraction: float = 0.3,
    split_seed: int | None = None,
    source: str = "",
    licence: str = "",
    images: dict[str, Path] | None = None,
) -> Task:
    """Stores a task's tables in CSV and Parquet, its answer key privately, and creates the Task.

    ``tables`` holds the public tables named in PUBLIC_TABLES (sample_submission is derived);
    ``answers`` has the id and label columns and optionally ``usage`` (public/private), which is
    otherwise assigned by a split seeded with ``split_seed`` (a secret random one when omitted).
    ``images`` maps relative paths ("images/a.png") to files, offered as one zip. Either
    everything is written or nothing is.
    """
    kind = TaskKind(kind)
    if metric not in METRICS[kind]:
        raise UserFacingError(f"Metric {metric!r} does not apply to {kind} tasks.")
    if track.kind != kind:
        raise UserFacingError(f"Track {track.name!r} holds {track.kind} tasks, not {kind} tasks.")
    if Task.objects.filter(competition=competition, slug=slug).exists():
        raise UserFacingError(f"This competition already has a task {slug!r}.", field="slug")
    if columns is None:
        records = tables["train" if kind == TaskKind.CLASSIFICATION else "left"]
        columns = infer_column_types(frame=records, exclude={id_column, label_column})
    task = Task(
        competition=competition,
        track=track,
        slug=slug,
        title=title,
        kind=kind,
        metric=metric,
        description=description,
        id_column=id_column,
        label_column=label_column,
        columns=columns,
        public_fraction=public_fraction,
        split_seed=split_seed,  # None: _write_task_data draws a secret one if it splits
        public_tables=list(PUBLIC_TABLES[kind]),
        source=source,
        licence=licence,
    )
    written = _write_task_data(task=task, tables=tables, answers=answers, images=images)
    try:
        with transaction.atomic():
            task.full_clean(exclude=["competition", "track"])
            task.save()
            TaskVersion.objects.create(task=task, number=1, metric=metric, note="created")
    except BaseException:
        files.delete_quietly(*written)
        raise
    return task


def task_replace_data(
    *,
    task: Task,
    rescore: Rescore,
    title: str,
    metric: str,
    tables: dict[str, pd.DataFrame],
    answers: pd.DataFrame,
    columns: dict[str, str],
    description: str = "",
    public_fraction: float = 0.3,
    split_seed: int | None = None,
    source: str = "",
    licence: str = "",
    images: dict[str, Path] | None = None,
) -> Task:
    """Replaces a task's data with a new version and re-scores its submissions in place.

    The new files go under a fresh storage key, the Task switches to them in one transaction,
    and the old files are removed only after that commits, so a failure leaves the old version.
    Without ``split_seed`` the task keeps its seed, so the same test ids stay public.
    """
    if metric not in METRICS[task.kind]:
        raise UserFacingError(f"Metric {metric!r} does not apply to {task.kind} tasks.")
    old_prefix = task.storage_prefix
    task.storage_key = uuid.uuid4()
    task.columns = columns
    task.public_fraction = public_fraction
    if split_seed is not None:
        task.split_seed = split_seed
    written = _write_task_data(task=task, tables=tables, answers=answers, images=images)
    try:
        with transaction.atomic():
            task.title, task.metric, task.description = title, metric, description
            task.public_fraction, task.source, task.licence = public_fraction, source, licence
            task.version = F("version") + 1
            task.save()
            task.refresh_from_db()
            TaskVersion.objects.create(
                task=task, number=task.version, metric=task.metric, note="data replaced"
            )
            rescore(task)
            transaction.on_commit(lambda: files.delete_prefix(prefix=old_prefix))
    except BaseException:
        files.delete_quietly(*written)
        raise
    return task


def _secret_split_seed() -> int:
    return secrets.randbelow(2**62)


def _write_task_data(
    *,
    task: Task,
    tables: dict[str, pd.DataFrame],
    answers: pd.DataFrame,
    images: dict[str, Path] | None,
) -> list[str]:
    """Writes public tables (both formats), images zip and answer key; sets derived fields.

    Returns the storage keys written; on failure removes them and re-raises.
    """
    kind, id_column, label_column = task.kind, task.id_column, task.label_column
    test_ids = tables[TEST_TABLE[kind]][id_column].astype(str)
    answers = answers.copy()
    answers[id_column] = answers[id_column].astype(str)
    if set(answers[id_column]) != set(test_ids):
        raise UserFacingError("The answer key must hold exactly one row per test id.")
    if "usage" in answers.columns:
        task.split_seed = None  # the bundle chose row by row; no seed to keep or show
    else:
        if task.split_seed is None:  # only a split made here has a seed, and it is secret
            task.split_seed = _secret_split_seed()
        answers["usage"] = assign_usage(
            ids=list(answers[id_column]),
            public_fraction=task.public_fraction,
            seed=task.split_seed,
        )
    if kind == TaskKind.CLASSIFICATION:
        classes = sorted(tables["train"][label_column].astype(str).unique())
        answers[label_column] = answers[label_column].astype(str)
        unseen = sorted(set(answers[label_column]) - set(classes))
        if unseen:
            raise UserFacingError(
                f"{len(unseen)} answer label(s) never occur in train, so nobody could predict "
                "them; add them to train or drop those test rows."
            )
        sample_label = classes[0]
    else:
        classes = []
        answers[label_column] = answers[label_column].astype(int)
        sample_label = 0
    if task.metric == "log_loss":  # one probability column per class, uniform
        sample = pd.DataFrame({id_column: test_ids})
        for name in classes:
            sample[name] = 1 / len(classes)
    else:
        sample = pd.DataFrame({id_column: test_ids, label_column: sample_label})
    tables = {**tables, "sample_submission": sample}
    task.classes = classes
    task.test_rows = len(test_ids)
    task.has_images = bool(images)
    task.datasheet = build_datasheet(
        kind=kind,
        columns=task.columns,
        tables={name: tables[name] for name in PUBLIC_TABLES[kind] if name != "sample_submission"},
        id_column=id_column,
        label_column=label_column,
    )

    written: list[str] = []
    try:
        for name in PUBLIC_TABLES[kind]:
            frame = tables[name]
            for file_format, encode in (
                ("csv", files.frame_to_csv_bytes),
                ("parquet", files.frame_to_parquet_bytes),
            ):
                key = task.public_table_path(table=name, file_format=file_format)
                written.append(files.save_bytes(key=key, data=encode(frame)))
        if images:
            written.append(files.save_zip(key=task.images_zip_path, members=images))
        written.append(
            files.save_bytes(key=task.answers_path, data=files.frame_to_parquet_bytes(answers))
        )
    except BaseException:
        files.delete_quietly(*written)
        raise
    return written


def audit_record(*, competition: Competition, actor, action: str, summary: str) -> AuditEvent:
    """Notes an organizer's decision on the competition's activity page (``actor`` None: the
    command line). Called inside the decision's own transaction where it has one."""
    actor = actor if actor is not None and actor.is_authenticated else None
    return AuditEvent.objects.create(
        competition=competition, actor=actor, action=action, summary=summary[:600]
    )


def task_change_metric(*, task: Task, metric: str, rescore: Rescore, actor=None) -> int:
    """Switches the task's primary metric and re-scores every submission in place.

    The version goes up so the new scores are told apart from the old ones, which stay as
    history. Returns how many submissions were queued for re-scoring.
    """
    if metric not in METRICS[task.kind]:
        raise UserFacingError(f"Metric {metric!r} does not apply to {task.kind} tasks.")
    if metric == task.metric:
        raise UserFacingError(f"The task already uses {metric}.")
    if metric == "log_loss" or task.metric == "log_loss":
        # Probability files and label files have different layouts: old files cannot be re-used.
        raise UserFacingError("Switching to or from log_loss changes the file layout; re-import.")
    previous = task.metric
    with transaction.atomic():
        Task.objects.filter(pk=task.pk).update(metric=metric, version=F("version") + 1)
        task.refresh_from_db()
        TaskVersion.objects.create(
            task=task, number=task.version, metric=metric, note="metric changed"
        )
        queued = rescore(task)
        audit_record(
            competition=task.competition,
            actor=actor,
            action="task.metric_changed",
            summary=f"{task.title}: metric {previous} → {metric} (version {task.version}); "
            f"{queued} submission(s) re-scored.",
        )
        return queued

"""Writes for competitions, tracks and tasks."""

from datetime import datetime

import pandas as pd
from django.db import transaction
from django.utils.text import slugify

from arena.competitions.models import Competition, Task, TaskKind, Track
from arena.core import files
from arena.core.errors import UserFacingError
from scoring import METRICS, assign_usage

PUBLIC_TABLES = {
    TaskKind.CLASSIFICATION: ("train", "test", "sample_submission"),
    TaskKind.MATCHING: ("left", "right", "train_pairs", "test_pairs", "sample_submission"),
}
TEST_TABLE = {TaskKind.CLASSIFICATION: "test", TaskKind.MATCHING: "test_pairs"}


def competition_create(
    *,
    slug: str,
    title: str,
    start_at: datetime,
    end_at: datetime,
    summary: str = "",
    description: str = "",
    reveal_at: datetime | None = None,
    max_team_size: int = 5,
) -> Competition:
    """Creates a competition; the end must come after the start."""
    if end_at <= start_at:
        raise UserFacingError("The competition must end after it starts.", field="end_at")
    return Competition.objects.create(
        slug=slug,
        title=title,
        summary=summary,
        description=description,
        start_at=start_at,
        end_at=end_at,
        reveal_at=reveal_at,
        max_team_size=max_team_size,
    )


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
    description: str = "",
    id_column: str = "id",
    label_column: str = "label",
    public_fraction: float = 0.3,
    source: str = "",
    licence: str = "",
) -> Task:
    """Stores a task's tables in CSV and Parquet, its answer key privately, and creates the Task.

    ``tables`` holds the public tables named in PUBLIC_TABLES (sample_submission is derived when
    absent); ``answers`` has the id and label columns and optionally ``usage`` (public/private),
    which is otherwise assigned by a seeded split. Either everything is written or nothing is.
    """
    kind = TaskKind(kind)
    if metric not in METRICS[kind]:
        raise UserFacingError(f"Metric {metric!r} does not apply to {kind} tasks.")
    if track.kind != kind:
        raise UserFacingError(f"Track {track.name!r} holds {track.kind} tasks, not {kind} tasks.")
    if Task.objects.filter(competition=competition, slug=slug).exists():
        raise UserFacingError(f"This competition already has a task {slug!r}.", field="slug")
    test_ids = tables[TEST_TABLE[kind]][id_column].astype(str)
    answers = answers.copy()
    answers[id_column] = answers[id_column].astype(str)
    if set(answers[id_column]) != set(test_ids):
        raise UserFacingError("The answer key must hold exactly one row per test id.")
    if "usage" not in answers.columns:
        answers["usage"] = assign_usage(
            ids=list(answers[id_column]), public_fraction=public_fraction
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
    if "sample_submission" not in tables:
        tables = {
            **tables,
            "sample_submission": pd.DataFrame({id_column: test_ids, label_column: sample_label}),
        }

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
        classes=classes,
        public_tables=list(PUBLIC_TABLES[kind]),
        test_rows=len(test_ids),
        source=source,
        licence=licence,
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
        written.append(
            files.save_bytes(key=task.answers_path, data=files.frame_to_parquet_bytes(answers))
        )
        with transaction.atomic():
            task.full_clean(exclude=["competition", "track"])
            task.save()
    except BaseException:
        files.delete_quietly(*written)
        raise
    return task

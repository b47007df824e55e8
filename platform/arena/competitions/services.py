"""Writes for competitions, tracks and tasks."""

import contextlib
import hashlib
import secrets
import unicodedata
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pandas as pd
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from arena.competitions import selectors
from arena.competitions.datasheet import build_datasheet
from arena.competitions.models import (
    Announcement,
    AuditEvent,
    Competition,
    RulesAcceptance,
    Task,
    TaskKind,
    TaskVersion,
    Track,
)
from arena.competitions.selectors import rules_fingerprint, user_is_organizer
from arena.core import files
from arena.core.errors import UserFacingError
from arena.core.jobs import MAIL_ANNOUNCEMENT, job_send
from arena.core.markdown import markup_removed
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


# Settings beyond the schedule that the organizer console (and the admin) set.
OPTIONAL_SETTINGS = (
    "summary",
    "description",
    "rules",
    "max_team_size",
    "daily_submission_limit",
    "total_submission_limit",
    "final_selection_limit",
    "track_ranking",
    "late_submissions",
    "run_baselines_on_import",
    "explanations_before_reveal",
    "reviewers_run_methods",
    "methods_code_after_end",
)


def schedule_check(*, start_at: datetime, end_at: datetime, reveal_at: datetime | None) -> None:
    """The end after the start, the reveal not before the end: in words, on the field at fault
    (the database's constraints hold too, but say "violates check constraint")."""
    if end_at <= start_at:
        raise UserFacingError("The competition must end after it starts.", field="end_at")
    if reveal_at is not None and reveal_at < end_at:
        raise UserFacingError(
            "Private scores can be revealed at the end or later, never while uploads are open.",
            field="reveal_at",
        )


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
    options: dict | None = None,
    organizer=None,
    reviewers=(),
) -> Competition:
    """Creates a competition; the end must come after the start, the reveal not before the end.
    ``options`` sets more of ``OPTIONAL_SETTINGS``; ``organizer`` (who created it on the site)
    becomes its first organizer."""
    schedule_check(start_at=start_at, end_at=end_at, reveal_at=reveal_at)
    unknown = set(options or {}) - set(OPTIONAL_SETTINGS)
    if unknown:
        raise ValueError(f"not a competition setting: {', '.join(sorted(unknown))}")
    if Competition.objects.filter(slug=slug).exists():
        raise UserFacingError("Another competition has this address: choose another.", field="slug")
    fields = {
        "summary": summary,
        "description": description,
        "rules": rules,
        "max_team_size": max_team_size,
    }
    fields.update(options or {})  # the console passes every setting here
    with transaction.atomic():
        competition = Competition.objects.create(
            slug=slug, title=title, start_at=start_at, end_at=end_at, reveal_at=reveal_at, **fields
        )
        if organizer is not None:
            competition.organizers.add(organizer)
            audit_record(
                competition=competition,
                actor=organizer,
                action="competition.created",
                summary=f"Created on the site by {organizer.get_username()}",
            )
        if reviewers:
            competition.reviewers.set(reviewers)
    return competition


def competition_update(
    *, competition: Competition, actor, values: dict, reviewers: list | None = None
) -> list[str]:
    """Changes a competition's settings (``values``: the schedule, ``title`` and any of
    ``OPTIONAL_SETTINGS``) and, when given, its reviewers. Returns the names of what changed,
    which the activity page records with who changed them: dates, quotas and people decide
    rankings."""
    allowed = {"title", "start_at", "end_at", "reveal_at", *OPTIONAL_SETTINGS}
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"not a competition setting: {', '.join(sorted(unknown))}")
    schedule = {name: values.get(name, getattr(competition, name)) for name in
                ("start_at", "end_at", "reveal_at")}  # fmt: skip
    schedule_check(**schedule)
    changed = [name for name, value in values.items() if getattr(competition, name) != value]
    with transaction.atomic():
        locked = Competition.objects.select_for_update().get(pk=competition.pk)
        for name in changed:
            setattr(locked, name, values[name])
        if changed:
            locked.save(update_fields=changed)
        if reviewers is not None and set(locked.reviewers.all()) != set(reviewers):
            locked.reviewers.set(reviewers)
            changed.append("reviewers")
        if changed:
            words = "; ".join(
                f"{name} → {values[name]}"
                if name not in ("reviewers", "description", "summary", "rules")
                else f"{name} changed"
                for name in changed
            )
            audit_record(
                competition=locked,
                actor=actor,
                action="competition.changed",
                summary=f"Settings changed on the site: {words}",
            )
    for name in changed:
        if name != "reviewers":
            setattr(competition, name, values[name])
    return changed


def task_details_update(*, task: Task, actor, values: dict) -> list[str]:
    """Changes what a task says about itself (title, description, source, licence), which
    re-scores nothing, and whether it counts in its track's prize average, which re-ranks the
    track board (the worker's next refresh sees it in the inputs' fingerprint). Returns what
    changed; the activity page records it."""
    unknown = set(values) - {"title", "description", "source", "licence", "in_prize_average"}
    if unknown:
        raise ValueError(f"not a task detail: {', '.join(sorted(unknown))}")
    changed = [name for name, value in values.items() if getattr(task, name) != value]
    if not changed:
        return []
    with transaction.atomic():
        Task.objects.filter(pk=task.pk).update(**{name: values[name] for name in changed})
        audit_record(
            competition=task.competition,
            actor=actor,
            action="task.details_changed",
            summary=f"{task.title}: {', '.join(changed)} changed"
            + (
                f" (in the prize average: {'yes' if values['in_prize_average'] else 'no'})"
                if "in_prize_average" in changed
                else ""
            ),
        )
    for name in changed:
        setattr(task, name, values[name])
    return changed


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
    written, checksums = _write_task_data(task=task, tables=tables, answers=answers, images=images)
    try:
        with transaction.atomic():
            task.full_clean(exclude=["competition", "track"])
            task.save()
            TaskVersion.objects.create(
                task=task, number=1, metric=metric, note="created", checksums=checksums
            )
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
    Without ``split_seed`` the task keeps its seed, so the same test ids stay public. Answers
    published for the old version are not carried over: the new answer key stays hidden until
    the organizers publish it too.
    """
    if metric not in METRICS[task.kind]:
        raise UserFacingError(f"Metric {metric!r} does not apply to {task.kind} tasks.")
    old_prefix = task.storage_prefix
    task.storage_key = uuid.uuid4()
    task.columns = columns
    task.public_fraction = public_fraction
    if split_seed is not None:
        task.split_seed = split_seed
    written, checksums = _write_task_data(task=task, tables=tables, answers=answers, images=images)
    try:
        with transaction.atomic():
            task.title, task.metric, task.description = title, metric, description
            task.public_fraction, task.source, task.licence = public_fraction, source, licence
            task.version = F("version") + 1
            task.answers_published_at, task.answers_published_by = None, None
            task.save()
            task.refresh_from_db()
            TaskVersion.objects.create(
                task=task,
                number=task.version,
                metric=task.metric,
                note="data replaced",
                checksums=checksums,
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
) -> tuple[list[str], dict]:
    """Writes public tables (both formats), images zip and answer key (both formats); sets
    derived fields.

    Returns the storage keys written and the version's checksums (``TaskVersion.checksums``),
    hashed from the very bytes stored; on failure removes what was written and re-raises.
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
    # Exactly what may one day be published: nothing the bundle carried beside the key.
    answers = answers[[id_column, label_column, "usage"]].copy()
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
    checksums: dict[str, list[dict]] = {"public": [], "answers": []}
    encoders = (("csv", files.frame_to_csv_bytes), ("parquet", files.frame_to_parquet_bytes))
    try:
        for name in PUBLIC_TABLES[kind]:
            for file_format, encode in encoders:
                data = encode(tables[name])
                key = task.public_table_path(table=name, file_format=file_format)
                written.append(files.save_bytes(key=key, data=data))
                checksums["public"].append(_checksum(name=f"{name}.{file_format}", data=data))
        if images:
            key, digest, size = files.save_zip(key=task.images_zip_path, members=images)
            written.append(key)
            checksums["public"].append({"name": "images.zip", "sha256": digest, "bytes": size})
        for file_format, encode in encoders:
            data = encode(answers)
            key = task.answers_file_path(file_format=file_format)
            written.append(files.save_bytes(key=key, data=data))
            checksums["answers"].append(_checksum(name=f"answers.{file_format}", data=data))
    except BaseException:
        files.delete_quietly(*written)
        raise
    return written, checksums


def _checksum(*, name: str, data: bytes) -> dict:
    return {"name": name, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def task_datasheet_rebuild(*, task: Task) -> dict:
    """Computes the task's datasheet again from its stored public tables (Parquet) and saves
    it: the same figures an import makes, for tasks imported by an older release. Changes no
    data, version or score."""
    tables = {}
    for name in PUBLIC_TABLES[task.kind]:
        if name == "sample_submission" or name not in task.public_tables:
            continue
        with files.local_copy(
            key=task.public_table_path(table=name, file_format="parquet")
        ) as path:
            tables[name] = pd.read_parquet(path)
    datasheet = build_datasheet(
        kind=task.kind,
        columns=task.columns,
        tables=tables,
        id_column=task.id_column,
        label_column=task.label_column,
    )
    Task.objects.filter(pk=task.pk).update(datasheet=datasheet)
    task.datasheet = datasheet
    return datasheet


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
        # Same files as the version before: a citation of either names the same data.
        checksums = (
            TaskVersion.objects.filter(task=task, number__lt=task.version)
            .order_by("-number")
            .values_list("checksums", flat=True)
            .first()
        )
        TaskVersion.objects.create(
            task=task,
            number=task.version,
            metric=metric,
            note="metric changed",
            checksums=checksums or {},
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


ANNOUNCEMENT_TITLE_MAX = 200  # Announcement.title's column
# A long read already; a whole document belongs in the competition's description.
ANNOUNCEMENT_BODY_MAX = 20_000


def announcement_clean(*, title: str, body: str) -> tuple[str, str]:
    """The title (whitespace collapsed) and body (trimmed) of an announcement, or a
    ``UserFacingError`` naming the field and what to change: either empty or too long, invisible
    characters in the title, or HTML in the body that the page would strip because it could run
    code (a script, an event handler, a ``javascript:`` link)."""
    title = " ".join(unicodedata.normalize("NFC", title or "").split())
    body = (body or "").strip()
    if not title:
        raise UserFacingError("Give the announcement a title.", field="title")
    if len(title) > ANNOUNCEMENT_TITLE_MAX:
        raise UserFacingError(
            f"The title has {len(title)} characters; keep it to {ANNOUNCEMENT_TITLE_MAX}.",
            field="title",
        )
    if any(unicodedata.category(char) in ("Cc", "Cf", "Co", "Cs") for char in title):
        raise UserFacingError("The title cannot contain invisible characters.", field="title")
    if not body:
        raise UserFacingError("Write the announcement itself (Markdown).", field="body")
    if len(body) > ANNOUNCEMENT_BODY_MAX:
        raise UserFacingError(
            f"The text has {len(body)} characters; keep it to {ANNOUNCEMENT_BODY_MAX}, or put "
            "the long part in the competition's description and link to it.",
            field="body",
        )
    removed = markup_removed(body)
    if removed:
        raise UserFacingError(
            f"Remove {', '.join(removed)}: announcements are Markdown, and pages strip HTML "
            "that could run code. To show code, put it between backticks.",
            field="body",
        )
    return title, body


def _require_organizer(*, competition: Competition, user, doing: str) -> None:
    if user is None or not user_is_organizer(competition=competition, user=user):
        raise UserFacingError(f"Only the competition's organizers can {doing}.")


def announcement_post(*, competition: Competition, author, title: str, body: str) -> Announcement:
    """Publishes an announcement on the competition's pages and queues the one job that
    e-mails it to the participants who take announcements (arena.teams.notifications).

    Raises ``UserFacingError`` when ``author`` does not organize the competition or the text is
    refused (``announcement_clean``); nothing is stored then."""
    _require_organizer(competition=competition, user=author, doing="post announcements")
    title, body = announcement_clean(title=title, body=body)
    with transaction.atomic():
        announcement = Announcement.objects.create(
            competition=competition, author=author, title=title, body=body
        )
        audit_record(
            competition=competition,
            actor=author,
            action="announcement.posted",
            summary=f"Announcement posted: {title}",
        )
        # After the commit, so the worker finds the row; a broker that is down is logged, and
        # the organizer page offers to send again (mailed_at stays empty).
        transaction.on_commit(lambda: job_send(name=MAIL_ANNOUNCEMENT, args=[announcement.pk]))
    return announcement


def announcement_mail_again(*, announcement: Announcement, by) -> bool:
    """Queues the announcement's mail job once more, for a job lost with the broker or
    messages the server refused; those already sent are not sent again (accounts.SentMail).
    False when the broker could not take it."""
    _require_organizer(competition=announcement.competition, user=by, doing="send announcements")
    return job_send(name=MAIL_ANNOUNCEMENT, args=[announcement.pk])


def announcement_delete(*, announcement: Announcement, by) -> None:
    """Takes an announcement off the pages (e-mails already sent stay sent)."""
    _require_organizer(competition=announcement.competition, user=by, doing="delete announcements")
    with transaction.atomic():
        audit_record(
            competition=announcement.competition,
            actor=by,
            action="announcement.deleted",
            summary=f"Announcement deleted: {announcement.title}",
        )
        announcement.delete()


def announcement_mailed(*, announcement_id: int, count: int) -> None:
    """Records that the mail job finished a pass, and how many participants have the
    announcement by e-mail in all."""
    Announcement.objects.filter(pk=announcement_id).update(
        mailed_at=timezone.now(), mailed_count=count
    )


def task_answers_publish(*, task: Task, actor, now: datetime | None = None) -> Task:
    """Publishes the task's answer key (id, label, usage) for research use: from then on it
    downloads beside the public files and its checksum shows. Irreversible for anyone who
    downloaded it, so only the competition's organizers (``actor`` None: the command line) may,
    and only once the competition has ended and its private results are out."""
    # The schedule as stored now, not as a task loaded earlier remembers it.
    competition = Competition.objects.get(pk=task.competition_id)
    if actor is not None and not selectors.user_is_organizer(competition=competition, user=actor):
        raise UserFacingError("Only the competition's organizers can publish its answers.")
    now = now or timezone.now()
    if now < competition.end_at:
        raise UserFacingError(
            "The answers can be published only after the competition has ended "
            f"({competition.end_at:%Y-%m-%d %H:%M} UTC) and its private results are revealed."
        )
    if not selectors.is_revealed(competition=competition, now=now):
        raise UserFacingError(
            "The answers can be published only once the private results are revealed "
            f"({competition.reveal_time:%Y-%m-%d %H:%M} UTC): until then they would give the "
            "final ranking away."
        )
    _answers_csv_ensure(task=task)
    with transaction.atomic():
        actor = actor if actor is not None and actor.is_authenticated else None
        updated = Task.objects.filter(pk=task.pk, answers_published_at__isnull=True).update(
            answers_published_at=now, answers_published_by=actor
        )
        if not updated:
            raise UserFacingError("This task's answers are already published.")
        audit_record(
            competition=competition,
            actor=actor,
            action="task.answers_published",
            summary=f"{task.title}: answer key of version {task.version} published "
            "for research use.",
        )
    task.refresh_from_db()
    return task


def _answers_csv_ensure(*, task: Task) -> None:
    """Tasks imported before answer keys were also kept as CSV get that copy now, from the
    Parquet one scoring reads (same rows, same columns)."""
    key = task.answers_file_path(file_format="csv")
    if files.private_storage().exists(key):
        return
    with files.local_copy(key=task.answers_path) as path:
        frame = pd.read_parquet(path)
    with contextlib.suppress(FileExistsError):  # a publish racing this one wrote it first
        files.save_bytes(key=key, data=files.frame_to_csv_bytes(frame))

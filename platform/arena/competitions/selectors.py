"""Reads for competitions, tracks and tasks."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from arena.competitions.models import (
    Announcement,
    AuditEvent,
    Competition,
    Task,
    TaskVersion,
    Track,
)


@dataclass(frozen=True)
class Phase:
    code: str  # "upcoming" | "running" | "ended" | "revealed"
    label: str
    accepts_submissions: bool


def competition_phase(*, competition: Competition, now: datetime | None = None) -> Phase:
    """Where the competition stands in its schedule."""
    now = now or timezone.now()
    if now < competition.start_at:
        return Phase("upcoming", "Not started", accepts_submissions=False)
    if now >= competition.end_at:
        if now >= competition.reveal_time:
            return Phase("revealed", "Final results", accepts_submissions=False)
        return Phase("ended", "Ended", accepts_submissions=False)
    return Phase("running", "Running", accepts_submissions=True)


def uploads_after_end(*, competition: Competition, now: datetime | None = None) -> bool:
    """Whether an upload now would be a late one: the competition has ended and takes them
    (scored on the after-the-challenge boards only)."""
    now = now or timezone.now()
    return competition.late_submissions and now >= competition.end_at


def is_revealed(*, competition: Competition, now: datetime | None = None) -> bool:
    """Whether the private results are out: a fact of the schedule, which writes depend on too
    (methods can no longer be edited). Who sees what is ``arena.results.visibility``."""
    return (now or timezone.now()) >= competition.reveal_time


def competition_list() -> QuerySet[Competition]:
    return Competition.objects.prefetch_related("tracks").order_by("-start_at")


def competition_get(*, slug: str) -> Competition:
    return get_object_or_404(Competition, slug=slug)


def competition_for_organizer(
    *, slug: str, user, refusal: str = "Only the competition's organizers can do this."
) -> Competition:
    """The competition ``slug`` if ``user`` organizes it; anyone else is refused (403, with
    ``refusal`` shown on the page)."""
    from django.core.exceptions import PermissionDenied

    competition = competition_get(slug=slug)
    if not user_is_organizer(competition=competition, user=user):
        raise PermissionDenied(refusal)
    return competition


def tracks_with_tasks(*, competition: Competition) -> QuerySet[Track]:
    return competition.tracks.prefetch_related(
        Prefetch("tasks", queryset=Task.objects.order_by("title"))
    )


def task_get(*, competition: Competition, slug: str) -> Task:
    return get_object_or_404(
        Task.objects.select_related("track"), competition=competition, slug=slug
    )


def user_is_organizer(*, competition: Competition, user) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_superuser or competition.organizers.filter(pk=user.pk).exists()


def competitions_organized_by(*, user) -> QuerySet[Competition]:
    """The competitions ``user`` organizes: every one for a superuser, as in user_is_organizer."""
    if not user.is_authenticated:
        return Competition.objects.none()
    if user.is_superuser:
        return Competition.objects.all()
    return Competition.objects.filter(organizers=user)


def users_by_username(*, usernames: list[str]) -> tuple[list, list[str]]:
    """The users named exactly (case aside) in ``usernames``, and the names nobody has.

    For forms that take people by name rather than offering a list of every user: a name
    either matches or does not, so nobody reads other users' names out of a form.
    """
    from django.contrib.auth import get_user_model

    users, missing = [], []
    for name in usernames:
        matches = list(get_user_model().objects.filter(username__iexact=name)[:5])
        exact = [user for user in matches if user.get_username() == name]
        if exact or len(matches) == 1:
            users.append((exact or matches)[0])
        else:
            missing.append(name)
    return users, missing


def task_public_manifest(*, task: Task) -> dict:
    """The task's task.yaml as participants may see it: no answers, no split, classes listed.

    With it and the test table, ``python -m scoring validate`` checks a file before upload.
    """
    manifest = {
        "slug": task.slug,
        "title": task.title,
        "kind": str(task.kind),  # a TaskKind on a task just created, a str once loaded
        "metric": task.metric,
        "id": task.id_column,
        "label": task.label_column,
        "columns": dict(task.columns),
        "public_fraction": task.public_fraction,
        "description": task.description,
        "source": task.source,
        "licence": task.licence,
    }
    if task.classes:
        manifest["classes"] = list(task.classes)
    return manifest


def audit_events(*, competition: Competition, limit: int = 500) -> list:
    """The competition's recorded decisions, newest first."""
    return list(AuditEvent.objects.filter(competition=competition).select_related("actor")[:limit])


def announcements_for(*, competition: Competition, limit: int | None = None) -> list[Announcement]:
    """The competition's announcements, newest first (``limit`` of them when given)."""
    announcements = Announcement.objects.filter(competition=competition).select_related("author")
    return list(announcements[:limit] if limit else announcements)


def announcement_get(*, competition: Competition, announcement_id: int) -> Announcement:
    """One announcement of the competition (404 for another competition's)."""
    return get_object_or_404(Announcement, competition=competition, pk=announcement_id)


@dataclass(frozen=True)
class VersionRecord:
    """One version of a task as its Versions page shows it."""

    number: int
    metric: str
    note: str
    created_at: datetime
    files: list[dict]  # public files: name, sha256, bytes; empty when not recorded
    answers: list[dict]  # the answer key's, only where the viewer may see them
    current: bool

    @property
    def recorded(self) -> bool:
        return bool(self.files)


def task_version_history(*, task: Task, show_unpublished_answers: bool) -> list[VersionRecord]:
    """The task's versions, newest first, with their files' checksums.

    An answer key's checksum is shown to organizers (``show_unpublished_answers``) and, once the
    answers are published, to everyone, but then only for the versions that share the published
    key: a checksum of a small answer file could be matched by guessing its contents."""
    versions = list(TaskVersion.objects.filter(task=task).order_by("-number"))
    current = next((v for v in versions if v.number == task.version), None)
    published = (current.checksums or {}).get("answers", []) if current else []
    records = []
    for version in versions:
        checksums = version.checksums or {}
        answers = checksums.get("answers", [])
        if not show_unpublished_answers and not (task.answers_published and answers == published):
            answers = []
        records.append(
            VersionRecord(
                number=version.number,
                metric=version.metric,
                note=version.note,
                created_at=version.created_at,
                files=list(checksums.get("public", [])),
                answers=list(answers),
                current=version.number == task.version,
            )
        )
    return records

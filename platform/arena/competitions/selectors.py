"""Reads for competitions, tracks and tasks."""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from arena.competitions.models import (
    Announcement,
    AuditEvent,
    Competition,
    RulesAcceptance,
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


def rules_fingerprint(*, competition: Competition) -> str:
    """A hash of the rules a participant accepts: the organizer's text and every setting the
    rules page words (schedule, quotas, team size, finals, prize rule, methods' code).

    Settings rather than the rendered words, so rewording the page in a deploy leaves every
    acceptance standing while a changed quota or deadline does not. The platform-wide upload
    rate is a guard against floods, not a rule of the competition, and is left out.
    """
    text = "\n".join(line.rstrip() for line in competition.rules.replace("\r\n", "\n").split("\n"))
    settings_in_words = {
        "start_at": competition.start_at.astimezone(UTC).isoformat(),
        "end_at": competition.end_at.astimezone(UTC).isoformat(),
        "reveal_at": competition.reveal_time.astimezone(UTC).isoformat(),
        "max_team_size": competition.max_team_size,
        "daily_submission_limit": competition.daily_submission_limit,
        "total_submission_limit": competition.total_submission_limit,
        "final_selection_limit": competition.final_selection_limit,
        "track_ranking": competition.track_ranking,
        "reviewers_run_methods": competition.reviewers_run_methods,
        "methods_code_after_end": competition.methods_code_after_end,
        "explanations_before_reveal": competition.explanations_before_reveal,
    }
    payload = json.dumps({"text": text.strip(), "settings": settings_in_words}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True)
class RulesStanding:
    """Where a person stands with a competition's rules."""

    accepted_at: datetime | None  # of the current rules, else of the last ones they accepted
    current: bool  # they accepted the rules as they are now

    @property
    def changed(self) -> bool:
        """They accepted rules that have changed since."""
        return self.accepted_at is not None and not self.current


def rules_standing(*, competition: Competition, user) -> RulesStanding:
    """Whether ``user`` accepted the competition's rules as they are now, and when; anonymous
    visitors have accepted nothing. One query."""
    if not user.is_authenticated:
        return RulesStanding(accepted_at=None, current=False)
    fingerprint = rules_fingerprint(competition=competition)
    acceptances = list(
        RulesAcceptance.objects.filter(competition=competition, user=user).values_list(
            "rules_hash", "accepted_at"
        )
    )  # newest first (the model's ordering)
    for rules_hash, accepted_at in acceptances:
        if rules_hash == fingerprint:
            return RulesStanding(accepted_at=accepted_at, current=True)
    last = acceptances[0][1] if acceptances else None
    return RulesStanding(accepted_at=last, current=False)


def rules_refusal(*, competition: Competition, user) -> str | None:
    """Why ``user`` may not join a team of ``competition`` yet (None: they may): every
    participant accepts the competition's current rules first, on its rules page."""
    standing = rules_standing(competition=competition, user=user)
    if standing.current:
        return None
    page = reverse("competitions:rules", args=[competition.slug])
    if standing.changed:
        when = standing.accepted_at
        return (
            f"The rules of {competition.title} changed after you accepted them on "
            f"{when.day} {when:%b %Y}. Read them again and accept them at {page} before you "
            "create or join a team."
        )
    return (
        f"Read and accept the rules of {competition.title} at {page} before you create or join "
        "a team."
    )

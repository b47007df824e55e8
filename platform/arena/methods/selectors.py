"""Reads of methods: a team's methods and versions, and who may see a version's code."""

from datetime import datetime

from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone

from arena.competitions.models import Competition, Task
from arena.methods.models import Method, MethodRun, MethodVersion
from arena.results.visibility import methods_overseer
from arena.submissions.models import Score, ScoreSplit
from arena.teams.models import Membership, Team


def methods_of_team(*, team: Team) -> QuerySet[Method]:
    return team.methods.prefetch_related(
        Prefetch("versions", queryset=MethodVersion.objects.select_related("pushed_by"))
    )


def overseer(*, competition: Competition, user) -> bool:
    """Whether ``user`` oversees the methods of ``competition``'s teams: the one rule, kept with
    the other visibility rules (results.visibility.methods_overseer)."""
    return methods_overseer(competition=competition, user=user)


def code_visible(*, version: MethodVersion, user, now: datetime | None = None) -> bool:
    """A method's code is for its team and those who oversee its competition's methods: never
    for other teams during the challenge. After its end, for anyone signed in when the
    competition's rule says so (``Competition.methods_code_after_end``)."""
    team = version.method.team
    if _in_team(team=team, user=user) or overseer(competition=team.competition, user=user):
        return True
    return _code_public(competition=team.competition, now=now) and bool(
        getattr(user, "is_authenticated", False)
    )


def _in_team(*, team: Team, user) -> bool:
    return Membership.objects.filter(team=team, user_id=getattr(user, "pk", None)).exists()


def _code_public(*, competition: Competition, now: datetime | None = None) -> bool:
    """Whether the competition has ended and its rule opens its methods' code to everyone."""
    ended = (now or timezone.now()) >= competition.end_at
    return ended and competition.methods_code_after_end == Competition.MethodsCode.PUBLIC


def runs_of_version(*, version: MethodVersion) -> list[MethodRun]:
    """The version's runs, newest first, each with its public primary score once scored."""
    runs = list(
        version.runs.select_related("task__competition", "requested_by", "submission").order_by(
            "-created_at", "-id"
        )[:100]
    )
    scores = primary_public_scores(
        submission_ids=[run.submission_id for run in runs if run.submission_id]
    )
    for run in runs:
        run.public_score = scores.get(run.submission_id)
    return runs


def runs_of_team(*, team: Team, limit: int = 100) -> list[MethodRun]:
    """Arena's runs of the team's methods, newest first, each with its public primary score
    once scored (never the private one). Two queries."""
    runs = list(
        MethodRun.objects.filter(version__method__team=team)
        .select_related("version__method", "task__competition", "requested_by", "submission")
        .order_by("-created_at", "-id")[:limit]
    )
    scores = primary_public_scores(
        submission_ids=[run.submission_id for run in runs if run.submission_id]
    )
    for run in runs:
        run.public_score = scores.get(run.submission_id)
    return runs


def primary_public_scores(*, submission_ids) -> dict[int, Score]:
    """Each submission's public score on its task's primary metric and current version (what
    run lists and reproduction verdicts show; never the private split), in one query."""
    return {
        score.submission_id: score
        for score in Score.objects.filter(
            submission_id__in=list(submission_ids),
            split=ScoreSplit.PUBLIC,
            metric=F("submission__task__metric"),
            task_version=F("submission__task__version"),
        )
    }


def runnable_tasks(*, version: MethodVersion, user) -> list[Task]:
    """The tasks offered to ``user`` for a run of ``version``: of the method's kinds, in its
    competition for its team, in every competition for those who oversee it, none for anyone
    else (who may read its code once the competition made it public, but not run it)."""
    home = version.method.team.competition
    tasks = Task.objects.filter(kind__in=version.manifest.get("kinds", []))
    if not overseer(competition=home, user=user):
        if not _in_team(team=version.method.team, user=user):
            return []  # one who reads published code runs nothing (runs.run_refusal)
        tasks = tasks.filter(competition=home)
    return list(tasks.select_related("competition").order_by("competition__title", "title"))


def version_for_viewer(*, competition: Competition, version_id: int, user) -> MethodVersion | None:
    """The version if ``user`` may see its code, else None (shown as "not found")."""
    version = (
        MethodVersion.objects.select_related("method__team__competition", "pushed_by")
        .filter(pk=version_id, method__team__competition=competition)
        .first()
    )
    if version is None or not code_visible(version=version, user=user):
        return None
    return version


def newest_version(*, competition: Competition, team_id: int, name: str) -> MethodVersion | None:
    """The newest version of team ``team_id``'s method called ``name`` (in any case), if the
    team handed it in as code."""
    return (
        MethodVersion.objects.filter(
            method__team_id=team_id,
            method__team__competition=competition,
            method__name__iexact=name.strip(),
        )
        .select_related("method__team")
        .order_by("-number")
        .first()
    )

"""Reads of methods: a team's methods and versions, and who may see a version's code."""

from django.db.models import F, Prefetch, QuerySet

from arena.competitions.models import Competition, Task
from arena.competitions.selectors import user_is_organizer
from arena.methods.models import Method, MethodRun, MethodVersion
from arena.submissions.models import Score, ScoreSplit
from arena.teams.models import Membership, Team


def methods_of_team(*, team: Team) -> QuerySet[Method]:
    return team.methods.prefetch_related(
        Prefetch("versions", queryset=MethodVersion.objects.select_related("pushed_by"))
    )


def overseer(*, competition: Competition, user) -> bool:
    """Whether ``user`` oversees the methods of ``competition``'s teams: an organizer, or a
    reviewer when the competition lets reviewers run teams' methods (docs/METHODS.md)."""
    if user_is_organizer(competition=competition, user=user):
        return True
    user_id = getattr(user, "pk", None)
    return competition.reviewers_run_methods and competition.reviewers.filter(pk=user_id).exists()


def code_visible(*, version: MethodVersion, user) -> bool:
    """A method's code is for its team and those who oversee its competition's methods: never
    for other teams."""
    team = version.method.team
    if Membership.objects.filter(team=team, user_id=getattr(user, "pk", None)).exists():
        return True
    return overseer(competition=team.competition, user=user)


def runs_of_version(*, version: MethodVersion) -> list[MethodRun]:
    """The version's runs, newest first, each with its public primary score once scored."""
    runs = list(
        version.runs.select_related("task__competition", "requested_by", "submission").order_by(
            "-created_at", "-id"
        )[:100]
    )
    current = Score.objects.filter(
        submission_id__in=[run.submission_id for run in runs if run.submission_id],
        split=ScoreSplit.PUBLIC,
        task_version=F("submission__task__version"),
    )
    scores = {(score.submission_id, score.metric): score for score in current}
    for run in runs:
        run.public_score = scores.get((run.submission_id, run.task.metric))
    return runs


def runnable_tasks(*, version: MethodVersion, user) -> list[Task]:
    """The tasks offered to ``user`` for a run of ``version``: of the method's kinds, in its
    competition for its team, in every competition for those who oversee it."""
    home = version.method.team.competition
    tasks = Task.objects.filter(kind__in=version.manifest.get("kinds", []))
    if not overseer(competition=home, user=user):
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

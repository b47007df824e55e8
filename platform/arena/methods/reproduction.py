"""Reproduction: an upload names the method version that produced it, Arena runs that version on
the same task, and the submission is marked "reproduced" when the run's public score agrees with
the uploaded one (the upload's score lies within the run's 95% interval), or shows the gap.

Reproduction runs are bounded by the upload quota (one per upload that names a version), so they
do not use the team's allowance of runs. Their predictions are scored like any run: off boards.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from arena.competitions.models import Task
from arena.core.errors import UserFacingError
from arena.core.jobs import job_send
from arena.methods.models import MethodRun, MethodVersion
from arena.methods.runs import RUN_JOB
from arena.methods.selectors import primary_public_scores
from arena.submissions.models import Score, Submission, SubmissionStatus
from arena.teams.models import Team

# Agreement when a score has no interval (too few rows to bootstrap): equal up to rounding.
EXACT_TOLERANCE = 1e-9


def reproducible_versions(*, team: Team | None, task: Task) -> list[MethodVersion]:
    """The team's method versions that handle ``task``'s kind, newest first: what an upload may
    name as the code that produced it."""
    if team is None:
        return []
    versions = MethodVersion.objects.filter(method__team=team).select_related("method")
    return [
        version
        for version in versions.order_by("method__name", "-number")
        if task.kind in version.manifest.get("kinds", [])
    ]


def version_named(*, team: Team | None, task: Task, choice: str) -> MethodVersion | None:
    """The version an upload names (an id from the form, or "NAME@N" from the CLI), or None when
    it names none; raises UserFacingError for a name that is not one of the team's versions."""
    choice = (choice or "").strip()
    if not choice:
        return None
    offered = reproducible_versions(team=team, task=task)
    for version in offered:
        if choice == str(version.pk) or choice.casefold() == (
            f"{version.method.name}@{version.number}".casefold()
        ):
            return version
    if not offered:
        raise UserFacingError(
            "Your team has no method that handles this task's kind, so the upload cannot name one: "
            "push the method first (Methods page or `arena method push`)."
        )
    names = ", ".join(f"{version.method.name}@{version.number}" for version in offered[:8])
    raise UserFacingError(f"{choice!r} is not one of your team's method versions ({names}).")


def reproduction_request(*, submission: Submission, version: MethodVersion, user) -> MethodRun:
    """Queues Arena's run of ``version`` on ``submission``'s task, to check the upload."""
    if version.method.team_id != submission.team_id:
        raise UserFacingError("An upload can only name a method version of its own team.")
    if submission.task.kind not in version.manifest.get("kinds", []):
        raise UserFacingError(
            f"{version.method.name} handles {', '.join(version.manifest.get('kinds', []))} "
            f"tasks, not {submission.task.kind}."
        )
    earlier = MethodRun.objects.filter(reproduces=submission, version=version).first()
    if earlier is not None:  # the same upload sent again (Idempotency-Key): one check is enough
        return earlier
    with transaction.atomic():
        run = MethodRun.objects.create(
            version=version,
            task=submission.task,
            requested_by=user,
            reproduces=submission,
            enqueued_at=timezone.now(),
        )
        transaction.on_commit(lambda: job_send(name=RUN_JOB, args=[run.pk]))
    return run


@dataclass(frozen=True)
class Verdict:
    """Where the check of one upload stands, in words a team reads next to its score."""

    state: str  # "running", "failed", "reproduced", "differs"
    text: str
    run: MethodRun
    run_score: float | None = None
    difference: float | None = None

    @property
    def label(self) -> str:
        return {
            "running": "reproducing",
            "failed": "not reproduced",
            "reproduced": "reproduced",
            "differs": "differs",
        }[self.state]


def reproduction_verdicts(*, submissions: list[Submission]) -> dict[int, Verdict]:
    """For each upload that named a method version: its newest reproduction run's verdict.

    Two queries whatever the number of submissions: the runs, then their public primary scores
    beside the uploads' (public only: the private split never shows before the reveal).
    """
    ids = [submission.pk for submission in submissions]
    runs: dict[int, MethodRun] = {}
    for run in (
        MethodRun.objects.filter(reproduces_id__in=ids)
        .select_related("version__method", "submission", "task")
        .order_by("created_at", "id")
    ):
        runs[run.reproduces_id] = run  # the newest wins
    if not runs:
        return {}
    wanted = set(runs) | {run.submission_id for run in runs.values() if run.submission_id}
    scores = primary_public_scores(submission_ids=wanted)
    return {
        upload_id: _verdict(
            run=run, upload=scores.get(upload_id), ran=scores.get(run.submission_id)
        )
        for upload_id, run in runs.items()
    }


def _verdict(*, run: MethodRun, upload: Score | None, ran: Score | None) -> Verdict:
    name = f"{run.version.method.name} v{run.version.number}"
    if run.status == MethodRun.Status.FAILED:
        return Verdict("failed", f"Arena's run of {name} failed: {run.message}", run)
    if run.status != MethodRun.Status.SUBMITTED or run.submission is None:
        return Verdict("running", f"Arena is running {name} to reproduce this score.", run)
    if run.submission.status == SubmissionStatus.INVALID:
        reason = run.submission.error_message
        return Verdict("failed", f"Arena's run of {name} wrote predictions that were refused: "
                       f"{reason}", run)  # fmt: skip
    if ran is None or upload is None:
        return Verdict("running", f"Arena's run of {name} is being scored.", run)
    difference = ran.value - upload.value
    if ran.ci_low is not None and ran.ci_high is not None:
        agrees = ran.ci_low <= upload.value <= ran.ci_high
        within = f"within the run's interval {ran.ci_low:.4f} to {ran.ci_high:.4f}"
    else:
        agrees = abs(difference) <= EXACT_TOLERANCE
        within = "equal"
    if agrees:
        text = f"Reproduced by Arena: {name} scored {ran.value:.4f}, {within}."
        return Verdict("reproduced", text, run, ran.value, difference)
    text = (
        f"Not reproduced: Arena's run of {name} scored {ran.value:.4f}, {difference:+.4f} from "
        f"the upload's {upload.value:.4f}"
        + (f" (outside the run's interval {ran.ci_low:.4f} to {ran.ci_high:.4f})." if
           ran.ci_low is not None and ran.ci_high is not None else ".")
    )  # fmt: skip
    return Verdict("differs", text, run, ran.value, difference)


def with_verdicts(*, submissions: list[Submission]) -> list[Submission]:
    """Sets ``reproduction`` (a Verdict or None) on each submission, for the pages' rows."""
    verdicts = reproduction_verdicts(submissions=submissions)
    for submission in submissions:
        submission.reproduction = verdicts.get(submission.pk)
    return submissions

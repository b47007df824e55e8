"""E-mail about a submission, sent by a job after the worker finished scoring it
(``arena.submissions.tasks.mail_submission_result``), never by the scoring job itself: a slow or
refusing mail server must not delay or fail a score."""

from django.urls import reverse

from arena.accounts.mail import notice_send_once, site_url
from arena.submissions.models import Score, Submission, SubmissionOrigin, SubmissionStatus

# Sent by name by submissions.services after a score or a refusal.
MAIL_SUBMISSION_RESULT = "arena.submissions.tasks.mail_submission_result"


def submission_result_mail(*, submission_id: int) -> bool:
    """E-mails the uploader that their upload was scored (its public scores) or refused (the
    reason), if they asked for it; once per submission. True when a message went out."""
    submission = (
        Submission.objects.select_related("task__competition", "submitted_by")
        .filter(pk=submission_id, origin=SubmissionOrigin.UPLOAD)
        .first()
    )
    if submission is None or submission.submitted_by is None:
        return False
    if submission.status not in (SubmissionStatus.SCORED, SubmissionStatus.INVALID):
        return False
    task = submission.task
    scores = Score.objects.filter(
        submission=submission, split="public", task_version=task.version
    ).order_by("metric")
    slugs = {"competition_slug": task.competition.slug, "task_slug": task.slug}
    return notice_send_once(
        user=submission.submitted_by,
        kind="notify_submission_results",
        key=f"submission:{submission.pk}",
        template="submission_result",
        context={
            "submission": submission,
            "task": task,
            "scores": list(scores),
            "link": site_url(
                reverse("submissions:detail", kwargs={**slugs, "submission_id": submission.pk})
            ),
        },
    )

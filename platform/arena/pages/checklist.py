"""What a new competition still needs, for its organizers: the checklist on its page.

A few counting queries, whatever the number of tasks: the page reads, it never computes.
"""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from arena.competitions.models import Competition
from arena.submissions.models import SubmissionOrigin, SubmissionStatus


@dataclass(frozen=True)
class Step:
    title: str
    done: bool
    detail: str  # what is there, or what to do, in words
    href: str
    action: str  # the link's words
    optional: bool = False


def organizer_checklist(*, competition: Competition) -> list[Step]:
    slug = competition.slug
    settings_href = reverse("competitions:settings", args=[slug])
    tasks = list(
        competition.tasks.select_related("track")
        .annotate(
            baselines_scored=Count(
                "submissions",
                filter=Q(
                    submissions__origin=SubmissionOrigin.BASELINE,
                    submissions__status=SubmissionStatus.SCORED,
                ),
            )
        )
        .order_by("track__position", "title")
    )
    tracks = sorted({task.track.name for task in tasks})
    without_baseline = [task for task in tasks if not task.baselines_scored]
    opened = competition.start_at <= timezone.now()
    return [
        Step(
            title="Describe the challenge",
            done=bool(competition.description.strip()),
            detail="What it is about, the prizes and whom to ask, in Markdown.",
            href=settings_href,
            action="Edit the description",
        ),
        Step(
            title="Add a track and a task",
            done=bool(tasks),
            detail=(
                f"{len(tasks)} task(s) in {len(tracks)} track(s): {', '.join(tracks)}."
                if tasks
                else "Import a task bundle; its track (Classification or Matching, or a name "
                "you give) is made with it."
            ),
            href=reverse("competitions:task_import", args=[slug]),
            action="Import a task bundle",
        ),
        Step(
            title="Check the baselines",
            done=bool(tasks) and not without_baseline,
            detail=(
                "Every task has a scored baseline on its board."
                if tasks and not without_baseline
                else f"No scored baseline yet on: {', '.join(t.title for t in without_baseline)}."
                if tasks
                else "Each imported task runs the built-in baselines; check they reach its board."
            ),
            href=(
                reverse("competitions:task_manage", args=[slug, without_baseline[0].slug])
                if without_baseline
                else reverse("methods:batches", args=[slug])
            ),
            action="See the runs",
        ),
        Step(
            title="Name reviewers",
            done=competition.reviewers.exists(),
            detail="People who compare methods across tasks (you can too).",
            href=settings_href,
            action="Name reviewers",
            optional=True,
        ),
        Step(
            title="Open it",
            done=opened,
            detail=(
                f"Open since {competition.start_at:%d %b %Y, %H:%M} UTC."
                if opened
                else f"Opens {competition.start_at:%d %b %Y, %H:%M} UTC: uploads are taken "
                "from then on."
            ),
            href=settings_href,
            action="Change the dates",
        ),
    ]

"""What a team sees of its own submissions: the panel of a task page (scores, quota, finals)
and the per-class report of one submission, each under the visibility policy."""

from arena.competitions.models import Task
from arena.competitions.selectors import competition_phase
from arena.results.visibility import explanations_visible, private_visible
from arena.submissions.models import Submission
from arena.submissions.selectors import (
    any_pending,
    method_names_of_team,
    quota_for,
    submissions_for_team,
)
from arena.teams.models import Team


def submission_explanation(*, submission: Submission, user) -> dict | None:
    """The public per-class report and confusion matrix of ``submission`` ({"classes",
    "per_class", "confusion"}), or None while ``user`` may not see them (explanations_visible).
    """
    if not explanations_visible(competition=submission.task.competition, user=user):
        return None
    details = submission.public_details or {}
    return {
        "classes": details.get("classes", []),
        "per_class": details.get("per_class", []),
        "confusion": details.get("confusion", []),
    }


def submission_panel(*, task: Task, team: Team | None, user) -> dict:
    """Everything the "your submissions" panel of a task page shows, for one team."""
    competition = task.competition
    show_private = private_visible(competition=competition, user=user)
    rows = submissions_for_team(task=task, team=team, include_private=show_private) if team else []
    return {
        "submissions": rows,
        "polling": any_pending(submissions=rows),
        "show_private": show_private,
        "can_choose_finals": competition_phase(competition=competition).code == "running",
        "finals_chosen": sum(1 for row in rows if row.is_final),
        "final_limit": competition.final_selection_limit,
        "quota": quota_for(task=task, team=team, user=user) if team else None,
        "method_suggestions": method_names_of_team(team=team),
    }

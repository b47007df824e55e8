"""The "your submissions" panel as the task page and its polled fragment show it."""

from arena.competitions.models import Task
from arena.methods.reproduction import reproducible_versions, with_verdicts
from arena.results.panels import submission_panel
from arena.teams.models import Team


def panel_with_reproductions(*, task: Task, team: Team | None, user) -> dict:
    """The team's submissions panel (results.panels), each upload with where Arena's
    reproduction of it stands, and the method versions a new upload may name."""
    panel = submission_panel(task=task, team=team, user=user)
    panel["submissions"] = with_verdicts(submissions=list(panel["submissions"]))
    under_way = any(
        row.reproduction and row.reproduction.state == "running" for row in panel["submissions"]
    )
    panel["polling"] = panel["polling"] or under_way
    panel["method_versions"] = reproducible_versions(team=team, task=task)
    return panel

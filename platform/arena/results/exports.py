"""CSV downloads of leaderboards, safe to open in a spreadsheet."""

import csv
import io
from datetime import UTC

from arena.results.boards import LeaderboardRow, TrackRow
from arena.teams.selectors import TeamOverview

# A cell starting with one of these is run as a formula by spreadsheet programs (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """Text cells that a spreadsheet would run as a formula get a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _csv(header: list[str], rows: list[list]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return buffer.getvalue()


def task_leaderboard_csv(*, rows: list[LeaderboardRow], metric: str, private: bool) -> str:
    split = "private" if private else "public"
    header = ["rank", "team", "baseline", f"{split}_{metric}", "entries", "last_submission_utc"]
    if private:
        header[4:4] = [f"public_{metric}", "public_rank", "rank_change"]
    body = []
    for row in rows:
        line = [row.rank, row.team_name, row.is_baseline, row.score]
        if private:
            line += [row.public_score, row.public_rank, row.rank_change]
        line += [row.entries, row.last_submitted_at.isoformat()]
        body.append(line)
    return _csv(header, body)


def track_leaderboard_csv(*, rows: list[TrackRow], private: bool) -> str:
    tasks = [cell.task for cell in rows[0].cells] if rows else []
    split = "private" if private else "public"
    header = ["rank", "team", "baseline", f"mean_{split}_score", "mean_rank"]
    for task in tasks:
        header += [f"{task.slug}_{task.metric}", f"{task.slug}_rank", f"{task.slug}_submitted"]
    body = []
    for row in rows:
        line = [row.rank, row.team_name, row.is_baseline, row.mean_score, row.mean_rank]
        for cell in row.cells:
            line += [cell.score, cell.rank, cell.submitted]
        body.append(line)
    return _csv(header, body)


def teams_csv(*, rows: list[TeamOverview]) -> str:
    """The organizers' list of teams, one row per team. No score of any split: the boards
    and their downloads are where scores are, under the visibility policy."""
    header = [
        "id", "name", "members", "member_emails", "created_utc", "submissions", "scored",
        "last_upload_utc", "standing", "disqualification_reason",
    ]  # fmt: skip
    body = []
    for row in rows:
        team = row.team
        body.append(
            [
                team.pk,
                team.name,
                ";".join(row.members),
                ";".join(row.emails),
                _utc_seconds(team.created_at),
                row.submissions,
                row.scored,
                _utc_seconds(row.last_submitted_at),
                "disqualified" if team.disqualified_at else "taking part",
                team.disqualification_reason if team.disqualified_at else "",
            ]
        )
    return _csv(header, body)


def _utc_seconds(moment) -> str:
    # To the second: what a spreadsheet reads as a time, and no fraction to mistake for a score.
    return moment.astimezone(UTC).isoformat(timespec="seconds") if moment else ""

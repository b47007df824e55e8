"""The one visibility policy: who sees which split of the scores, and when.

Every page, API endpoint, export and CSV that shows a score asks here, so that the rule is written
once. In short: public scores are for everyone; private scores, per-class reports and other
teams' method names open at the reveal (organizers see them at any time); the compare pages are
for reviewers, and a reviewer who competes waits for the reveal like every other team.
"""

from datetime import UTC, datetime

from arena.competitions.models import Competition
from arena.competitions.selectors import is_revealed, user_is_organizer
from arena.submissions.models import Submission, on_boards
from arena.teams.selectors import team_for_user


def private_visible(*, competition: Competition, user, now: datetime | None = None) -> bool:
    """Private scores show to everyone after the reveal, and to organizers at any time."""
    return is_revealed(competition=competition, now=now) or user_is_organizer(
        competition=competition, user=user
    )


def board_is_private(*, competition: Competition, user, asked: str | None) -> bool:
    """Which split a board, comparison or export request gets. ``asked`` is the request's
    ``board`` parameter ("public", "private" or nothing).

    After the reveal the private board is the default and the public one stays on request;
    before it only those who may see private scores get them, and only when they ask.
    """
    if is_revealed(competition=competition):
        return asked != "public"
    return asked == "private" and private_visible(competition=competition, user=user)


def method_descriptions_visible(*, competition: Competition, user) -> bool:
    """Whether ``user`` sees other teams' method names on the boards: after the reveal, and
    always for organizers. Before it a board says who scores what, not how (a team's own method
    and the baselines' are always shown)."""
    return is_revealed(competition=competition) or user_is_organizer(
        competition=competition, user=user
    )


def explanations_visible(*, competition: Competition, user, now: datetime | None = None) -> bool:
    """Whether ``user`` may see per-class reports and confusion matrices of the public rows.

    Before the reveal they would tell a team far more than its public score: predicting one
    class everywhere but a few chosen rows, the matrix says which of those rows are public and
    the true label of each. So they show after the reveal, before it only where the organizers
    accepted that leak (``Competition.explanations_before_reveal``), and always to organizers.
    """
    if is_revealed(competition=competition, now=now) or competition.explanations_before_reveal:
        return True
    return user_is_organizer(competition=competition, user=user)


def user_is_reviewer(*, competition: Competition, user) -> bool:
    """Reviewers compare methods; organizers are reviewers too."""
    if user_is_organizer(competition=competition, user=user):
        return True
    return user.is_authenticated and competition.reviewers.filter(pk=user.pk).exists()


def methods_overseer(*, competition: Competition, user) -> bool:
    """Whether ``user`` oversees the methods of ``competition``'s teams (reads their code, runs
    them on any task): an organizer, or a reviewer when the competition lets reviewers run
    teams' methods (``Competition.reviewers_run_methods``, told to participants)."""
    if user_is_organizer(competition=competition, user=user):
        return True
    return bool(
        competition.reviewers_run_methods
        and user.is_authenticated
        and competition.reviewers.filter(pk=user.pk).exists()
    )


NOT_A_REVIEWER = "Only the competition's reviewers and organizers compare methods."


def compare_refusal(*, competition: Competition, user, now: datetime | None = None) -> str | None:
    """Why ``user`` may not open the compare pages, or None when they may.

    The one access rule of the compare pages (matrix, pairwise, export) and of the link to them.
    Those pages show every team's method names and per-submission public scores and times. A
    reviewer who also competes would see more of their rivals than any other team does, so they
    wait for the reveal like everyone else; an organizer on a team already sees everything.
    """
    if not user_is_reviewer(competition=competition, user=user):
        return NOT_A_REVIEWER
    if is_revealed(competition=competition, now=now):
        return None
    if user_is_organizer(competition=competition, user=user):
        return None
    team = team_for_user(competition=competition, user=user)
    if team is not None:
        return _competing_reviewer_refusal(competition=competition, team_name=team.name)
    # Leaving the team for a look, then joining again, must not open the pages: anyone who has
    # uploaded in this competition counts as competing.
    earlier = (
        Submission.objects.filter(on_boards(), task__competition=competition, submitted_by=user)
        .select_related("team")
        .first()
    )
    if earlier is not None:
        return _competing_reviewer_refusal(competition=competition, team_name=earlier.team.name)
    return None


def _competing_reviewer_refusal(*, competition: Competition, team_name: str) -> str:
    opens = competition.reveal_time.astimezone(UTC)
    return (
        f"You review this competition and also compete in it (team {team_name}). "
        "The compare pages show every team's methods and scores, more than other teams see, "
        f"so they open for you when the results are revealed: {opens.day} "
        f"{opens:%b %Y, %H:%M} UTC. Until then the leaderboards show what every team sees."
    )

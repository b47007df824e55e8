"""Tests' participants take part as a person does: they accept the competition's rules (what
the rules page records) and then create or join a team through the teams' services, which
refuse anyone who has not. Import ``team_create`` and ``team_join`` from here in tests that
need teams; tests of the refusal itself call ``arena.teams.services`` directly."""

from arena.competitions.selectors import rules_fingerprint
from arena.competitions.services import rules_accept
from arena.teams import services
from arena.teams.models import Team


def accept_rules(*, competition, user) -> None:
    """``user`` accepts the competition's rules as they stand now."""
    rules_accept(
        competition=competition, user=user, rules_hash=rules_fingerprint(competition=competition)
    )


def team_create(*, competition, user, name: str) -> Team:
    accept_rules(competition=competition, user=user)
    return services.team_create(competition=competition, user=user, name=name)


def team_join(*, competition, user, invite_code: str) -> Team:
    accept_rules(competition=competition, user=user)
    return services.team_join(competition=competition, user=user, invite_code=invite_code)

"""Issue 18, item 3: each participant accepts the competition's rules (the organizers' Markdown
and the rules Arena words from the settings) before creating or joining a team; the acceptance
is recorded with a hash of the rules, and a change of the rules is flagged to those who accepted
the old ones. The refusal lives in the teams' services, so the pages cannot be walked around."""

import html
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from arena.baselines.services import baseline_team_for
from arena.competitions.models import Competition, RulesAcceptance
from arena.competitions.selectors import rules_fingerprint
from arena.core.errors import UserFacingError
from arena.teams import services as team_services
from arena.teams.models import Membership, Team
from tests.integration.helpers import csv_upload
from tests.participants import accept_rules

pytestmark = pytest.mark.django_db


def rules_url(competition) -> str:
    return reverse("competitions:rules", args=[competition.slug])


def team_url(competition) -> str:
    return reverse("teams:mine", args=[competition.slug])


def rule_text(page: str, rule_id: str) -> str:
    """The words of one rule (its <dd>), tags stripped and spaces collapsed."""
    found = re.search(rf'<dd id="{rule_id}">(.*?)</dd>', page, flags=re.S)
    assert found, f"no #{rule_id} on the page"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


def accept_on_the_page(client, competition, *, rules_hash=None):
    return client.post(
        rules_url(competition),
        {"accept": "on", "rules_hash": rules_hash or rules_fingerprint(competition=competition)},
    )


# --- refusal before acceptance ----------------------------------------------------------------


def test_the_services_refuse_a_team_to_whoever_has_not_accepted(competition, alice_team, bob):
    with pytest.raises(UserFacingError, match=f"accept the rules.*{rules_url(competition)}"):
        team_services.team_create(competition=competition, user=bob, name="Bravo")
    with pytest.raises(UserFacingError, match=f"accept the rules.*{rules_url(competition)}"):
        team_services.team_join(
            competition=competition, user=bob, invite_code=alice_team.invite_code
        )
    # Nothing half-written: no team, no membership, no acceptance on their behalf.
    assert list(Team.objects.values_list("name", flat=True)) == ["Alpha"]
    assert not Membership.objects.filter(user=bob).exists()
    assert not RulesAcceptance.objects.filter(user=bob).exists()


def test_the_team_page_sends_them_to_the_rules_instead_of_showing_the_forms(
    client, competition, alice_team, bob
):
    client.force_login(bob)
    page = client.get(team_url(competition)).content.decode()
    assert 'id="accept-rules-first"' in page
    assert f'href="{rules_url(competition)}?next=' in page
    assert 'name="create-name"' not in page and 'name="join-invite_code"' not in page

    # A form posted anyway (an old tab, a script) is refused by the service behind the page.
    created = client.post(
        team_url(competition), {"action": "create", "create-name": "Bravo"}, follow=True
    )
    joined = client.post(
        team_url(competition),
        {"action": "join", "join-invite_code": alice_team.invite_code},
        follow=True,
    )
    for response in (created, joined):
        assert "accept the rules of Test Cup" in response.content.decode()
    assert not Team.objects.filter(name="Bravo").exists()
    assert not Membership.objects.filter(user=bob).exists()


def test_the_api_offers_no_way_around_it(client, competition, products, bob):
    """The API has no endpoint that creates or joins a team; without a team it takes no upload,
    so the rules page is the only way in for a script too."""
    from arena.api.services import api_token_create

    task, data = products
    _, secret = api_token_create(user=bob, name="laptop")
    answer = client.post(
        reverse("api:submissions", args=[competition.slug, task.slug]),
        {"file": csv_upload(data.answers)},
        HTTP_AUTHORIZATION=f"Token {secret}",
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["message"] == "Create or join a team before you submit."
    assert not Team.objects.exists()


# --- accepting -----------------------------------------------------------------------------


def test_accepting_records_the_rules_hash_and_opens_the_team_forms(
    client, competition, alice_team, bob
):
    client.force_login(bob)
    page = client.get(rules_url(competition)).content.decode()
    shown = re.search(r'name="rules_hash" value="([0-9a-f]{64})"', page).group(1)
    assert shown == rules_fingerprint(competition=competition)
    assert "I accept these rules" in page and 'type="checkbox"' in page
    assert "csrfmiddlewaretoken" in page

    response = accept_on_the_page(client, competition, rules_hash=shown)
    assert response.status_code == 302 and response["Location"] == rules_url(competition)
    acceptance = RulesAcceptance.objects.get(user=bob, competition=competition)
    assert acceptance.rules_hash == shown

    page = client.get(rules_url(competition)).content.decode()
    assert "You accepted these rules" in page
    assert f"{acceptance.accepted_at:%Y-%m-%dT%H:%M}" in page  # the <time> of the acceptance
    assert 'name="accept"' not in page

    joining = {"action": "join", "join-invite_code": alice_team.invite_code}
    client.post(team_url(competition), joining)
    assert Membership.objects.get(user=bob).team == alice_team


def test_accepting_takes_the_ticked_box_and_goes_back_where_they_were(
    client, competition, alice_team, bob
):
    client.force_login(bob)
    unticked = client.post(
        rules_url(competition), {"rules_hash": rules_fingerprint(competition=competition)}
    )
    assert unticked.status_code == 200
    assert "Tick the box to accept the rules." in unticked.content.decode()
    assert not RulesAcceptance.objects.filter(user=bob).exists()

    invite = f"{team_url(competition)}?code={alice_team.invite_code}"
    back = client.post(
        rules_url(competition),
        {
            "accept": "on",
            "rules_hash": rules_fingerprint(competition=competition),
            "next": invite,
        },
    )
    assert back["Location"] == invite
    elsewhere = client.post(
        rules_url(competition),
        {
            "accept": "on",
            "rules_hash": rules_fingerprint(competition=competition),
            "next": "https://evil.example/",
        },
    )
    assert elsewhere["Location"] == rules_url(competition)
    assert RulesAcceptance.objects.filter(user=bob).count() == 1  # once per version


def test_rules_changed_while_reading_are_not_accepted_on_their_behalf(client, competition, bob):
    client.force_login(bob)
    read = rules_fingerprint(competition=competition)
    competition.rules = "No external data."
    competition.save()
    response = client.post(
        rules_url(competition),
        {"accept": "on", "rules_hash": read, "next": team_url(competition)},
    )
    assert not RulesAcceptance.objects.exists()
    # Back to the rules, the new ones, still on the way to the team page.
    assert response["Location"] == f"{rules_url(competition)}?next=%2Fc%2Ftest-cup%2Fteam%2F"
    page = client.get(response["Location"]).content.decode()
    assert "The rules changed while you were reading them" in page
    assert "No external data." in page
    assert 'name="next" value="/c/test-cup/team/"' in page


# --- the rules in words ----------------------------------------------------------------------


def test_the_rules_page_words_the_competitions_settings(client, competition):
    Competition.objects.filter(pk=competition.pk).update(
        daily_submission_limit=7,
        total_submission_limit=40,
        final_selection_limit=3,
        max_team_size=4,
        track_ranking=Competition.TrackRanking.MEAN_SCORE,
    )
    page = client.get(rules_url(competition)).content.decode()
    quota = rule_text(page, "quota-rule")
    assert quota.startswith("7 a day per task (the day is UTC) and 40 in all")
    assert "Up to 4 people per team" in rule_text(page, "team-rule")
    finals = rule_text(page, "finals-rule")
    assert "up to 3 scored submissions per task as final" in finals
    assert "A team that marks none on a task is ranked by its best 3 by public score" in finals
    assert rule_text(page, "prize-rule").startswith("Mean score over the track's tasks orders")
    missing = rule_text(page, "missing-task-rule")
    assert "a score of zero" in missing and "the worst rank" in missing

    Competition.objects.filter(pk=competition.pk).update(
        daily_submission_limit=2,
        total_submission_limit=None,
        final_selection_limit=1,
        max_team_size=1,
        track_ranking=Competition.TrackRanking.MEAN_RANK,
    )
    page = client.get(rules_url(competition)).content.decode()
    assert rule_text(page, "quota-rule").startswith("2 a day per task (the day is UTC), counted")
    assert "in all" not in rule_text(page, "quota-rule")
    assert "Up to 1 person per team" in rule_text(page, "team-rule")
    assert "up to 1 scored submission per task as final" in rule_text(page, "finals-rule")
    assert rule_text(page, "prize-rule").startswith("Mean rank over the track's tasks orders")


def test_the_competition_page_shows_the_same_words_from_one_partial(client, competition):
    Competition.objects.filter(pk=competition.pk).update(final_selection_limit=4)
    rules_page = client.get(rules_url(competition)).content.decode()
    detail = client.get(reverse("competitions:detail", args=[competition.slug])).content.decode()
    for rule_id in ("quota-rule", "team-rule", "finals-rule", "prize-rule", "missing-task-rule"):
        assert rule_text(detail, rule_id) == rule_text(rules_page, rule_id)
    assert "best 4 by public score" in rule_text(detail, "finals-rule")
    assert f'href="{rules_url(competition)}"' in detail


def test_without_written_rules_the_words_are_what_is_accepted(client, competition, bob):
    assert competition.rules == ""
    client.force_login(bob)
    page = client.get(rules_url(competition)).content.decode()
    assert 'id="organizer-rules"' not in page
    assert 'id="rules-in-words"' in page and 'id="accept-rules"' in page


# --- changed rules ---------------------------------------------------------------------------


def test_changed_rules_are_flagged_to_those_who_accepted_the_old_ones(
    client, competition, alice, alice_team, bob
):
    accept_rules(competition=competition, user=bob)
    competition.rules = "Use no external data."
    competition.save()

    client.force_login(bob)
    page = client.get(rules_url(competition)).content.decode()
    assert "The rules changed after you accepted them" in page
    assert "Accept the new rules" in page
    with pytest.raises(UserFacingError, match="changed after you accepted them"):
        team_services.team_create(competition=competition, user=bob, name="Bravo")
    assert not Team.objects.filter(name="Bravo").exists()

    # A member keeps the team and its uploads, and is told on the team and competition pages.
    client.force_login(alice)
    assert 'id="rules-changed"' in client.get(team_url(competition)).content.decode()
    detail = client.get(reverse("competitions:detail", args=[competition.slug])).content.decode()
    assert 'id="rules-changed"' in detail

    # Accepting again records the new version beside the old one.
    client.force_login(bob)
    accept_on_the_page(client, competition)
    hashes = set(RulesAcceptance.objects.filter(user=bob).values_list("rules_hash", flat=True))
    assert len(hashes) == 2 and rules_fingerprint(competition=competition) in hashes
    assert "The rules changed" not in client.get(rules_url(competition)).content.decode()
    team_services.team_create(competition=competition, user=bob, name="Bravo")


def test_a_changed_setting_in_the_words_changes_the_rules_too(competition, bob):
    accept_rules(competition=competition, user=bob)
    before = rules_fingerprint(competition=competition)
    competition.daily_submission_limit = competition.daily_submission_limit + 1
    competition.save()
    assert rules_fingerprint(competition=competition) != before
    with pytest.raises(UserFacingError, match="changed after you accepted them"):
        team_services.team_create(competition=competition, user=bob, name="Bravo")


def test_line_endings_and_trailing_spaces_do_not_change_the_rules(competition):
    competition.rules = "1. Be fair.\n2. Cite your sources."
    before = rules_fingerprint(competition=competition)
    competition.rules = "1. Be fair.  \r\n2. Cite your sources.\r\n"
    assert rules_fingerprint(competition=competition) == before


# --- the page itself ----------------------------------------------------------------------


def test_hostile_markdown_in_the_rules_is_sanitized(client, competition):
    competition.rules = (
        "**Be fair.**\n\n<script>alert(1)</script>\n\n[prize](javascript:alert(2))\n\n"
        '<img src="x" onerror="alert(3)">\n\n<iframe src="https://evil.example/"></iframe>'
    )
    competition.save()
    page = client.get(rules_url(competition)).content.decode()
    assert "<strong>Be fair.</strong>" in page
    assert "<script>alert(1)" not in page
    assert "javascript:" not in page
    assert "onerror" not in page
    assert "<iframe" not in page


def test_anonymous_visitors_read_the_rules_and_get_a_sign_in_link(client, competition):
    competition.rules = "Be fair."
    competition.save()
    page = client.get(rules_url(competition)).content.decode()
    assert "Be fair." in page and 'id="quota-rule"' in page
    login = reverse("accounts:login")
    assert f'href="{login}?next={rules_url(competition)}' in page.replace("%2F", "/")
    assert 'name="accept"' not in page

    posted = client.post(
        rules_url(competition),
        {"accept": "on", "rules_hash": rules_fingerprint(competition=competition)},
    )
    assert posted.status_code == 302 and posted["Location"].startswith(login)
    assert not RulesAcceptance.objects.exists()


# --- the platform's own teams -------------------------------------------------------------


def test_baseline_teams_are_the_platforms_and_need_no_acceptance(competition):
    team, user = baseline_team_for(competition=competition, method="tfidf-logreg", preset="fast")
    assert team.is_baseline and Membership.objects.filter(team=team, user=user).exists()
    assert not RulesAcceptance.objects.filter(user=user).exists()


def test_the_demo_accepts_the_rules_for_the_participants_it_puts_in_teams():
    call_command("load_demo", "--no-builtin", stdout=io.StringIO())
    competition = Competition.objects.get(slug="arena-demo")
    assert competition.rules
    accepted = dict(
        RulesAcceptance.objects.filter(competition=competition).values_list(
            "user__username", "rules_hash"
        )
    )
    fingerprint = rules_fingerprint(competition=competition)
    assert accepted == {"alice": fingerprint, "charlie": fingerprint}  # bob has no team yet

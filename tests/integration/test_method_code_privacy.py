"""Who sees a method's code (issue 16): its team, the organizers, and the reviewers when the
competition lets them run teams' methods, always; other teams never during the challenge; after
its end, as the competition's rule says (``methods_code_after_end``: "private" keeps it with
them, "public" opens it to anyone signed in). Every place that serves code asks the same rule:
the version's page, its download and the API's list of its runs."""

import io
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from arena.competitions.models import Competition
from arena.core.errors import UserFacingError
from arena.methods.models import MethodRun
from arena.methods.runs import run_request
from arena.methods.selectors import code_visible
from arena.methods.services import method_push_folder
from tests.participants import team_create

EXAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "methods" / "majority"


@pytest.fixture
def world(competition, products, alice, bob, charlie, make_user):
    """Alpha's method; Bravo, another team; charlie in no team; an organizer; a reviewer."""
    alpha = team_create(competition=competition, user=alice, name="Alpha")
    team_create(competition=competition, user=bob, name="Bravo")
    version = method_push_folder(team=alpha, user=alice, root=EXAMPLE).version
    organizer, reviewer = make_user("olga"), make_user("rita")
    competition.organizers.add(organizer)
    competition.reviewers.add(reviewer)
    people = {"team": alice, "other team": bob, "no team": charlie}
    people |= {"organizer": organizer, "reviewer": reviewer}
    return version, people


def urls(version) -> dict[str, str]:
    slug = version.method.team.competition.slug
    return {
        "page": reverse("methods:version", args=[slug, version.pk]),
        "download": reverse("methods:download", args=[slug, version.pk]),
        "api runs": reverse("api:method_runs", args=[slug, version.pk]),
    }


def served(version, user) -> dict[str, int]:
    """The status of each place that serves the version's code, for ``user``."""
    client, api = Client(), APIClient()
    client.force_login(user)
    api.force_authenticate(user)
    statuses = {}
    for name, url in urls(version).items():
        statuses[name] = (api if name.startswith("api") else client).get(url).status_code
    return statuses


def sees(version, user) -> bool:
    """True when every place serves the code to ``user``, False when none does."""
    statuses = set(served(version, user).values())
    assert statuses in ({200}, {404}), statuses  # the places agree
    return statuses == {200}


def set_rule(competition: Competition, *, ended: bool, rule: str, reviewers: bool = True):
    now = timezone.now()
    if ended:
        competition.start_at, competition.end_at = (
            now - timedelta(days=30),
            now - timedelta(hours=1),
        )
    else:
        competition.start_at, competition.end_at = now - timedelta(days=1), now + timedelta(days=30)
    competition.methods_code_after_end = rule
    competition.reviewers_run_methods = reviewers
    competition.save()


def test_the_rule_is_private_unless_the_organizers_choose(competition):
    assert competition.methods_code_after_end == "private"
    assert Competition._meta.get_field("methods_code_after_end").db_default == "private"


@pytest.mark.parametrize("rule", ["private", "public"])
def test_other_teams_never_see_the_code_during_the_challenge(competition, world, rule):
    version, people = world
    set_rule(competition, ended=False, rule=rule)
    assert not sees(version, people["other team"])
    assert not sees(version, people["no team"])
    for who in ("team", "organizer", "reviewer"):
        assert sees(version, people[who]), who


def test_after_the_end_private_code_stays_with_the_team_organizers_and_reviewers(
    competition, world
):
    version, people = world
    set_rule(competition, ended=True, rule="private")
    assert not sees(version, people["other team"])
    assert not sees(version, people["no team"])
    for who in ("team", "organizer", "reviewer"):
        assert sees(version, people[who]), who


def test_after_the_end_public_code_is_for_anyone_signed_in(competition, world):
    version, people = world
    set_rule(competition, ended=True, rule="public", reviewers=False)
    for who in ("other team", "no team", "team", "organizer", "reviewer"):
        assert sees(version, people[who]), who
    client = Client()
    client.force_login(people["other team"])
    download = client.get(urls(version)["download"])
    with zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))) as archive:
        assert archive.read("main.py") == (EXAMPLE / "main.py").read_bytes()
    # Reading is all: no run form, and a run is refused.
    page = client.get(urls(version)["page"]).content.decode()
    assert 'name="task"' not in page and "python main.py" in page
    with pytest.raises(UserFacingError, match="Only the method's team"):
        run_request(version=version, task=version.method.team.competition.tasks.get(),
                    user=people["other team"])  # fmt: skip
    assert not MethodRun.objects.exists()
    # Not to the anonymous: the page sends them to log in, the API answers 401 or 403.
    anonymous = Client()
    assert anonymous.get(urls(version)["page"]).status_code == 302
    assert anonymous.get(urls(version)["download"]).status_code == 302
    assert APIClient().get(urls(version)["api runs"]).status_code in (401, 403)
    assert not code_visible(version=version, user=AnonymousUser())


def test_reviewers_see_the_code_only_when_the_competition_allows(competition, world):
    version, people = world
    set_rule(competition, ended=False, rule="private", reviewers=False)
    assert not sees(version, people["reviewer"])
    set_rule(competition, ended=True, rule="private", reviewers=False)
    assert not sees(version, people["reviewer"])
    assert sees(version, people["organizer"]) and sees(version, people["team"])


def test_the_rule_is_told_on_the_competition_page(client, competition, alice):
    client.force_login(alice)
    detail = reverse("competitions:detail", args=[competition.slug])
    text = client.get(detail).content.decode()
    assert "never by other teams during the competition" in text
    assert "After the end, it stays with them." in text
    set_rule(competition, ended=False, rule="public")
    text = client.get(detail).content.decode()
    assert "After the end, anyone signed in may read and download it." in text


def test_organizers_set_the_rule_in_the_admin(competition, make_user):
    organizer = make_user("olga")
    organizer.is_staff = True
    organizer.save()
    organizer.user_permissions.set(
        Permission.objects.filter(content_type__app_label="competitions")
    )
    competition.organizers.add(organizer)
    client = Client()
    client.force_login(organizer)
    page = client.get(reverse("admin:competitions_competition_change", args=[competition.pk]))
    text = page.content.decode()
    assert 'name="methods_code_after_end"' in text and "Methods&#x27; code after the end" in text
    assert 'value="public"' in text and 'value="private" selected' in text

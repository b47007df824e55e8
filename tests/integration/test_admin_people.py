"""The admin's competition form takes organizers and reviewers by exact username and lists
nobody else (issue 14, item 10): not in the form, not through Django's autocomplete endpoint,
not through the user lookup popup."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from arena.competitions.models import AuditEvent, Competition

pytestmark = pytest.mark.django_db

OUTSIDERS = ["zelda-outsider", "yuri-outsider", "xena-outsider"]


@pytest.fixture
def people(make_user, competition):
    organizer = make_user("olga-organizer")
    organizer.is_staff = True
    organizer.save()
    # Every permission an organizer's account might be given for the competition apps.
    organizer.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["competitions", "submissions", "teams", "baselines"]
        )
    )
    competition.organizers.add(organizer)
    reviewer = make_user("rita-reviewer")
    competition.reviewers.add(reviewer)
    outsiders = [make_user(name) for name in OUTSIDERS]
    client = Client()
    client.force_login(organizer)
    return {"client": client, "organizer": organizer, "reviewer": reviewer, "outsiders": outsiders}


def change_url(competition) -> str:
    return reverse("admin:competitions_competition_change", args=[competition.pk])


def form_data(competition, **changes) -> dict:
    def split(moment):
        local = timezone.localtime(moment)
        return local.strftime("%Y-%m-%d"), local.strftime("%H:%M:%S")

    start, end = split(competition.start_at), split(competition.end_at)
    data = {
        "slug": competition.slug,
        "title": competition.title,
        "summary": competition.summary,
        "description": competition.description,
        "start_at_0": start[0],
        "start_at_1": start[1],
        "end_at_0": end[0],
        "end_at_1": end[1],
        "reveal_at_0": "",
        "reveal_at_1": "",
        "max_team_size": competition.max_team_size,
        "daily_submission_limit": competition.daily_submission_limit,
        "total_submission_limit": "",
        "final_selection_limit": competition.final_selection_limit,
        "track_ranking": competition.track_ranking,
        "methods_code_after_end": competition.methods_code_after_end,
        "run_baselines_on_import": "on",
        "organizers": "olga-organizer",
        "reviewers": "rita-reviewer",
        "tracks-TOTAL_FORMS": "0",
        "tracks-INITIAL_FORMS": "0",
        "tracks-MIN_NUM_FORMS": "0",
        "tracks-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    data.update(changes)
    return data


def test_the_form_names_only_the_people_already_chosen(people, competition):
    client = people["client"]
    html = client.get(change_url(competition)).content.decode()
    assert 'name="organizers"' in html and 'value="olga-organizer"' in html
    assert 'name="reviewers"' in html and 'value="rita-reviewer"' in html
    for name in OUTSIDERS:
        assert name not in html, name
    assert "<select" not in html.split('name="organizers"')[0][-300:]  # a text box, no list
    add = reverse("admin:competitions_competition_add")
    # The admin's add page takes initial values from the query: ids are not turned into names.
    ids = ",".join(str(user.pk) for user in people["outsiders"])
    for url in (add, f"{add}?organizers={ids}&reviewers={ids}"):
        page = client.get(url)
        assert page.status_code == 200, url
        for name in OUTSIDERS:
            assert name not in page.content.decode(), (url, name)


def test_people_are_added_by_exact_username(people, competition):
    client = people["client"]
    data = form_data(competition, organizers="olga-organizer, zelda-outsider", reviewers="")
    response = client.post(change_url(competition), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    organizers = set(competition.organizers.values_list("username", flat=True))
    assert organizers == {"olga-organizer", "zelda-outsider"}
    assert not competition.reviewers.exists()
    assert AuditEvent.objects.filter(
        competition=competition, summary__contains="organizers changed"
    ).exists()


def test_an_unknown_name_is_refused_and_nothing_changes(people, competition):
    client = people["client"]
    data = form_data(competition, reviewers="rita-reviewer, nobody-at-all")
    response = client.post(change_url(competition), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "No user is named &#x27;nobody-at-all&#x27;" in html
    for name in OUTSIDERS:
        assert name not in html, name
    assert list(competition.reviewers.values_list("username", flat=True)) == ["rita-reviewer"]


def test_turning_explanations_on_warns_what_it_leaks(people, competition):
    client = people["client"]
    data = form_data(competition, explanations_before_reveal="on")
    response = client.post(change_url(competition), data, follow=True)
    assert Competition.objects.get(pk=competition.pk).explanations_before_reveal
    assert "which test rows are public" in response.content.decode()


def test_no_endpoint_lists_users_to_an_organizer(people, competition):
    client = people["client"]
    autocomplete = reverse("admin:autocomplete")
    for field in ("organizers", "reviewers"):
        for term in ("", "outsider", "a"):
            response = client.get(
                autocomplete,
                {
                    "app_label": "competitions",
                    "model_name": "competition",
                    "field_name": field,
                    "term": term,
                },
            )
            assert response.status_code in (403, 404), (field, term)
            for name in OUTSIDERS:
                assert name not in response.content.decode(), (field, term, name)
    users = reverse("admin:auth_user_changelist")
    for query in ({"_popup": "1", "_to_field": "id"}, {"q": "outsider"}, {}):
        response = client.get(users, query)
        assert response.status_code == 403, query
        for name in OUTSIDERS:
            assert name not in response.content.decode(), (query, name)


def test_superusers_use_the_same_form(django_user_model, people, competition):
    root = django_user_model.objects.create_superuser("root", password="x-very-long-password")
    client = Client()
    client.force_login(root)
    html = client.get(change_url(competition)).content.decode()
    assert 'value="olga-organizer"' in html
    assert not any(name in html for name in OUTSIDERS)
    later = timezone.now() + timedelta(days=60)
    data = form_data(competition, end_at_0=later.strftime("%Y-%m-%d"), reviewers="Yuri-Outsider")
    assert client.post(change_url(competition), data).status_code == 302
    assert [user.username for user in competition.reviewers.all()] == ["yuri-outsider"]

"""Boards and the compare pages read what the worker stored (issue 15): no page view ranks
entries, computes a rank test or runs a bootstrap. A page that finds nothing stored, or results
whose inputs changed, says so, reloads itself and asks a worker once; the worker's results are
what the page then shows, to every viewer under the same visibility policy."""

import json

import pytest
from django.urls import reverse

from arena.results.models import StoredResult
from arena.results.services import competition_results_refresh
from arena.submissions.models import Score
from arena.submissions.services import submission_set_final, submission_update_method
from tests.integration.helpers import predictions_with_private_errors, submit_scored
from tests.participants import team_create

REFRESH_JOB = "arena.results.tasks.refresh_competition_results"


def jobs_on(broker, name: str) -> list[str]:
    sent = [json.loads(raw)["headers"] for raw in broker.lrange("scoring", 0, -1)]
    return [headers["argsrepr"] for headers in sent if headers["task"] == name]


@pytest.fixture
def scored(competition, products, alice, bob, make_user):
    """Two teams with one entry each on one task, and a reviewer's client."""
    task, _ = products
    team_create(competition=competition, user=alice, name="Alpha")
    team_create(competition=competition, user=bob, name="Bravo")
    entries = {
        "Alpha": submit_scored(task, alice, predictions_with_private_errors(task, wrong_private=3)),
        "Bravo": submit_scored(task, bob, predictions_with_private_errors(task, wrong_private=0)),
    }
    reviewer = make_user("rita")
    competition.reviewers.add(reviewer)
    return competition, task, entries, reviewer


def test_pages_with_nothing_stored_ask_a_worker_once_and_say_so(client, scored, broker):
    competition, task, _, reviewer = scored
    StoredResult.objects.filter(competition=competition).delete()  # a fresh deployment
    client.force_login(reviewer)
    track = task.track.slug
    pages = {
        reverse("compare:comparison", args=[competition.slug]): "comparison",
        reverse("leaderboards:task", args=[competition.slug, task.slug]): "board",
        reverse("leaderboards:track", args=[competition.slug, track]): "board",
    }
    broker.delete("scoring")  # the scores' own follow-up jobs
    for _ in range(2):
        for url, kind in pages.items():
            page = client.get(url).content.decode()
            assert f'data-{kind}-state="computing"' in page, url
            assert '<meta http-equiv="refresh"' in page and "Alpha" not in page, url
    assert jobs_on(broker, REFRESH_JOB) == [f"[{competition.pk}]"]
    not_yet = [
        reverse("compare:statistics", args=[competition.slug, "json"]),
        reverse("leaderboards:task", args=[competition.slug, task.slug]) + "?format=csv",
        f"/api/competitions/{competition.slug}/tasks/{task.slug}/leaderboard/",
    ]
    for url in not_yet:
        response = client.get(url)
        assert response.status_code == 503 and response["Retry-After"], url
    competition_results_refresh(competition_id=competition.pk, force=True)  # the worker's job
    for url in pages:
        page = client.get(url).content.decode()
        assert "Alpha" in page and '<meta http-equiv="refresh"' not in page, url


def test_the_page_shows_the_stored_comparison_not_a_fresh_one(client, scored, broker):
    """A score edited behind the worker's back (same rows, other value) does not show: the page
    renders what the worker stored."""
    competition, task, entries, reviewer = scored
    stored = StoredResult.objects.get(competition=competition, key="comparison", split="public")
    assert stored.fingerprint and stored.computed_at is not None
    client.force_login(reviewer)
    url = reverse("compare:comparison", args=[competition.slug])
    before = client.get(url).content.decode()
    assert 'data-comparison-state="current"' in before
    assert '<meta http-equiv="refresh"' not in before
    public = Score.objects.get(
        submission=entries["Alpha"], split="public", metric=task.metric, task_version=task.version
    )
    shown = f"{public.value:.4f}"
    assert shown in before
    Score.objects.filter(pk=public.pk).update(value=0.123456)
    after = client.get(url).content.decode()
    assert "0.1235" not in after and shown in after
    assert jobs_on(broker, REFRESH_JOB) == []  # nothing it depends on changed in its eyes
    competition_results_refresh(competition_id=competition.pk, force=True)
    assert "0.1235" in client.get(url).content.decode()


def test_choosing_finals_makes_the_stored_results_out_of_date(client, scored, broker, alice):
    competition, task, entries, reviewer = scored
    broker.delete("scoring")
    submission_set_final(submission=entries["Alpha"], user=alice, is_final=True)
    assert jobs_on(broker, REFRESH_JOB) == [f"[{competition.pk}]"]  # sent by the service
    broker.delete("scoring")
    client.force_login(reviewer)
    page = client.get(reverse("compare:comparison", args=[competition.slug])).content.decode()
    assert 'data-comparison-state="updating"' in page
    board = client.get(reverse("leaderboards:task", args=[competition.slug, task.slug]))
    assert 'data-board-state="updating"' in board.content.decode()
    assert jobs_on(broker, REFRESH_JOB) == [f"[{competition.pk}]"]
    api = client.get(f"/api/competitions/{competition.slug}/tasks/{task.slug}/leaderboard/")
    assert api.status_code == 200 and api.json()["current"] is False


def test_renaming_a_method_asks_for_a_new_comparison(scored, broker, alice):
    competition, _, entries, _ = scored
    broker.delete("scoring")
    submission_update_method(
        submission=entries["Alpha"],
        user=alice,
        method_name="Renamed",
        description="",
        tags=[],
        code_url="",
    )
    assert jobs_on(broker, REFRESH_JOB) == [f"[{competition.pk}]"]

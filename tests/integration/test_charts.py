"""Best public score over time: on the leaderboard for the leading teams, on the task page for
one's own team; public figures only, names escaped."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from arena.results.boards import best_score_history
from arena.submissions.models import Submission
from tests.integration.helpers import (
    predictions_with_private_errors,
    predictions_with_public_errors,
    submit_scored,
)
from tests.participants import team_create


def test_history_has_a_point_whenever_the_best_improves(competition, products, alice):
    task, _ = products
    team_create(competition=competition, user=alice, name="Alpha")
    first = submit_scored(task, alice, predictions_with_public_errors(task, wrong_public=10))
    worse = submit_scored(task, alice, predictions_with_public_errors(task, wrong_public=20))
    better = submit_scored(task, alice, predictions_with_public_errors(task, wrong_public=0))
    now = timezone.now()
    for offset, submission in enumerate((first, worse, better)):
        Submission.objects.filter(pk=submission.pk).update(
            created_at=now - timedelta(days=3 - offset)
        )
    points = best_score_history(task=task)["Alpha"]
    assert len(points) == 2  # the worse entry does not move the line
    assert points[0][1] < points[1][1] == 1.0


def test_charts_show_on_pages_escape_names_and_hold_no_private_score(
    client, competition, products, bob
):
    task, _ = products
    team_create(competition=competition, user=bob, name="<svg onload=alert(1)>")
    submission = submit_scored(task, bob, predictions_with_private_errors(task, wrong_private=9))
    private = submission.scores.get(split="private", metric="macro_f1").value
    leaderboard = client.get(reverse("leaderboards:task", args=[competition.slug, task.slug]))
    body = leaderboard.content.decode()
    assert "Best public score over time" in body and "<path" in body
    assert "<svg onload" not in body and "&lt;svg onload" in body
    assert f"{private:.3f}" not in body
    client.force_login(bob)
    page = client.get(reverse("competitions:task_mine", args=[competition.slug, task.slug]))
    assert b"Your best public score over time" in page.content

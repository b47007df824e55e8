"""Per-class reports and confusion matrices leak labels and the split (issue 14, item 3).

The probe: predict one class everywhere except a few chosen rows, each given a different other
class. The public confusion matrix then says which of those rows are public and the true label
of each public one. A team runs it for real here (upload through the page, scored by the
Celery task in-process) and, before the reveal, learns its public scores and nothing more.
"""

from datetime import timedelta

import pandas as pd
import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from arena.api.services import api_token_create
from arena.competitions.models import Competition
from arena.submissions.models import Submission
from arena.submissions.tasks import score_submission
from tests.integration.helpers import answers_with_usage, csv_upload

pytestmark = pytest.mark.django_db


def probe(task, data) -> tuple[pd.DataFrame, dict[str, str]]:
    """One class everywhere; the first K-1 test rows each get one of the other classes."""
    first, *others = task.classes
    frame = pd.DataFrame({"id": data.test["id"], "label": first})
    chosen = dict(zip(frame["id"].head(len(others)), others, strict=True))
    frame["label"] = [chosen.get(row_id, first) for row_id in frame["id"]]
    return frame, chosen


def upload_probe(client, task, data) -> Submission:
    frame, _ = probe(task, data)
    url = reverse("submissions:upload", args=[task.competition.slug, task.slug])
    assert client.post(url, {"file": csv_upload(frame), "method_name": "M"}).status_code == 302
    submission = Submission.objects.get()
    score_submission.apply(args=[submission.pk])
    submission.refresh_from_db()
    assert submission.status == "scored"
    return submission


def page_of(client, submission) -> str:
    task = submission.task
    url = reverse("submissions:detail", args=[task.competition.slug, task.slug, submission.pk])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def api_of(user, submission) -> tuple[dict, str]:
    _, key = api_token_create(user=user, name="probe")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    task = submission.task
    url = (
        f"/api/competitions/{task.competition.slug}/tasks/{task.slug}/submissions/{submission.pk}/"
    )
    response = api.get(url)
    assert response.status_code == 200
    return response.json(), response.content.decode()


def reveal(competition: Competition) -> None:
    now = timezone.now()
    Competition.objects.filter(pk=competition.pk).update(
        start_at=now - timedelta(days=10), end_at=now - timedelta(minutes=1), reveal_at=None
    )


def assert_nothing_but_public_scores(*, html: str, body: dict, raw: str, classes: list[str]):
    assert body["public_scores"]  # the one thing an upload tells during the challenge
    assert "Per class" not in html and 'class="confusion' not in html
    assert 'id="explanation-hidden"' in html  # says when they will show, and why not now
    # Not one class name anywhere: no table of classes can be read, however it is laid out.
    for label in classes:
        assert label not in html, label
        assert label not in raw, label
    assert "explanation" not in body
    for word in ("per_class", "confusion", "support", "precision", "recall"):
        assert word not in raw, word


def assert_probe_answered(*, task, body: dict, chosen: dict[str, str]):
    """What the explanation tells: which chosen rows are public, and their true labels."""
    explanation = body["explanation"]
    classes = explanation["classes"]
    assert classes == list(task.classes)
    assert [row["label"] for row in explanation["per_class"]] == classes
    matrix = explanation["confusion"]
    key = answers_with_usage(task).astype({"id": str}).set_index("id")
    for row_id, predicted in ((str(row_id), label) for row_id, label in chosen.items()):
        column = [row[classes.index(predicted)] for row in matrix]
        if key.at[row_id, "usage"] == "public":
            assert column[classes.index(key.at[row_id, "label"])] == 1
        else:
            assert sum(column) == 0


def test_the_probe_learns_nothing_before_the_reveal(alice, alice_client, alice_team, products):
    task, data = products
    submission = upload_probe(alice_client, task, data)
    assert submission.public_details["confusion"]  # computed and kept, only not shown
    body, raw = api_of(alice, submission)
    assert_nothing_but_public_scores(
        html=page_of(alice_client, submission), body=body, raw=raw, classes=task.classes
    )
    listed = alice_client.get(
        reverse("submissions:team_list", args=[task.competition.slug, task.slug])
    ).content.decode()
    assert not any(label in listed for label in task.classes)


def test_after_the_reveal_the_report_and_matrix_show(
    alice, alice_client, alice_team, products, competition
):
    task, data = products
    submission = upload_probe(alice_client, task, data)
    reveal(competition)
    html = page_of(alice_client, submission)
    assert "Per class (public rows)" in html and 'class="confusion' in html
    assert 'id="explanation-hidden"' not in html
    for label in task.classes:
        assert f"<td>{label}</td>" in html and f'<th scope="row">{label}</th>' in html
    body, _ = api_of(alice, submission)
    _, chosen = probe(task, data)
    assert_probe_answered(task=task, body=body, chosen=chosen)


def test_organizers_may_show_them_during_the_challenge(
    alice, alice_client, alice_team, products, competition
):
    task, data = products
    submission = upload_probe(alice_client, task, data)
    Competition.objects.filter(pk=competition.pk).update(explanations_before_reveal=True)
    html = page_of(alice_client, submission)
    assert "Per class (public rows)" in html and 'class="confusion' in html
    body, _ = api_of(alice, submission)
    _, chosen = probe(task, data)
    assert_probe_answered(task=task, body=body, chosen=chosen)


def test_organizers_always_see_them(
    alice_client, alice_team, products, competition, make_user, client
):
    task, data = products
    submission = upload_probe(alice_client, task, data)
    organizer = make_user("olga")
    competition.organizers.add(organizer)
    client.force_login(organizer)
    html = page_of(client, submission)
    assert "Per class (public rows)" in html and 'class="confusion' in html


def test_the_competition_page_says_when_they_appear(client, competition):
    url = reverse("competitions:detail", args=[competition.slug])
    page = client.get(url).content.decode()
    assert "Per-class reports and confusion matrices" in page
    assert "shown with the private scores" in page
    Competition.objects.filter(pk=competition.pk).update(explanations_before_reveal=True)
    page = client.get(url).content.decode()
    assert "shown from the start" in page and "which test rows are public" in page


def test_the_admin_setting_warns_what_it_leaks(client, competition, make_user):
    organizer = make_user("olga")
    organizer.is_staff = True
    organizer.save()
    competition.organizers.add(organizer)
    organizer.user_permissions.set(
        Permission.objects.filter(content_type__app_label="competitions")
    )
    client.force_login(organizer)
    page = client.get(reverse("admin:competitions_competition_change", args=[competition.pk]))
    html = page.content.decode()
    assert 'name="explanations_before_reveal"' in html
    assert "Leaks test labels" in html and "which of those rows are" in html

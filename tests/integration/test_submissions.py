from datetime import timedelta

import pandas as pd
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from arena.competitions.models import Competition
from arena.submissions.models import Score, Submission
from tests.integration.helpers import csv_upload, parquet_upload, score_as_worker, stored_files


def upload_url(task):
    return reverse("submissions:upload", args=[task.competition.slug, task.slug])


def test_upload_is_stored_privately_queued_and_enqueued_on_commit(
    alice_client, alice_team, products, django_capture_on_commit_callbacks
):
    task, data = products
    with django_capture_on_commit_callbacks() as callbacks:
        response = alice_client.post(
            upload_url(task),
            {"file": csv_upload(data.answers), "comment": "perfect", "method_name": "M"},
        )
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.status == "queued"
    assert submission.team == alice_team
    assert submission.original_name == "predictions.csv"
    assert len(callbacks) == 1  # the scoring message is sent only once the row is committed
    stored = settings.PRIVATE_FILES_ROOT / submission.file_key
    assert stored.read_bytes() == data.answers.to_csv(index=False).encode()
    assert not submission.file_key.startswith(str(settings.STATIC_ROOT))


def test_scoring_a_perfect_file_gives_one_and_shows_on_the_leaderboard(
    alice_client, alice_team, products
):
    task, data = products
    alice_client.post(upload_url(task), {"file": csv_upload(data.answers), "method_name": "M"})
    submission = Submission.objects.get()
    assert score_as_worker(submission_id=submission.pk) == "scored"
    submission.refresh_from_db()
    assert submission.status == "scored"
    public = {s.metric: s.value for s in submission.scores.filter(split="public")}
    assert public == {"accuracy": 1.0, "macro_f1": 1.0, "weighted_f1": 1.0}
    page = alice_client.get(reverse("leaderboards:task", args=[task.competition.slug, task.slug]))
    assert b"Alpha" in page.content
    assert b"1.0000" in page.content


def test_parquet_upload_is_scored(alice_client, alice_team, products):
    task, data = products
    alice_client.post(upload_url(task), {"file": parquet_upload(data.answers), "method_name": "M"})
    submission = Submission.objects.get()
    assert submission.file_key.endswith(".parquet")
    assert score_as_worker(submission_id=submission.pk) == "scored"


def test_matching_task_scores_precision_recall_f1(alice_client, alice_team, offers):
    task, data = offers
    predictions = data.answers.copy()
    predictions["label"] = 1  # everything is a match: recall 1, precision = share of matches
    alice_client.post(upload_url(task), {"file": csv_upload(predictions), "method_name": "M"})
    submission = Submission.objects.get()
    score_as_worker(submission_id=submission.pk)
    answers = pd.read_parquet(settings.PRIVATE_FILES_ROOT / task.answers_path)
    public = answers[answers["usage"] == "public"]
    expected_precision = public["label"].mean()
    scores = {s.metric: s.value for s in submission.scores.filter(split="public")}
    assert scores["recall"] == 1.0
    assert abs(scores["precision"] - expected_precision) < 1e-12


def test_wrong_columns_are_refused_at_upload_and_nothing_is_stored(
    alice_client, alice_team, products
):
    task, data = products
    before = stored_files(settings.PRIVATE_FILES_ROOT)
    wrong = data.answers.rename(columns={"label": "category"})
    response = alice_client.post(
        upload_url(task), {"file": csv_upload(wrong), "method_name": "M"}, follow=True
    )
    assert b"Missing column(s) &#x27;label&#x27;" in response.content
    assert not Submission.objects.exists()
    assert stored_files(settings.PRIVATE_FILES_ROOT) == before


def test_json_upload_reports_the_refusal(alice_client, alice_team, products):
    task, data = products
    response = alice_client.post(
        upload_url(task),
        {"file": csv_upload(data.answers[["id"]]), "method_name": "M"},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 400
    assert "Missing column(s) 'label'" in response.json()["error"]


def test_missing_ids_make_the_submission_invalid_with_an_actionable_message(
    alice_client, alice_team, products
):
    task, data = products
    alice_client.post(
        upload_url(task), {"file": csv_upload(data.answers.iloc[5:]), "method_name": "M"}
    )
    submission = Submission.objects.get()
    assert score_as_worker(submission_id=submission.pk) == "invalid"
    submission.refresh_from_db()
    assert "missing" in submission.error_message.lower()
    assert "5" in submission.error_message
    assert not Score.objects.exists()


def test_unknown_class_is_invalid_and_never_reveals_true_labels(alice_client, alice_team, products):
    task, data = products
    predictions = data.answers.copy()
    predictions.loc[:2, "label"] = "spaceship"
    alice_client.post(upload_url(task), {"file": csv_upload(predictions), "method_name": "M"})
    submission = Submission.objects.get()
    assert score_as_worker(submission_id=submission.pk) == "invalid"
    submission.refresh_from_db()
    assert "spaceship" in submission.error_message
    for row_id, true_label in data.answers.iloc[:3].itertuples(index=False):
        assert f"{row_id}: {true_label}" not in submission.error_message
        assert f"{row_id}={true_label}" not in submission.error_message


def test_invalid_result_is_shown_on_the_task_page(alice_client, alice_team, products):
    task, data = products
    alice_client.post(
        upload_url(task), {"file": csv_upload(data.answers.iloc[5:]), "method_name": "M"}
    )
    score_as_worker(submission_id=Submission.objects.get().pk)
    mine = reverse("competitions:task_mine", args=[task.competition.slug, task.slug])
    page = alice_client.get(mine)
    assert b"Invalid" in page.content
    assert b"missing" in page.content.lower()


def test_upload_without_a_team_is_refused(client, bob, products):
    task, data = products
    client.force_login(bob)
    response = client.post(
        upload_url(task), {"file": csv_upload(data.answers), "method_name": "M"}, follow=True
    )
    assert b"Create or join a team before you submit" in response.content
    assert not Submission.objects.exists()


def test_upload_after_the_end_is_refused(alice_client, alice_team, products, competition):
    task, data = products
    competition.end_at = timezone.now() - timedelta(minutes=1)
    competition.start_at = competition.end_at - timedelta(days=1)
    competition.save()
    response = alice_client.post(
        upload_url(task), {"file": csv_upload(data.answers), "method_name": "M"}, follow=True
    )
    assert b"uploads are closed" in response.content
    assert not Submission.objects.exists()


def test_binary_garbage_is_refused_at_upload(alice_client, alice_team, products):
    from django.core.files.uploadedfile import SimpleUploadedFile

    task, _ = products
    garbage = SimpleUploadedFile("model.bin", b"\x00\x01\x02garbage\x00" * 50)
    response = alice_client.post(
        upload_url(task), {"file": garbage, "method_name": "M"}, follow=True
    )
    assert b"neither CSV nor Parquet" in response.content
    assert not Submission.objects.exists()


def test_team_submission_list_is_only_the_own_team(client, alice_team, products, bob, competition):
    from arena.submissions.services import submission_create
    from tests.participants import team_create

    task, data = products
    team_create(competition=competition, user=bob, name="Bravo")
    alice = alice_team.memberships.get().user
    submission_create(
        task=task, user=alice, uploaded_file=csv_upload(data.answers), comment="alpha-secret"
    )
    client.force_login(bob)
    fragment = client.get(reverse("submissions:team_list", args=[competition.slug, task.slug]))
    assert b"alpha-secret" not in fragment.content


def test_submission_list_polls_only_while_something_is_pending(alice_client, alice_team, products):
    task, data = products
    alice_client.post(upload_url(task), {"file": csv_upload(data.answers), "method_name": "M"})
    url = reverse("submissions:team_list", args=[task.competition.slug, task.slug])
    assert b"every 2s" in alice_client.get(url).content
    score_as_worker(submission_id=Submission.objects.get().pk)
    assert b"every 2s" not in alice_client.get(url).content


def test_task_refuses_answer_labels_missing_from_train(competition):
    import pytest

    from arena.competitions import synthetic
    from arena.competitions.services import task_create, track_get_or_create
    from arena.core.errors import UserFacingError

    data = synthetic.classification_data(rows=100, seed=1)
    answers = data.answers.copy()
    answers.loc[0, "label"] = "never-seen"
    track = track_get_or_create(
        competition=competition, name="Classification", kind="classification"
    )
    before = stored_files(settings.PRIVATE_FILES_ROOT)
    with pytest.raises(UserFacingError, match="never occur in train"):
        task_create(
            competition=competition,
            track=track,
            slug="bad",
            title="Bad",
            kind="classification",
            metric="accuracy",
            tables={"train": data.train, "test": data.test},
            answers=answers,
        )
    assert stored_files(settings.PRIVATE_FILES_ROOT) == before


def test_submission_detail_shows_public_report_to_the_team_only(
    client, alice_client, alice_team, products, bob
):
    task, data = products
    alice_client.post(upload_url(task), {"file": csv_upload(data.answers), "method_name": "M"})
    submission = Submission.objects.get()
    score_as_worker(submission_id=submission.pk)
    # Before the reveal only where the organizers allow it (test_explanation_secrecy.py).
    Competition.objects.filter(pk=task.competition_id).update(explanations_before_reveal=True)
    url = reverse("submissions:detail", args=[task.competition.slug, task.slug, submission.pk])
    page = alice_client.get(url)
    assert page.status_code == 200
    assert b"Per class (public rows)" in page.content
    assert b"Confusion matrix" in page.content
    private_value = submission.scores.get(split="private", metric="accuracy").value
    assert private_value == 1.0 and b"private" not in page.content.lower().replace(
        b"private scores are revealed", b""
    )
    client.force_login(bob)
    assert client.get(url).status_code == 404


def test_scores_get_confidence_intervals_shown_on_the_submission_page(
    alice_client, alice_team, products
):
    task, data = products
    predictions = data.answers.copy()
    predictions.loc[:30, "label"] = predictions.loc[:30, "label"].iloc[::-1].to_numpy()
    alice_client.post(upload_url(task), {"file": csv_upload(predictions), "method_name": "M"})
    submission = Submission.objects.get()
    score_as_worker(submission_id=submission.pk)
    for score in submission.scores.all():
        assert score.ci_low is not None and score.ci_low <= score.value <= score.ci_high
    url = reverse("submissions:detail", args=[task.competition.slug, task.slug, submission.pk])
    assert b"95% bootstrap confidence interval" in alice_client.get(url).content

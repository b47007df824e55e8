"""Tasks stay citable after the challenge: each version records the SHA-256 and size of every
file it was published with, a Versions page shows the history and how to cite it, and the
organizers may publish the answer key for research use once the private results are out (and
not a moment before: until then no URL, zip or API call serves it)."""

import hashlib
import io
import zipfile
from datetime import timedelta

import pandas as pd
import pyarrow.parquet as pq
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from arena.api.services import api_token_create
from arena.competitions.models import AuditEvent, Competition, Task, TaskVersion
from arena.competitions.services import task_answers_publish
from arena.competitions.synthetic import write_classification_bundle
from arena.core.errors import UserFacingError
from arena.workflows import task_data
from tests.integration.helpers import answers_with_usage
from tests.participants import team_create

pytestmark = pytest.mark.django_db

PUBLIC_FILES = {
    f"{table}.{file_format}"
    for table in ("train", "test", "sample_submission")
    for file_format in ("csv", "parquet")
}


@pytest.fixture
def quiet(competition):
    """The test competition without baseline runs on import (not what these tests are about)."""
    Competition.objects.filter(pk=competition.pk).update(run_baselines_on_import=False)
    competition.refresh_from_db()
    return competition


def import_bundle(tmp_path, competition, *, seed: int, images: bool = False, replace=False):
    bundle = write_classification_bundle(
        root=tmp_path / f"bundle-{seed}", rows=80, seed=seed, images=images
    )
    result = task_data.task_import(
        bundle_dir=bundle, competition_slug=competition.slug, replace=replace
    )
    return result.task


def download(client, task, table: str, file_format: str):
    return client.get(
        reverse(
            "competitions:download", args=[task.competition.slug, task.slug, table, file_format]
        )
    )


def body(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content) if response.streaming else response.content


def bundle_zip(client, task, file_format: str) -> zipfile.ZipFile:
    response = client.get(
        reverse("competitions:bundle", args=[task.competition.slug, task.slug, file_format])
    )
    return zipfile.ZipFile(io.BytesIO(body(response)))


def versions_page(client, task) -> str:
    response = client.get(
        reverse("competitions:task_versions", args=[task.competition.slug, task.slug])
    )
    assert response.status_code == 200
    return response.content.decode()


def checksums_of(task, number: int) -> dict:
    return TaskVersion.objects.get(task=task, number=number).checksums


def by_name(entries: list[dict]) -> dict[str, dict]:
    return {entry["name"]: entry for entry in entries}


def schedule(competition, *, ended: bool, revealed: bool) -> None:
    """Moves the competition's schedule: running, ended with the reveal ahead, or revealed."""
    now = timezone.now()
    end = now - timedelta(hours=2) if ended else now + timedelta(days=3)
    reveal = now - timedelta(hours=1) if revealed else end + timedelta(days=2)
    Competition.objects.filter(pk=competition.pk).update(
        start_at=now - timedelta(days=10), end_at=end, reveal_at=reveal
    )
    competition.refresh_from_db()


def test_checksums_recorded_at_import_are_those_of_the_files_the_site_serves(
    tmp_path, quiet, alice_client
):
    task = import_bundle(tmp_path, quiet, seed=5, images=True)
    recorded = by_name(checksums_of(task, 1)["public"])
    assert set(recorded) == PUBLIC_FILES | {"images.zip"}
    rows = {table["name"]: table["rows"] for table in task.datasheet["tables"]}
    rows["sample_submission"] = task.test_rows
    for name, entry in recorded.items():
        table, file_format = name.rsplit(".", 1)
        data = body(download(alice_client, task, table, file_format))
        assert entry["sha256"] == hashlib.sha256(data).hexdigest(), name
        assert entry["bytes"] == len(data), name
        if file_format == "parquet":  # a real Parquet file, with the rows the task states
            assert pq.read_table(io.BytesIO(data)).num_rows == rows[table], name
    # The everything zip names its members as the checksums do, so `sha256sum -c` works on it.
    archive = bundle_zip(alice_client, task, "csv")
    for name in ("train.csv", "test.csv", "sample_submission.csv"):
        assert hashlib.sha256(archive.read(name)).hexdigest() == recorded[name]["sha256"]
    # The answer key's own checksums are kept too (shown only once published).
    answers = by_name(checksums_of(task, 1)["answers"])
    assert set(answers) == {"answers.csv", "answers.parquet"}
    stored = (settings.PRIVATE_FILES_ROOT / task.answers_path).read_bytes()
    assert answers["answers.parquet"]["sha256"] == hashlib.sha256(stored).hexdigest()


def test_a_reimport_with_changed_data_makes_a_new_version_and_keeps_the_old_checksums(
    tmp_path, quiet, alice_client
):
    task = import_bundle(tmp_path, quiet, seed=5)
    first = checksums_of(task, 1)
    task = import_bundle(tmp_path, quiet, seed=6, replace=True)
    assert task.version == 2
    second = checksums_of(task, 2)
    assert checksums_of(task, 1) == first  # the history stays as it was
    for name in ("train.csv", "train.parquet", "test.csv"):
        assert by_name(second["public"])[name]["sha256"] != by_name(first["public"])[name]["sha256"]
        table, file_format = name.rsplit(".", 1)
        served = body(download(alice_client, task, table, file_format))
        assert by_name(second["public"])[name]["sha256"] == hashlib.sha256(served).hexdigest()
    page = versions_page(alice_client, task)
    assert 'id="v1"' in page and 'id="v2"' in page
    assert by_name(first["public"])["train.csv"]["sha256"] in page
    assert by_name(second["public"])["train.csv"]["sha256"] in page
    assert "Only the current version's files can be downloaded" in page


def test_a_metric_change_keeps_the_files_and_so_their_checksums(products, organizer):
    task, _ = products
    queued = task_data.task_change_metric(task=task, metric="accuracy", actor=organizer)
    assert queued == 0
    task.refresh_from_db()
    assert task.version == 2
    version = TaskVersion.objects.get(task=task, number=2)
    assert version.note == "metric changed" and version.metric == "accuracy"
    assert version.checksums == checksums_of(task, 1)
    assert len(version.checksums["public"]) == len(PUBLIC_FILES)


def test_the_versions_page_shows_the_history_and_a_citation_without_reading_storage(
    client, products, organizer, monkeypatch
):
    task, _ = products
    task_data.task_change_metric(task=task, metric="accuracy", actor=organizer)
    task.refresh_from_db()
    TaskVersion.objects.filter(task=task, number=1).update(checksums={})  # as before the field

    from django.core.files.storage import default_storage

    def refuse(*args, **kwargs):
        raise AssertionError("a page view read storage")

    monkeypatch.setattr(default_storage, "open", refuse)
    monkeypatch.setattr(default_storage, "exists", refuse)
    page = versions_page(client, task)  # a visitor: the page is public
    assert 'aria-current="page">Versions</a>' in page
    assert "Checksums not recorded" in page  # version 1, made "before" checksums were kept
    train = by_name(checksums_of(task, 2)["public"])["train.csv"]["sha256"]
    assert train in page
    url = settings.SITE_URL + reverse(
        "competitions:task_versions", args=[task.competition.slug, task.slug]
    )
    assert "Products, version 2 (" in page
    assert "Task of Test Cup, Arena." in page
    assert f"{url}#v2" in page
    assert f"train.csv sha256:{train}" in page
    assert "@misc{arena-test-cup-products-v2," in page
    assert "Products (version 2)" in page
    assert 'data-copy="#citation-bibtex"' in page
    for entry in checksums_of(task, 2)["answers"]:
        assert entry["sha256"] not in page  # private until published


def test_the_answer_checksums_show_to_organizers_only_before_publication(
    client, alice_client, products, organizer
):
    task, _ = products
    answers = [entry["sha256"] for entry in checksums_of(task, 1)["answers"]]
    assert len(answers) == 2
    for visitor in (client, alice_client):
        page = versions_page(visitor, task)
        assert not any(digest in page for digest in answers)
    client.force_login(organizer)
    page = versions_page(client, task)
    assert all(digest in page for digest in answers)
    assert "private until published" in page


def test_publishing_is_refused_before_the_end_and_before_the_reveal(products, organizer):
    task, _ = products
    competition = task.competition
    for ended in (False, True):
        schedule(competition, ended=ended, revealed=False)
        with pytest.raises(UserFacingError) as refused:
            task_answers_publish(task=task, actor=organizer)
        expected = "only once the private results are revealed" if ended else "has ended"
        assert expected in refused.value.message
        task.refresh_from_db()
        assert task.answers_published_at is None
    assert not AuditEvent.objects.filter(action="task.answers_published").exists()


def test_the_manage_page_refuses_before_the_reveal_and_publishes_after(client, products, organizer):
    task, _ = products
    url = reverse("competitions:task_manage", args=[task.competition.slug, task.slug])
    client.force_login(organizer)
    schedule(task.competition, ended=True, revealed=False)
    page = client.post(url, {"action": "publish_answers", "confirm": "yes"}, follow=True)
    assert "only once the private results are revealed" in page.content.decode()
    task.refresh_from_db()
    assert task.answers_published_at is None
    schedule(task.competition, ended=True, revealed=True)
    unconfirmed = client.post(url, {"action": "publish_answers"}, follow=True)
    assert "Tick the box to confirm" in unconfirmed.content.decode()
    task.refresh_from_db()
    assert task.answers_published_at is None
    version_before = task.version
    done = client.post(url, {"action": "publish_answers", "confirm": "yes"}, follow=True)
    assert 'id="answers-published"' in done.content.decode()
    task.refresh_from_db()
    assert task.answers_published_at is not None and task.answers_published_by == organizer
    assert task.version == version_before and task.metric == "macro_f1"  # not a metric change
    event = AuditEvent.objects.get(action="task.answers_published")
    assert event.actor == organizer and "Products" in event.summary


def test_published_answers_download_and_match_the_hidden_answer_key(
    products, organizer, alice, alice_client
):
    task, data = products
    team_create(competition=task.competition, user=alice, name="Alpha")
    hidden = answers_with_usage(task)  # read before: what scoring uses
    schedule(task.competition, ended=True, revealed=True)
    task_answers_publish(task=task, actor=organizer)
    task.refresh_from_db()
    recorded = by_name(checksums_of(task, 1)["answers"])
    frames = {}
    for file_format in ("csv", "parquet"):
        data_bytes = body(download(alice_client, task, "answers", file_format))
        assert recorded[f"answers.{file_format}"]["sha256"] == (
            hashlib.sha256(data_bytes).hexdigest()
        )
        frames[file_format] = (
            pd.read_csv(io.BytesIO(data_bytes), dtype=str)
            if file_format == "csv"
            else pq.read_table(io.BytesIO(data_bytes)).to_pandas()
        )
    for frame in frames.values():
        assert list(frame.columns) == ["id", "label", "usage"]
        pd.testing.assert_frame_equal(
            frame.astype(str).reset_index(drop=True),
            hidden.astype(str).reset_index(drop=True),
        )
        truth = dict(zip(data.answers["id"].astype(str), data.answers["label"], strict=True))
        assert dict(zip(frame["id"], frame["label"], strict=True)) == truth
        assert set(frame["usage"]) == {"public", "private"}
    # The everything zip now carries the answer key, the Data tab and Versions page offer it.
    archive = bundle_zip(alice_client, task, "parquet")
    assert (
        hashlib.sha256(archive.read("answers.parquet")).hexdigest()
        == (recorded["answers.parquet"]["sha256"])
    )
    data_tab = alice_client.get(
        reverse("competitions:task_data", args=[task.competition.slug, task.slug])
    ).content.decode()
    assert (
        reverse("competitions:download", args=[task.competition.slug, task.slug, "answers", "csv"])
        in data_tab
    )
    page = versions_page(alice_client, task)
    assert recorded["answers.csv"]["sha256"] in page
    assert f"answers.parquet sha256:{recorded['answers.parquet']['sha256']}" in page
    # The API serves the same file.
    _, key = api_token_create(user=alice, name="tests")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    served = api.get(
        f"/api/competitions/{task.competition.slug}/tasks/{task.slug}/files/answers.parquet"
    )
    assert hashlib.sha256(body(served)).hexdigest() == recorded["answers.parquet"]["sha256"]


def test_before_publication_the_answers_are_found_by_no_url(
    client, products, organizer, alice, make_user
):
    task, _ = products
    team_create(competition=task.competition, user=alice, name="Alpha")
    hidden = (settings.PRIVATE_FILES_ROOT / task.answers_path).read_bytes()
    _, key = api_token_create(user=alice, name="tests")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    for ended, revealed in ((False, False), (True, False), (True, True)):
        schedule(task.competition, ended=ended, revealed=revealed)
        for user in (None, alice, organizer):
            client.logout()
            if user is not None:
                client.force_login(user)
            for file_format in ("csv", "parquet"):
                assert download(client, task, "answers", file_format).status_code == 404
            if user is not None:
                for file_format in ("csv", "parquet"):
                    names = bundle_zip(client, task, file_format).namelist()
                    assert not any(name.startswith("answers") for name in names), names
                    archive = bundle_zip(client, task, file_format)
                    assert all(archive.read(name) != hidden for name in names)
        for name in ("answers.csv", "answers.parquet"):
            response = api.get(
                f"/api/competitions/{task.competition.slug}/tasks/{task.slug}/files/{name}"
            )
            assert response.status_code == 404
    # A public table still asks a visitor to log in rather than being "not found".
    client.logout()
    assert download(client, task, "train", "csv").status_code == 302


def test_an_organizer_of_another_competition_cannot_publish(
    client, products, other_competition, make_user
):
    task, _ = products
    outsider = make_user("oscar")
    other_competition.organizers.add(outsider)
    schedule(task.competition, ended=True, revealed=True)
    with pytest.raises(UserFacingError):
        task_answers_publish(task=task, actor=outsider)
    client.force_login(outsider)
    url = reverse("competitions:task_manage", args=[task.competition.slug, task.slug])
    response = client.post(url, {"action": "publish_answers", "confirm": "yes"})
    assert response.status_code == 403
    task.refresh_from_db()
    assert task.answers_published_at is None
    assert download(client, task, "answers", "csv").status_code == 404


def test_a_reimport_after_publication_keeps_the_new_answers_hidden(
    tmp_path, quiet, make_user, alice_client
):
    task = import_bundle(tmp_path, quiet, seed=5)
    organizer = make_user("olga")
    quiet.organizers.add(organizer)
    schedule(quiet, ended=True, revealed=True)
    task_answers_publish(task=task, actor=organizer)
    assert body(download(alice_client, task, "answers", "csv"))
    task = import_bundle(tmp_path, quiet, seed=6, replace=True)
    task = Task.objects.get(pk=task.pk)
    assert task.answers_published_at is None
    assert download(alice_client, task, "answers", "csv").status_code == 404
    names = bundle_zip(alice_client, task, "csv").namelist()
    assert "answers.csv" not in names
    page = versions_page(alice_client, task)
    for number in (1, 2):
        for entry in checksums_of(task, number)["answers"]:
            assert entry["sha256"] not in page

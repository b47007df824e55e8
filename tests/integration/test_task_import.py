"""Importing task bundles: by command and in the browser, every refusal leaving nothing behind."""

import io
import shutil
import zipfile

import pandas as pd
import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from arena.competitions.models import Competition, Task, Track
from arena.competitions.synthetic import write_classification_bundle, write_matching_bundle
from arena.submissions.models import Submission
from arena.submissions.services import submission_create, submission_score
from tests.integration.helpers import csv_upload, stored_files
from tests.participants import team_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def cls_bundle(tmp_path):
    return write_classification_bundle(root=tmp_path / "cls", rows=120, seed=5, images=True)


@pytest.fixture
def match_bundle(tmp_path):
    return write_matching_bundle(
        root=tmp_path / "match", entities=40, seed=5, file_format="parquet"
    )


def import_bundle(path, competition="imported", *extra):
    out = io.StringIO()
    call_command("import_task", str(path), "--competition", competition, *extra, stdout=out)
    return out.getvalue()


def fetch(client, task, table, file_format):
    url = reverse(
        "competitions:download", args=[task.competition.slug, task.slug, table, file_format]
    )
    response = client.get(url)
    assert response.status_code == 200, (table, file_format)
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def test_command_creates_competition_track_and_task_with_both_formats(cls_bundle, alice_client):
    output = import_bundle(cls_bundle)
    assert "Imported imported/synthetic-products" in output
    task = Task.objects.get(slug="synthetic-products")
    assert task.competition.slug == "imported"
    assert task.track.name == "Classification"
    assert task.columns == {
        "title": "text", "colour": "categorical", "weight_kg": "numeric", "photo": "image"
    }  # fmt: skip
    assert task.has_images
    for table in ("train", "test", "sample_submission"):
        from_csv = pd.read_csv(io.BytesIO(fetch(alice_client, task, table, "csv")))
        from_parquet = pd.read_parquet(io.BytesIO(fetch(alice_client, task, table, "parquet")))
        pd.testing.assert_frame_equal(from_csv, from_parquet, check_dtype=False)
    test = pd.read_parquet(io.BytesIO(fetch(alice_client, task, "test", "parquet")))
    assert "label" not in test.columns
    sample = pd.read_csv(io.BytesIO(fetch(alice_client, task, "sample_submission", "csv")))
    assert list(sample.columns) == ["id", "label"]
    assert sorted(sample["id"]) == sorted(test["id"])
    with zipfile.ZipFile(io.BytesIO(fetch(alice_client, task, "images", "zip"))) as archive:
        names = set(archive.namelist())
    assert set(test["photo"]) <= names


def test_usage_split_is_reproduced_from_the_same_split_seed(cls_bundle, tmp_path):
    """Without a seed each task draws a secret one (tests/integration/test_split_secrecy.py)."""
    with (cls_bundle / "task.yaml").open("a") as manifest:
        manifest.write("split_seed: 4242\n")
    import_bundle(cls_bundle, "first")
    copy = shutil.copytree(cls_bundle, tmp_path / "copy")
    import_bundle(copy, "second")
    first, second = (
        pd.read_parquet(settings.PRIVATE_FILES_ROOT / task.answers_path)
        for task in Task.objects.order_by("competition__slug")
    )
    assert (first["usage"] == "public").sum() == round(len(first) * 0.3)
    pd.testing.assert_frame_equal(first, second)


def test_usage_given_in_answers_is_kept(cls_bundle):
    answers = pd.read_csv(cls_bundle / "answers.csv")
    answers["usage"] = ["public" if i < 10 else "private" for i in range(len(answers))]
    answers.to_csv(cls_bundle / "answers.csv", index=False)
    import_bundle(cls_bundle)
    stored = pd.read_parquet(settings.PRIVATE_FILES_ROOT / Task.objects.get().answers_path)
    assert (stored["usage"] == "public").sum() == 10


def test_matching_bundle_in_parquet_gets_a_datasheet(match_bundle, alice_client):
    import_bundle(match_bundle, "imported", "--track", "Record linkage")
    task = Task.objects.get()
    assert task.track.name == "Record linkage"
    assert 0.4 < task.datasheet["match_share"] < 0.6
    assert [t["name"] for t in task.datasheet["tables"]] == [
        "left", "right", "train_pairs", "test_pairs"
    ]  # fmt: skip
    page = alice_client.get(reverse("competitions:task_data", args=["imported", task.slug]))
    assert b"Matches in train_pairs" in page.content
    pairs = pd.read_csv(io.BytesIO(fetch(alice_client, task, "test_pairs", "csv")))
    assert list(pairs.columns) == ["id", "left_id", "right_id"]


def test_task_page_shows_the_datasheet(cls_bundle, alice_client):
    import_bundle(cls_bundle)
    task = Task.objects.get()
    page = alice_client.get(reverse("competitions:task_data", args=["imported", task.slug])).content
    assert b"Classes in train" in page
    assert b"weight_kg" in page and b"median" in page
    assert b"images.zip" in page
    assert b"Sample rows" in page


def edit_yaml(bundle, **changes):
    manifest = yaml.safe_load((bundle / "task.yaml").read_text())
    manifest.update(changes)
    (bundle / "task.yaml").write_text(yaml.safe_dump(manifest))


def edit_csv(bundle, name, change):
    frame = pd.read_csv(bundle / f"{name}.csv", dtype=str, keep_default_na=False)
    change(frame)
    frame.to_csv(bundle / f"{name}.csv", index=False)


def duplicate_first_train_id(frame):
    frame.loc[1, "id"] = frame.loc[0, "id"]


def drop_first_answer(frame):
    frame.drop(index=0, inplace=True)


def unseen_label(frame):
    frame.loc[0, "label"] = "submarine"


def missing_image(frame):
    frame.loc[0, "photo"] = "images/nowhere.png"


def escaping_image(frame):
    frame.loc[0, "photo"] = "../task.yaml"


def text_in_numeric(frame):
    frame.loc[0, "weight_kg"] = "heavy"


def undeclared_column(frame):
    frame["secret_feature"] = "x"


def empty_test(bundle):
    (bundle / "test.csv").write_text((bundle / "test.csv").read_text().splitlines()[0] + "\n")


CLASSIFICATION_BREAKAGES = {
    "missing file": (lambda b: (b / "test.csv").unlink(), "test.csv: is missing"),
    "unknown column type": (
        lambda b: edit_yaml(
            b,
            columns={
                "title": "blob",
                "colour": "categorical",
                "weight_kg": "numeric",
                "photo": "image",
            },
        ),
        "column 'title': unknown type 'blob'",
    ),  # fmt: skip
    "bad metric": (lambda b: edit_yaml(b, metric="auc"), "metric 'auc' is not a classification"),
    "bad slug": (lambda b: edit_yaml(b, slug="Not A Slug"), "must be lowercase letters"),
    "typo key": (lambda b: edit_yaml(b, metirc="f1"), "unknown key(s) metirc"),
    "broken yaml": (lambda b: (b / "task.yaml").write_text("slug: [unclosed"), "not valid YAML"),
    "ids not unique": (
        lambda b: edit_csv(b, "train", duplicate_first_train_id),
        "train.csv, column 'id': 1 id(s) are not unique",
    ),
    "test ids without answers": (
        lambda b: edit_csv(b, "answers", drop_first_answer),
        "answers.csv, column 'id': 1 test id(s) have no answer",
    ),
    "label outside train classes": (
        lambda b: edit_csv(b, "answers", unseen_label),
        "answers.csv, column 'label': 1 label(s) never occur in train, e.g. 'submarine'",
    ),
    "image path missing": (
        lambda b: edit_csv(b, "train", missing_image),
        "train.csv, column 'photo': 1 image path(s) do not name a file under images/",
    ),
    "image path escaping": (
        lambda b: edit_csv(b, "train", escaping_image),
        "train.csv, column 'photo': 1 image path(s) do not name a file under images/",
    ),
    "empty table": (empty_test, "test.csv: The file has a header but no rows."),
    "text in numeric column": (
        lambda b: edit_csv(b, "train", text_in_numeric),
        "train.csv, column 'weight_kg': is declared numeric but 1 value(s) are not numbers",
    ),
    "undeclared column": (
        lambda b: edit_csv(b, "test", undeclared_column),
        "test.csv: has column(s) not declared in task.yaml: secret_feature",
    ),
    "two formats": (
        lambda b: pd.read_csv(b / "train.csv").to_parquet(b / "train.parquet"),
        "exists in several formats",
    ),
}


@pytest.mark.parametrize("breakage", sorted(CLASSIFICATION_BREAKAGES))
def test_bad_classification_bundle_is_refused_and_changes_nothing(cls_bundle, breakage):
    break_bundle, message = CLASSIFICATION_BREAKAGES[breakage]
    break_bundle(cls_bundle)
    files_before = stored_files(settings.PRIVATE_FILES_ROOT)
    err = io.StringIO()
    with pytest.raises(CommandError, match="was not imported"):
        call_command("import_task", str(cls_bundle), "--competition", "imported", stderr=err)
    assert message in err.getvalue()
    assert not Competition.objects.exists()
    assert not Track.objects.exists() and not Task.objects.exists()
    assert stored_files(settings.PRIVATE_FILES_ROOT) == files_before


def dangling_left_id(frame):
    frame.loc[0, "left_id"] = "L999999"


@pytest.mark.parametrize(
    ("table", "change", "message"),
    [
        ("test_pairs", dangling_left_id, "test_pairs.csv, column 'left_id': 1 row(s) point to "
                                         "records not in left.csv, e.g. 'L999999'"),
        ("train_pairs", lambda f: f.loc.__setitem__((0, "label"), "2"),
         "train_pairs.csv, column 'label': 1 label(s) are not 0 or 1, e.g. '2'"),
    ],
)  # fmt: skip
def test_bad_matching_bundle_is_refused(tmp_path, table, change, message):
    bundle = write_matching_bundle(root=tmp_path / "m", entities=30)
    edit_csv(bundle, table, change)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_task", str(bundle), "--competition", "imported", stderr=err)
    assert message in err.getvalue()
    assert not Task.objects.exists()


def test_every_problem_is_listed_at_once(cls_bundle):
    edit_csv(cls_bundle, "train", duplicate_first_train_id)
    edit_csv(cls_bundle, "answers", unseen_label)
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 problem"):
        call_command("import_task", str(cls_bundle), "--competition", "imported", stderr=err)


def test_taken_slug_is_refused_without_update(cls_bundle):
    import_bundle(cls_bundle)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_task", str(cls_bundle), "--competition", "imported", stderr=err)
    assert "already taken" in err.getvalue()
    assert Task.objects.count() == 1


def test_update_replaces_data_and_rescores_submissions_in_place(
    cls_bundle, alice, django_capture_on_commit_callbacks
):
    import_bundle(cls_bundle)
    task = Task.objects.get()
    team_create(competition=task.competition, user=alice, name="Alpha")
    answers = pd.read_csv(cls_bundle / "answers.csv", dtype=str)
    submission = submission_create(task=task, user=alice, uploaded_file=csv_upload(answers))
    submission_score(submission_id=submission.pk)
    old_prefix = task.storage_prefix + "/"
    old_files = {k for k in stored_files(settings.PRIVATE_FILES_ROOT) if k.startswith(old_prefix)}
    assert old_files

    edit_yaml(cls_bundle, metric="accuracy", title="Products v2")
    with django_capture_on_commit_callbacks(execute=True):
        output = import_bundle(cls_bundle, "imported", "--update", "--yes")
    assert "version 2; 1 submission(s) queued for re-scoring" in output
    task.refresh_from_db()
    assert (task.version, task.metric, task.title) == (2, "accuracy", "Products v2")
    submission.refresh_from_db()
    assert submission.status == "queued"
    assert set(submission.scores.values_list("task_version", flat=True)) == {1}  # history kept
    assert Submission.objects.count() == 1  # re-scored in place, not a new submission
    remaining = stored_files(settings.PRIVATE_FILES_ROOT)
    assert not old_files & remaining  # the previous version's files are gone
    assert submission_score(submission_id=submission.pk) == "scored"
    assert submission.scores.filter(task_version=2).count() == 6


def zip_folder(folder, *, prefix="bundle/"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, prefix + str(path.relative_to(folder)))
    buffer.seek(0)
    return buffer


@pytest.fixture
def organizer_client(client, competition, make_user):
    organizer = make_user("olga")
    competition.organizers.add(organizer)
    client.force_login(organizer)
    return client


def test_organizer_imports_a_zipped_bundle_in_the_browser(
    organizer_client, competition, cls_bundle
):
    archive = zip_folder(cls_bundle)
    archive.name = "bundle.zip"
    response = organizer_client.post(
        reverse("competitions:task_import", args=[competition.slug]),
        {"bundle": archive, "track": ""},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 200, response.content
    task = Task.objects.get(competition=competition)
    assert response.json()["redirect"] == reverse(
        "competitions:task", args=[competition.slug, task.slug]
    )


def test_browser_import_lists_problems_and_imports_nothing(
    organizer_client, competition, cls_bundle
):
    edit_csv(cls_bundle, "answers", unseen_label)
    archive = zip_folder(cls_bundle)
    archive.name = "bundle.zip"
    response = organizer_client.post(
        reverse("competitions:task_import", args=[competition.slug]), {"bundle": archive}
    )
    assert b"The bundle was not imported" in response.content
    assert b"never occur in train" in response.content
    assert not Task.objects.exists()


@pytest.mark.parametrize(
    ("member", "data", "message"),
    [
        ("../evil.txt", b"x", "is not a safe path"),
        ("/abs/evil.txt", b"x", "is not a safe path"),
        ("bomb.csv", b"0" * 5_000_000, "zip bomb"),
    ],
)
def test_hostile_zips_are_refused(organizer_client, competition, member, data, message):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, data)
    buffer.seek(0)
    buffer.name = "hostile.zip"
    response = organizer_client.post(
        reverse("competitions:task_import", args=[competition.slug]),
        {"bundle": buffer},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 400
    assert any(message in problem for problem in response.json()["problems"])


def test_only_organizers_may_import(client, competition, alice):
    client.force_login(alice)
    response = client.get(reverse("competitions:task_import", args=[competition.slug]))
    assert response.status_code == 403


def test_participant_files_validate_with_the_cli_and_scores_agree_with_the_platform(
    cls_bundle, alice, alice_client, tmp_path
):
    import json
    import subprocess
    import sys

    import_bundle(cls_bundle)
    task = Task.objects.get()
    downloaded = tmp_path / "downloaded"
    downloaded.mkdir()
    (downloaded / "task.yaml").write_bytes(fetch(alice_client, task, "task", "yaml"))
    (downloaded / "test.csv").write_bytes(fetch(alice_client, task, "test", "csv"))
    assert "classes" in yaml.safe_load((downloaded / "task.yaml").read_text())

    predictions = pd.read_csv(cls_bundle / "answers.csv")
    predictions.loc[:20, "label"] = predictions.loc[:20, "label"].iloc[::-1].to_numpy()
    predictions.to_csv(tmp_path / "preds.csv", index=False)

    def cli(*args):
        return subprocess.run(
            [sys.executable, "-m", "scoring", *map(str, args)],
            capture_output=True, text=True, check=False, cwd=settings.REPO_ROOT,
        )  # fmt: skip

    assert cli("validate", downloaded, tmp_path / "preds.csv").returncode == 0
    # The organizer copies the seed from the task's Manage page into the bundle.
    with (cls_bundle / "task.yaml").open("a") as manifest:
        manifest.write(f"split_seed: {task.split_seed}\n")
    from_cli = json.loads(cli("score", cls_bundle, tmp_path / "preds.csv").stdout)

    team_create(competition=task.competition, user=alice, name="Alpha")
    upload = csv_upload(predictions)
    submission = submission_create(task=task, user=alice, uploaded_file=upload)
    submission_score(submission_id=submission.pk)
    for split in ("public", "private"):
        on_platform = {s.metric: s.value for s in submission.scores.filter(split=split)}
        assert on_platform == pytest.approx(from_cli[split], abs=1e-12)


def test_class_bars_are_drawn_to_scale(cls_bundle, alice_client):
    import re

    import_bundle(cls_bundle)
    task = Task.objects.get()
    page = alice_client.get(reverse("competitions:task_data", args=["imported", task.slug]))
    widths = [float(w) for w in re.findall(r"--share: ([0-9.]+)\"", page.content.decode())]
    assert widths and max(widths) == 100.0
    assert all(0 < width <= 100 for width in widths)

"""Bundles written from docs/DATASETS.md alone (tests/fixtures/bundles/, made by
make_outsider_bundles.py without Arena's own writers) import as written, by command and in the
browser, and a participant can use them end to end."""

import io
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse

from arena.competitions.models import Task
from arena.submissions.models import Score
from tests.integration.helpers import submit_scored
from tests.integration.test_task_import import fetch, zip_folder

pytestmark = pytest.mark.django_db

BUNDLES = Path(__file__).resolve().parents[1] / "fixtures" / "bundles"
PUBLIC = {
    "outsider-fruit": ["train", "test", "sample_submission"],
    "outsider-shops": ["left", "right", "train_pairs", "test_pairs", "sample_submission"],
}


def manifest(slug: str) -> dict:
    return yaml.safe_load((BUNDLES / slug / "task.yaml").read_text())


def read(table: str, slug: str) -> pd.DataFrame:
    folder = BUNDLES / slug
    csv_path = folder / f"{table}.csv"
    if csv_path.exists():
        return pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    return pd.read_parquet(folder / f"{table}.parquet")


@pytest.mark.parametrize("slug", sorted(PUBLIC))
def test_outsider_bundle_imports_by_command_and_serves_both_formats(
    slug, competition, alice, alice_client
):
    from tests.participants import team_create

    out = io.StringIO()
    call_command("import_task", str(BUNDLES / slug), "--competition", competition.slug, stdout=out)
    assert f"Imported {competition.slug}/{slug}" in out.getvalue()
    task = Task.objects.get(competition=competition, slug=slug)
    spec = manifest(slug)
    assert (task.kind, task.metric, task.title) == (spec["kind"], spec["metric"], spec["title"])
    assert task.columns == spec["columns"]
    for table in PUBLIC[slug]:
        as_csv = pd.read_csv(io.BytesIO(fetch(alice_client, task, table, "csv")))
        as_parquet = pd.read_parquet(io.BytesIO(fetch(alice_client, task, table, "parquet")))
        # Missing values are NaN in one reader and None in the other: compare them as None.
        as_csv, as_parquet = (f.astype(object).where(f.notna(), None) for f in (as_csv, as_parquet))
        pd.testing.assert_frame_equal(as_csv, as_parquet, check_dtype=False)
    url = reverse("competitions:download", args=[competition.slug, slug, "answers", "csv"])
    assert alice_client.get(url).status_code == 404
    test_table = "test" if spec["kind"] == "classification" else "test_pairs"
    sample = pd.read_csv(io.BytesIO(fetch(alice_client, task, "sample_submission", "csv")))
    assert sorted(sample["id"]) == sorted(read(test_table, slug)["id"])
    # The organizer's own answers, submitted as predictions, score perfectly on both splits.
    team_create(competition=competition, user=alice, name="Outsiders")
    submission = submit_scored(task, alice, read("answers", slug)[["id", "label"]])
    primary = Score.objects.filter(submission=submission, metric=task.metric)
    assert {score.split: score.value for score in primary} == {"public": 1.0, "private": 1.0}


def test_fruit_split_follows_public_fraction_and_pictures_download(competition, alice_client):
    call_command("import_task", str(BUNDLES / "outsider-fruit"), "--competition", competition.slug)
    task = Task.objects.get(slug="outsider-fruit")
    page = alice_client.get(reverse("competitions:task_data", args=[competition.slug, task.slug]))
    assert b"images.zip" in page.content and b"Fruit at the market stall" in page.content
    assert len(fetch(alice_client, task, "images", "zip")) > 0
    from tests.integration.helpers import answers_with_usage

    usage = answers_with_usage(task)["usage"].value_counts()
    assert usage["public"] == round(0.4 * 30)


@pytest.mark.parametrize("slug", sorted(PUBLIC))
def test_outsider_bundle_imports_as_a_zip_in_the_browser(slug, client, competition, make_user):
    organizer = make_user("olga")
    competition.organizers.add(organizer)
    client.force_login(organizer)
    archive = zip_folder(BUNDLES / slug, prefix=f"{slug}/")
    archive.name = f"{slug}.zip"
    response = client.post(
        reverse("competitions:task_import", args=[competition.slug]),
        {"bundle": archive, "track": ""},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 200, response.content
    assert Task.objects.filter(competition=competition, slug=slug).exists()


def test_generator_reproduces_the_committed_files(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_outsider_bundles", BUNDLES / "make_outsider_bundles.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.fruit_bundle(tmp_path)
    module.shops_bundle(tmp_path)
    for slug in PUBLIC:
        committed = sorted(p.relative_to(BUNDLES / slug) for p in (BUNDLES / slug).rglob("*"))
        fresh = sorted(p.relative_to(tmp_path / slug) for p in (tmp_path / slug).rglob("*"))
        assert committed == fresh
        for relative in committed:
            if (BUNDLES / slug / relative).is_file():
                assert (BUNDLES / slug / relative).read_bytes() == (
                    tmp_path / slug / relative
                ).read_bytes(), relative
    shutil.rmtree(tmp_path)

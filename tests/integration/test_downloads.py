import io

import pandas as pd
import pytest
from django.urls import reverse


def download(client, task, table, file_format):
    url = reverse(
        "competitions:download", args=[task.competition.slug, task.slug, table, file_format]
    )
    return client.get(url)


@pytest.mark.parametrize("file_format", ["csv", "parquet"])
def test_every_public_table_downloads_in_both_formats_with_the_same_content(
    alice_client, products, file_format
):
    task, data = products
    for table in ("train", "test", "sample_submission"):
        response = download(alice_client, task, table, file_format)
        assert response.status_code == 200
        body = b"".join(response.streaming_content)
        frame = (
            pd.read_csv(io.BytesIO(body))
            if file_format == "csv"
            else pd.read_parquet(io.BytesIO(body))
        )
        assert "id" in frame.columns
        if table == "train":
            pd.testing.assert_frame_equal(frame, data.train, check_dtype=False)
        if table == "test":
            assert "label" not in frame.columns
            assert list(frame["id"]) == list(data.test["id"])


def test_matching_tables_download(alice_client, offers):
    task, data = offers
    response = download(alice_client, task, "test_pairs", "parquet")
    frame = pd.read_parquet(io.BytesIO(b"".join(response.streaming_content)))
    assert list(frame.columns) == ["id", "left_id", "right_id"]


@pytest.mark.parametrize("table", ["answers", "hidden", "secret", "test_pairs"])
def test_anything_but_a_public_table_is_not_found(alice_client, products, table):
    task, _ = products
    assert download(alice_client, task, table, "csv").status_code == 404


@pytest.mark.parametrize("tail", ["../hidden/answers.parquet", "train.csv.csv", "..%2Fanswers.csv"])
def test_odd_table_names_are_not_found(alice_client, products, tail):
    task, _ = products
    url = reverse("competitions:task", args=[task.competition.slug, task.slug]) + "data/" + tail
    assert alice_client.get(url).status_code == 404


def test_the_answer_key_is_not_reachable_by_path_tricks(alice_client, products):
    task, _ = products
    base = reverse("competitions:task", args=[task.competition.slug, task.slug])
    for path in ("data/../hidden/answers.parquet", "data/hidden%2Fanswers.parquet"):
        assert alice_client.get(base + path).status_code == 404


def test_unknown_format_is_not_found(alice_client, products):
    task, _ = products
    assert download(alice_client, task, "train", "xlsx").status_code == 404


def test_downloads_need_an_account(client, products):
    task, _ = products
    response = download(client, task, "train", "csv")
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]

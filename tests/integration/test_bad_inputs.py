"""A corpus of bad files through both upload paths (the browser form and the REST API). Each is
either refused at upload with a clear message, leaving no row and no stored file, or, when only
reading every row can tell, ends `invalid` with a message, no score and no quota used."""

import functools
import gzip
import io
import random

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from arena.api.services import api_token_create
from arena.submissions.models import Score, Submission
from arena.submissions.selectors import quota_for
from arena.submissions.services import submission_score
from tests.integration.helpers import stored_files
from tests.participants import team_create

pytestmark = pytest.mark.django_db


def good_csv(task) -> bytes:
    from tests.integration.helpers import predictions_with_private_errors

    return predictions_with_private_errors(task, wrong_private=0).to_csv(index=False).encode()


def corpus(task) -> list[tuple[str, bytes, str, str]]:
    """(name, content, when it is refused: "upload" or "scoring", words of the message)."""
    rows = good_csv(task)
    noise = bytes(random.Random(3).randrange(256) for _ in range(4096))
    return [
        ("empty", b"", "upload", "empty"),
        ("binary garbage", b"\x00\x01" + noise, "upload", "neither CSV nor Parquet"),
        ("UTF-16", rows.decode().encode("utf-16"), "upload", "neither CSV nor Parquet"),
        ("semicolons", rows.replace(b",", b";"), "upload", "column"),
        ("huge first line", b"id" + b"x" * (1024 * 1024 + 10), "upload", "too long"),
        ("blank first line", b"\n" + rows, "upload", "blank"),
        ("broken gzip", b"\x1f\x8b\x08\x00garbage", "upload", "damaged"),
        ("fake parquet", b"PAR1" + noise, "upload", "Parquet"),
        ("header only", b"id,label\n", "scoring", "no rows"),
        ("Latin-1 body", rows + "é,x\n".encode("latin-1"), "scoring", "UTF-8"),
        ("NUL in a row", rows + b"ab\x00c,d\n", "scoring", ""),
        ("ragged rows", rows + b"1,2,3,4\n", "scoring", ""),
        (
            "gzip bomb",
            gzip.compress(b"id,label\n" + b"0" * (200 * 1024 * 1024)),
            "scoring",
            "limit",
        ),
        # 10 million rows of one 100-character id in ~200 KB: refused from its footer.
        ("Parquet bomb", parquet_bomb_bytes(), "upload", "holds 10,000,000 rows"),
    ]


@functools.cache
def parquet_bomb_bytes() -> bytes:
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    indices = pa.array(np.zeros(10_000_000, dtype=np.int32))
    table = pa.table(
        {
            "id": pa.DictionaryArray.from_arrays(indices, pa.array(["x" * 100])),
            "label": pa.DictionaryArray.from_arrays(indices, pa.array(["a"])),
        }
    )
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


@pytest.fixture
def team_of_alice(competition, alice):
    return team_create(competition=competition, user=alice, name="Alpha")


def send_by_form(client, task, name, content):
    upload = io.BytesIO(content)
    upload.name = "hostile ../../etc/passwd\n.csv"
    return client.post(
        reverse("submissions:upload", args=[task.competition.slug, task.slug]),
        {"file": upload, "comment": name, "method_name": "M"},
        headers={"accept": "application/json"},
    )


def send_by_api(api, task, name, content):
    upload = io.BytesIO(content)
    upload.name = "../../x.csv"
    return api.post(
        f"/api/competitions/{task.competition.slug}/tasks/{task.slug}/submissions/",
        {"file": upload, "comment": name, "method_name": "M"},
        format="multipart",
    )


@pytest.mark.parametrize("path", ["form", "api"])
def test_every_bad_file_gets_a_clear_refusal(
    client, alice, team_of_alice, products, path, settings
):
    settings.SUBMISSION_MAX_BYTES = 20 * 1024 * 1024  # the bomb inflates far past this
    task, _ = products
    client.force_login(alice)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=alice, name='t')[1]}")
    for name, content, stage, words in corpus(task):
        files_before = stored_files(settings.PRIVATE_FILES_ROOT)
        rows_before = Submission.objects.count()
        if path == "form":
            response = send_by_form(client, task, name, content)
            body = response.json()
            message = body.get("error", "")
        else:
            response = send_by_api(api, task, name, content)
            body = response.json()
            message = body.get("error", {}).get("message", "")
        if stage == "upload":
            assert response.status_code == 400, (name, body)
            assert words.lower() in message.lower(), (name, message)
            assert Submission.objects.count() == rows_before, name
            assert stored_files(settings.PRIVATE_FILES_ROOT) == files_before, name
            continue
        assert response.status_code in (200, 201), (name, body)
        submission = Submission.objects.latest("pk")
        assert ".." not in submission.file_key and "\n" not in submission.original_name
        assert submission_score(submission_id=submission.pk) == "invalid", name
        submission.refresh_from_db()
        assert submission.error_message, name
        assert words.lower() in submission.error_message.lower(), (name, submission.error_message)
        assert not Score.objects.filter(submission=submission).exists()
    assert quota_for(task=task, team=team_of_alice).daily_used == 0  # invalid files are free

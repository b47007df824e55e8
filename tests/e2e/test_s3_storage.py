"""Files in an S3-compatible store (moto's S3 server on loopback, a real HTTP endpoint): a task's
tables and answers, an upload, the worker's scoring and a participant's download all go through
the bucket, and nothing lands on local disk."""

import io
import subprocess
import sys
from pathlib import Path

import boto3
import pandas as pd
import pytest
import requests
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from arena.submissions.models import Submission
from arena.submissions.services import submission_create
from tests.e2e.conftest import _redis_broker, start_worker, stop_worker
from tests.e2e.helpers import wait_for
from tests.e2e.test_production_stack import free_port
from tests.integration.helpers import csv_upload, stored_files
from tests.participants import team_create

pytestmark = pytest.mark.e2e
BUCKET = "arena-files"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "arena-test", "AWS_SECRET_ACCESS_KEY": "arena-test-secret"}


def s3_client(endpoint: str):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )


@pytest.fixture
def s3_server(tmp_path):
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1", "-p", str(port)],
        stdout=(tmp_path / "moto.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    endpoint = f"http://127.0.0.1:{port}"

    def up():
        try:
            return requests.get(endpoint, timeout=2).status_code < 500
        except requests.RequestException:
            return False

    wait_for(up, what="the S3 server", timeout=30)
    s3_client(endpoint).create_bucket(Bucket=BUCKET)
    yield endpoint
    server.terminate()
    server.wait(timeout=10)


def s3_storages(endpoint: str) -> dict:
    return {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET, "endpoint_url": endpoint, "region_name": "us-east-1",
                "access_key": CREDENTIALS["AWS_ACCESS_KEY_ID"],
                "secret_key": CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
                "default_acl": "private", "querystring_auth": False, "file_overwrite": False,
            },
        },
    }  # fmt: skip


def test_task_upload_scoring_and_download_through_s3(
    s3_server, transactional_db, competition, alice, client, tmp_path
):
    from arena.competitions import synthetic
    from arena.competitions.services import task_create, track_get_or_create

    local_before = stored_files(settings.PRIVATE_FILES_ROOT)
    _redis_broker().delete("scoring")
    worker = start_worker(
        queues="scoring",
        log_path=tmp_path / "worker.log",
        extra_env={
            "AWS_STORAGE_BUCKET_NAME": BUCKET, "AWS_S3_ENDPOINT_URL": s3_server,
            "AWS_S3_REGION_NAME": "us-east-1", **CREDENTIALS,
        },
    )  # fmt: skip
    try:
        with override_settings(STORAGES=s3_storages(s3_server)):
            data = synthetic.classification_data(rows=200, seed=4)
            track = track_get_or_create(competition=competition, name="C", kind="classification")
            task = task_create(
                competition=competition, track=track, slug="s3", title="S3",
                kind="classification", metric="accuracy",
                tables={"train": data.train, "test": data.test}, answers=data.answers,
            )  # fmt: skip
            team_create(competition=competition, user=alice, name="Alpha")
            frame = data.answers[["id", "label"]]  # the helpers read answers from local disk
            submission = submission_create(task=task, user=alice, uploaded_file=csv_upload(frame))
            wait_for(
                lambda: Submission.objects.get(pk=submission.pk).status == "scored",
                what="the worker to score from S3",
                timeout=60,
            )
            client.force_login(alice)
            url = reverse(
                "competitions:download", args=[competition.slug, task.slug, "test", "csv"]
            )
            response = client.get(url)
            downloaded = pd.read_csv(io.BytesIO(b"".join(response.streaming_content)))
            assert len(downloaded) == len(data.test)
    finally:
        stop_worker(worker)
    keys = {item["Key"] for item in s3_client(s3_server).list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert any(key.endswith("hidden/answers.parquet") for key in keys)
    assert Submission.objects.get(pk=submission.pk).file_key in keys
    assert stored_files(settings.PRIVATE_FILES_ROOT) == local_before  # nothing on local disk
    # Private objects: no grant to everyone, so no public URL could ever serve them.
    acl = s3_client(s3_server).get_object_acl(Bucket=BUCKET, Key=next(iter(keys)))
    grantees = {grant["Grantee"].get("URI", "") for grant in acl["Grants"]}
    assert not any("AllUsers" in uri or "AuthenticatedUsers" in uri for uri in grantees)

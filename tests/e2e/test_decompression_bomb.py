"""Issue 14, item 1: a Parquet file of a few hundred KB that decodes to 10 million rows of a
100-character id once made a scoring worker reach 5.8 GB. Through a real worker process it is now
refused from its metadata, and the pool process's peak memory stays small."""

import subprocess
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from arena.competitions.models import Task
from arena.submissions.models import Submission
from arena.submissions.services import submission_create
from tests.e2e.helpers import wait_for
from tests.participants import team_create

pytestmark = pytest.mark.e2e
ROWS = 10_000_000


def parquet_bomb(path: Path) -> Path:
    indices = pa.array(np.zeros(ROWS, dtype=np.int32))
    column = pa.DictionaryArray.from_arrays(indices, pa.array(["x" * 100]))
    label = pa.DictionaryArray.from_arrays(indices, pa.array(["a"]))
    pq.write_table(pa.table({"id": column, "label": label}), path, compression="zstd")
    return path


def peak_resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def test_a_parquet_bomb_is_refused_before_it_is_decoded(
    celery_worker_process, products, competition, alice, tmp_path
):
    task, _ = products
    team_create(competition=competition, user=alice, name="Alpha")
    # The upload page refuses such a file from its footer when it knows the task's row count
    # (tests/integration/test_bad_inputs.py); here it does not, so the worker must hold.
    Task.objects.filter(pk=task.pk).update(test_rows=0)
    task.refresh_from_db()
    bomb = parquet_bomb(tmp_path / "bomb.parquet")
    assert bomb.stat().st_size < 1024 * 1024  # small on the wire...
    upload = SimpleUploadedFile("bomb.parquet", bomb.read_bytes())
    submission = submission_create(task=task, user=alice, uploaded_file=upload)

    wait_for(
        lambda: Submission.objects.get(pk=submission.pk).status in ("invalid", "failed"),
        what="the bomb to be refused",
    )
    refused = Submission.objects.get(pk=submission.pk)
    assert refused.status == "invalid"
    assert "holds 10,000,000 rows" in refused.error_message  # ...refused by its row count
    pool = subprocess.run(
        ["pgrep", "-P", str(celery_worker_process.pid)], capture_output=True, text=True
    ).stdout.split()
    assert pool, "the prefork pool process that scored it"
    # ...and its 1 GB of decoded ids was never materialized (5.8 GB before).
    assert max(peak_resident_mb(int(pid)) for pid in pool) < 700

"""Small helpers shared by integration tests (files to upload, pages to read)."""

import io

import pandas as pd
from django.core.files.uploadedfile import SimpleUploadedFile

from arena.results.services import results_refresh
from arena.submissions.models import Submission
from arena.submissions.services import submission_create, submission_score


def csv_upload(frame: pd.DataFrame, name: str = "predictions.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, frame.to_csv(index=False).encode(), content_type="text/csv")


def parquet_upload(frame: pd.DataFrame, name: str = "predictions.parquet") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def stored_files(root) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


def answers_with_usage(task) -> pd.DataFrame:
    """The stored answer key of a task (id, label, usage), as the platform keeps it."""
    from django.conf import settings

    return pd.read_parquet(settings.PRIVATE_FILES_ROOT / task.answers_path)


def predictions_with_private_errors(task, *, wrong_private: int) -> pd.DataFrame:
    """Right on every public row, wrong on the first ``wrong_private`` private rows."""
    key = answers_with_usage(task)
    frame = key[["id", "label"]].copy()
    private_rows = key.index[key["usage"] == "private"][:wrong_private]
    for index in private_rows:
        current = frame.at[index, "label"]
        if task.kind == "matching":
            frame.at[index, "label"] = 1 - int(current)
        else:
            frame.at[index, "label"] = next(c for c in task.classes if c != current)
    return frame


def predictions_with_public_errors(task, *, wrong_public: int) -> pd.DataFrame:
    """Right on every private row, wrong on the first ``wrong_public`` public rows
    (classification)."""
    key = answers_with_usage(task)
    frame = key[["id", "label"]].copy()
    for index in key.index[key["usage"] == "public"][:wrong_public]:
        frame.at[index, "label"] = next(c for c in task.classes if c != frame.at[index, "label"])
    return frame


def score_as_worker(*, submission_id: int) -> str:
    """What a scoring worker does with one job: scores the submission, then runs the follow-up
    job it sends, which stores the competition's boards and comparison. Returns the status."""
    status = submission_score(submission_id=submission_id)
    submission = Submission.objects.select_related("task").get(pk=submission_id)
    results_refresh(task_id=submission.task_id)
    return status


def submit_scored(task, user, frame, *, comment: str = "", refresh: bool = True):
    """Uploads and scores ``frame`` as the worker would, follow-up included: the competition's
    boards and comparison are stored afterwards (``results.services.results_refresh``). A
    fixture that uploads many and refreshes once at the end passes ``refresh=False``."""
    submission = submission_create(
        task=task, user=user, uploaded_file=csv_upload(frame), comment=comment
    )
    assert submission_score(submission_id=submission.pk) == "scored"
    if refresh:
        results_refresh(task_id=task.pk)
    submission.refresh_from_db()
    return submission

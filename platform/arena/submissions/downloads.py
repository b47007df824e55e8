"""A team's own predictions file, downloaded back (the pages and the API share this)."""

from django.http import FileResponse, Http404

from arena.core.files import private_storage
from arena.submissions.models import Submission

CONTENT_TYPES = {
    "csv": "text/csv",
    "csv.gz": "application/gzip",
    "parquet": "application/vnd.apache.parquet",
}


def submission_file_response(*, submission: Submission) -> FileResponse:
    """The stored upload as an attachment. The caller has already checked who may have it.

    The name is made from the task and the submission number, never from the uploaded name,
    so nothing a participant typed reaches a header.
    """
    _, _, file_format = submission.file_key.rpartition("/")[2].partition(".")
    storage = private_storage()
    if file_format not in CONTENT_TYPES or not storage.exists(submission.file_key):
        raise Http404("The file of this submission is no longer stored.")
    return FileResponse(
        storage.open(submission.file_key, "rb"),
        as_attachment=True,
        filename=f"{submission.task.slug}-submission-{submission.pk}.{file_format}",
        content_type=CONTENT_TYPES[file_format],
    )

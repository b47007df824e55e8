"""Small helpers shared by integration tests (files to upload, pages to read)."""

import io

import pandas as pd
from django.core.files.uploadedfile import SimpleUploadedFile


def csv_upload(frame: pd.DataFrame, name: str = "predictions.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, frame.to_csv(index=False).encode(), content_type="text/csv")


def parquet_upload(frame: pd.DataFrame, name: str = "predictions.parquet") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def stored_files(root) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}

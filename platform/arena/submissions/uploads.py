"""Cheap checks on an uploaded predictions file, done in the web request before it is queued.

Only the format and the header are looked at here; the worker reads and validates every row.
"""

import csv
import gzip
import io
import os
import unicodedata

import pyarrow as pa
import pyarrow.parquet as pq

from arena.core.errors import UserFacingError

PARQUET_MAGIC = b"PAR1"
GZIP_MAGIC = b"\x1f\x8b"
HEADER_LIMIT = 1024 * 1024


def detect_format(*, head: bytes) -> str:
    """Names the file's format from its first bytes: "parquet", "csv.gz" or "csv"."""
    if head.startswith(PARQUET_MAGIC):
        return "parquet"
    if head.startswith(GZIP_MAGIC):
        return "csv.gz"
    if b"\x00" in head:
        raise UserFacingError(
            "This file is neither CSV nor Parquet: upload a .csv, .csv.gz or .parquet file."
        )
    return "csv"


def read_column_names(*, file, file_format: str) -> list[str]:
    """Reads only the header of an uploaded file; refuses files whose header cannot be read."""
    file.seek(0)
    if file_format == "parquet":
        try:
            return [name.strip() for name in pq.read_schema(file).names]
        except (pa.ArrowException, OSError) as error:
            raise UserFacingError(f"This Parquet file cannot be read ({error}).") from None
    raw = file.read(HEADER_LIMIT)
    if file_format == "csv.gz":
        try:
            raw = gzip.GzipFile(fileobj=io.BytesIO(raw)).read(HEADER_LIMIT)
        except (OSError, EOFError):
            # A header within a truncated stream is still readable; a broken one is not.
            file.seek(0)
            try:
                raw = gzip.GzipFile(fileobj=file).read1(HEADER_LIMIT)
            except (OSError, EOFError):
                raise UserFacingError("This gzip file is damaged and cannot be read.") from None
    first_line = raw.split(b"\n", 1)[0]
    if len(first_line) >= HEADER_LIMIT:
        raise UserFacingError("The first line of this file is too long to be a CSV header.")
    try:
        text = first_line.decode("utf-8-sig").rstrip("\r")
    except UnicodeDecodeError:
        raise UserFacingError("The file is not UTF-8 text: save it as CSV in UTF-8.") from None
    if not text.strip():
        raise UserFacingError("The file is empty or its first line is blank: add a header row.")
    return [name.strip() for name in next(csv.reader([text]))]


def parquet_row_count(*, file) -> int:
    """The number of rows a Parquet file's footer declares (nothing else is read).

    Summed over the row groups, which is what a reader decodes, rather than the file's total,
    which a crafted footer can set apart from them.
    """
    file.seek(0)
    try:
        metadata = pq.read_metadata(file)
        return sum(metadata.row_group(index).num_rows for index in range(metadata.num_row_groups))
    except (pa.ArrowException, OSError) as error:
        raise UserFacingError(f"This Parquet file cannot be read ({error}).") from None


def display_name(*, name: str) -> str:
    """The uploaded file's name, safe to display: no folders, no control characters."""
    base = os.path.basename((name or "").replace("\\", "/"))
    printable = "".join(char for char in base if unicodedata.category(char)[0] != "C")
    return printable[:200] or "upload"

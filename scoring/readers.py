"""Reading CSV, gzipped CSV and Parquet files strictly, with every column as text.

Every value is read as a string so that ids compare the way the answer key writes them: "007"
stays "007", and an integer id 7 in Parquet becomes "7".
"""

import codecs
import csv
import io
import os
import zlib
from collections import Counter
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from scoring.errors import TableReadError

PARQUET_MAGIC = b"PAR1"
GZIP_MAGIC = b"\x1f\x8b"
DEFAULT_MAX_BYTES = 200 * 1024 * 1024
UTF8_BOM = b"\xef\xbb\xbf"
HEADER_SNIFF_BYTES = 1024 * 1024
OTHER_DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "pipes"}


def read_table(*, path: str | os.PathLike, max_bytes: int = DEFAULT_MAX_BYTES) -> pd.DataFrame:
    """Reads a CSV, gzipped CSV or Parquet file into a DataFrame of strings (nulls kept).

    See ``read_arrow``, which this wraps.
    """
    return read_arrow(path=path, max_bytes=max_bytes).to_pandas()


def read_arrow(*, path: str | os.PathLike, max_bytes: int = DEFAULT_MAX_BYTES) -> pa.Table:
    """Reads a CSV, gzipped CSV or Parquet file into an Arrow table of strings (nulls kept).

    The format is recognised by content (Parquet and gzip magic bytes), not by the file name.
    Raises TableReadError with a message for the participant when the file is too large (for gzip:
    once decompressed), empty, binary, not UTF-8, uses another delimiter than commas, has no
    rows, or repeats a column name.
    """
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise TableReadError("The file is empty.")
    if size > max_bytes:
        raise TableReadError(f"The file is larger than the limit of {_megabytes(max_bytes)}.")
    with path.open("rb") as handle:
        head = handle.read(4)
    if head.startswith(PARQUET_MAGIC):
        return _read_parquet(path)
    if head.startswith(GZIP_MAGIC):
        return _read_csv_bytes(_gunzip(path, max_bytes=max_bytes))
    return _read_csv_bytes(path.read_bytes())


def _megabytes(num_bytes: int) -> str:
    return f"{num_bytes / (1024 * 1024):g} MB"


def _gunzip(path: Path, *, max_bytes: int) -> bytes:
    # Decompress in chunks and stop at the limit, so a small "gzip bomb" cannot fill memory.
    decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
    out = bytearray()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1024 * 1024):
                out += decompressor.decompress(chunk, max_bytes + 1 - len(out))
                if len(out) > max_bytes or decompressor.unconsumed_tail:
                    raise TableReadError(
                        f"The file is larger than the limit of {_megabytes(max_bytes)} "
                        "once decompressed."
                    )
    except zlib.error:
        raise TableReadError("The gzip file is damaged and cannot be decompressed.") from None
    if not decompressor.eof:
        raise TableReadError("The gzip file is truncated: upload it again.")
    return bytes(out)


def _read_parquet(path: Path) -> pa.Table:
    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as error:
        raise TableReadError(f"This Parquet file cannot be read: {error}") from None
    names = [name.strip() for name in table.column_names]
    _check_names(names)
    columns = []
    for name, column in zip(names, table.columns, strict=True):
        try:
            columns.append(column.cast(pa.string()))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            raise TableReadError(
                f"Column {name!r} has type {column.type}, which cannot be read as text or "
                "numbers; write ids and labels as strings or numbers."
            ) from None
    if table.num_rows == 0:
        raise TableReadError("The file has columns but no rows.")
    return pa.table(columns, names=names)


def _read_csv_bytes(data: bytes) -> pa.Table:
    if b"\x00" in data[:65536]:
        raise TableReadError(
            "This is not a text file: upload a CSV (UTF-8), a gzipped CSV or a Parquet file."
        )
    body = memoryview(data)[len(UTF8_BOM) :] if data.startswith(UTF8_BOM) else memoryview(data)
    # Only the start is decoded in Python (for the header and a precise message); pyarrow checks
    # that the rest is UTF-8 while it parses, which costs nothing extra.
    prefix = bytes(body[:HEADER_SNIFF_BYTES])
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(
            prefix, final=len(body) <= len(prefix)
        )
    except UnicodeDecodeError as error:
        raise TableReadError(
            f"The file is not valid UTF-8 (first bad byte at position {error.start}); "
            "save it as CSV with UTF-8 encoding."
        ) from None
    if not text.strip():
        raise TableReadError("The file is empty.")
    try:
        header = next(csv.reader(io.StringIO(text)))
    except (StopIteration, csv.Error):
        raise TableReadError("The file has no header row.") from None
    names = [name.strip() for name in header]
    if len(names) == 1:
        for delimiter, plural in OTHER_DELIMITERS.items():
            if delimiter in names[0]:
                raise TableReadError(
                    f"The header looks separated by {plural}, not commas: save the file as "
                    "comma-separated CSV."
                )
    _check_names(names)
    try:
        table = pa_csv.read_csv(
            pa.BufferReader(pa.py_buffer(body)),
            read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pa_csv.ParseOptions(newlines_in_values=True),
            convert_options=pa_csv.ConvertOptions(
                column_types={name: pa.string() for name in names},
                null_values=[""],
                strings_can_be_null=True,
            ),
        )
    except pa.ArrowInvalid as error:
        if "UTF8" in str(error):
            raise TableReadError(
                "The file is not valid UTF-8; save it as CSV with UTF-8 encoding."
            ) from None
        raise TableReadError(f"The CSV cannot be parsed: {_first_line(error)}") from None
    if table.num_rows == 0:
        raise TableReadError("The file has a header but no rows.")
    return table


def _first_line(error: Exception) -> str:
    message = str(error).splitlines()[0] if str(error) else type(error).__name__
    return message[:300]


def _check_names(names: list[str]) -> None:
    if any(name == "" for name in names):
        raise TableReadError("A column in the header has no name: name every column.")
    repeated = sorted(name for name, count in Counter(names).items() if count > 1)
    if repeated:
        raise TableReadError(f"Column names appear more than once: {', '.join(repeated)}.")

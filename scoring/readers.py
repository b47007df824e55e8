"""Reading CSV, gzipped CSV and Parquet files strictly, with every column as text.

Every value is read as a string so that ids compare the way the answer key writes them: "007"
stays "007", and an integer id 7 in Parquet becomes "7".
"""

import codecs
import contextlib
import csv
import io
import os
import zlib
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from scoring.errors import TableReadError

PARQUET_MAGIC = b"PAR1"
GZIP_MAGIC = b"\x1f\x8b"
DEFAULT_MAX_BYTES = 200 * 1024 * 1024
# What a table may take once decoded, whatever its size on disk: a few hundred KB of Parquet with
# dictionary- or run-length-encoded columns can otherwise decode to gigabytes. CSV's decoded
# size is its own size (gzip is cut at this cap as it is decompressed).
DEFAULT_MAX_DECODED_BYTES = 1024 * 1024 * 1024
UTF8_BOM = b"\xef\xbb\xbf"
HEADER_SNIFF_BYTES = 1024 * 1024
OTHER_DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "pipes"}


def read_table(
    *,
    path: str | os.PathLike,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int | None = None,
    max_decoded_bytes: int = DEFAULT_MAX_DECODED_BYTES,
) -> pd.DataFrame:
    """Reads a CSV, gzipped CSV or Parquet file into a DataFrame of strings (nulls kept).

    See ``read_arrow``, which this wraps.
    """
    table = read_arrow(
        path=path, max_bytes=max_bytes, max_rows=max_rows, max_decoded_bytes=max_decoded_bytes
    )
    return table.to_pandas()


def read_arrow(
    *,
    path: str | os.PathLike,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int | None = None,
    max_decoded_bytes: int = DEFAULT_MAX_DECODED_BYTES,
) -> pa.Table:
    """Reads a CSV, gzipped CSV or Parquet file into an Arrow table of strings (nulls kept).

    The format is recognised by content (Parquet and gzip magic bytes), not by the file name.
    Raises TableReadError with a message for the participant when the file is too large (on
    disk, or once decoded: ``max_decoded_bytes``), holds more than ``max_rows`` rows, is empty,
    binary, not UTF-8, uses another delimiter than commas, has no rows, or repeats a column name.
    A Parquet file is refused from its footer's row count and from the decoded size of its
    columns before any value is decoded, so a small file cannot claim gigabytes of memory.
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
        table = _read_parquet(path, max_rows=max_rows, max_decoded_bytes=max_decoded_bytes)
    elif head.startswith(GZIP_MAGIC):
        inflated = _gunzip(path, max_bytes=min(max_bytes, max_decoded_bytes))
        table = _read_csv_buffer(_arrow_owned(inflated))
    else:
        with pa.OSFile(str(path)) as source:  # read straight into Arrow's own memory
            table = _read_csv_buffer(source.read_buffer())
    if max_rows is not None and table.num_rows > max_rows:
        raise _too_many_rows(rows=table.num_rows, max_rows=max_rows)
    return table


def _too_many_rows(*, rows: int, max_rows: int) -> TableReadError:
    return TableReadError(
        f"The file holds {rows:,} rows; this table may have at most {max_rows:,} (one row per id)."
    )


def _megabytes(num_bytes: int) -> str:
    return f"{num_bytes / (1024 * 1024):g} MB"


def _gunzip(path: Path, *, max_bytes: int) -> bytearray:
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
    return out


def _read_parquet(path: Path, *, max_rows: int | None, max_decoded_bytes: int) -> pa.Table:
    try:
        with contextlib.closing(pq.ParquetFile(path)) as parquet:
            metadata = parquet.metadata
            if max_rows is not None and metadata.num_rows > max_rows:
                raise _too_many_rows(rows=metadata.num_rows, max_rows=max_rows)
            stored = sum(
                metadata.row_group(index).total_byte_size
                for index in range(metadata.num_row_groups)
            )
            if stored > max_decoded_bytes:
                raise _too_large_decoded(max_decoded_bytes)
            # Columns stored in under DENSE_BYTES_PER_VALUE a value (a dictionary or delta
            # encoding at work) are read as a dictionary, as stored, so their decoded size comes
            # from the dictionary's value lengths before a single value is decoded. Denser
            # columns, such as unique ids, decode to about their stored size, which is checked
            # above; reading those as a dictionary would only cost hashing.
            compact = _compact_text_columns(parquet)
            table = pq.read_table(path, read_dictionary=compact)
    except TableReadError:
        raise
    except (pa.ArrowException, OSError) as error:
        raise TableReadError(f"This Parquet file cannot be read: {_first_line(error)}") from None
    if _decoded_size(table) > max_decoded_bytes:
        raise _too_large_decoded(max_decoded_bytes)
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


DENSE_BYTES_PER_VALUE = 4


def _compact_text_columns(parquet: pq.ParquetFile) -> list[str]:
    metadata = parquet.metadata
    text = {
        field.name
        for field in parquet.schema_arrow
        if pa.types.is_string(field.type)
        or pa.types.is_large_string(field.type)
        or pa.types.is_binary(field.type)
        or pa.types.is_large_binary(field.type)
        or pa.types.is_dictionary(field.type)
    }
    stored: dict[str, list[int]] = {}
    for index in range(metadata.num_row_groups):
        group = metadata.row_group(index)
        for position in range(group.num_columns):
            chunk = group.column(position)
            totals = stored.setdefault(chunk.path_in_schema, [0, 0])
            totals[0] += chunk.total_uncompressed_size
            totals[1] += chunk.num_values
    return sorted(
        name
        for name, (size, values) in stored.items()
        if name in text and size < DENSE_BYTES_PER_VALUE * max(values, 1)
    )


def _too_large_decoded(max_decoded_bytes: int) -> TableReadError:
    return TableReadError(
        f"The file is larger than the limit of {_megabytes(max_decoded_bytes)} once decoded."
    )


def _decoded_size(table: pa.Table) -> int:
    """Bytes the table will take once every column is text, computed without decoding."""
    total = 0
    for column in table.columns:
        for chunk in column.chunks:
            if pa.types.is_dictionary(chunk.type):
                lengths = pc.binary_length(chunk.dictionary.cast(pa.large_binary()))
                per_row = pc.take(lengths, chunk.indices)
                total += pc.sum(per_row).as_py() or 0
                total += 8 * len(chunk)  # offsets
            else:
                # Numbers become text of at most about 24 characters each.
                total += max(chunk.nbytes, 24 * len(chunk))
    return total


def _arrow_owned(data: bytes | bytearray) -> pa.Buffer:
    """A copy of ``data`` in memory that Arrow allocated and owns.

    Never hand Arrow's multi-threaded readers memory that Python owns (``pa.py_buffer``): a
    thread of Arrow's pool may drop the last reference after the reader returned, and dropping
    a Python object needs the GIL. If that happens while the interpreter shuts down, CPython
    ends the thread with pthread_exit, the unwind meets C++ code that may not throw, and the
    process aborts ("terminate called without an active exception", exit 134) after printing
    the right answer. With Arrow-owned memory, Arrow's threads never touch a Python object.
    """
    buffer = pa.allocate_buffer(len(data))
    np.frombuffer(buffer, dtype=np.uint8)[:] = np.frombuffer(data, dtype=np.uint8)
    return buffer


def _head(buffer: pa.Buffer, size: int) -> bytes:
    return buffer.slice(0, min(size, buffer.size)).to_pybytes()


def _read_csv_buffer(data: pa.Buffer) -> pa.Table:
    if b"\x00" in _head(data, 65536):
        raise TableReadError(
            "This is not a text file: upload a CSV (UTF-8), a gzipped CSV or a Parquet file."
        )
    starts_with_bom = _head(data, len(UTF8_BOM)) == UTF8_BOM
    body = data.slice(len(UTF8_BOM)) if starts_with_bom else data
    # Only the start is decoded in Python (for the header and a precise message); pyarrow checks
    # that the rest is UTF-8 while it parses, which costs nothing extra.
    prefix = _head(body, HEADER_SNIFF_BYTES)
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
            pa.BufferReader(body),
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

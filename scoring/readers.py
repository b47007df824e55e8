"""Reading CSV, gzipped CSV and Parquet files strictly, with every column as text.

Every value is read as a string so that ids compare the way the answer key writes them: "007"
stays "007", and an integer id 7 in Parquet becomes "7".
"""

import codecs
import contextlib
import csv
import io
import math
import os
import sys
import zlib
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from scoring.errors import TableReadError

if TYPE_CHECKING:  # pandas takes a third of a second to import; the scoring path needs none
    import pandas as pd

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
SEPARATOR_BYTES = b",\n\r"


# A predictions file may hold a few more rows than the test table (duplicates, which the
# validation names precisely), never many: 1% more, and at least 1,000.
PREDICTION_ROWS_MARGIN = 1000


def predictions_row_cap(*, expected_rows: int) -> int:
    """The most rows a predictions file for a test table of ``expected_rows`` may hold.

    Pass it as ``max_rows`` when reading predictions, so that a file declaring millions of rows
    is refused from its Parquet footer before anything is read.
    """
    return expected_rows + max(PREDICTION_ROWS_MARGIN, expected_rows // 100)


def read_table(
    *,
    path: str | os.PathLike,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int | None = None,
    max_decoded_bytes: int = DEFAULT_MAX_DECODED_BYTES,
) -> "pd.DataFrame":
    """Reads a CSV, gzipped CSV or Parquet file into a DataFrame of strings (nulls kept).

    See ``read_arrow``, which this wraps.
    """
    table = read_arrow(
        path=path, max_bytes=max_bytes, max_rows=max_rows, max_decoded_bytes=max_decoded_bytes
    )
    return table.to_pandas()


def is_data_frame(value: object) -> bool:
    """Whether ``value`` is a pandas DataFrame, without importing pandas: a process that has
    not imported it holds no DataFrame."""
    pandas = sys.modules.get("pandas")
    return pandas is not None and isinstance(value, pandas.DataFrame)


def read_arrow(
    *,
    path: str | os.PathLike,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int | None = None,
    max_decoded_bytes: int = DEFAULT_MAX_DECODED_BYTES,
    columns: Sequence[str] | None = None,
) -> pa.Table:
    """Reads a CSV, gzipped CSV or Parquet file into an Arrow table of strings (nulls kept).

    The format is recognised by content (Parquet and gzip magic bytes), not by the file name.
    Raises TableReadError with a message for the participant when the file is too large (on
    disk, or once decoded: ``max_decoded_bytes``), holds more than ``max_rows`` rows, is empty,
    binary, not UTF-8, uses another delimiter than commas, has no rows, or repeats a column name.

    The decoded size is what the table takes as Arrow text: every value's bytes and a 4-byte
    offset. A small file cannot claim more than that: a Parquet file is refused from its footer
    (rows, uncompressed size) and from its dictionaries before any value is decoded, then read
    in batches counted against the cap; gzip is cut at the cap while it inflates; CSV text is
    refused before parsing when its separators could make cells past the cap. ``max_rows`` (the
    platform passes the test table's rows and a small margin) is checked from a Parquet footer,
    and after parsing for CSV, whose table the byte caps already bound.

    ``columns`` keeps only the columns of those names (after trimming), in the file's order, and
    converts no other column: a scorer needs the ids and labels, not a million rows of text.
    Names the file lacks are left out (the caller names them). The caps still count the whole
    file, so a file is refused or accepted alike whichever columns are asked for.
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
        table = _read_parquet(
            path, max_rows=max_rows, max_decoded_bytes=max_decoded_bytes, keep=columns
        )
    else:
        if head.startswith(GZIP_MAGIC):
            # Cut at the cap while inflating; the inflated bytes go once copied to Arrow.
            data = _arrow_owned(_gunzip(path, max_bytes=min(max_bytes, max_decoded_bytes)))
        else:
            with pa.OSFile(str(path)) as source:  # read straight into Arrow's own memory
                data = source.read_buffer()
        _check_csv_decoded_size(data, max_decoded_bytes=max_decoded_bytes)
        table = _read_csv_buffer(data, columns=columns)
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


# How a Parquet file is kept from decoding past the cap (see docs in ``read_arrow``):
# 1. the footer: rows per row group (what Arrow reads, whatever the file's total claims), the
#    uncompressed size, and rows x columns x 4 bytes (every decoded value takes its offset);
# 2. an upper bound of the decoded size: verbatim-encoded chunks decode to about their
#    uncompressed size, dictionary-encoded ones to at most rows x their dictionary's longest
#    value, found by reading one row of each row group, which decodes only the dictionary;
# 3. only when that bound exceeds the cap: the exact size, read with text columns as
#    dictionaries (4 bytes a row) in batches that are counted and dropped;
# 4. the read itself, in batches cast to text and counted as they arrive, so even a file whose
#    footer understates its pages stops at the cap.
# Unique ids, the common large column, are never read as a dictionary: hashing them costs 5x.
PARQUET_BATCH_ROWS = 64 * 1024
# Sizing batches hold only dictionary indices; Arrow copies a column's dictionary into every
# batch, so fewer, larger batches copy less.
SIZING_BATCH_ROWS = 256 * 1024
# What a decoded text value takes besides its bytes: its offset in the string array.
OFFSET_BYTES = 4
# A number, date or time as text: at most about 40 characters ("-1.7976931348623157e+308", a
# timestamp with nanoseconds and a zone) and its offset. Used only for the upper bound.
NON_TEXT_BYTES_PER_VALUE = 48
# Encodings under which every decoded byte is in the page (PLAIN, DELTA_LENGTH_BYTE_ARRAY), or
# which encode only definition levels (RLE, BIT_PACKED). Dictionary encodings and
# DELTA_BYTE_ARRAY (values sharing a prefix) let one stored value stand for many decoded ones.
VERBATIM_ENCODINGS = frozenset({"PLAIN", "RLE", "BIT_PACKED", "DELTA_LENGTH_BYTE_ARRAY"})
# Arrow cannot read DELTA_BYTE_ARRAY pages as a dictionary, so such columns are sized by
# decoding them in batches this small: a batch takes this many times the longest value.
PREFIXED_BATCH_ROWS = 256
# Dictionaries are sampled with one small read per row group; a file with more row groups that
# need it is sized exactly instead.
MAX_SAMPLED_ROW_GROUPS = 256


def _read_parquet(
    path: Path, *, max_rows: int | None, max_decoded_bytes: int, keep: Sequence[str] | None
) -> pa.Table:
    try:
        # A path, never a Python file object: Arrow's threads then touch no Python object.
        # Pre-buffering reads each row group's column chunks at once (at most the file's size),
        # which reads wide tables faster.
        with contextlib.closing(pq.ParquetFile(str(path), pre_buffer=True)) as parquet:
            schema = parquet.schema_arrow
            names = [name.strip() for name in schema.names]
            _check_names(names)
            for name, field in zip(names, schema, strict=True):
                if pa.types.is_nested(field.type):
                    raise _not_text(name=name, type_=field.type)
            metadata = parquet.metadata
            rows = sum(
                metadata.row_group(index).num_rows for index in range(metadata.num_row_groups)
            )
            if max_rows is not None and rows > max_rows:
                raise _too_many_rows(rows=rows, max_rows=max_rows)
            stored = sum(
                metadata.row_group(index).total_byte_size
                for index in range(metadata.num_row_groups)
            )
            if stored > max_decoded_bytes or rows * len(names) * OFFSET_BYTES > max_decoded_bytes:
                raise _too_large_decoded(max_decoded_bytes)
            columns = schema.names  # as written, to name columns to Arrow
            bound = _decoded_bound(
                path=path, metadata=metadata, columns=columns, max_decoded_bytes=max_decoded_bytes
            )
            if bound > max_decoded_bytes:
                _check_decoded_size(
                    path=path,
                    schema=schema,
                    prefixed=_prefixed_columns(metadata=metadata, columns=columns),
                    max_decoded_bytes=max_decoded_bytes,
                )
            written = dict(zip(names, columns, strict=True))  # trimmed name -> name as written
            if keep is not None:
                # At least one column is read, so that the rows are counted when none is found.
                first = dict([next(iter(written.items()))])
                written = {name: raw for name, raw in written.items() if name in keep} or first
            batches = _read_text_batches(
                parquet=parquet, written=written, max_decoded_bytes=max_decoded_bytes
            )
    except TableReadError:
        raise
    except (pa.ArrowException, OSError) as error:
        raise TableReadError(f"This Parquet file cannot be read: {_first_line(error)}") from None
    table = pa.Table.from_batches(batches, schema=_text_schema(list(written)))
    if table.num_rows == 0:
        raise TableReadError("The file has columns but no rows.")
    return table


def _text_schema(names: list[str]) -> pa.Schema:
    return pa.schema([pa.field(name, pa.string()) for name in names])


def _not_text(*, name: str, type_: pa.DataType) -> TableReadError:
    return TableReadError(
        f"Column {name!r} has type {type_}, which cannot be read as text or numbers; write ids "
        "and labels as strings or numbers."
    )


def _too_large_decoded(max_decoded_bytes: int) -> TableReadError:
    return TableReadError(
        f"The file is larger than the limit of {_megabytes(max_decoded_bytes)} once decoded."
    )


def _decoded_bound(
    *, path: Path, metadata: pq.FileMetaData, columns: list[str], max_decoded_bytes: int
) -> float:
    """An upper bound of the bytes the file takes once every column is text, or infinity.

    ``columns`` names the file's columns in order (the schema is flat: nested types are refused
    before), so a column chunk's position is its column.
    """
    total = 0
    to_sample: dict[int, list[int]] = {}  # row group -> its dictionary-encoded text columns
    for group_index in range(metadata.num_row_groups):
        group = metadata.row_group(group_index)
        for position in range(group.num_columns):
            chunk = group.column(position)
            if chunk.physical_type == "FIXED_LEN_BYTE_ARRAY":
                width = metadata.schema.column(position).length or 0
                total += chunk.num_values * (width + NON_TEXT_BYTES_PER_VALUE)
            elif chunk.physical_type != "BYTE_ARRAY":
                total += chunk.num_values * NON_TEXT_BYTES_PER_VALUE
            elif "DELTA_BYTE_ARRAY" in chunk.encodings:
                return math.inf
            elif chunk.has_dictionary_page:
                # Pages that fell back to PLAIN take their uncompressed size; the rest is
                # added once the dictionary's longest value is known.
                total += chunk.total_uncompressed_size + chunk.num_values * OFFSET_BYTES
                to_sample.setdefault(group_index, []).append(position)
            elif set(chunk.encodings) <= VERBATIM_ENCODINGS:
                total += chunk.total_uncompressed_size + chunk.num_values * OFFSET_BYTES
            else:
                return math.inf
    if total > max_decoded_bytes or not to_sample:
        return total
    if len(to_sample) > MAX_SAMPLED_ROW_GROUPS:
        return math.inf
    sampled = sorted(
        {columns[position] for positions in to_sample.values() for position in positions}
    )
    with contextlib.closing(pq.ParquetFile(str(path), read_dictionary=sampled)) as parquet:
        for group_index, positions in to_sample.items():
            longest = _longest_dictionary_values(
                parquet=parquet,
                group_index=group_index,
                columns=[columns[position] for position in positions],
            )
            group = metadata.row_group(group_index)
            for position, length in zip(positions, longest, strict=True):
                if length is None:
                    return math.inf
                total += group.column(position).num_values * length
                if total > max_decoded_bytes:
                    return total
    return total


def _longest_dictionary_values(
    *, parquet: pq.ParquetFile, group_index: int, columns: list[str]
) -> list[int | None]:
    # One row read as a dictionary decodes the row group's whole dictionary page and one value.
    batches = parquet.iter_batches(
        batch_size=1, row_groups=[group_index], columns=columns, use_threads=False
    )
    with contextlib.closing(batches):
        first = next(batches, None)
    if first is None:
        return [0] * len(columns)
    longest: list[int | None] = []
    for column in first.columns:
        if not pa.types.is_dictionary(column.type):
            longest.append(None)
            continue
        dictionary = column.dictionary
        if not _is_binary_like(dictionary.type):
            dictionary = dictionary.cast(pa.string())
        longest.append(pc.max(pc.binary_length(dictionary)).as_py() or 0)
    return longest


def _prefixed_columns(*, metadata: pq.FileMetaData, columns: list[str]) -> set[str]:
    """The columns with DELTA_BYTE_ARRAY pages in any row group."""
    return {
        columns[position]
        for group_index in range(metadata.num_row_groups)
        for position in range(metadata.num_columns)
        if "DELTA_BYTE_ARRAY" in metadata.row_group(group_index).column(position).encodings
    }


def _check_decoded_size(
    *, path: Path, schema: pa.Schema, prefixed: set[str], max_decoded_bytes: int
) -> None:
    """Refuses the file if its columns as text exceed the cap, holding no decoded text.

    Text columns are read as dictionaries, so a batch holds 4 bytes a row and the dictionary,
    and each value's length is looked up from the dictionary's offsets. Columns with
    DELTA_BYTE_ARRAY pages, which Arrow cannot read so, are decoded a few rows at a time.
    """
    text = [
        field.name
        for field in schema
        if field.name not in prefixed
        and (
            _is_binary_like(field.type)
            or pa.types.is_string_view(field.type)
            or pa.types.is_binary_view(field.type)
            or pa.types.is_dictionary(field.type)
        )
    ]
    passes = [
        ([name for name in schema.names if name not in prefixed], SIZING_BATCH_ROWS),
        ([name for name in schema.names if name in prefixed], PREFIXED_BATCH_ROWS),
    ]
    total = 0
    with contextlib.closing(pq.ParquetFile(str(path), read_dictionary=text)) as parquet:
        for columns, batch_rows in passes:
            if not columns:
                continue
            batches = parquet.iter_batches(batch_size=batch_rows, columns=columns)
            with contextlib.closing(batches):
                for batch in batches:
                    for name, column in zip(columns, batch.columns, strict=True):
                        total += _text_bytes(column, name=name.strip())
                        if total > max_decoded_bytes:
                            raise _too_large_decoded(max_decoded_bytes)


def _read_text_batches(
    *, parquet: pq.ParquetFile, written: dict[str, str], max_decoded_bytes: int
) -> list[pa.RecordBatch]:
    """The columns ``written`` names (trimmed name -> name in the file) as text batches."""
    names = list(written)
    schema = _text_schema(names)
    kept = []
    total = 0
    batches = parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS, columns=list(written.values()))
    with contextlib.closing(batches):
        for batch in batches:
            columns = [
                _as_text(column, name=name)
                for name, column in zip(names, batch.columns, strict=True)
            ]
            total += sum(
                _text_bytes(column, name=name) for name, column in zip(names, columns, strict=True)
            )
            if total > max_decoded_bytes:
                raise _too_large_decoded(max_decoded_bytes)
            kept.append(pa.record_batch(columns, schema=schema))
    return kept


def _is_binary_like(type_: pa.DataType) -> bool:
    return (
        pa.types.is_string(type_)
        or pa.types.is_large_string(type_)
        or pa.types.is_binary(type_)
        or pa.types.is_large_binary(type_)
    )


def _as_text(array: pa.Array, *, name: str) -> pa.Array:
    try:
        return array.cast(pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        raise _not_text(name=name, type_=array.type) from None


def _text_bytes(array: pa.Array, *, name: str) -> int:
    """Bytes ``array`` takes as an Arrow string array: its values' bytes and 4 per offset."""
    if pa.types.is_dictionary(array.type):
        return _dictionary_text_bytes(array, name=name)
    if _is_binary_like(array.type):
        # The values' bytes lie between the first and the last offset.
        large = pa.types.is_large_string(array.type) or pa.types.is_large_binary(array.type)
        offsets = np.frombuffer(array.buffers()[1], dtype=np.int64 if large else np.int32)
        ends = offsets[array.offset : array.offset + len(array) + 1]
        return OFFSET_BYTES * len(array) + (int(ends[-1] - ends[0]) if len(array) else 0)
    total = OFFSET_BYTES * len(array)
    for start in range(0, len(array), PARQUET_BATCH_ROWS):
        piece = array.slice(start, PARQUET_BATCH_ROWS)
        if not _is_binary_like(piece.type):
            piece = _as_text(piece, name=name)  # numbers, as the reader will write them
        total += pc.sum(pc.binary_length(piece)).as_py() or 0
    return total


def _dictionary_text_bytes(array: pa.DictionaryArray, *, name: str) -> int:
    # Each row's length is the difference of two offsets of its dictionary value: no value is
    # decoded, and the work is per row, not per dictionary entry (Arrow hands every batch the
    # whole dictionary read so far, which grows with each batch of a column of unique values).
    dictionary = array.dictionary
    if not _is_binary_like(dictionary.type):
        dictionary = _as_text(dictionary, name=name)
    large = pa.types.is_large_string(dictionary.type) or pa.types.is_large_binary(dictionary.type)
    offsets = np.frombuffer(dictionary.buffers()[1], dtype=np.int64 if large else np.int32)
    offsets = offsets[dictionary.offset : dictionary.offset + len(dictionary) + 1].astype(np.int64)
    total = OFFSET_BYTES * len(array)
    indices = array.indices
    for start in range(0, len(indices), PARQUET_BATCH_ROWS):
        piece = indices.slice(start, PARQUET_BATCH_ROWS).drop_null()
        rows = piece.to_numpy().astype(np.int64)
        total += int((offsets[rows + 1] - offsets[rows]).sum())
    return total


# How many bytes of CSV are scanned at a time for separators (a temporary of this size).
SCAN_BYTES = 16 * 1024 * 1024


def _check_csv_decoded_size(data: pa.Buffer, *, max_decoded_bytes: int) -> None:
    """Refuses CSV text whose parsed table could exceed the cap, before parsing it.

    Arrow keeps a cell as its bytes plus a 4-byte offset and a validity bit, so empty cells
    (",,,,") take up to about six times their size. A file has at most one cell more than it
    has separators (commas, and newlines or carriage returns), which numpy counts quickly.
    """
    per_cell = OFFSET_BYTES + 1
    if data.size + per_cell * (data.size + 1) <= max_decoded_bytes:
        return
    view = np.frombuffer(data, dtype=np.uint8)
    separators = 0
    for start in range(0, len(view), SCAN_BYTES):
        piece = view[start : start + SCAN_BYTES]
        separators += sum(int(np.count_nonzero(piece == byte)) for byte in SEPARATOR_BYTES)
    if data.size + per_cell * (separators + 1) > max_decoded_bytes:
        raise _too_large_decoded(max_decoded_bytes)


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


def _read_csv_buffer(data: pa.Buffer, *, columns: Sequence[str] | None = None) -> pa.Table:
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
    kept = names if columns is None else [name for name in names if name in set(columns)]
    # An empty include_columns means every column to Arrow: one is read to count the rows.
    kept = kept or names[:1]
    try:
        table = pa_csv.read_csv(
            pa.BufferReader(body),
            read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pa_csv.ParseOptions(newlines_in_values=True),
            convert_options=pa_csv.ConvertOptions(
                column_types={name: pa.string() for name in kept},
                include_columns=kept,
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

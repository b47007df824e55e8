"""Issue 14, item 1: files that are small on disk and huge once decoded are refused before the
decoded data exists in memory, each read in its own process so that the peak of Arrow's memory
pool is measured (and capped: a regression fails on an allocation, not on the machine)."""

import gzip
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from scoring import readers
from scoring.errors import TableReadError
from scoring.readers import read_arrow

REPO = Path(__file__).resolve().parents[3]
MB = 1024 * 1024
# Reads a file with read_arrow(**kwargs) in a process limited to 3 GB of address space and
# prints the outcome with the peak of Arrow's memory pool.
READ_AND_MEASURE = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
import pyarrow as pa
from scoring.errors import TableReadError
from scoring.readers import read_arrow
try:
    table = read_arrow(path=sys.argv[1], **json.loads(sys.argv[2]))
    outcome = f"read {table.num_rows} rows"
except TableReadError as error:
    outcome = str(error)
print(json.dumps({"outcome": outcome, "peak": pa.default_memory_pool().max_memory()}))
"""


def read_in_process(path: Path, **kwargs) -> dict:
    finished = subprocess.run(
        [sys.executable, "-c", READ_AND_MEASURE, str(path), json.dumps(kwargs)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
        timeout=120,
    )
    assert finished.returncode == 0, finished.stderr[-2000:]
    return json.loads(finished.stdout.strip().splitlines()[-1])


def repeated(path: Path, *, rows: int, dictionary: list[str], **write_options) -> Path:
    """``rows`` rows whose id is ``dictionary[1]`` (or [0] when alone), dictionary-encoded."""
    index = np.full(rows, len(dictionary) - 1, dtype=np.int32)
    index[0] = 0  # the first row, the only one a one-row read decodes, holds the short value
    ids = pa.DictionaryArray.from_arrays(pa.array(index), pa.array(dictionary))
    labels = pa.DictionaryArray.from_arrays(pa.array(np.zeros(rows, np.int32)), pa.array(["a"]))
    pq.write_table(pa.table({"id": ids, "label": labels}), path, **write_options)
    return path


@pytest.fixture(scope="module")
def bombs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bombs")
    return {
        # The reported file: 10M rows of one 100-character id, ~160 KB, 1 GB decoded.
        "reported": repeated(
            folder / "reported.parquet",
            rows=10_000_000,
            dictionary=["x" * 100],
            compression="zstd",
        ),
        # 20,000 rows (fewer than many test tables) of one 200 KB id: 4 GB decoded from under
        # 1 KB. Without the Arrow schema in the footer, pyarrow reads the column as plain text.
        "long value": repeated(
            folder / "long-value.parquet",
            rows=20_000,
            dictionary=["short", "y" * 200_000],
            compression="zstd",
            store_schema=False,
        ),
    }


def test_the_bombs_are_small_files(bombs):
    assert bombs["reported"].stat().st_size < 400 * 1024
    assert bombs["long value"].stat().st_size < 4 * 1024


def test_the_reported_bomb_is_refused_by_its_row_count_before_any_read(bombs):
    result = read_in_process(bombs["reported"], max_rows=1010)
    assert result["outcome"] == (
        "The file holds 10,000,000 rows; this table may have at most 1,010 (one row per id)."
    )
    assert result["peak"] < 1 * MB


def test_without_a_row_cap_the_reported_bomb_is_sized_from_its_dictionary(bombs):
    result = read_in_process(bombs["reported"])
    assert result["outcome"] == "The file is larger than the limit of 1024 MB once decoded."
    # Only dictionary indices of one batch at a time: the 1 GB of ids never exists.
    assert result["peak"] < 16 * MB


def test_a_long_dictionary_value_is_refused_though_the_row_cap_allows_the_rows(bombs):
    result = read_in_process(bombs["long value"], max_rows=25_000)
    assert result["outcome"] == "The file is larger than the limit of 1024 MB once decoded."
    assert result["peak"] < 16 * MB


def test_shared_prefixes_are_sized_without_decoding_them(tmp_path):
    # DELTA_BYTE_ARRAY stores each value as a prefix length of the previous one and a suffix:
    # 4,000 copies of a 50 KB value take about one value on disk and 200 MB decoded.
    path = tmp_path / "prefixes.parquet"
    value = "z" * 50_000
    schema = pa.schema([("id", pa.string())])
    options = {"use_dictionary": False, "column_encoding": {"id": "DELTA_BYTE_ARRAY"}}
    with pq.ParquetWriter(path, schema, compression="zstd", **options) as writer:
        for _ in range(20):
            writer.write_table(pa.table({"id": pa.array([value] * 200)}, schema=schema))
    assert path.stat().st_size < 256 * 1024
    result = read_in_process(path, max_decoded_bytes=64 * MB)
    assert result["outcome"] == "The file is larger than the limit of 64 MB once decoded."
    assert result["peak"] < 32 * MB


def test_rows_times_columns_alone_can_refuse_a_file(tmp_path):
    # Every decoded value takes at least its 4-byte offset: 1M rows x 2 columns > 4 MB.
    path = repeated(tmp_path / "rows.parquet", rows=1_000_000, dictionary=["a"])
    before = pa.total_allocated_bytes()
    with pytest.raises(TableReadError, match="limit of 4 MB once decoded"):
        read_arrow(path=path, max_decoded_bytes=4 * MB)
    assert pa.total_allocated_bytes() == before


def test_a_gzip_bomb_is_cut_at_the_decoded_cap_below_the_size_cap(tmp_path):
    path = tmp_path / "bomb.csv.gz"
    with gzip.open(path, "wb", compresslevel=9) as handle:
        handle.write(b"id,label\n")
        for _ in range(4 * 1024):  # 16 MB inflated, tens of KB on disk
            handle.write(b"1,a\n" * 1024)
    assert path.stat().st_size < 256 * 1024
    with pytest.raises(TableReadError, match="limit of 2 MB once decompressed"):
        read_arrow(path=path, max_decoded_bytes=2 * MB)


def test_a_csv_of_empty_cells_is_refused_before_it_is_parsed(tmp_path):
    # Arrow keeps each empty cell as a 4-byte offset and a validity bit: 1 MB of commas would
    # take 5 MB as a table.
    path = tmp_path / "commas.csv"
    path.write_bytes(b"a,b,c,d\n" + b",,,\n" * (256 * 1024))
    with pytest.raises(TableReadError, match="limit of 3 MB once decoded"):
        read_arrow(path=path, max_decoded_bytes=3 * MB)
    assert read_arrow(path=path, max_decoded_bytes=8 * MB).num_rows == 256 * 1024


def test_a_nested_column_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "nested.parquet"
    pq.write_table(pa.table({"id": ["1"], "label": [["a", "b"]]}), path)
    with pytest.raises(TableReadError, match="Column 'label' has type list<"):
        read_arrow(path=path)


@pytest.fixture(scope="module")
def ordinary(tmp_path_factory):
    """A predictions-like table: unique ids past the writer's dictionary limit, so they fall
    back to plain pages, a few labels, numbers, nulls, several row groups."""
    rng = np.random.default_rng(3)
    rows = 300_000
    frame = pd.DataFrame(
        {
            "id": [f"row-{index:08d}" for index in range(rows)],
            "label": rng.choice(["cat", "dog", "bird"], rows),
            "score": rng.random(rows),
            "count": rng.integers(0, 1000, rows),
        }
    )
    frame.loc[::7, "label"] = None
    table = pa.Table.from_pandas(frame, preserve_index=False)
    folder = tmp_path_factory.mktemp("ordinary")
    paths = {name: folder / f"{name}.parquet" for name in ("pyarrow", "pandas", "prefixed")}
    pq.write_table(table, paths["pyarrow"], row_group_size=64_000)
    frame.to_parquet(paths["pandas"], index=False)
    # As Spark writes with Parquet v2: ids in DELTA_BYTE_ARRAY, which is sized differently.
    pq.write_table(
        table,
        paths["prefixed"],
        use_dictionary=["label"],
        column_encoding={"id": "DELTA_BYTE_ARRAY"},
    )
    expected = pa.table({name: table.column(name).cast(pa.string()) for name in table.column_names})
    return paths, expected


@pytest.mark.parametrize("writer", ["pyarrow", "pandas", "prefixed"])
def test_an_ordinary_file_reads_to_the_same_text_by_every_path(ordinary, writer, monkeypatch):
    paths, expected = ordinary
    path = paths[writer]
    direct = read_arrow(path=path, max_rows=300_000)
    assert direct.equals(expected)
    # A cap just above the table's own size sends it through the exact sizing first.
    size = direct.nbytes
    assert read_arrow(path=path, max_decoded_bytes=size + MB).equals(expected)
    with pytest.raises(TableReadError, match="once decoded"):
        read_arrow(path=path, max_decoded_bytes=size - 64 * 1024)
    # So do files with too many row groups to sample their dictionaries.
    monkeypatch.setattr(readers, "MAX_SAMPLED_ROW_GROUPS", 1)
    assert read_arrow(path=path).equals(expected)

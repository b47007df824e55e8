"""Issue 14, item 1: files that are small on disk and huge once decoded are refused from their
metadata or at a decoded-size cap, before the decoded data exists in memory."""

import gzip

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from scoring.errors import TableReadError
from scoring.readers import read_arrow

BOMB_ROWS = 10_000_000


def dictionary_bomb(path, *, rows: int = BOMB_ROWS, width: int = 100):
    """``rows`` copies of one ``width``-character id, dictionary-encoded: a few hundred KB."""
    indices = pa.array(np.zeros(rows, dtype=np.int32))
    ids = pa.DictionaryArray.from_arrays(indices, pa.array(["x" * width]))
    labels = pa.DictionaryArray.from_arrays(indices, pa.array(["a"]))
    pq.write_table(pa.table({"id": ids, "label": labels}), path, compression="zstd")
    return path


@pytest.fixture(scope="module")
def bomb(tmp_path_factory):
    path = dictionary_bomb(tmp_path_factory.mktemp("bombs") / "bomb.parquet")
    assert path.stat().st_size < 1024 * 1024
    return path


def test_a_parquet_bomb_is_refused_by_its_row_count_before_decoding(bomb):
    before = pa.total_allocated_bytes()
    with pytest.raises(TableReadError, match=r"holds 10,000,000 rows.*at most 1,200"):
        read_arrow(path=bomb, max_rows=1200)
    assert pa.total_allocated_bytes() - before < 1024 * 1024  # nothing was read


def test_without_a_row_cap_the_decoded_size_refuses_it_without_decoding(bomb):
    pool = pa.default_memory_pool()
    pool.release_unused()
    before = pa.total_allocated_bytes()
    with pytest.raises(TableReadError, match="once decoded"):
        read_arrow(path=bomb, max_decoded_bytes=256 * 1024 * 1024)
    # The 1 GB of ids was never materialized: only the int32 indices (40 MB) were read.
    assert pa.total_allocated_bytes() - before < 100 * 1024 * 1024


def test_a_gzip_bomb_is_cut_at_the_decoded_cap(tmp_path):
    path = tmp_path / "bomb.csv.gz"
    with gzip.open(path, "wb", compresslevel=9) as handle:
        handle.write(b"id,label\n")
        line = b"1,a\n" * 1024
        for _ in range(8 * 1024):  # 32 MB inflated, ~100 KB on disk
            handle.write(line)
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(TableReadError, match="once decompressed"):
        read_arrow(path=path, max_bytes=2 * 1024 * 1024)


def test_a_csv_with_too_many_rows_is_refused(tmp_path):
    path = tmp_path / "many.csv"
    path.write_text("id,label\n" + "".join(f"{i},a\n" for i in range(50)))
    with pytest.raises(TableReadError, match="holds 50 rows"):
        read_arrow(path=path, max_rows=40)
    assert read_arrow(path=path, max_rows=50).num_rows == 50


def test_files_within_the_caps_read_the_same_as_before(tmp_path):
    frame = {"id": ["007", "8", "9"], "label": ["a", "b", None]}
    parquet = tmp_path / "ok.parquet"
    pq.write_table(pa.table(frame), parquet)
    dictionary = tmp_path / "dict.parquet"
    pq.write_table(pa.table(frame), dictionary, use_dictionary=True)
    csv = tmp_path / "ok.csv"
    csv.write_text("id,label\n007,a\n8,b\n9,\n")
    for path in (parquet, dictionary, csv):
        table = read_arrow(path=path, max_rows=3, max_decoded_bytes=10_000)
        assert table.column("id").to_pylist() == ["007", "8", "9"]
        assert table.column("label").to_pylist() == ["a", "b", None]
        assert table.schema.field("id").type == pa.string()

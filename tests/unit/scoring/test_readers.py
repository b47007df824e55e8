import gzip

import pandas as pd
import pytest

from scoring import TableReadError, read_arrow, read_table


def write(tmp_path, data: bytes, name="predictions.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_bom_crlf_quotes_and_header_whitespace(tmp_path):
    data = '\ufeff id , label \r\n7,"a, with comma"\r\n007,"two\nlines"\r\n'.encode()
    frame = read_table(path=write(tmp_path, data))
    assert list(frame.columns) == ["id", "label"]
    assert list(frame["id"]) == ["7", "007"]  # read as text: 007 keeps its zeros
    assert list(frame["label"]) == ["a, with comma", "two\nlines"]


def test_empty_fields_are_null(tmp_path):
    frame = read_table(path=write(tmp_path, b"id,label\n1,\n2,b\n"))
    assert frame["label"].isna().tolist() == [True, False]


def test_gzip_is_recognised_by_content(tmp_path):
    path = write(tmp_path, gzip.compress(b"id,label\n1,a\n"), name="noext")
    assert read_table(path=path).to_dict("list") == {"id": ["1"], "label": ["a"]}


def test_parquet_integer_ids_become_text(tmp_path):
    path = tmp_path / "p.parquet"
    pd.DataFrame({"id": [7, 8], "label": [1, 0]}).to_parquet(path)
    frame = read_table(path=path)
    assert frame.to_dict("list") == {"id": ["7", "8"], "label": ["1", "0"]}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x00\x01\x02\x03binary\x00", "not a text file"),
        ("id,label\n1,caf\xe9\n".encode("latin-1"), "not valid UTF-8"),
        (b"id;label\n1;a\n", "separated by semicolons"),
        (b"id\tlabel\n1\ta\n", "separated by tabs"),
        (b"id,label\n", "no rows"),
        (b"id,id\n1,2\n", "more than once: id"),
        (b"id,,label\n1,2,3\n", "has no name"),
        (b"id,label\n1,a,extra\n", "cannot be parsed"),
    ],
)
def test_broken_files_are_refused_with_a_reason(tmp_path, data, message):
    with pytest.raises(TableReadError, match=message):
        read_table(path=write(tmp_path, data))


def test_too_large_is_refused_before_reading(tmp_path):
    path = write(tmp_path, b"id,label\n" + b"1,a\n" * 1000)
    with pytest.raises(TableReadError, match="larger than the limit"):
        read_table(path=path, max_bytes=1000)


def test_gzip_bomb_is_refused(tmp_path):
    bomb = gzip.compress(b"id,label\n" + b"1,a\n" * 2_000_000)  # 8 MB that packs into ~10 KB
    path = write(tmp_path, bomb, name="bomb.csv.gz")
    assert path.stat().st_size < 100_000
    with pytest.raises(TableReadError, match="once decompressed"):
        read_table(path=path, max_bytes=1_000_000)


def test_truncated_gzip_is_refused(tmp_path):
    data = gzip.compress(b"id,label\n" + b"1,a\n" * 10_000)
    with pytest.raises(TableReadError, match="truncated|damaged"):
        read_table(path=write(tmp_path, data[: len(data) // 2]))


def test_damaged_parquet_is_refused(tmp_path):
    with pytest.raises(TableReadError, match="Parquet"):
        read_table(path=write(tmp_path, b"PAR1" + b"junk" * 50, name="x.parquet"))


def test_bad_utf8_after_the_first_megabyte_is_refused(tmp_path):
    data = b"id,label\n" + b"1,a\n" * 300_000 + "2,caf\xe9\n".encode("latin-1")
    with pytest.raises(TableReadError, match="not valid UTF-8"):
        read_table(path=write(tmp_path, data))


def test_header_only_whitespace_lines_are_empty(tmp_path):
    with pytest.raises(TableReadError, match="empty"):
        read_table(path=write(tmp_path, b"\r\n \r\n"))


@pytest.mark.parametrize("file_format", ["csv", "parquet"])
def test_only_the_columns_asked_for_are_read(tmp_path, file_format):
    frame = pd.DataFrame({" id ": ["a", "b"], "text": ["x", "y"], "label": ["1", None]})
    path = tmp_path / f"t.{file_format}"
    frame.to_csv(path, index=False) if file_format == "csv" else frame.to_parquet(path)
    table = read_arrow(path=path, columns=["label", "id", "absent"])
    assert table.column_names == ["id", "label"]  # the file's order; absent names left out
    assert table["label"].to_pylist() == ["1", None]
    assert read_arrow(path=path, columns=["absent"]).num_rows == 2  # rows still counted

"""Issue 14, items 1 and 6 for bundles: every table is read under the bundle's caps, which the
caller may set, and a task.yaml nested deeper than a manifest needs is a listed problem instead
of a RecursionError."""

import shutil
from pathlib import Path

import pytest

from scoring.bundle import MANIFEST_MAX_DEPTH, BundleError, load_bundle, read_public_task

FRUIT = Path(__file__).resolve().parents[2] / "fixtures" / "bundles" / "outsider-fruit"


@pytest.fixture
def fruit(tmp_path):
    return Path(shutil.copytree(FRUIT, tmp_path / "fruit"))


def problems_of(refused: pytest.ExceptionInfo) -> list[str]:
    return [str(problem) for problem in refused.value.problems]


def test_the_fixture_loads_under_the_default_caps(fruit):
    assert load_bundle(path=fruit).manifest.slug == "outsider-fruit"


def test_a_table_over_the_row_cap_is_a_listed_problem(fruit):
    with pytest.raises(BundleError) as refused:
        load_bundle(path=fruit, max_table_rows=40)
    assert problems_of(refused) == [
        "train.csv: The file holds 60 rows; this table may have at most 40 (one row per id)."
    ]


def test_a_table_over_the_decoded_cap_is_a_listed_problem(fruit):
    with pytest.raises(BundleError) as refused:
        load_bundle(path=fruit, max_table_decoded_bytes=2048)
    assert any("train.csv" in text and "once decoded" in text for text in problems_of(refused))


@pytest.mark.parametrize("reader", [load_bundle, read_public_task])
def test_a_deeply_nested_manifest_is_a_listed_problem(tmp_path, reader):
    # 5,000 levels would exhaust Python's recursion in PyYAML's composer.
    (tmp_path / "task.yaml").write_text("slug: " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(BundleError) as refused:
        reader(path=tmp_path)
    assert problems_of(refused) == [
        f"task.yaml: nests values more than {MANIFEST_MAX_DEPTH} levels deep; a manifest is a "
        "few levels of keys and lists."
    ]

"""Matching ids by number must agree with matching them as text, whatever their shape."""

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.idmatch import positions_by_number
from scoring.validation import _positions_in


def by_text(ids: list[str], expected: list[str]) -> np.ndarray:
    where = {value: index for index, value in enumerate(expected)}
    return np.array([where.get(value, -1) for value in ids], dtype=np.int64)


def test_numbered_ids_take_the_fast_path_and_agree():
    expected = [f"r{i:07d}" for i in range(1000)]
    rng = np.random.default_rng(1)
    ids = [expected[i] for i in rng.permutation(1000)[:990]] + ["r1000000", "r0000005", "x0000001"]
    fast = positions_by_number(ids=pa.array(ids), expected=pa.array(expected))
    assert fast is None  # "x0000001" breaks the shared prefix: the general path decides
    ids = ids[:-1]
    fast = positions_by_number(ids=pa.array(ids), expected=pa.array(expected))
    assert fast is not None
    assert (fast == by_text(ids, expected)).all()


def test_leading_zeros_are_not_the_same_id():
    # '007' and '7' differ as text; a different width never takes the numeric path.
    assert positions_by_number(ids=pa.array(["7", "8"]), expected=pa.array(["007", "008"])) is None
    assert (
        _positions_in(ids=pa.array(["7", "008"]), expected=pa.array(["007", "008"])) == [-1, 1]
    ).all()


def test_other_shapes_fall_back():
    cases = [
        (["a1", "b2"], ["a1", "b2"]),  # prefixes differ
        (["abc", "abd"], ["abc", "abd"]),  # no digits
        (["1", "22"], ["1", "22"]),  # widths differ
        ([" 1", "2 "], ["01", "02"]),  # spaces
        (["1", None], ["1", "2"]),  # null
        (["1", "9"], ["1", "900000000"]),  # different widths between the two arrays
    ]
    for ids, expected in cases:
        assert positions_by_number(ids=pa.array(ids), expected=pa.array(expected)) is None


def test_sparse_numbers_fall_back_to_hashing():
    expected = [f"{i * 10**12:018d}" for i in range(1, 50)]
    assert positions_by_number(ids=pa.array(expected), expected=pa.array(expected)) is None
    assert (_positions_in(ids=pa.array(expected), expected=pa.array(expected)) == range(49)).all()


ID_SHAPES = st.sampled_from(["{:05d}", "id-{:04d}", "{:d}", "P{:03d}x", "{:020d}", "٣{:03d}"])


@settings(max_examples=200, deadline=None)
@given(
    shape=ID_SHAPES,
    numbers=st.lists(st.integers(0, 99_999), min_size=1, max_size=60, unique=True),
    picks=st.lists(st.integers(0, 200_000), max_size=80),
)
def test_positions_agree_with_text_matching(shape, numbers, picks):
    expected = [shape.format(n) for n in numbers]
    ids = [shape.format(p) if p >= 100_000 or p % 3 else expected[p % len(expected)] for p in picks]
    assert (
        _positions_in(ids=pa.array(ids, pa.string()), expected=pa.array(expected))
        == by_text(ids, expected)
    ).all()


def test_widest_numbers_do_not_overflow():
    for digits in (8, 9, 18):
        top = 10**digits - 1
        expected = [str(top - i) for i in range(5)]
        ids = list(reversed(expected))
        fast = positions_by_number(ids=pa.array(ids), expected=pa.array(expected))
        assert fast is not None and list(fast) == [4, 3, 2, 1, 0]

import random

from hypothesis import given
from hypothesis import strategies as st

from scoring import assign_usage


@given(
    st.lists(st.text(min_size=1, max_size=8), min_size=0, max_size=200, unique=True),
    st.floats(0, 1),
)
def test_exact_public_count_and_order_independence(ids, fraction):
    usage = assign_usage(ids=ids, public_fraction=fraction, seed=3)
    assert usage.count("public") == round(len(ids) * fraction)
    shuffled = ids[:]
    random.Random(1).shuffle(shuffled)
    again = dict(
        zip(shuffled, assign_usage(ids=shuffled, public_fraction=fraction, seed=3), strict=True)
    )
    assert dict(zip(ids, usage, strict=True)) == again


def test_the_seed_changes_the_split():
    ids = [str(i) for i in range(100)]
    assert assign_usage(ids=ids, public_fraction=0.5, seed=1) != assign_usage(
        ids=ids, public_fraction=0.5, seed=2
    )

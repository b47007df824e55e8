"""A scoring job's memory ceiling (core/memory.py): past its allowance an allocation fails in
that job, as MemoryError from numpy and from pyarrow alike, and the process is whole afterwards."""

import numpy as np
import pyarrow as pa
import pytest

from arena.core.memory import job_memory_limit, mapped_bytes

HALF_GB = 512 * 1024 * 1024


def test_numpy_cannot_allocate_past_the_allowance():
    with pytest.raises(MemoryError), job_memory_limit(megabytes=128):
        np.ones(HALF_GB // 8)
    assert np.ones(HALF_GB // 8).sum() == HALF_GB // 8  # the limit is lifted afterwards


def test_pyarrow_cannot_allocate_past_the_allowance():
    # jemalloc reuses address space it already maps, so the allowance is on top of that: ask
    # for more than this test process can have mapped before.
    with pytest.raises(MemoryError), job_memory_limit(megabytes=128):
        pa.allocate_buffer(8 * 1024 * 1024 * 1024)
    assert pa.allocate_buffer(HALF_GB).size == HALF_GB


def test_within_the_allowance_nothing_changes():
    with job_memory_limit(megabytes=1024):
        assert np.ones(HALF_GB // 16).sum() == HALF_GB // 16
    assert mapped_bytes() is not None

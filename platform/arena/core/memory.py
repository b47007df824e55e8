"""A memory ceiling for one job inside a long-lived worker process.

Celery's ``worker_max_memory_per_child`` replaces a pool process only after a job has finished,
so it cannot stop one job from taking the machine down. Here the process's address-space limit
(RLIMIT_AS) is lowered for the length of a job to what the process already maps plus the job's
allowance; an allocation beyond it fails with MemoryError (pyarrow's ArrowMemoryError is one) in
that job alone, and the limit is restored afterwards.
"""

import contextlib
import resource
from collections.abc import Iterator
from pathlib import Path


def mapped_bytes() -> int | None:
    """The address space this process maps now (VmSize), or None where /proc is missing."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


@contextlib.contextmanager
def job_memory_limit(*, megabytes: int) -> Iterator[None]:
    """Lets the block grow the process by at most ``megabytes`` of address space (0: no limit)."""
    current = mapped_bytes()
    if not megabytes or current is None:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    ceiling = current + megabytes * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        ceiling = min(ceiling, hard)
    if soft != resource.RLIM_INFINITY:
        ceiling = min(ceiling, soft)
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))

"""The deterministic public/private split of a task's test rows."""

import hashlib
from collections.abc import Sequence


def assign_usage(*, ids: Sequence[str], public_fraction: float, seed: int = 0) -> list[str]:
    """Returns "public" or "private" for each id, in the order given.

    Exactly ``round(len(ids) * public_fraction)`` ids are public. Ids are ranked by a SHA-256 of
    ``"{seed}:{id}"``, so the split is the same on every machine and in any input order.
    """
    if not 0.0 <= public_fraction <= 1.0:
        raise ValueError("public_fraction must be between 0 and 1")
    keys = [str(item) for item in ids]
    public_count = round(len(keys) * public_fraction)
    ranked = sorted(
        range(len(keys)),
        key=lambda index: hashlib.sha256(f"{seed}:{keys[index]}".encode()).hexdigest(),
    )
    public = set(ranked[:public_count])
    return ["public" if index in public else "private" for index in range(len(keys))]

"""Errors a participant can act on. Messages name the participant's own values only."""

from collections.abc import Iterable


class TableReadError(ValueError):
    """A file that cannot be read as a table; the message says why and how to fix it."""


class InvalidPredictions(ValueError):
    """A predictions file that does not fit the task; ``errors`` lists every problem found."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = list(errors)


def examples(values: Iterable, *, limit: int = 5) -> str:
    """Up to ``limit`` values, quoted and shortened, for an error message."""
    shown: list[str] = []
    for value in values:
        if len(shown) == limit:
            break
        text = str(value)
        shown.append(repr(text if len(text) <= 40 else text[:37] + "..."))
    return ", ".join(shown)

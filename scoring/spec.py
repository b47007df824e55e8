"""What the scorer needs to know about a task."""

from dataclasses import dataclass

KINDS = ("classification", "matching")


@dataclass(frozen=True)
class TaskSpec:
    """A task as the scorer sees it: its kind, primary metric, column names and classes."""

    kind: str
    metric: str
    id_column: str = "id"
    label_column: str = "label"
    classes: tuple[str, ...] = ()

    @property
    def probabilistic(self) -> bool:
        """Whether submissions give one probability column per class instead of a label."""
        return self.metric == "log_loss"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {self.kind!r}")

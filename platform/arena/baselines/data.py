"""Reading a task's public data for a baseline (no Django, no answers needed)."""

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from scoring.bundle import (
    BUNDLE_MAX_DECODED_BYTES,
    BUNDLE_MAX_ROWS,
    BUNDLE_MAX_TABLE_BYTES,
    manifest_yaml_load,
)
from scoring.readers import read_table

CLASSIFICATION_TABLES = ("train", "test")
MATCHING_TABLES = ("left", "right", "train_pairs", "test_pairs")


@dataclass
class PublicData:
    """A task as a participant has it: manifest fields and the public tables, typed."""

    root: Path
    kind: str
    metric: str
    id_column: str
    label_column: str
    columns: dict[str, str]
    tables: dict[str, pd.DataFrame]

    def feature_columns(self, column_type: str) -> list[str]:
        return [name for name, kind in self.columns.items() if kind == column_type]


def _find(root: Path, name: str) -> Path:
    for suffix in (".parquet", ".csv", ".csv.gz"):
        if (root / f"{name}{suffix}").is_file():
            return root / f"{name}{suffix}"
    raise FileNotFoundError(f"{root} has no {name} table")


def read_public_data(*, root: str | Path) -> PublicData:
    """Reads task.yaml and the public tables of a bundle; numeric columns become numbers."""
    root = Path(root)
    manifest = manifest_yaml_load(path=root / "task.yaml")
    kind = manifest["kind"]
    columns = {str(name): str(kind_) for name, kind_ in manifest["columns"].items()}
    label = str(manifest.get("label") or "label")
    names = CLASSIFICATION_TABLES if kind == "classification" else MATCHING_TABLES
    tables = {}
    for name in names:
        frame = read_table(
            path=_find(root, name),
            max_bytes=BUNDLE_MAX_TABLE_BYTES,
            max_rows=BUNDLE_MAX_ROWS,
            max_decoded_bytes=BUNDLE_MAX_DECODED_BYTES,
        )
        for column, column_type in columns.items():
            if column_type == "numeric" and column in frame.columns:
                frame[column] = pd.to_numeric(frame[column], errors="coerce")
        if kind == "matching" and label in frame.columns:
            frame[label] = pd.to_numeric(frame[label]).astype(int)
        tables[name] = frame
    return PublicData(
        root=root,
        kind=kind,
        metric=str(manifest["metric"]),
        id_column=str(manifest.get("id") or "id"),
        label_column=label,
        columns=columns,
        tables=tables,
    )

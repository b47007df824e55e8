"""Writing a bundle folder (task.yaml and CSV tables) and the splits recipes share."""

from pathlib import Path

import numpy as np
import pandas as pd
import yaml


def write_bundle(
    *, root: Path, manifest: dict, tables: dict[str, pd.DataFrame], images: dict | None = None
) -> Path:
    """Writes ``task.yaml``, one CSV per table and, optionally, PNG files under images/."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "task.yaml").write_text(
        yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    for name, frame in tables.items():
        frame.to_csv(root / f"{name}.csv", index=False)
    for relative, data in (images or {}).items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return root


def stratified_split(
    *, labels: pd.Series, test_share: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Row positions for train and test with every class on both sides (classes >= 2 rows)."""
    rng = np.random.default_rng(seed)
    train, test = [], []
    for _, positions in labels.groupby(labels).indices.items():
        positions = rng.permutation(positions)
        cut = max(1, round(len(positions) * test_share))
        cut = min(cut, len(positions) - 1)
        test.extend(positions[:cut])
        train.extend(positions[cut:])
    return np.sort(np.array(train)), np.sort(np.array(test))


def classification_tables(
    *, frame: pd.DataFrame, label: str, id_prefix: str, test_share: float = 0.3, seed: int = 0
) -> dict[str, pd.DataFrame]:
    """train/test/answers from one labelled frame, with ids like ``v00001``."""
    frame = frame.reset_index(drop=True)
    frame.insert(0, "id", [f"{id_prefix}{index + 1:05d}" for index in range(len(frame))])
    train_rows, test_rows = stratified_split(labels=frame[label], test_share=test_share, seed=seed)
    train = frame.iloc[train_rows].rename(columns={label: "label"})
    test = frame.iloc[test_rows].rename(columns={label: "label"})
    return {
        "train": train.reset_index(drop=True),
        "test": test.drop(columns=["label"]).reset_index(drop=True),
        "answers": test[["id", "label"]].reset_index(drop=True),
    }


def pair_tables(
    *, pairs: pd.DataFrame, test_share: float = 0.3, seed: int = 0
) -> dict[str, pd.DataFrame]:
    """train_pairs/test_pairs/answers from labelled (left_id, right_id, label) pairs."""
    rng = np.random.default_rng(seed)
    pairs = pairs.iloc[rng.permutation(len(pairs))].reset_index(drop=True)
    pairs.insert(0, "id", [f"p{index + 1:06d}" for index in range(len(pairs))])
    cut = round(len(pairs) * (1 - test_share))
    train, test = pairs.iloc[:cut], pairs.iloc[cut:]
    return {
        "train_pairs": train.reset_index(drop=True),
        "test_pairs": test.drop(columns=["label"]).reset_index(drop=True),
        "answers": test[["id", "label"]].reset_index(drop=True),
    }


def hard_negatives(
    *,
    left: pd.DataFrame,
    right: pd.DataFrame,
    matches: pd.DataFrame,
    key: str,
    per_match: int,
    seed: int,
) -> pd.DataFrame:
    """Non-matching pairs that share ``key`` (a surname, an author...): the hard cases."""
    rng = np.random.default_rng(seed)
    right_by_key = right.groupby(key)["id"].apply(list).to_dict()
    true_pairs = set(zip(matches["left_id"], matches["right_id"], strict=True))
    key_of_left = left.set_index("id")[key].to_dict()
    rows = []
    for left_id in matches["left_id"]:
        candidates = [
            right_id
            for right_id in right_by_key.get(key_of_left.get(left_id), [])
            if (left_id, right_id) not in true_pairs
        ]
        if not candidates:  # fall back to any other record
            candidates = list(rng.choice(right["id"].to_numpy(), size=per_match, replace=False))
            candidates = [c for c in candidates if (left_id, c) not in true_pairs]
        for right_id in rng.permutation(candidates)[:per_match]:
            rows.append((left_id, right_id, 0))
    return pd.DataFrame(rows, columns=["left_id", "right_id", "label"]).drop_duplicates(
        subset=["left_id", "right_id"]
    )

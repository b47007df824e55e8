"""Seeded synthetic tasks for the demo, tests and benchmarks (no Django here).

Classification: products whose title words, colour and weight depend on their class.
Matching: records of the same entity in two tables, with typos, reordered words and price noise,
plus hard negatives that share a word with the record they are paired with.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

CLASS_WORDS = {
    "lamp": ["light", "bulb", "shade", "led", "desk", "glow"],
    "chair": ["seat", "oak", "armrest", "cushion", "swivel", "leg"],
    "kettle": ["boil", "steel", "litre", "spout", "electric", "tea"],
    "backpack": ["zip", "strap", "pocket", "hiking", "canvas", "laptop"],
    "headphones": ["bass", "wireless", "ear", "noise", "cable", "audio"],
    "blender": ["jug", "blade", "smoothie", "motor", "speed", "glass"],
    "guitar": ["string", "fret", "acoustic", "maple", "tuner", "neck"],
    "umbrella": ["rain", "canopy", "folding", "windproof", "handle", "compact"],
}
FILLER = ["new", "classic", "premium", "mini", "pro", "home", "travel", "black", "set", "2024"]
COLOURS = ["red", "blue", "green", "black", "white", "grey"]
BRANDS = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne"]
NOUNS = ["Widget", "Gadget", "Toaster", "Speaker", "Router", "Monitor", "Camera", "Drone"]


@dataclass(frozen=True)
class ClassificationData:
    train: pd.DataFrame
    test: pd.DataFrame
    answers: pd.DataFrame


@dataclass(frozen=True)
class MatchingData:
    left: pd.DataFrame
    right: pd.DataFrame
    train_pairs: pd.DataFrame
    test_pairs: pd.DataFrame
    answers: pd.DataFrame


def classification_data(*, rows: int, seed: int = 0, n_classes: int = 5) -> ClassificationData:
    """``rows`` labelled products split 70/30 into train and test; deterministic for a seed."""
    rng = np.random.default_rng(seed)
    classes = sorted(CLASS_WORDS)[:n_classes]
    labels = rng.choice(classes, size=rows)
    titles, colours, weights = [], [], []
    for label in labels:
        words = list(rng.choice(CLASS_WORDS[label], size=2, replace=False))
        words += list(rng.choice(FILLER, size=2, replace=False))
        if rng.random() < 0.2:  # some noise so that no model is perfect
            words[0] = str(rng.choice(CLASS_WORDS[str(rng.choice(classes))]))
        rng.shuffle(words)
        titles.append(" ".join(words))
        colours.append(str(rng.choice(COLOURS)))
        weights.append(round(float(rng.gamma(2.0, 1.0 + classes.index(label))), 2))
    frame = pd.DataFrame(
        {
            "id": [f"p{index:06d}" for index in range(rows)],
            "title": titles,
            "colour": colours,
            "weight_kg": weights,
            "label": labels,
        }
    )
    cut = int(rows * 0.7)
    train = frame.iloc[:cut].reset_index(drop=True)
    test_full = frame.iloc[cut:].reset_index(drop=True)
    return ClassificationData(
        train=train,
        test=test_full.drop(columns=["label"]),
        answers=test_full[["id", "label"]],
    )


def _typo(text: str, rng: np.random.Generator) -> str:
    if len(text) < 4:
        return text
    position = int(rng.integers(1, len(text) - 1))
    return text[:position] + text[position + 1] + text[position] + text[position + 2 :]


def matching_data(*, entities: int, seed: int = 0) -> MatchingData:
    """Two record tables of ``entities`` products each and labelled candidate pairs (30% test)."""
    rng = np.random.default_rng(seed)
    names = [
        f"{rng.choice(BRANDS)} {rng.choice(NOUNS)} {rng.choice(FILLER)} {index % 97}"
        for index in range(entities)
    ]
    prices = rng.gamma(3.0, 40.0, size=entities).round(2)
    left = pd.DataFrame(
        {
            "id": [f"L{index:06d}" for index in range(entities)],
            "name": names,
            "brand": [name.split()[0] for name in names],
            "price": prices,
        }
    )
    right_names = []
    for name in names:
        words = name.split()
        if rng.random() < 0.5:
            words[1] = _typo(words[1], rng)
        if rng.random() < 0.3:
            words[1], words[2] = words[2], words[1]
        right_names.append(" ".join(words))
    right = pd.DataFrame(
        {
            "id": [f"R{index:06d}" for index in range(entities)],
            "name": right_names,
            "brand": [name.split()[0] for name in names],
            "price": (prices * rng.normal(1.0, 0.05, size=entities)).round(2),
        }
    )
    pairs = []
    for index in range(entities):
        pairs.append((f"L{index:06d}", f"R{index:06d}", 1))
        # A hard negative: another record, preferably of the same brand.
        same_brand = np.flatnonzero(left["brand"].to_numpy() == left["brand"].iloc[index])
        candidates = same_brand[same_brand != index]
        other = int(rng.choice(candidates)) if len(candidates) else (index + 1) % entities
        pairs.append((f"L{index:06d}", f"R{other:06d}", 0))
    order = rng.permutation(len(pairs))
    frame = pd.DataFrame([pairs[i] for i in order], columns=["left_id", "right_id", "label"])
    frame.insert(0, "id", [f"m{index:07d}" for index in range(len(frame))])
    cut = int(len(frame) * 0.7)
    train_pairs = frame.iloc[:cut].reset_index(drop=True)
    test_full = frame.iloc[cut:].reset_index(drop=True)
    return MatchingData(
        left=left,
        right=right,
        train_pairs=train_pairs,
        test_pairs=test_full.drop(columns=["label"]),
        answers=test_full[["id", "label"]],
    )


def noisy_predictions(
    *, answers: pd.DataFrame, labels: list, accuracy: float, seed: int = 0
) -> pd.DataFrame:
    """Predictions that agree with ``answers`` on about ``accuracy`` of the rows (for demos)."""
    rng = np.random.default_rng(seed)
    predicted = answers["label"].to_numpy(copy=True).astype(object)
    flip = rng.random(len(predicted)) > accuracy
    predicted[flip] = rng.choice(np.array(labels, dtype=object), size=int(flip.sum()))
    return pd.DataFrame({"id": answers["id"], "label": predicted})


def _write_table(frame: pd.DataFrame, path_without_suffix: Path, file_format: str) -> None:
    if file_format == "parquet":
        frame.to_parquet(path_without_suffix.with_suffix(".parquet"), index=False)
    else:
        frame.to_csv(path_without_suffix.with_suffix(".csv"), index=False)


def _write_png(path: Path, colour: tuple[int, int, int], size: int = 8) -> None:
    from PIL import Image  # imported here: only bundles with images need Pillow

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (size, size), colour).save(path)


def write_classification_bundle(
    *,
    root: Path,
    rows: int = 200,
    seed: int = 0,
    slug: str = "synthetic-products",
    file_format: str = "csv",
    images: bool = False,
) -> Path:
    """Writes a standard classification bundle (task.yaml + tables) to ``root``."""
    data = classification_data(rows=rows, seed=seed)
    root.mkdir(parents=True, exist_ok=True)
    columns = {"title": "text", "colour": "categorical", "weight_kg": "numeric"}
    train, test = data.train.copy(), data.test.copy()
    if images:
        columns["photo"] = "image"
        palette = {
            name: (40 * i % 256, 90 + 20 * i, 200 - 25 * i) for i, name in enumerate(CLASS_WORDS)
        }
        for frame, labels in ((train, train["label"]), (test, data.answers["label"])):
            frame["photo"] = [f"images/{row_id}.png" for row_id in frame["id"]]
            for relative, label in zip(frame["photo"], labels, strict=True):
                _write_png(root / relative, palette[label])
    manifest = {
        "slug": slug,
        "title": "Synthetic products",
        "kind": "classification",
        "metric": "macro_f1",
        "columns": columns,
        "public_fraction": 0.3,
        "description": "Predict the product category from its title, colour and weight.",
        "source": f"arena.competitions.synthetic, seed {seed}",
        "licence": "CC0",
    }
    (root / "task.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False))
    _write_table(train, root / "train", file_format)
    _write_table(test, root / "test", file_format)
    _write_table(data.answers, root / "answers", file_format)
    return root


def write_matching_bundle(
    *,
    root: Path,
    entities: int = 60,
    seed: int = 0,
    slug: str = "synthetic-offers",
    file_format: str = "csv",
) -> Path:
    """Writes a standard matching bundle (task.yaml + tables) to ``root``."""
    data = matching_data(entities=entities, seed=seed)
    root.mkdir(parents=True, exist_ok=True)
    manifest = {
        "slug": slug,
        "title": "Synthetic offers",
        "kind": "matching",
        "metric": "f1",
        "columns": {"name": "text", "brand": "categorical", "price": "numeric"},
        "public_fraction": 0.5,
        "description": "Do the two offers describe the same product?",
        "source": f"arena.competitions.synthetic, seed {seed}",
        "licence": "CC0",
    }
    (root / "task.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False))
    for name in ("left", "right", "train_pairs", "test_pairs", "answers"):
        _write_table(getattr(data, name), root / name, file_format)
    return root

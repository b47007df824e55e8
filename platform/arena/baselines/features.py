"""Features the baselines compute themselves (no Django).

AutoGluon's tabular models drop image paths, so pictures become numbers here; and for matching,
similarities between the two records of a pair work far better than the raw columns.
"""

from pathlib import Path

import numpy as np
import pandas as pd

from arena.baselines.embeddings import Embeddings

HISTOGRAM_BINS = 4


def image_features(*, paths: pd.Series, root: Path, prefix: str) -> pd.DataFrame:
    """Per picture: width, height, per-channel mean and spread, and a coarse colour histogram."""
    from PIL import Image

    rows = []
    for relative in paths:
        row: dict[str, float] = {}
        try:
            with Image.open(root / str(relative)) as opened:
                image = opened.convert("RGBA")
        except (OSError, ValueError, TypeError):
            rows.append(row)  # missing or unreadable: all features missing
            continue
        pixels = np.asarray(image, dtype=np.float32).reshape(-1, 4)
        visible = pixels[pixels[:, 3] > 0][:, :3]
        if len(visible) == 0:
            visible = pixels[:, :3]
        row["width"], row["height"] = float(image.width), float(image.height)
        row["coverage"] = float((pixels[:, 3] > 0).mean())
        for index, channel in enumerate("rgb"):
            values = visible[:, index]
            row[f"{channel}_mean"], row[f"{channel}_std"] = (
                float(values.mean()),
                float(values.std()),
            )
            counts, _ = np.histogram(values, bins=HISTOGRAM_BINS, range=(0, 256))
            for bin_index, count in enumerate(counts / max(len(values), 1)):
                row[f"{channel}_hist{bin_index}"] = float(count)
        rows.append(row)
    frame = pd.DataFrame(rows, index=paths.index)
    return frame.add_prefix(f"{prefix}_")


def with_image_features(
    *, frame: pd.DataFrame, image_columns: list[str], root: Path
) -> pd.DataFrame:
    """The frame with each image column replaced by its numeric picture features."""
    parts = [frame.drop(columns=image_columns)]
    for column in image_columns:
        parts.append(image_features(paths=frame[column], root=root, prefix=column))
    return pd.concat(parts, axis=1)


def _tokens(value) -> set[str]:
    return set(str(value).lower().split()) if isinstance(value, str) else set()


def _jaccard(left: pd.Series, right: pd.Series) -> np.ndarray:
    scores = []
    for a, b in zip(left, right, strict=True):
        ta, tb = _tokens(a), _tokens(b)
        union = ta | tb
        scores.append(len(ta & tb) / len(union) if union else np.nan)
    return np.array(scores)


def _tfidf_cosine(left: pd.Series, right: pd.Series) -> np.ndarray:
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = pd.concat([left, right]).fillna("").astype(str)
    if not texts.str.strip().any():
        return np.full(len(left), np.nan)
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 3), min_df=1)
    vectorizer.fit(texts)
    a = vectorizer.transform(left.fillna("").astype(str))
    b = vectorizer.transform(right.fillna("").astype(str))
    return np.asarray(a.multiply(b).sum(axis=1)).ravel()


def _edit_ratio(left: pd.Series, right: pd.Series) -> np.ndarray:
    from rapidfuzz import fuzz
    from rapidfuzz.process import cpdist

    a = left.fillna("").astype(str).str.lower().tolist()
    b = right.fillna("").astype(str).str.lower().tolist()
    return cpdist(a, b, scorer=fuzz.ratio, workers=-1) / 100.0


def _embedding_cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    # Unit vectors, or zeros for empty text: then the similarity is unknown, not 0.
    cosine = (a * b).sum(axis=1)
    present = (np.abs(a).sum(axis=1) > 0) & (np.abs(b).sum(axis=1) > 0)
    return np.where(present, cosine, np.nan)


def _relative_difference(left: pd.Series, right: pd.Series) -> np.ndarray:
    a, b = left.to_numpy(dtype=float), right.to_numpy(dtype=float)
    scale = np.maximum(np.maximum(np.abs(a), np.abs(b)), 1e-9)
    return np.abs(a - b) / scale


def pair_features(
    *,
    pairs: pd.DataFrame,
    left: pd.DataFrame,
    right: pd.DataFrame,
    columns: dict[str, str],
    id_column: str = "id",
    embeddings: Embeddings | None = None,
) -> pd.DataFrame:
    """Similarity features per attribute for each (left_id, right_id) pair; with
    ``embeddings``, the cosine of the two records' embeddings of each text attribute too."""
    a = left.set_index(id_column).reindex(pairs["left_id"].to_numpy())
    b = right.set_index(id_column).reindex(pairs["right_id"].to_numpy())
    features: dict[str, np.ndarray] = {}
    for name, column_type in columns.items():
        if column_type == "image":
            continue
        x, y = a[name].reset_index(drop=True), b[name].reset_index(drop=True)
        if column_type == "numeric":
            features[f"{name}_reldiff"] = _relative_difference(x, y)
            features[f"{name}_missing"] = (x.isna() | y.isna()).to_numpy(dtype=float)
            continue
        features[f"{name}_exact"] = (
            (x.fillna("").astype(str).str.lower() == y.fillna("").astype(str).str.lower())
            & x.notna()
        ).to_numpy(dtype=float)
        features[f"{name}_jaccard"] = _jaccard(x, y)
        features[f"{name}_edit"] = _edit_ratio(x, y)
        if column_type == "text":
            features[f"{name}_tfidf"] = _tfidf_cosine(x, y)
        if column_type == "text" and embeddings is not None and embeddings.has(column=name):
            features[f"{name}_embcos"] = _embedding_cosine(
                embeddings.lookup(table="left", column=name, ids=pairs["left_id"]),
                embeddings.lookup(table="right", column=name, ids=pairs["right_id"]),
            )
    return pd.DataFrame(features, index=pairs.index)

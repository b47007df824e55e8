"""An Arena method (docs/METHODS.md): reads the task's public files from /task, writes its
predictions to /work/predictions.csv. Runs unchanged outside the sandbox too:
ARENA_TASK_DIR=path/to/task ARENA_WORK_DIR=out python main.py
"""

import os
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

TASK = Path(os.environ.get("ARENA_TASK_DIR", "/task"))
WORK = Path(os.environ.get("ARENA_WORK_DIR", "/work"))
SEED = int(os.environ.get("ARENA_SEED", "0"))


def table(name: str) -> pd.DataFrame:
    return pd.read_parquet(TASK / f"{name}.parquet")


def columns_of(manifest: dict, kind: str) -> list[str]:
    return [name for name, type_ in manifest["columns"].items() if type_ == kind]


def classification(manifest: dict) -> pd.DataFrame:
    train, test = table("train"), table("test")
    id_column, label = manifest.get("id", "id"), manifest.get("label", "label")
    parts = [(f"text:{c}", TfidfVectorizer(min_df=2, max_features=20_000), c)
             for c in columns_of(manifest, "text")]  # fmt: skip
    categorical = columns_of(manifest, "categorical")
    numeric = columns_of(manifest, "numeric")
    if categorical:
        parts.append(("categorical", OneHotEncoder(handle_unknown="ignore"), categorical))
    if numeric:
        parts.append(("numeric", make_pipeline(SimpleImputer(), StandardScaler()), numeric))
    for column in columns_of(manifest, "text"):
        for frame in (train, test):
            frame[column] = frame[column].fillna("").astype(str)
    for column in categorical:
        for frame in (train, test):
            frame[column] = frame[column].fillna("(missing)").astype(str)
    model = make_pipeline(
        ColumnTransformer(parts), LogisticRegression(max_iter=2000, random_state=SEED)
    )
    model.fit(train, train[label].astype(str))
    return pd.DataFrame({id_column: test[id_column], label: model.predict(test)})


def tokens(text: str) -> set[str]:
    return set(str(text).lower().split())


def pair_features(manifest: dict, pairs: pd.DataFrame, left, right, vectorizers) -> np.ndarray:
    a = left.loc[pairs["left_id"]].reset_index(drop=True)
    b = right.loc[pairs["right_id"]].reset_index(drop=True)
    features = []
    for column in columns_of(manifest, "text"):
        x = vectorizers[column].transform(a[column].fillna("").astype(str))
        y = vectorizers[column].transform(b[column].fillna("").astype(str))
        features.append(np.asarray(x.multiply(y).sum(axis=1)).ravel())  # cosine (rows are unit)
        features.append(
            np.array(
                [
                    len(tokens(p) & tokens(q)) / max(len(tokens(p) | tokens(q)), 1)
                    for p, q in zip(a[column], b[column], strict=True)
                ]
            )  # fmt: skip
        )
    for column in columns_of(manifest, "categorical"):
        features.append((a[column].astype(str) == b[column].astype(str)).to_numpy(float))
    for column in columns_of(manifest, "numeric"):
        x, y = pd.to_numeric(a[column], errors="coerce"), pd.to_numeric(b[column], errors="coerce")
        difference = (x - y).abs() / (x.abs() + y.abs() + 1e-9)
        features.append(difference.fillna(1.0).to_numpy())
    return np.column_stack(features)


def matching(manifest: dict) -> pd.DataFrame:
    left, right = table("left").set_index("id"), table("right").set_index("id")
    train, test = table("train_pairs"), table("test_pairs")
    vectorizers = {}
    for column in columns_of(manifest, "text"):
        corpus = pd.concat([left[column], right[column]]).fillna("").astype(str)
        vectorizers[column] = TfidfVectorizer(min_df=1).fit(corpus)
    model = LogisticRegression(max_iter=2000, class_weight="balanced", random_state=SEED)
    model.fit(pair_features(manifest, train, left, right, vectorizers), train["label"].astype(int))
    predicted = model.predict(pair_features(manifest, test, left, right, vectorizers))
    return pd.DataFrame({"id": test["id"], "label": predicted.astype(int)})


def main() -> None:
    manifest = yaml.safe_load((TASK / "task.yaml").read_text())
    predictions = classification(manifest) if manifest["kind"] == "classification" else (
        matching(manifest)
    )  # fmt: skip
    WORK.mkdir(parents=True, exist_ok=True)
    predictions.to_csv(WORK / "predictions.csv", index=False)
    print(f"{len(predictions)} predictions written for {manifest['slug']}")


if __name__ == "__main__":
    main()

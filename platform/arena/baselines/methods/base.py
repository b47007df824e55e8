"""What every baseline method shares: turning public data into a feature table."""

import pickle
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from arena.baselines.data import PublicData
from arena.baselines.embeddings import Embeddings
from arena.baselines.features import pair_features, with_image_features


@dataclass
class Prepared:
    """Features for fitting and predicting, with their column types after preparation."""

    train: pd.DataFrame
    labels: pd.Series
    test: pd.DataFrame
    test_ids: pd.Series
    text: list[str]
    categorical: list[str]
    numeric: list[str]
    embedding: list[str]  # the embeddings' columns (classification) or cosines (matching)


@dataclass(frozen=True)
class FitResult:
    predictions: pd.DataFrame  # id and label, or id and one probability column per class
    model_bytes: int


def prepare(*, data: PublicData, embeddings: Embeddings | None = None) -> Prepared:
    """Classification: the record columns (pictures as numbers), and the text's embedding as
    numeric columns when given; matching: pair similarities (the embeddings' cosines too)."""
    label = data.label_column
    if data.kind == "matching":
        tables = data.tables

        def features(pairs):
            return pair_features(
                pairs=pairs,
                left=tables["left"],
                right=tables["right"],
                columns=data.columns,
                id_column=data.id_column,
                embeddings=embeddings,
            )

        train, test = features(tables["train_pairs"]), features(tables["test_pairs"])
        cosines = [column for column in train.columns if column.endswith("_embcos")]
        return Prepared(
            train=train,
            labels=tables["train_pairs"][label].astype(int),
            test=test,
            test_ids=tables["test_pairs"][data.id_column],
            text=[],
            categorical=[],
            numeric=[column for column in train.columns if column not in cosines],
            embedding=cosines,
        )
    images = data.feature_columns("image")
    train_raw, test_raw = data.tables["train"], data.tables["test"]
    feature_names = list(data.columns)
    train = with_image_features(
        frame=train_raw[feature_names], image_columns=images, root=data.root
    )
    test = with_image_features(frame=test_raw[feature_names], image_columns=images, root=data.root)
    text, categorical = data.feature_columns("text"), data.feature_columns("categorical")
    for column in text:
        train[column] = train[column].fillna("").astype(str)
        test[column] = test[column].fillna("").astype(str)
    for column in categorical:
        train[column] = train[column].fillna("(missing)").astype(str)
        test[column] = test[column].fillna("(missing)").astype(str)
    numeric = [column for column in train.columns if column not in text + categorical]
    embedding = []
    if embeddings is not None:
        ids = {"train": train_raw[data.id_column], "test": test_raw[data.id_column]}
        parts = {
            table: embeddings.classification_features(table=table, ids=ids[table]) for table in ids
        }
        embedding = list(parts["train"].columns)
        train = pd.concat([train, parts["train"]], axis=1)
        test = pd.concat([test, parts["test"]], axis=1)
    return Prepared(
        train=train,
        labels=train_raw[label].astype(str),
        test=test,
        test_ids=test_raw[data.id_column],
        text=text,
        categorical=categorical,
        numeric=numeric,
        embedding=embedding,
    )


def folder_bytes(path: Path) -> int:
    return sum(item.stat().st_size for item in path.rglob("*") if item.is_file())


def sklearn_result(*, model, prepared: Prepared, data: PublicData, workdir: Path) -> FitResult:
    """A fitted scikit-learn model's predictions of the test rows (class probabilities for log
    loss, else labels) and the size of the pickled model."""
    ids = prepared.test_ids.to_numpy()
    if data.metric == "log_loss":
        probabilities = model.predict_proba(prepared.test)
        predictions = pd.DataFrame(probabilities, columns=[str(c) for c in model.classes_])
        predictions.insert(0, data.id_column, ids)
    else:
        predictions = pd.DataFrame(
            {data.id_column: ids, data.label_column: model.predict(prepared.test)}
        )
    path = workdir / "model.pkl"
    path.write_bytes(pickle.dumps(model))
    return FitResult(predictions=predictions, model_bytes=path.stat().st_size)

"""A reference that is not AutoGluon: TF-IDF, one-hot and numbers into a logistic regression."""

import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from arena.baselines.data import PublicData
from arena.baselines.embeddings import Embeddings
from arena.baselines.methods.base import FitResult, Prepared, prepare, sklearn_result


def reference_model(*, prepared: Prepared, preset: str):
    """The unfitted pipeline: TF-IDF per text column, one-hot categories, scaled numbers and
    the embeddings into a logistic regression."""
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    max_features, ngrams = (50_000, (1, 2)) if preset == "medium" else (10_000, (1, 1))
    parts = [
        (
            f"text_{column}",
            TfidfVectorizer(
                max_features=max_features, ngram_range=ngrams, sublinear_tf=True, min_df=2
            ),
            column,
        )
        for column in prepared.text
        if prepared.train[column].str.contains(r"\w", regex=True).sum() >= 2
    ]
    if prepared.categorical:
        parts.append(
            (
                "categorical",
                OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=2),
                prepared.categorical,
            )
        )
    if prepared.numeric:
        parts.append(
            (
                "numeric",
                make_pipeline(SimpleImputer(strategy="median"), StandardScaler()),
                prepared.numeric,
            )
        )
    if prepared.embedding:
        # Unit vectors already; the cosines of matching may be missing (empty text).
        parts.append(("embedding", SimpleImputer(strategy="median"), prepared.embedding))
    return make_pipeline(
        ColumnTransformer(parts, sparse_threshold=1.0),
        LogisticRegression(max_iter=2000, C=4.0),
    )


@dataclass(frozen=True)
class StackedReference:
    """The reference's class probabilities (columns in the order of ``classes``)."""

    train: pd.DataFrame  # out of fold: each row predicted by a model that did not see it
    test: pd.DataFrame  # from the model fitted on every training row
    classes: list[str]


def reference_probabilities(
    *, prepared: Prepared, preset: str, seed: int = 0, folds: int = 5
) -> StackedReference:
    """The reference model's class probabilities as features for another model: out-of-fold
    on the training rows, and on the test rows from a model fitted on all of them. Columns
    ``ref_p0``, ``ref_p1``, ... in the order of the sorted class labels."""
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    counts = prepared.labels.value_counts()
    splits = StratifiedKFold(
        n_splits=max(2, min(folds, int(counts.max()))), shuffle=True, random_state=seed
    )
    model = reference_model(prepared=prepared, preset=preset)
    with warnings.catch_warnings():  # classes rarer than the folds: fine, they get zeros
        warnings.simplefilter("ignore", UserWarning)
        train = cross_val_predict(
            model, prepared.train, prepared.labels, cv=splits, method="predict_proba"
        )
    test = model.fit(prepared.train, prepared.labels).predict_proba(prepared.test)
    names = [f"ref_p{index}" for index in range(train.shape[1])]
    return StackedReference(
        train=pd.DataFrame(train, columns=names, index=prepared.train.index),
        test=pd.DataFrame(test, columns=names, index=prepared.test.index),
        classes=[str(label) for label in model.classes_],
    )


class TfidfLogRegMethod:
    name = "tfidf-logreg"
    uses_embeddings = True
    title = "TF-IDF + logistic regression"
    description = (
        "TF-IDF of the text columns with their sentence embeddings (all-MiniLM-L6-v2), one-hot "
        "categories and scaled numbers (pictures as colour statistics; for matching, "
        "similarities of the two records) into a logistic regression."
    )
    presets = ("fast", "medium")

    def fit_predict(
        self,
        *,
        data: PublicData,
        preset: str,
        time_limit: int | None,
        workdir: Path,
        progress=lambda stage: None,
        embeddings: Embeddings | None = None,
    ) -> FitResult:
        """``medium`` adds word bigrams and more features than ``fast``; time_limit is unused."""
        prepared = prepare(data=data, embeddings=embeddings)
        model = reference_model(prepared=prepared, preset=preset)
        model.fit(prepared.train, prepared.labels)
        progress("predicting")
        return sklearn_result(model=model, prepared=prepared, data=data, workdir=workdir)

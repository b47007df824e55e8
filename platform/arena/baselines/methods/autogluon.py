"""AutoGluon's TabularPredictor: the reference point every leaderboard shows."""

import logging
import math
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd

from arena.baselines.data import PublicData
from arena.baselines.embeddings import Embeddings
from arena.baselines.methods.base import FitResult, folder_bytes, prepare
from arena.baselines.methods.blend import best_weight, held_out_rows
from arena.baselines.methods.tfidf_logreg import StackedReference, reference_probabilities


def _without_torch_notice(record: logging.LogRecord) -> bool:
    # Arena runs AutoGluon's tabular models without torch on purpose; its "failed to import
    # torch" error, logged at every fit, would bury the workers' real errors.
    return "Failed to import torch" not in record.getMessage()


logging.getLogger("autogluon.common.utils.resource_utils").addFilter(_without_torch_notice)

# Below this many training rows the blend is weighed on bagged out-of-fold predictions (five
# fits instead of one), on the medium preset only: the fast preset stays fast, and on many rows
# a held-out share is big enough to weigh the blend on.
BLEND_BAGGED_BELOW_ROWS = {"fast": 0, "medium": 5000}
EVAL_METRICS = {
    "accuracy": "accuracy",
    "macro_f1": "f1_macro",
    "weighted_f1": "f1_weighted",
    "log_loss": "log_loss",
    "f1": "f1",
    "precision": "precision",
    "recall": "recall",
}


def fit_blended(
    *,
    predictor,
    train: pd.DataFrame,
    test: pd.DataFrame,
    stacked: StackedReference,
    fit_options: dict,
    bagged: bool,
    metric: str,
    seed: int,
) -> pd.DataFrame:
    """Fits ``predictor`` on ``train`` (its label column included) and returns the test rows'
    class probabilities (columns: the class labels): AutoGluon's and the stacked reference's,
    mixed with the weight that scores best on training rows neither was fitted on. Those are
    AutoGluon's out-of-fold predictions when ``bagged`` (five fits on every row), else a
    stratified held-out share of the rows, chosen here so the reference's out-of-fold
    probabilities of the same rows can be scored beside them."""
    from autogluon.core.utils.utils import default_holdout_frac

    label = predictor.label
    tuning = None
    if bagged:
        # save_space would delete the training data that the out-of-fold predictions read.
        fit_options = {**fit_options, "num_bag_folds": 5, "save_space": False}
    else:
        fraction = default_holdout_frac(len(train))
        held = held_out_rows(labels=train[label], fraction=fraction, seed=seed)
        train, tuning = train.drop(index=held), train.loc[held]
    predictor.fit(train, tuning_data=tuning, **fit_options)
    if bagged:
        unseen, unseen_labels = predictor.predict_proba_oof(), train[label]
        # Under log loss AutoGluon copies the rows of a class seen once (new index values):
        # the blend is weighed on the rows as given.
        unseen = unseen[unseen.index.isin(train.index)]
    else:
        unseen = predictor.predict_proba(tuning.drop(columns=[label]))
        unseen_labels = tuning[label]
    classes = stacked.classes

    def aligned(found: pd.DataFrame) -> np.ndarray:
        found = found.rename(columns=str)
        return found.reindex(columns=classes, fill_value=0.0).to_numpy()

    weight = best_weight(
        first=aligned(unseen),
        second=stacked.train.loc[unseen.index].to_numpy(),
        truth=pd.Categorical(unseen_labels.loc[unseen.index], categories=classes).codes,
        metric=metric,
    )
    print(
        f"autogluon: blended with the reference, AutoGluon's weight {weight:.1f} (chosen on "
        f"{len(unseen)} rows it was not fitted on, {'out of fold' if bagged else 'held out'})",
        flush=True,
    )
    mixed = weight * aligned(predictor.predict_proba(test)) + (1 - weight) * stacked.test.to_numpy()
    return pd.DataFrame(mixed, columns=classes)


class AutoGluonMethod:
    name = "autogluon"
    uses_embeddings = True
    title = "AutoGluon"
    description = (
        "AutoGluon's TabularPredictor on the record columns (pictures as colour statistics), "
        "with the text's sentence embeddings (all-MiniLM-L6-v2) as numeric columns beside its "
        "own n-grams and, where there is text, the out-of-fold class probabilities of the "
        "TF-IDF + logistic regression reference (stacked), its output then blended with the "
        "reference's at the weight that scores best on rows neither was fitted on; every "
        "class is learnt, however rare. For matching, on similarities of the two records (the "
        "embeddings' cosines too). fast: LightGBM only, the blend weighed on a held-out share "
        "of the rows; medium: AutoGluon's medium_quality preset, the blend weighed on bagged "
        "out-of-fold predictions under 5,000 rows."
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
        """``fast``: LightGBM only, seconds. ``medium``: AutoGluon's medium_quality preset."""
        from autogluon.tabular import TabularPredictor

        prepared = prepare(data=data, embeddings=embeddings)
        label = "__label__"
        seed = int(os.environ.get("ARENA_SEED", "0") or 0)
        train, test = prepared.train.copy(), prepared.test.copy()
        stacked = None
        if data.kind == "classification" and prepared.text:
            # Trees split sparse n-grams and 384 dense dimensions poorly; a linear model reads
            # them well. Its out-of-fold class probabilities are features here (stacking).
            started = time.monotonic()
            try:
                stacked = reference_probabilities(prepared=prepared, preset=preset, seed=seed)
            except ValueError as failed:  # too little text in a fold for TF-IDF's vocabulary
                print(f"autogluon: no stacked reference ({failed})", flush=True)
            else:
                train = pd.concat([train, stacked.train], axis=1)
                test = pd.concat([test, stacked.test], axis=1)
            if time_limit is not None:
                # The reference's six fits are part of the run's training time: AutoGluon gets
                # what is left of the limit (a quarter of it at least).
                spent = round(time.monotonic() - started, 1)  # as said below
                left = max(round(time_limit - spent), math.ceil(time_limit / 4))
                print(
                    f"autogluon: the stacked reference took {spent:.1f} s; AutoGluon gets "
                    f"{left} s of the {time_limit} s limit",
                    flush=True,
                )
                time_limit = left
        train[label] = prepared.labels.to_numpy()
        for column in prepared.categorical:
            train[column] = train[column].astype("category")
        for column in prepared.categorical:
            test[column] = pd.Categorical(test[column], categories=train[column].cat.categories)
        options = {}
        if data.kind == "matching":
            # Left to itself AutoGluon may take 0 as the positive class; our metric is for 1.
            options = {"problem_type": "binary", "positive_class": 1}
        model_path = workdir / "autogluon"
        predictor = TabularPredictor(
            label=label,
            path=str(model_path),
            eval_metric=EVAL_METRICS[data.metric],
            # AutoGluon drops classes seen fewer than 10 times and never predicts them; under
            # macro-F1 each of those costs a whole class's share of the score.
            learner_kwargs={"label_count_threshold": 1},
            verbosity=0,
            **options,
        )
        fit_options = {"time_limit": time_limit, "keep_only_best": True, "save_space": True}
        if prepared.text:
            # Short text such as a car line or an emoji name would otherwise be taken for a
            # high-cardinality category, and unseen values would carry no signal at all.
            from autogluon.common.features.feature_metadata import FeatureMetadata

            metadata = FeatureMetadata.from_df(train.drop(columns=[label]))
            fit_options["feature_metadata"] = metadata.add_special_types(
                {column: ["text"] for column in prepared.text}
            )
        if preset == "fast":
            fit_options["hyperparameters"] = {"GBM": {}}
        else:
            fit_options["presets"] = "medium_quality"
        ids = prepared.test_ids.to_numpy()
        probabilities = None
        if stacked is not None:
            probabilities = fit_blended(
                predictor=predictor,
                train=train,
                test=test,
                stacked=stacked,
                fit_options=fit_options,
                bagged=len(train) < BLEND_BAGGED_BELOW_ROWS[preset],
                metric=data.metric,
                seed=seed,
            )
        else:
            predictor.fit(train, **fit_options)
            if data.metric == "log_loss":
                probabilities = predictor.predict_proba(test)
        progress("predicting")
        if probabilities is not None and data.metric == "log_loss":
            predictions = probabilities.reset_index(drop=True)
            predictions.insert(0, data.id_column, ids)
        elif probabilities is not None:
            predictions = pd.DataFrame(
                {data.id_column: ids, data.label_column: probabilities.idxmax(axis=1).to_numpy()}
            )
        else:
            predictions = pd.DataFrame(
                {data.id_column: ids, data.label_column: predictor.predict(test).to_numpy()}
            )
        return FitResult(predictions=predictions, model_bytes=folder_bytes(model_path))

"""AutoGluon's TabularPredictor: the reference point every leaderboard shows."""

import logging
import os
from pathlib import Path

import pandas as pd

from arena.baselines.data import PublicData
from arena.baselines.embeddings import Embeddings
from arena.baselines.methods.base import FitResult, folder_bytes, prepare
from arena.baselines.methods.tfidf_logreg import reference_probabilities


def _without_torch_notice(record: logging.LogRecord) -> bool:
    # Arena runs AutoGluon's tabular models without torch on purpose; its "failed to import
    # torch" error, logged at every fit, would bury the workers' real errors.
    return "Failed to import torch" not in record.getMessage()


logging.getLogger("autogluon.common.utils.resource_utils").addFilter(_without_torch_notice)

EVAL_METRICS = {
    "accuracy": "accuracy",
    "macro_f1": "f1_macro",
    "weighted_f1": "f1_weighted",
    "log_loss": "log_loss",
    "f1": "f1",
    "precision": "precision",
    "recall": "recall",
}


class AutoGluonMethod:
    name = "autogluon"
    uses_embeddings = True
    title = "AutoGluon"
    description = (
        "AutoGluon's TabularPredictor on the record columns (pictures as colour statistics), "
        "with the text's sentence embeddings (all-MiniLM-L6-v2) as numeric columns beside its "
        "own n-grams and, where there is text, the out-of-fold class probabilities of the "
        "TF-IDF + logistic regression reference (stacked); for matching, on similarities of "
        "the two records (the embeddings' cosines too). fast: LightGBM only; medium: "
        "AutoGluon's medium_quality preset."
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
        train, test = prepared.train.copy(), prepared.test.copy()
        if data.kind == "classification" and prepared.text:
            # Trees split sparse n-grams and 384 dense dimensions poorly; a linear model reads
            # them well. Its out-of-fold class probabilities are features here (stacking).
            seed = int(os.environ.get("ARENA_SEED", "0") or 0)
            try:
                reference = reference_probabilities(prepared=prepared, preset=preset, seed=seed)
            except ValueError as failed:  # too little text in a fold for TF-IDF's vocabulary
                print(f"autogluon: no stacked reference ({failed})", flush=True)
            else:
                train = pd.concat([train, reference[0]], axis=1)
                test = pd.concat([test, reference[1]], axis=1)
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
        predictor.fit(train, **fit_options)
        progress("predicting")
        if data.metric == "log_loss":
            probabilities = predictor.predict_proba(test)
            predictions = probabilities.copy()
            predictions.insert(0, data.id_column, prepared.test_ids.to_numpy())
        else:
            predictions = pd.DataFrame(
                {
                    data.id_column: prepared.test_ids.to_numpy(),
                    data.label_column: predictor.predict(test).to_numpy(),
                }
            )
        return FitResult(predictions=predictions, model_bytes=folder_bytes(model_path))

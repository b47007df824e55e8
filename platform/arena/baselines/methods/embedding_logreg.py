"""What the sentence embeddings do alone: the text's embeddings into a logistic regression."""

from pathlib import Path

from arena.baselines.data import PublicData
from arena.baselines.embeddings import Embeddings
from arena.baselines.methods.base import FitResult, prepare, sklearn_result


class EmbeddingLogRegMethod:
    name = "embedding-logreg"
    uses_embeddings = True
    title = "Embeddings + logistic regression"
    description = (
        "The sentence embeddings (all-MiniLM-L6-v2) of the text columns alone into a logistic "
        "regression; for matching, the cosines of the two records' embeddings per text "
        "attribute. Without embeddings (no text column, or the extra not installed) it falls "
        "back to the categories and numbers."
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
        """The presets are the same here; time_limit is unused."""
        from sklearn.compose import ColumnTransformer
        from sklearn.impute import SimpleImputer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import OneHotEncoder, StandardScaler

        prepared = prepare(data=data, embeddings=embeddings)
        if prepared.embedding:
            parts = [("embedding", SimpleImputer(strategy="median"), prepared.embedding)]
        else:
            print("embedding-logreg: no embeddings, so categories and numbers only", flush=True)
            numeric = [c for c in prepared.numeric if prepared.train[c].notna().any()]
            parts = [
                ("numeric", make_pipeline(SimpleImputer(), StandardScaler()), numeric),
                ("categorical", OneHotEncoder(handle_unknown="ignore"), prepared.categorical),
            ]
            parts = [part for part in parts if part[2]]
        model = make_pipeline(ColumnTransformer(parts), LogisticRegression(max_iter=2000, C=4.0))
        model.fit(prepared.train, prepared.labels)
        progress("predicting")
        return sklearn_result(model=model, prepared=prepared, data=data, workdir=workdir)

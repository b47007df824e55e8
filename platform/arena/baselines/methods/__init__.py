"""Baseline methods. Add one by writing a module with a class like these and listing it here."""

from arena.baselines.methods.autogluon import AutoGluonMethod
from arena.baselines.methods.embedding_logreg import EmbeddingLogRegMethod
from arena.baselines.methods.tfidf_logreg import TfidfLogRegMethod

METHODS = {
    method.name: method
    for method in (AutoGluonMethod(), TfidfLogRegMethod(), EmbeddingLogRegMethod())
}

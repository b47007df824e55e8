"""Running a baseline method on a task bundle and writing its predictions (no Django)."""

import resource
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from arena.baselines.data import read_public_data
from arena.baselines.embeddings import task_embeddings
from arena.baselines.methods import METHODS


@dataclass(frozen=True)
class RunSummary:
    method: str
    preset: str
    rows: int
    fit_seconds: float  # reading, features and the model: the embeddings' time is apart
    peak_mb: float
    model_bytes: int
    embedding_seconds: float = 0.0
    embeddings: str = "off"  # what happened to them, in words


def run_baseline(
    *,
    bundle_dir: str | Path,
    out_file: str | Path,
    method: str = "autogluon",
    preset: str = "fast",
    time_limit: int | None = None,
    progress=lambda stage: None,
    embeddings: bool = True,
    cache_dir: str | Path | None = None,
    max_embedding_texts: int | None = None,
) -> RunSummary:
    """Fits ``method`` on the bundle's public training data and writes test predictions (CSV).

    With ``embeddings`` (and a method that uses them), the text's sentence embeddings are
    computed first, or read from ``<bundle>/cache/`` or ``cache_dir`` when there for the same
    texts; computed ones are written into ``cache_dir``. The model lives in a temporary folder
    that is removed afterwards; only its size is kept. ``progress`` is called with "embeddings"
    before they are computed and "predicting" once the model is fitted.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose from {', '.join(METHODS)}")
    chosen = METHODS[method]
    if preset not in chosen.presets:
        raise ValueError(f"unknown preset {preset!r}; choose from {', '.join(chosen.presets)}")
    started = time.perf_counter()
    data = read_public_data(root=bundle_dir)
    vectors, note, embedding_seconds = None, "off", 0.0
    if embeddings and getattr(chosen, "uses_embeddings", False):
        progress("embeddings")
        embedding_started = time.perf_counter()
        vectors, note = task_embeddings(
            data=data,
            cache_dirs=[Path(bundle_dir) / "cache", *([Path(cache_dir)] if cache_dir else [])],
            save_dir=Path(cache_dir) if cache_dir else None,
            max_texts=max_embedding_texts,
        )
        embedding_seconds = time.perf_counter() - embedding_started
        print(f"[embeddings] {note}", flush=True)
    workdir = Path(tempfile.mkdtemp(prefix=f"arena-{method}-"))
    try:
        result = chosen.fit_predict(
            data=data,
            preset=preset,
            time_limit=time_limit,
            workdir=workdir,
            progress=progress,
            embeddings=vectors,
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    seconds = time.perf_counter() - started - embedding_seconds
    out_file = Path(out_file)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    result.predictions.to_csv(out_file, index=False)
    return RunSummary(
        method=method,
        preset=preset,
        rows=len(result.predictions),
        fit_seconds=round(seconds, 2),
        peak_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        model_bytes=result.model_bytes,
        embedding_seconds=round(embedding_seconds, 2),
        embeddings=note,
    )

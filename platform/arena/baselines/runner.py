"""Running a baseline method on a task bundle and writing its predictions (no Django)."""

import resource
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from arena.baselines.data import read_public_data
from arena.baselines.methods import METHODS


@dataclass(frozen=True)
class RunSummary:
    method: str
    preset: str
    rows: int
    fit_seconds: float
    peak_mb: float
    model_bytes: int


def run_baseline(
    *,
    bundle_dir: str | Path,
    out_file: str | Path,
    method: str = "autogluon",
    preset: str = "fast",
    time_limit: int | None = None,
    progress=lambda stage: None,
) -> RunSummary:
    """Fits ``method`` on the bundle's public training data and writes test predictions (CSV).

    The model lives in a temporary folder that is removed afterwards; only its size is kept.
    ``progress`` is called with "predicting" once the model is fitted.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose from {', '.join(METHODS)}")
    chosen = METHODS[method]
    if preset not in chosen.presets:
        raise ValueError(f"unknown preset {preset!r}; choose from {', '.join(chosen.presets)}")
    data = read_public_data(root=bundle_dir)
    workdir = Path(tempfile.mkdtemp(prefix=f"arena-{method}-"))
    started = time.perf_counter()
    try:
        result = chosen.fit_predict(
            data=data, preset=preset, time_limit=time_limit, workdir=workdir, progress=progress
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    seconds = time.perf_counter() - started
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
    )

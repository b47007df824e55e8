"""The built-in baselines as method packages (no Django): the files of a package are the
runner's own modules, copied, so the code a baseline runs in the sandbox is the one code of
``arena/baselines`` (and the parts of ``scoring`` it reads tables with).

A package holds ``method.yaml``, ``main.py`` (``method_main.py``), ``arena/__init__.py`` (empty
here: the platform's own loads Celery), ``arena/baselines/`` with the Django-free modules and
``scoring/``. The method, its preset and its time limit are in the command, so a version says
exactly what ran; a changed module or time limit makes a new version.
"""

import math
import shutil
from pathlib import Path

import yaml

import scoring
from arena.baselines.methods import METHODS

BASELINES_DIR = Path(__file__).resolve().parent
SCORING_DIR = Path(scoring.__file__).resolve().parent
# The runner's modules: nothing here imports Django or another part of the platform (an
# import-linter contract in pyproject.toml holds it).
RUNNER_MODULES = (
    "__init__.py",
    "__main__.py",
    "runner.py",
    "data.py",
    "features.py",
    "embeddings.py",
    "minilm.py",
    "methods/__init__.py",
    "methods/base.py",
    "methods/autogluon.py",
    "methods/blend.py",
    "methods/tfidf_logreg.py",
    "methods/embedding_logreg.py",
)
ARENA_INIT = '"""Only the parts of Arena a built-in baseline runs (see arena/baselines)."""\n'
# torch alone reserves about 3 GB of address space, which the per-process limit counts.
MEMORY_GB = {"autogluon": 8, "tfidf-logreg": 6, "embedding-logreg": 6}
CPUS = 2


# The text embeddings' stage, when a run computes them: about 12,000 texts of a sentence
# took 11 min on 2 busy cores (docs/BENCHMARKS.md); the task's later runs read them.
EMBEDDING_MINUTES = 15


def baseline_minutes(*, time_limit: int, embeddings: bool = False) -> int:
    """The sandbox's wall time for a run whose training may take ``time_limit`` seconds:
    AutoGluon takes its whole budget, then reads, predicts and writes; a method that uses the
    text embeddings may have to compute them first."""
    minutes = math.ceil((time_limit * 1.5 + 120) / 60) + (EMBEDDING_MINUTES if embeddings else 0)
    return min(120, max(2, minutes))


def baseline_manifest(
    *, method: str, preset: str, time_limit: int, max_embedding_texts: int | None = None
) -> dict:
    chosen = METHODS[method]
    return {
        "name": chosen.title,
        "description": f"{chosen.description} Preset {preset}, training time limit "
        f"{time_limit} s. Arena's built-in baseline (arena/baselines): trained on the task's "
        "public files, in the sandbox like any method.",
        "kinds": ["classification", "matching"],
        "command": f"python main.py --method {method} --preset {preset} --time-limit {time_limit}"
        + (f" --max-embedding-texts {max_embedding_texts}" if max_embedding_texts else ""),
        "tags": ["baseline", preset],
        "resources": {
            "cpus": CPUS,
            "memory_gb": MEMORY_GB.get(method, 4),
            "minutes": baseline_minutes(
                time_limit=time_limit, embeddings=getattr(chosen, "uses_embeddings", False)
            ),
        },
    }


def baseline_package_write(
    *,
    folder: Path,
    method: str,
    preset: str,
    time_limit: int,
    max_embedding_texts: int | None = None,
    baselines_dir: Path = BASELINES_DIR,
    scoring_dir: Path = SCORING_DIR,
) -> Path:
    """Writes the package of ``method`` at ``preset`` into ``folder`` (made if missing) and
    returns it. ``baselines_dir`` and ``scoring_dir`` are where the modules are copied from;
    ``max_embedding_texts`` caps the embeddings a run computes (in its command)."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose from {', '.join(METHODS)}")
    presets = METHODS[method].presets
    if preset not in presets:
        raise ValueError(f"unknown preset {preset!r}; choose from {', '.join(presets)}")
    folder = Path(folder)
    (folder / "arena" / "baselines" / "methods").mkdir(parents=True, exist_ok=True)
    (folder / "scoring").mkdir(exist_ok=True)
    manifest = baseline_manifest(
        method=method,
        preset=preset,
        time_limit=time_limit,
        max_embedding_texts=max_embedding_texts,
    )
    (folder / "method.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False))
    shutil.copyfile(baselines_dir / "method_main.py", folder / "main.py")
    (folder / "arena" / "__init__.py").write_text(ARENA_INIT)
    for module in RUNNER_MODULES:
        shutil.copyfile(baselines_dir / module, folder / "arena" / "baselines" / module)
    for module in sorted(scoring_dir.glob("*.py")):
        shutil.copyfile(module, folder / "scoring" / module.name)
    return folder

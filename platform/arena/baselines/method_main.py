"""The `main.py` of a built-in baseline's method package (docs/METHODS.md, "Built-in baselines
are methods too"): trains on the task's public files and writes the predictions, in Arena's
sandbox like any team's method. It is copied into the package beside the runner's modules
(``arena.baselines.packaging``), so it imports nothing of the platform but them.

    python main.py --method autogluon --preset fast --time-limit 300

Reads ``/task`` and writes ``/work/predictions.csv``; outside the sandbox ``ARENA_TASK_DIR``
and ``ARENA_WORK_DIR`` point elsewhere. The text's embeddings are read from ``/task/cache/``
when the platform put them there, else computed and left in ``/work/cache/``, where the
platform keeps them for the task's next built-in runs (docs/METHODS.md).
"""

import os
import sys

from arena.baselines.__main__ import main


def run(argv: list[str]) -> int:
    # joblib (scikit-learn's, AutoGluon's) counts physical cores from /proc/cpuinfo, which the
    # sandbox does not show: it warns, then uses every core. The run has OMP_NUM_THREADS.
    os.environ.setdefault("LOKY_MAX_CPU_COUNT", os.environ.get("OMP_NUM_THREADS", "1"))
    task_dir = os.environ.get("ARENA_TASK_DIR", "/task")
    work_dir = os.environ.get("ARENA_WORK_DIR", "/work")
    cache = ["--cache", os.path.join(work_dir, "cache")]
    return main([task_dir, os.path.join(work_dir, "predictions.csv"), *cache, *argv])


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))

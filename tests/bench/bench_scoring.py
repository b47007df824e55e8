"""Benchmark: scoring a 1,000,000-row submission end to end, against two references.

    python tests/bench/bench_scoring.py [--rows 1000000] [--repeat 3]

For a 50-class classification task and a matching task it times, each in its own process:
  pyarrow  parsing the predictions CSV and the answers Parquet with pyarrow alone (the floor);
  arena    scoring.read_arrow + scoring.score_predictions (read, validate, public and private);
  naive    pandas.read_csv, merge, scikit-learn metrics on each split (the straightforward way).
It prints the best time of --repeat runs, the peak memory of each process, and the ratios the
bar asks for: arena <= 3x pyarrow, naive >= 20x arena, peak memory < 1 GB. Exit 1 if not met.
"""

import argparse
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO), str(REPO / "platform")]


def make_files(*, folder: Path, kind: str, rows: int, shuffled: bool, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    ids = np.array([f"r{index:07d}" for index in range(rows)], dtype=object)
    if kind == "classification":
        classes = np.array([f"class_{index:02d}" for index in range(50)], dtype=object)
        truth = classes[rng.integers(0, 50, rows)]
        predicted = np.where(rng.random(rows) < 0.7, truth, classes[rng.integers(0, 50, rows)])
    else:
        truth = rng.integers(0, 2, rows)
        predicted = np.where(rng.random(rows) < 0.8, truth, 1 - truth)
    usage = np.where(rng.random(rows) < 0.3, "public", "private")
    pd.DataFrame({"id": ids, "label": truth, "usage": usage}).to_parquet(
        folder / "answers.parquet", index=False
    )
    # Most files list the test ids in the test's order (as sample_submission does); a shuffled
    # file needs every id looked up in the answer key (see scoring/idmatch.py).
    order = rng.permutation(rows) if shuffled else np.arange(rows)
    pd.DataFrame({"id": ids[order], "label": predicted[order]}).to_csv(
        folder / "predictions.csv", index=False
    )
    if kind == "classification":
        (folder / "classes.json").write_text(json.dumps(sorted(classes.tolist())))


def run_pyarrow(folder: Path, kind: str) -> None:
    import pyarrow.csv as pa_csv
    import pyarrow.parquet as pq

    pa_csv.read_csv(folder / "predictions.csv")
    pq.read_table(folder / "answers.parquet")


def run_arena(folder: Path, kind: str) -> None:
    import pyarrow.parquet as pq

    from scoring import TaskSpec, read_arrow, score_predictions

    classes = json.loads((folder / "classes.json").read_text()) if kind == "classification" else []
    spec = TaskSpec(
        kind=kind,
        metric="macro_f1" if kind == "classification" else "f1",
        classes=tuple(classes),
    )
    predictions = read_arrow(path=folder / "predictions.csv")
    # Read as the platform reads its stored answer keys (see submissions.services.load_answers).
    answers = pq.read_table(folder / "answers.parquet", read_dictionary=["label", "usage"])
    score_predictions(spec=spec, predictions=predictions, answers=answers)


def run_naive(folder: Path, kind: str) -> None:
    from sklearn import metrics

    predictions = pd.read_csv(folder / "predictions.csv", dtype=str)
    answers = pd.read_parquet(folder / "answers.parquet").astype({"id": str, "label": str})
    joined = answers.merge(predictions, on="id", how="left", suffixes=("_true", "_pred"))
    for split in ("public", "private"):
        rows = joined[joined["usage"] == split]
        truth, predicted = rows["label_true"], rows["label_pred"]
        if kind == "classification":
            metrics.accuracy_score(truth, predicted)
            metrics.f1_score(truth, predicted, average="macro")
            metrics.f1_score(truth, predicted, average="weighted")
        else:
            for score in (metrics.f1_score, metrics.precision_score, metrics.recall_score):
                score(truth.astype(int), predicted.astype(int))


METHODS = {"pyarrow": run_pyarrow, "arena": run_arena, "naive": run_naive}


def child(method: str, folder: str, kind: str, repeat: int) -> None:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        METHODS[method](Path(folder), kind)
        times.append(time.perf_counter() - started)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": min(times), "peak_mb": peak_mb}))


def measure(method: str, folder: Path, kind: str, repeat: int) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--child", method, str(folder), kind, str(repeat)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        method, folder, kind, repeat = args.child
        child(method, folder, kind, int(repeat))
        return 0

    print(
        f"machine: {platform.machine()}, {platform.processor() or 'cpu'}, "
        f"{__import__('os').cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"rows: {args.rows:,}; best of {args.repeat} runs (naive: 1 run)\n")
    ok = True
    for kind in ("classification", "matching"):
        for shuffled in (False, True):
            with tempfile.TemporaryDirectory() as folder:
                make_files(folder=Path(folder), kind=kind, rows=args.rows, shuffled=shuffled)
                results = {
                    method: measure(
                        method, Path(folder), kind, 1 if method == "naive" else args.repeat
                    )
                    for method in METHODS
                }
            floor, arena, naive = (results[m]["seconds"] for m in ("pyarrow", "arena", "naive"))
            print(f"{kind}, ids {'shuffled' if shuffled else 'in test order'}:")
            for method, result in results.items():
                print(
                    f"  {method:<8} {result['seconds']:8.3f} s   peak {result['peak_mb']:6.0f} MB"
                )
            over_floor, speedup = arena / floor, naive / arena
            peak = results["arena"]["peak_mb"]
            print(f"  arena / pyarrow = {over_floor:.2f}x (bar: <= 3x)")
            print(f"  naive / arena   = {speedup:.1f}x (bar: >= 20x)")
            print(f"  arena peak memory {peak:.0f} MB (bar: < 1024 MB)\n")
            ok &= over_floor <= 3 and speedup >= 20 and peak < 1024
    print("all bars met" if ok else "SOME BARS NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

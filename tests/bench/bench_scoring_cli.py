"""Benchmark: `python -m scoring score` on 1,000,000 rows, whole process, against a bare parse.

    python tests/bench/bench_scoring_cli.py [--rows 1000000] [--repeat 5] [--format csv|parquet]

It writes a classification bundle as an organizer has it (task.yaml listing the classes, a small
train table, a test table of --rows rows with text, categorical and numeric columns, the answers
with their usage column) and a predictions file, then times two processes, each started fresh
(interpreter start-up and imports included), --repeat times, alternating:
  bare   a Python process that imports pyarrow and parses the predictions and the answers, every
         column, and nothing else: the floor of any scorer that reads these files;
  score  `python -m scoring score BUNDLE PREDICTIONS`, as an organizer runs it.
It prints the median of each and their ratio (the bar: score <= 2x bare). Exit 1 if not met.
The bundle is written with numpy and pyarrow only (the platform's synthetic writers build rows in
Python, minutes for a million), in the layout of docs/DATASETS.md.
"""

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[2]
CLASSES = [f"class_{index:02d}" for index in range(20)]
WORDS = np.array(
    [
        "red",
        "blue",
        "steel",
        "cotton",
        "lamp",
        "chair",
        "phone",
        "cable",
        "shirt",
        "boot",
        "mug",
        "glass",
        "pen",
        "desk",
        "bag",
        "watch",
    ]
)
BAR = 2.0

BARE = """
import sys
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
def parse(path):
    if path.endswith(".parquet"):
        return pq.read_table(path)
    return pa_csv.read_csv(path)
predictions, answers = parse(sys.argv[1]), parse(sys.argv[2])
print(predictions.num_rows, answers.num_rows)
"""


def _write(table: pa.Table, path_without_suffix: Path, file_format: str) -> Path:
    path = path_without_suffix.with_suffix(f".{file_format}")
    if file_format == "parquet":
        pq.write_table(table, path)
    else:
        pa_csv.write_csv(table, path)
    return path


def make_bundle(*, root: Path, rows: int, file_format: str, seed: int = 0) -> tuple[Path, Path]:
    """Writes the bundle and the predictions (70% right); returns both files' paths."""
    rng = np.random.default_rng(seed)
    classes = np.array(CLASSES)
    manifest = (
        "slug: bench-products\ntitle: Benchmark products\nkind: classification\n"
        "metric: macro_f1\ncolumns:\n  title: text\n  colour: categorical\n  weight_kg: numeric\n"
        f"classes: [{', '.join(CLASSES)}]\npublic_fraction: 0.3\n"
        "description: A million rows for the scoring CLI benchmark.\nsource: synthetic\n"
        "licence: CC0\n"
    )
    (root / "task.yaml").write_text(manifest)

    def features(count: int, prefix: str) -> dict:
        words = WORDS[rng.integers(0, len(WORDS), (count, 4))]
        titles = [" ".join(row) for row in words.tolist()]
        return {
            "id": [f"{prefix}{index:07d}" for index in range(count)],
            "title": titles,
            "colour": WORDS[rng.integers(0, 3, count)].tolist(),
            "weight_kg": np.round(rng.gamma(2.0, 1.5, count), 2),
        }

    train = features(1000, "t")
    train["label"] = classes[rng.integers(0, len(classes), 1000)].tolist()
    _write(pa.table(train), root / "train", file_format)
    _write(pa.table(features(rows, "p")), root / "test", file_format)
    truth = classes[rng.integers(0, len(classes), rows)]
    ids = [f"p{index:07d}" for index in range(rows)]
    usage = np.where(rng.random(rows) < 0.3, "public", "private")
    answers = {"id": ids, "label": truth.tolist(), "usage": usage.tolist()}
    answers_path = _write(pa.table(answers), root / "answers", file_format)
    predicted = np.where(rng.random(rows) < 0.7, truth, classes[rng.integers(0, 20, rows)])
    predictions_path = _write(
        pa.table({"id": ids, "label": predicted.tolist()}), root.parent / "predictions", file_format
    )
    return predictions_path, answers_path


def timed(command: list[str]) -> float:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env, cwd=REPO)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--format", choices=["csv", "parquet"], default="csv")
    args = parser.parse_args()

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; load average {os.getloadavg()[0]:.2f}"
    )
    with tempfile.TemporaryDirectory() as folder:
        bundle = Path(folder) / "bundle"
        bundle.mkdir()
        started = time.perf_counter()
        predictions, answers = make_bundle(root=bundle, rows=args.rows, file_format=args.format)
        sizes = {path.name: path.stat().st_size / 1e6 for path in sorted(bundle.iterdir())}
        print(
            f"bundle: {args.rows:,} test rows, {args.format}, written in "
            f"{time.perf_counter() - started:.1f} s ("
            + ", ".join(f"{name} {mb:.0f} MB" for name, mb in sizes.items())
            + f"; predictions {predictions.stat().st_size / 1e6:.0f} MB)"
        )
        commands = {
            "bare": [sys.executable, "-c", BARE, str(predictions), str(answers)],
            "score": [sys.executable, "-m", "scoring", "score", str(bundle), str(predictions)],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.repeat):
            for name, command in commands.items():  # alternating, so drift hits both alike
                times[name].append(timed(command))
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, values in times.items():
        shown = " ".join(f"{value:.2f}" for value in values)
        print(f"  {name:<6} median {medians[name]:6.2f} s   (runs: {shown})")
    ratio = medians["score"] / medians["bare"]
    print(f"  score / bare = {ratio:.2f}x (bar: <= {BAR:g}x)")
    return 0 if ratio <= BAR else 1


if __name__ == "__main__":
    sys.exit(main())

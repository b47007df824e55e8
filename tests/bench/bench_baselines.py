"""Benchmark: every baseline method on every built-in task, scored on the private split.

    python tests/bench/bench_baselines.py [--presets fast medium] [--time-limit 120]
                                          [--bundles var/bundles] [--only SLUG ...]

Builds the built-in bundles (if missing), then for each task, method and preset runs the
baseline in its own process (for its peak memory), scores the predictions with the platform's
scorer on the private rows, and prints a Markdown table for docs/BENCHMARKS.md.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": f"{REPO / 'platform'}:{REPO}"}


def build_bundles(folder: Path, only: list[str] | None) -> None:
    sys.path[:0] = [str(REPO / "platform"), str(REPO)]
    from arena.competitions.recipes import RECIPES

    for slug, recipe in RECIPES.items():
        if only and slug not in only:
            continue
        if not (folder / slug / "task.yaml").is_file():
            recipe.build(root=folder, cache=folder / ".cache")


def run(bundle: Path, method: str, preset: str, time_limit: int) -> dict:
    with tempfile.TemporaryDirectory() as work:
        out = Path(work) / "predictions.csv"
        summary = subprocess.run(
            [sys.executable, "-m", "arena.baselines", str(bundle), str(out), "--method", method,
             "--preset", preset, "--time-limit", str(time_limit)],
            env=ENV, cwd=REPO, check=True, capture_output=True, text=True,
        ).stdout.strip().splitlines()[-1]  # fmt: skip
        scored = subprocess.run(
            [sys.executable, "-m", "scoring", "score", str(bundle), str(out)],
            env=ENV, cwd=REPO, check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
    report = json.loads(scored)
    return {**json.loads(summary), "primary": report["primary"], "private": report["private"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--presets", nargs="+", default=["fast", "medium"])
    parser.add_argument("--methods", nargs="+", default=["autogluon", "tfidf-logreg"])
    parser.add_argument("--time-limit", type=int, default=120)
    parser.add_argument("--bundles", type=Path, default=REPO / "var" / "bundles")
    parser.add_argument("--only", nargs="*")
    args = parser.parse_args()
    build_bundles(args.bundles, args.only)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; time limit {args.time_limit} s\n"
    )
    print(
        "| task | method | preset | private primary metric | fit time | peak memory | model size |"
    )
    print("|---|---|---|---|---|---|---|")
    for bundle in sorted(path for path in args.bundles.iterdir() if (path / "task.yaml").is_file()):
        if args.only and bundle.name not in args.only:
            continue
        for method in args.methods:
            for preset in args.presets:
                result = run(bundle, method, preset, args.time_limit)
                value = result["private"][result["primary"]]
                print(
                    f"| {bundle.name} | {method} | {preset} | {result['primary']} "
                    f"{value:.4f} | {result['fit_seconds']:.1f} s | {result['peak_mb']:.0f} MB "
                    f"| {result['model_bytes'] / 1e6:.2f} MB |",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())

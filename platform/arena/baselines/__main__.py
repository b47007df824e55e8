"""Run a baseline on a task bundle:

    python -m arena.baselines BUNDLE_DIR OUT_FILE
        [--method autogluon|tfidf-logreg|embedding-logreg] [--preset fast|medium]
        [--time-limit SECONDS] [--no-embeddings] [--cache DIR]

(with platform/ on PYTHONPATH, as `make` sets it). Writes predictions as CSV and prints a summary.
"""

import argparse
import json
import sys
from dataclasses import asdict

from arena.baselines.methods import METHODS
from arena.baselines.runner import run_baseline


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m arena.baselines", description=__doc__)
    parser.add_argument("bundle_dir")
    parser.add_argument("out_file")
    parser.add_argument("--method", choices=sorted(METHODS), default="autogluon")
    parser.add_argument("--preset", choices=["fast", "medium"], default="fast")
    parser.add_argument("--time-limit", type=int, default=None)
    parser.add_argument(
        "--no-embeddings", action="store_true", help="leave the text's sentence embeddings out"
    )
    parser.add_argument(
        "--cache", default=None, help="a folder where the embeddings are looked for and kept"
    )
    parser.add_argument(
        "--max-embedding-texts",
        type=int,
        default=None,
        help="compute no embeddings for more distinct texts than this (cached ones are read)",
    )
    args = parser.parse_args(argv)
    summary = run_baseline(
        bundle_dir=args.bundle_dir,
        out_file=args.out_file,
        method=args.method,
        preset=args.preset,
        time_limit=args.time_limit,
        embeddings=not args.no_embeddings,
        cache_dir=args.cache,
        max_embedding_texts=args.max_embedding_texts,
    )
    print(json.dumps(asdict(summary)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

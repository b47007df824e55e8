"""Arena's scorer on the command line, without the platform.

    python -m scoring validate BUNDLE_DIR PREDICTIONS
    python -m scoring score BUNDLE_DIR PREDICTIONS

BUNDLE_DIR is a task bundle (docs/DATASETS.md) or a folder with the files a participant downloads
from a task page (task.yaml and test; train too if task.yaml lists no classes). `validate` needs
no answers: it checks ids, columns and labels, exits 0 when the file is valid and 2 with the
errors when not. `score` needs the bundle's answers table and prints one JSON object.
"""

import argparse
import json
import sys

import pyarrow as pa

from scoring.bundle import BundleError, read_answers, read_public_task, read_scoring_task
from scoring.engine import score_predictions
from scoring.errors import InvalidPredictions, TableReadError
from scoring.readers import predictions_row_cap, read_arrow
from scoring.validation import check_predictions


def _errors_of(error: Exception) -> list[str]:
    if isinstance(error, BundleError):
        return [str(problem) for problem in error.problems]
    return list(getattr(error, "errors", None) or [str(error)])


class _NoPandas:
    """An import finder that refuses pandas (see _pyarrow_without_pandas)."""

    def find_spec(self, name, path=None, target=None):
        if name == "pandas":
            raise ModuleNotFoundError("pandas is not needed to score", name=name)
        return None


def _pyarrow_without_pandas() -> None:
    """Tells pyarrow that this process has no pandas, unless it is already imported.

    pyarrow imports pandas, when installed, the first time it converts a value to or from
    Python or numpy: a third of a second, a third of a whole scoring run. It tries once and
    remembers the outcome, and this command never hands it a DataFrame, so that one attempt is
    made here, and refused. Code that imports pandas itself later still gets it.
    """
    if "pandas" in sys.modules:
        return
    finder = _NoPandas()
    sys.meta_path.insert(0, finder)
    try:
        pa.scalar(0)  # pyarrow's one attempt to import pandas
    finally:
        sys.meta_path.remove(finder)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scoring", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name, purpose in (
        ("validate", "check PREDICTIONS against the task's test ids and classes"),
        ("score", "score PREDICTIONS against the bundle's answers (organizers)"),
    ):
        command = commands.add_parser(name, help=purpose, description=purpose)
        command.add_argument("bundle_dir", help="task bundle folder")
        command.add_argument("predictions", help="CSV, gzipped CSV or Parquet predictions")
    args = parser.parse_args(argv)
    _pyarrow_without_pandas()

    try:
        if args.command == "validate":
            public = read_public_task(path=args.bundle_dir)
            predictions = read_arrow(
                path=args.predictions,
                max_rows=predictions_row_cap(expected_rows=len(public.test_ids)),
            )
            check_predictions(
                spec=public.spec, predictions=predictions, expected_ids=public.test_ids
            )
            print(f"valid: {len(public.test_ids)} predictions for {args.bundle_dir}")
            return 0
        # Scoring needs the answers' ids and labels, not the test table: the answer key holds
        # the same ids (the bundle standard), so the test table's features are never read.
        task = read_scoring_task(path=args.bundle_dir)
        answers = read_answers(
            path=args.bundle_dir,
            public_fraction=task.public_fraction,
            split_seed=task.split_seed,
            id_column=task.spec.id_column,
            label_column=task.spec.label_column,
        )
        predictions = read_arrow(
            path=args.predictions, max_rows=predictions_row_cap(expected_rows=answers.num_rows)
        )
        report = score_predictions(spec=task.spec, predictions=predictions, answers=answers)
    except (BundleError, TableReadError, InvalidPredictions) as error:
        if args.command == "validate":
            print("invalid:", file=sys.stderr)
            for message in _errors_of(error):
                print(f"  - {message}", file=sys.stderr)
        else:
            print(json.dumps({"valid": False, "errors": _errors_of(error)}, indent=2))
        return 2
    result = {
        "valid": True,
        "primary": report.primary_metric,
        "public": report.public,
        "private": report.private,
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Command line: score a predictions file against an answer key, without the platform.

    python -m scoring score --kind classification --metric macro_f1 ANSWERS PREDICTIONS

Prints one JSON object; exits 2 when the predictions are invalid.
"""

import argparse
import json
import sys

from scoring import METRICS, TableReadError, TaskSpec, read_table
from scoring.engine import score_predictions
from scoring.errors import InvalidPredictions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scoring", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    score = commands.add_parser("score", help="score PREDICTIONS against ANSWERS")
    score.add_argument("--kind", choices=sorted(METRICS), required=True)
    score.add_argument("--metric", required=True, help="primary metric of the task")
    score.add_argument("--id-column", default="id")
    score.add_argument("--label-column", default="label")
    score.add_argument("answers", help="answer key: id, label and optionally usage")
    score.add_argument("predictions", help="CSV, gzipped CSV or Parquet predictions")
    args = parser.parse_args(argv)

    if args.metric not in METRICS[args.kind]:
        parser.error(f"--metric for {args.kind} is one of {', '.join(METRICS[args.kind])}")
    try:
        answers = read_table(path=args.answers)
        classes = tuple(sorted(answers[args.label_column].dropna().unique()))
        spec = TaskSpec(
            kind=args.kind,
            metric=args.metric,
            id_column=args.id_column,
            label_column=args.label_column,
            classes=classes if args.kind == "classification" else (),
        )
        report = score_predictions(
            spec=spec, predictions=read_table(path=args.predictions), answers=answers
        )
    except (TableReadError, InvalidPredictions) as error:
        messages = getattr(error, "errors", None) or [str(error)]
        print(json.dumps({"valid": False, "errors": messages}, indent=2))
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

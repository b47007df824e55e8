"""`arena`: Arena from a terminal.

    arena configure --url URL --token TOKEN
    arena tasks
    arena download TASK [--format csv|parquet] [--dir DIR]
    arena validate TASK FILE
    arena submit TASK FILE -m MESSAGE [--method NAME] [--tags a,b] [--code-url URL] [--wait]
    arena submissions TASK
    arena leaderboard TASK [--private]
    arena method push DIR [--competition SLUG]
    arena method list [--competition SLUG]
    arena method run METHOD[@N] TASK [--wait]

TASK is a task's slug, or COMPETITION/TASK when several competitions have a task of that name.
"""

import argparse
import os
import sys
import time
from pathlib import Path

from arena_cli.client import ApiError, ArenaClient, ProgressBar
from arena_cli.config import ConfigError, load_config, save_config
from arena_cli.methods import add_parsers as add_method_parsers
from arena_cli.methods import cmd_method

PENDING = ("queued", "scoring")


def _task_path(client: ArenaClient, name: str) -> tuple[str, dict]:
    """The API path of a task named TASK or COMPETITION/TASK, and the task itself."""
    competition_slug, _, task_slug = name.rpartition("/")
    found = [
        (competition["slug"], task)
        for competition in client.get("/competitions/")
        for task in competition["tasks"]
        if task["slug"] == task_slug and competition_slug in ("", competition["slug"])
    ]
    if not found:
        raise ApiError(f"No task {name!r}; `arena tasks` lists them.")
    if len(found) > 1:
        options = ", ".join(f"{competition}/{task_slug}" for competition, _ in found)
        raise ApiError(f"{task_slug!r} is in several competitions; name one of: {options}.")
    competition, task = found[0]
    return f"/competitions/{competition}/tasks/{task_slug}/", task


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=True))
        for line in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def _score(value) -> str:
    return "" if value is None else f"{value:.4f}"


def cmd_tasks(client, args) -> int:
    rows = [
        [f"{c['slug']}/{t['slug']}", t["kind"], t["metric"], t["title"], c["phase"]]
        for c in client.get("/competitions/")
        for t in c["tasks"]
    ]
    print(_table(rows, ["task", "kind", "metric", "title", "phase"]))
    return 0


def _test_table(task: dict) -> str:
    return "test" if task["kind"] == "classification" else "test_pairs"


def cmd_download(client, args) -> int:
    path, task = _task_path(client, args.task)
    folder = Path(args.dir or task["slug"])
    for table in task["tables"]:
        target = client.download(
            f"{path}files/{table}.{args.format}", folder / f"{table}.{args.format}"
        )
        print(f"  {target}")
    print(f"  {client.download(f'{path}files/task.yaml', folder / 'task.yaml')}")
    if task["has_images"]:
        print(f"  {client.download(f'{path}files/images.zip', folder / 'images.zip')}")
    return 0


def cmd_validate(client, args) -> int:
    from scoring.bundle import BundleError, read_public_task
    from scoring.errors import InvalidPredictions, TableReadError
    from scoring.readers import read_arrow
    from scoring.validation import check_predictions

    path, task = _task_path(client, args.task)
    # The public task.yaml and test table are all a check needs; they are cached per task.
    cache = Path.home() / ".cache" / "arena" / path.strip("/").replace("/", "_")
    client.download(f"{path}files/task.yaml", cache / "task.yaml")
    test = cache / f"{_test_table(task)}.parquet"
    if not test.exists():
        client.download(f"{path}files/{_test_table(task)}.parquet", test)
    try:
        public = read_public_task(path=cache)
        check_predictions(
            spec=public.spec, predictions=read_arrow(path=args.file), expected_ids=public.test_ids
        )
    except (BundleError, TableReadError, InvalidPredictions) as error:
        print(f"invalid: {args.file}", file=sys.stderr)
        problems = getattr(error, "errors", None) or getattr(error, "problems", None) or [error]
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 2
    print(f"valid: {len(public.test_ids)} predictions for {args.task}")
    return 0


def cmd_submit(client, args) -> int:
    path, task = _task_path(client, args.task)
    file = Path(args.file)
    if not file.is_file():
        raise ApiError(f"No file {args.file!r}.")
    limit = task.get("max_upload_bytes")
    if limit and file.stat().st_size > limit:
        # The server refuses it from its size alone; sending it all first would waste the wait.
        raise ApiError(
            f"{args.file} is {file.stat().st_size / 1e6:.1f} MB, over the site's limit of "
            f"{limit / 1e6:.0f} MB. Compress it with gzip or save it as Parquet."
        )
    fields = {
        "comment": args.message,
        "method_name": args.method or "",
        "tags": args.tags or "",
        "code_url": args.code_url or "",
        "method_version": args.produced_by or "",
    }
    submission = client.upload(
        f"{path}submissions/", file=file, fields=fields, progress=ProgressBar()
    )
    print(f"submission #{submission['id']}: {submission['status']}", file=sys.stderr)
    if not args.wait:
        return 0
    deadline = time.monotonic() + args.timeout
    while submission["status"] in PENDING:
        if time.monotonic() > deadline:
            print(
                f"still {submission['status']} after {args.timeout} s; check later with "
                f"`arena submissions {args.task}`",
                file=sys.stderr,
            )
            return 3
        time.sleep(1)
        submission = client.get(f"{path}submissions/{submission['id']}/")
        print(f"  {submission['status']}", file=sys.stderr)
    if submission["status"] != "scored":
        print(f"{submission['status']}: {submission['error_message']}", file=sys.stderr)
        return 2
    scores = ", ".join(
        f"{metric} {value:.4f}" for metric, value in submission["public_scores"].items()
    )
    print(f"scored: public {scores}")
    if submission.get("reproduction"):
        print(submission["reproduction"]["text"])
    return 0


def cmd_submissions(client, args) -> int:
    path, task = _task_path(client, args.task)
    rows = [
        [s["id"], s["created_at"][:19].replace("T", " "), s["status"], s["method_name"],
         _score(s["public_scores"].get(task["metric"])), "yes" if s["is_final"] else "",
         s["comment"][:40]]
        for s in client.get(f"{path}submissions/")
    ]  # fmt: skip
    header = [
        "id",
        "submitted (UTC)",
        "status",
        "method",
        f"public {task['metric']}",
        "final",
        "message",
    ]
    print(_table(rows, header))
    return 0


def cmd_leaderboard(client, args) -> int:
    path, _ = _task_path(client, args.task)
    board = client.get(f"{path}leaderboard/", board="private" if args.private else "public")
    rows = [
        [row["rank"] or "-", row["team"] + (" (baseline)" if row["is_baseline"] else ""),
         _score(row["score"]), row["entries"]]
        for row in board["rows"]
    ]  # fmt: skip
    print(f"{board['task']}: {board['board']} leaderboard, {board['metric']}")
    print(_table(rows, ["rank", "team", board["metric"], "entries"]))
    return 0


def cmd_configure(args) -> int:
    path = save_config(url=args.url, token=args.token)
    print(f"saved to {path}")
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="arena", description=__doc__.split("\n\n")[0])
    commands = root.add_subparsers(dest="command", required=True)
    configure = commands.add_parser("configure", help="store the site's URL and your token")
    configure.add_argument("--url", required=True)
    configure.add_argument("--token", required=True)
    commands.add_parser("tasks", help="list competitions' tasks")
    download = commands.add_parser("download", help="download a task's public tables")
    download.add_argument("task")
    download.add_argument("--format", choices=["csv", "parquet"], default="csv")
    download.add_argument("--dir", help="folder to write to (default: the task's name)")
    validate = commands.add_parser("validate", help="check a predictions file before upload")
    validate.add_argument("task")
    validate.add_argument("file")
    submit = commands.add_parser("submit", help="upload a predictions file")
    submit.add_argument("task")
    submit.add_argument("file")
    submit.add_argument("-m", "--message", required=True, help="what this submission is")
    submit.add_argument("--method", help="method name (what reviewers compare)")
    submit.add_argument("--tags", help="comma-separated tags")
    submit.add_argument("--code-url", help="link to code or paper")
    submit.add_argument(
        "--produced-by",
        metavar="METHOD@N",
        help="the pushed method version that made this file: Arena re-runs it and marks the "
        "submission reproduced when the scores agree",
    )
    submit.add_argument("--wait", action="store_true", help="wait until it is scored")
    submit.add_argument("--timeout", type=int, default=600, help="seconds to wait (default 600)")
    submissions = commands.add_parser("submissions", help="your team's submissions to a task")
    submissions.add_argument("task")
    leaderboard = commands.add_parser("leaderboard", help="a task's leaderboard")
    leaderboard.add_argument("task")
    leaderboard.add_argument("--private", action="store_true", help="after the reveal")
    add_method_parsers(commands)
    return root


COMMANDS = {
    "tasks": cmd_tasks,
    "download": cmd_download,
    "validate": cmd_validate,
    "submit": cmd_submit,
    "submissions": cmd_submissions,
    "leaderboard": cmd_leaderboard,
    "method": cmd_method,
}


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        if args.command == "configure":
            return cmd_configure(args)
        return COMMANDS[args.command](ArenaClient(load_config()), args)
    except (ConfigError, ApiError) as error:
        print(f"arena: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def run() -> None:
    """The console script: main(), then an exit without interpreter teardown.

    Under load, Arrow's thread pools were seen to abort the process while Python tore down
    ("terminate called without an active exception", exit -6) after the command had finished
    and printed its result. Output is flushed first, so nothing is lost by skipping teardown.
    """
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    run()

"""`arena method push DIR` and `arena method list`: methods as code (docs/METHODS.md)."""

import argparse
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from arena_cli.client import ApiError, ArenaClient, ProgressBar

# Not part of a method: the site leaves them out of the version too, so skipping them here only
# saves sending them.
SKIPPED_PARTS = {"__pycache__", ".git", ".hg", ".svn", ".ipynb_checkpoints", ".venv", "venv"}


def _competition(client: ArenaClient, slug: str | None) -> str:
    slugs = [competition["slug"] for competition in client.get("/competitions/")]
    if slug:
        if slug not in slugs:
            raise ApiError(f"No competition {slug!r}; `arena tasks` lists them.")
        return slug
    if len(slugs) != 1:
        raise ApiError(f"Name the competition with --competition, one of: {', '.join(slugs)}.")
    return slugs[0]


def zip_folder(*, folder: Path, target: Path) -> int:
    """Zips the method's folder into ``target``; returns how many files went in."""
    count = 0
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder)
            if set(relative.parts) & SKIPPED_PARTS or not path.is_file() or path.is_symlink():
                continue
            archive.write(path, relative.as_posix())
            count += 1
    return count


def cmd_method_push(client: ArenaClient, args: argparse.Namespace) -> int:
    folder = Path(args.dir)
    if not (folder / "method.yaml").is_file():
        raise ApiError(f"{folder} has no method.yaml; see docs/METHODS.md for the format.")
    competition = _competition(client, args.competition)
    with tempfile.TemporaryDirectory() as scratch:
        archive = Path(scratch) / f"{folder.resolve().name or 'method'}.zip"
        count = zip_folder(folder=folder, target=archive)
        try:
            version = client.upload(
                f"/competitions/{competition}/methods/",
                file=archive,
                fields={},
                progress=ProgressBar(),
            )
        except ApiError as error:
            raise ApiError(str(error).replace("; ", "\n  ")) from None
    verb = "pushed as" if version.get("created") else "unchanged: already"
    print(
        f"{version['method']} {verb} version {version['number']} "
        f"({count} files, {version['content_hash'][:12]})"
    )
    return 0


def cmd_method_list(client: ArenaClient, args: argparse.Namespace) -> int:
    competition = _competition(client, args.competition)
    methods = client.get(f"/competitions/{competition}/methods/")
    if not methods:
        print("No method pushed yet: `arena method push DIR`.", file=sys.stderr)
        return 0
    for method in methods:
        print(method["name"])
        for version in method["versions"]:
            print(
                f"  v{version['number']}  {version['content_hash'][:12]}  "
                f"{version['pushed_at'][:16].replace('T', ' ')}  {version['pushed_by'] or ''}"
            )
    return 0


def _version(client: ArenaClient, competition: str, name: str) -> dict:
    """The version named METHOD (its latest) or METHOD@N."""
    method_name, _, number = name.partition("@")
    methods = client.get(f"/competitions/{competition}/methods/")
    method = next((m for m in methods if m["name"].lower() == method_name.lower()), None)
    if method is None or not method["versions"]:
        names = ", ".join(m["name"] for m in methods) or "none yet"
        raise ApiError(f"Your team has no method {method_name!r} (yours: {names}).")
    versions = method["versions"]  # newest first
    if not number:
        return versions[0]
    wanted = number.lstrip("v")
    found = next((v for v in versions if str(v["number"]) == wanted), None)
    if found is None:
        raise ApiError(f"{method['name']} has no version {number}.")
    return found


def _show_run(run: dict) -> None:
    score = "" if run["public_score"] is None else f", public score {run['public_score']:.4f}"
    state = run["status"] if run["submission_status"] is None else run["submission_status"]
    print(f"run #{run['id']} on {run['competition']}/{run['task']}: {state}{score}")
    if run["message"]:
        print(f"  {run['message']}")


def cmd_method_run(client: ArenaClient, args: argparse.Namespace) -> int:
    competition = _competition(client, args.competition)
    version = _version(client, competition, args.method)
    task = args.task if "/" in args.task else f"{competition}/{args.task}"
    path = f"/competitions/{competition}/methods/versions/{version['id']}/runs/"
    run = client.post(path, json={"task": task})
    _show_run(run)
    if not args.wait:
        return 0
    deadline = time.monotonic() + args.timeout
    while run["status"] in ("queued", "running") or run["submission_status"] in (
        "queued", "scoring",
    ):  # fmt: skip
        if time.monotonic() > deadline:
            print(f"still {run['status']} after {args.timeout} s", file=sys.stderr)
            return 3
        time.sleep(2)
        run = next(r for r in client.get(path) if r["id"] == run["id"])
    _show_run(run)
    for name in ("stdout_tail", "stderr_tail"):
        if run[name]:
            print(f"--- {name.removesuffix('_tail')} (the end) ---\n{run[name].rstrip()}")
    return 0 if run["submission_status"] == "scored" else 2


def add_parsers(commands) -> None:
    method = commands.add_parser("method", help="methods as code: push and list versions")
    actions = method.add_subparsers(dest="action", required=True)
    push = actions.add_parser("push", help="push a method's folder as a new version")
    push.add_argument("dir", help="the folder holding method.yaml and the code")
    push.add_argument("--competition", help="competition slug (when there are several)")
    listing = actions.add_parser("list", help="your team's methods and their versions")
    listing.add_argument("--competition", help="competition slug (when there are several)")
    run = actions.add_parser("run", help="run a method's version on a task, in Arena's sandbox")
    run.add_argument("method", help="METHOD (its latest version) or METHOD@N")
    run.add_argument("task", help="TASK of the competition, or COMPETITION/TASK")
    run.add_argument("--competition", help="the method's competition (when there are several)")
    run.add_argument("--wait", action="store_true", help="wait until it is run and scored")
    run.add_argument("--timeout", type=int, default=1800, help="seconds to wait (default 1800)")


def cmd_method(client: ArenaClient, args: argparse.Namespace) -> int:
    actions = {"push": cmd_method_push, "list": cmd_method_list, "run": cmd_method_run}
    return actions[args.action](client, args)

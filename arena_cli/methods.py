"""`arena method push DIR` and `arena method list`: methods as code (docs/METHODS.md)."""

import argparse
import sys
import tempfile
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


def add_parsers(commands) -> None:
    method = commands.add_parser("method", help="methods as code: push and list versions")
    actions = method.add_subparsers(dest="action", required=True)
    push = actions.add_parser("push", help="push a method's folder as a new version")
    push.add_argument("dir", help="the folder holding method.yaml and the code")
    push.add_argument("--competition", help="competition slug (when there are several)")
    listing = actions.add_parser("list", help="your team's methods and their versions")
    listing.add_argument("--competition", help="competition slug (when there are several)")


def cmd_method(client: ArenaClient, args: argparse.Namespace) -> int:
    return {"push": cmd_method_push, "list": cmd_method_list}[args.action](client, args)

"""A method package: a folder with ``method.yaml`` and the method's code (docs/METHODS.md).

Reading a package checks everything a participant can get wrong and lists every problem with
where it is, as task bundles do; nothing here imports Django. A package's identity is the hash of
its content (``content_hash``), so pushing the same files twice is one version, and any change
is a new one.
"""

import hashlib
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from scoring.bundle import ManifestRefused, Problem, manifest_yaml_load

MANIFEST = "method.yaml"
KINDS = ("classification", "matching")
# What a method may ask for, and what it gets when it does not say.
MAX_CPUS = 4
MAX_MEMORY_GB = 16
MAX_MINUTES = 120
DEFAULT_RESOURCES = {"cpus": 1, "memory_gb": 4, "minutes": 10}
# A package is code, not data: the task's data is mounted for it at run time.
PACKAGE_MAX_BYTES = 50 * 1024 * 1024
PACKAGE_MAX_FILES = 2_000
# Left out of the content hash and of the stored package: tools' caches and the zip's own litter.
IGNORED_PARTS = {"__pycache__", ".git", ".hg", ".svn", "__MACOSX", ".ipynb_checkpoints"}
IGNORED_NAMES = {".DS_Store", "Thumbs.db"}
NAME_PATTERN = re.compile(r"^[\w .+()/&,-]{1,80}$")
TAG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9+._-]{0,29}$")


class PackageError(ValueError):
    """A package that cannot be a method, with every problem found."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems


@dataclass(frozen=True)
class Resources:
    cpus: int
    memory_gb: float
    minutes: int


@dataclass(frozen=True)
class MethodManifest:
    name: str
    description: str
    command: list[str]
    kinds: list[str]
    resources: Resources
    code_url: str = ""
    tags: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "description": self.description,
            "command": self.command,
            "kinds": self.kinds,
            "resources": {
                "cpus": self.resources.cpus,
                "memory_gb": self.resources.memory_gb,
                "minutes": self.resources.minutes,
            },
            "code_url": self.code_url,
            "tags": self.tags,
        }


@dataclass(frozen=True)
class MethodPackage:
    root: Path
    manifest: MethodManifest
    files: list[str]  # relative POSIX paths, sorted, ignored files left out
    content_hash: str
    size_bytes: int


def package_files(*, root: Path) -> list[str]:
    """The package's files as relative POSIX paths, sorted; caches and litter left out."""
    files = []
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if set(relative.parts) & IGNORED_PARTS or relative.name in IGNORED_NAMES:
            continue
        if path.is_file() and not path.is_symlink():
            files.append(relative.as_posix())
    return sorted(files)


def content_hash(*, root: Path, files: list[str]) -> str:
    """SHA-256 over every file's path and content, in path order: the version's identity."""
    digest = hashlib.sha256()
    for name in files:
        file_digest = hashlib.sha256()
        with (root / name).open("rb") as handle:
            while chunk := handle.read(1024 * 1024):
                file_digest.update(chunk)
        digest.update(name.encode() + b"\0" + file_digest.hexdigest().encode() + b"\n")
    return digest.hexdigest()


def read_method_package(*, root: Path) -> MethodPackage:
    """Checks the package in ``root`` and reads its manifest; raises PackageError listing
    every problem (nothing is half-read)."""
    problems: list[Problem] = []
    links = [path for path in root.rglob("*") if path.is_symlink()]
    if links:
        shown = links[0].relative_to(root).as_posix()
        problems.append(Problem(shown, "is a link; a package holds plain files only."))
    files = package_files(root=root)
    size = sum((root / name).stat().st_size for name in files)
    if len(files) > PACKAGE_MAX_FILES:
        problems.append(Problem("package", f"holds more than {PACKAGE_MAX_FILES:,} files."))
    if size > PACKAGE_MAX_BYTES:
        problems.append(
            Problem(
                "package",
                f"holds {size / 1024**2:.0f} MB; a package is code, at most "
                f"{PACKAGE_MAX_BYTES // 1024**2} MB (the task's data is mounted at run time).",
            )
        )
    manifest = _read_manifest(root=root, files=files, problems=problems)
    if problems or manifest is None:
        raise PackageError(problems or [Problem(MANIFEST, "could not be read.")])
    return MethodPackage(
        root=root,
        manifest=manifest,
        files=files,
        content_hash=content_hash(root=root, files=files),
        size_bytes=size,
    )


def _read_manifest(*, root: Path, files: list[str], problems: list[Problem]):
    path = root / MANIFEST
    if not path.is_file():
        problems.append(Problem(MANIFEST, "is missing: every package starts with one."))
        return None
    try:
        raw = manifest_yaml_load(path=path)
    except ManifestRefused as refused:
        problems.append(Problem(MANIFEST, str(refused)))
        return None
    except (UnicodeDecodeError, yaml.YAMLError) as error:
        problems.append(Problem(MANIFEST, f"is not valid YAML ({type(error).__name__})."))
        return None
    if not isinstance(raw, dict):
        problems.append(Problem(MANIFEST, "must be a mapping of keys (name:, command:, ...)."))
        return None
    before = len(problems)
    name = _text(raw, "name", problems, required=True, limit=80)
    if name and not NAME_PATTERN.match(name):
        problems.append(
            Problem(MANIFEST, "name: letters, digits, spaces and . + - ( ) / & , only.")
        )
    description = _text(raw, "description", problems, required=True, limit=2000)
    command = _command(raw, files=files, problems=problems)
    kinds = _kinds(raw, problems)
    resources = _resources(raw, problems)
    code_url = _text(raw, "code_url", problems, required=False, limit=300)
    if code_url and (urlsplit(code_url).scheme not in ("http", "https") or " " in code_url):
        problems.append(Problem(MANIFEST, "code_url: an http(s) address."))
    tags = _tags(raw, problems)
    unknown = sorted(set(raw) - {"name", "description", "command", "kinds", "resources",
                                 "code_url", "tags"})  # fmt: skip
    if unknown:
        problems.append(Problem(MANIFEST, f"has keys Arena does not know: {', '.join(unknown)}."))
    if len(problems) > before or resources is None:
        return None
    return MethodManifest(
        name=name, description=description, command=command, kinds=kinds,
        resources=resources, code_url=code_url, tags=tags,
    )  # fmt: skip


def _text(raw: dict, key: str, problems: list[Problem], *, required: bool, limit: int) -> str:
    value = raw.get(key)
    if value is None:
        if required:
            problems.append(Problem(MANIFEST, f"{key}: missing."))
        return ""
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(MANIFEST, f"{key}: must be text."))
        return ""
    value = value.strip()
    if len(value) > limit:
        problems.append(Problem(MANIFEST, f"{key}: at most {limit} characters."))
    return value


def _command(raw: dict, *, files: list[str], problems: list[Problem]) -> list[str]:
    """``python main.py`` (or a list): run with the runner's Python, from the package folder.
    The script must be one of the package's files."""
    value = raw.get("command")
    if isinstance(value, str):
        try:
            words = shlex.split(value)
        except ValueError:
            words = []
    elif isinstance(value, list) and all(isinstance(word, str) for word in value):
        words = list(value)
    else:
        words = []
    if not words or words[0] not in ("python", "python3"):
        problems.append(Problem(MANIFEST, "command: how to run the method, e.g. python main.py."))
        return []
    if len(words) < 2 or words[1] not in files:
        script = words[1] if len(words) > 1 else "(none)"
        problems.append(Problem(MANIFEST, f"command: the script {script} is not in the package."))
    return ["python", *words[1:]]


def _kinds(raw: dict, problems: list[Problem]) -> list[str]:
    value = raw.get("kinds")
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or any(kind not in KINDS for kind in value):
        problems.append(Problem(MANIFEST, "kinds: a list of classification and/or matching."))
        return []
    return sorted(set(value))


def _resources(raw: dict, problems: list[Problem]) -> Resources | None:
    value = raw.get("resources", {})
    if not isinstance(value, dict):
        problems.append(Problem(MANIFEST, "resources: cpus, memory_gb and minutes."))
        return None
    chosen = {**DEFAULT_RESOURCES, **value}
    ranges = {"cpus": (1, MAX_CPUS), "memory_gb": (0.5, MAX_MEMORY_GB), "minutes": (1, MAX_MINUTES)}
    ok = True
    for key, (low, high) in ranges.items():
        number = chosen[key]
        if (
            isinstance(number, bool)
            or not isinstance(number, int | float)
            or not (low <= number <= high)
        ):
            problems.append(Problem(MANIFEST, f"resources.{key}: a number from {low} to {high}."))
            ok = False
    if set(value) - set(DEFAULT_RESOURCES):
        extra = ", ".join(sorted(set(value) - set(DEFAULT_RESOURCES)))
        problems.append(Problem(MANIFEST, f"resources: unknown {extra}."))
        ok = False
    if not ok:
        return None
    return Resources(
        cpus=int(chosen["cpus"]),
        memory_gb=float(chosen["memory_gb"]),
        minutes=int(chosen["minutes"]),
    )


def _tags(raw: dict, problems: list[Problem]) -> list[str]:
    value = raw.get("tags", [])
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
        problems.append(Problem(MANIFEST, "tags: a list of short words."))
        return []
    tags = sorted({tag.strip().lower() for tag in value})
    bad = [tag for tag in tags if not TAG_PATTERN.match(tag)]
    if bad or len(tags) > 10:
        problems.append(
            Problem(MANIFEST, "tags: at most 10, each a-z, 0-9, + . _ - (30 characters).")
        )
    return tags

"""What a method runs with: the runner's Python, its installed packages, the sandbox and its limits.

The sandbox mounts the runner's own environment at /venv (``sandbox.PythonEnvironment.of_runner``),
so what this process has installed is what a method can import. The list comes from package
metadata only (no library is imported) and is read once per process: the environment changes
only with a new deployment, which restarts the process.
"""

import json
import re
import shutil
import site
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from importlib import metadata

from django.conf import settings

from arena.methods import package
from arena.methods.sandbox import GIB, KIB, MIB, SHM_BYTES, SHM_DIR, Limits

# The stack most methods are built on, in this order at the top of the list; then the rest.
STACK = (
    "numpy",
    "pandas",
    "pyarrow",
    "scipy",
    "scikit-learn",
    "lightgbm",
    "catboost",
    "xgboost",
    "xgboost-cpu",
    "autogluon-tabular",
    "autogluon-core",
    "autogluon-features",
    "autogluon-common",
    "rapidfuzz",
    "jellyfish",
    "recordlinkage",
    "pillow",
    "pyyaml",
)


@dataclass(frozen=True)
class Distribution:
    name: str  # as the package spells it: "scikit-learn", "PyYAML"
    version: str
    imports: tuple[str, ...]  # the module names it installs: ("sklearn",), ("yaml",)
    stack: bool  # one of STACK, listed first


@dataclass(frozen=True)
class Limit:
    name: str
    default: str  # what a run gets when method.yaml does not ask
    maximum: str  # the most it may ask for; "" when every run has the same
    note: str


def canonical(name: str) -> str:
    """PEP 503's form of a distribution name: "PyYAML" -> "pyyaml", "autogluon.core" ->
    "autogluon-core"."""
    return re.sub(r"[-_.]+", "-", name).lower()


@cache
def installed_distributions() -> tuple[Distribution, ...]:
    """Every distribution of the environment a method runs in, the stack first (in STACK's
    order), then the others by name. Editable installs (the platform itself, from the
    repository) are left out: the repository is not in the sandbox."""
    found: dict[str, Distribution] = {}
    for dist in metadata.distributions(path=site.getsitepackages()):
        name = dist.metadata["Name"]
        key = canonical(name or "")
        if not name or key in found or _editable(dist):
            continue
        found[key] = Distribution(
            name=name, version=dist.version, imports=_import_names(dist), stack=key in STACK
        )
    order = {key: position for position, key in enumerate(STACK)}
    return tuple(
        sorted(
            found.values(),
            key=lambda d: (order.get(canonical(d.name), len(STACK)), canonical(d.name)),
        )
    )


def _editable(dist: metadata.Distribution) -> bool:
    try:
        direct = json.loads(dist.read_text("direct_url.json") or "{}")
    except ValueError:
        return False
    return bool(isinstance(direct, dict) and direct.get("dir_info", {}).get("editable"))


def _import_names(dist: metadata.Distribution) -> tuple[str, ...]:
    """The public top-level modules a distribution installs, read from its file list; in a
    namespace package (autogluon), the packages one level down (autogluon.tabular)."""
    files = {path.as_posix() for path in dist.files or ()}
    names = set()
    for path in files:
        parts = path.split("/")
        first = parts[0]
        if first in ("..", "__pycache__") or first.endswith((".dist-info", ".egg-info", ".data")):
            continue
        if len(parts) == 1:
            if path.endswith((".py", ".so", ".pyd")):
                names.add(first.split(".")[0])
        elif f"{first}/__init__.py" in files:
            names.add(first)
        elif len(parts) > 2 and f"{first}/{parts[1]}/__init__.py" in files:
            names.add(f"{first}.{parts[1]}")
    return tuple(sorted(name for name in names if not name.startswith("_")))


@cache
def python_version() -> str:
    return ".".join(str(part) for part in sys.version_info[:3])


@cache
def sandbox_backend() -> str:
    """ "bubblewrap 0.8.0" as installed here, or just "bubblewrap" when this machine (a web
    server apart from the runners) has none."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return "bubblewrap"
    try:
        answer = subprocess.run(  # noqa: S603 (a fixed argument list, no shell)
            [bwrap, "--version"], capture_output=True, text=True, check=True, timeout=5
        )
    except (OSError, subprocess.SubprocessError):
        return "bubblewrap"
    return answer.stdout.strip() or "bubblewrap"


def _size(count: float) -> str:
    for unit, name in ((GIB, "GiB"), (MIB, "MiB"), (KIB, "KiB")):
        if count >= unit:
            return f"{count / unit:g} {name}"
    return f"{count:g} bytes"


def run_limits() -> list[Limit]:
    """What a run may use: what ``method.yaml`` may ask for, within the platform's caps
    (METHOD_MAX_*), and the limits every run has (``sandbox.Limits``)."""
    fixed = Limits()
    default = package.DEFAULT_RESOURCES
    cpus = min(package.MAX_CPUS, settings.METHOD_MAX_CPUS)
    memory = min(package.MAX_MEMORY_GB, settings.METHOD_MAX_MEMORY_GB)
    minutes = min(package.MAX_MINUTES, settings.METHOD_MAX_MINUTES)
    return [
        Limit("CPUs", str(default["cpus"]), str(cpus), "resources.cpus in method.yaml"),
        Limit(
            "Memory",
            f"{default['memory_gb']:g} GiB",
            f"{memory:g} GiB",
            "resources.memory_gb: for each process (the address space it reserves) and for "
            "all of them together",
        ),
        Limit(
            "Wall time",
            f"{default['minutes']} min",
            f"{minutes} min",
            "resources.minutes: the run is stopped at it",
        ),
        Limit("Processes and threads", f"{fixed.processes:,}", "", "together"),
        Limit(
            "Output",
            f"{_size(fixed.output_bytes)}, {fixed.output_files:,} files",
            "",
            "everything under /work together; also any one file, and /tmp (in memory)",
        ),
        Limit("Shared memory", _size(SHM_BYTES), "", SHM_DIR),
        Limit("Logs kept", f"last {_size(fixed.log_tail_bytes)}", "", "of stdout and stderr each"),
        Limit("Network", "none", "", "a network namespace with only its own loopback"),
    ]


def environment_summary() -> dict:
    """The whole description, for the page and the API."""
    return {
        "python": python_version(),
        "sandbox": sandbox_backend(),
        "venv": "/venv",
        "limits": run_limits(),
        "distributions": installed_distributions(),
    }

"""Task bundles: a folder with ``task.yaml`` and tables, checked against the dataset standard.

The standard is written down in docs/DATASETS.md. ``load_bundle`` reads a bundle and reports every
problem it finds at once (file, column, examples), so an organizer can fix a bundle in one pass.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc
import yaml

from scoring.errors import TableReadError, examples
from scoring.metrics import METRICS
from scoring.readers import DEFAULT_MAX_BYTES, read_arrow, read_table
from scoring.spec import TaskSpec
from scoring.splits import assign_usage

if TYPE_CHECKING:  # checking a whole bundle uses pandas; scoring from one does not import it
    import pandas as pd

COLUMN_TYPES = ("text", "categorical", "numeric", "image")
TABLES = {
    "classification": ("train", "test", "answers"),
    "matching": ("left", "right", "train_pairs", "test_pairs", "answers"),
}
TEST_TABLE = {"classification": "test", "matching": "test_pairs"}
MANIFEST_KEYS = {
    "slug", "title", "kind", "metric", "id", "label", "columns", "public_fraction", "split_seed",
    "description", "source", "licence", "license", "classes",
}  # fmt: skip
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PAIR_COLUMNS = ("left_id", "right_id")
MATCH_LABELS = {"0": 0, "1": 1, "0.0": 0, "1.0": 1}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a bundle, located by file and (when it applies) column."""

    file: str
    message: str
    column: str | None = None

    def __str__(self) -> str:
        where = self.file + (f", column '{self.column}'" if self.column else "")
        return f"{where}: {self.message}"


class BundleError(ValueError):
    """A bundle that does not follow the standard; ``problems`` lists everything found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class Manifest:
    slug: str
    title: str
    kind: str
    metric: str
    columns: dict[str, str]
    id_column: str = "id"
    label_column: str = "label"
    public_fraction: float = 0.3
    split_seed: int | None = None
    description: str = ""
    source: str = ""
    licence: str = ""


@dataclass
class Bundle:
    """A checked bundle: typed tables (ids as text), the answer key, and image paths."""

    root: Path
    manifest: Manifest
    tables: "dict[str, pd.DataFrame]"
    answers: "pd.DataFrame"
    image_paths: list[str] = field(default_factory=list)

    @property
    def classes(self) -> list[str]:
        if self.manifest.kind != "classification":
            return []
        return sorted(self.tables["train"][self.manifest.label_column].unique())


MANIFEST_MAX_BYTES = 1024 * 1024
# A manifest is a mapping of a few levels (columns: name: type). PyYAML composes nested values
# recursively, so a few KB of "[[[[..." end in a RecursionError instead of a listed problem.
MANIFEST_MAX_DEPTH = 16


class ManifestRefused(ValueError):
    """task.yaml uses a YAML feature Arena does not accept, or is too big to be a manifest."""


def manifest_yaml_load(*, path: Path) -> object:
    """Parses a ``task.yaml`` safely: at most 1 MB, no anchors or aliases (``&``, ``*``),
    values nested at most ``MANIFEST_MAX_DEPTH`` levels.

    Aliases let a few KB expand to gigabytes once a reader walks the values ("billion laughs");
    a manifest never needs them. The event stream is checked before anything is composed, so a
    refused file costs one pass over its text.
    """
    if path.stat().st_size > MANIFEST_MAX_BYTES:
        raise ManifestRefused("is larger than 1 MB; a manifest is a short description.")
    text = path.read_text(encoding="utf-8")
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise ManifestRefused(
                "uses YAML anchors or aliases (& and *), which Arena does not accept: write "
                "each value out in full."
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MANIFEST_MAX_DEPTH:
                raise ManifestRefused(
                    f"nests values more than {MANIFEST_MAX_DEPTH} levels deep; a manifest is a "
                    "few levels of keys and lists."
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return yaml.safe_load(text)


def load_manifest(*, root: Path, problems: list[Problem]) -> Manifest | None:
    """Parses ``task.yaml``; appends problems and returns None when it is unusable."""
    path = root / "task.yaml"
    if not path.is_file():
        problems.append(Problem("task.yaml", "is missing: every bundle starts with a manifest."))
        return None
    try:
        raw = manifest_yaml_load(path=path)
    except ManifestRefused as refusal:
        problems.append(Problem("task.yaml", str(refusal)))
        return None
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        problems.append(Problem("task.yaml", f"is not valid YAML: {error}"))
        return None
    if not isinstance(raw, dict):
        problems.append(Problem("task.yaml", "must be a mapping of keys to values."))
        return None

    found = len(problems)
    unknown = sorted(set(raw) - MANIFEST_KEYS)
    if unknown:
        problems.append(
            Problem("task.yaml", f"unknown key(s) {', '.join(unknown)}; see docs/DATASETS.md.")
        )
    for key in ("slug", "title", "kind", "metric", "columns"):
        if raw.get(key) in (None, ""):
            problems.append(Problem("task.yaml", f"'{key}' is required."))
    slug = str(raw.get("slug") or "")
    if slug and not SLUG_PATTERN.fullmatch(slug):
        problems.append(
            Problem("task.yaml", f"slug {slug!r} must be lowercase letters, digits and dashes.")
        )
    kind = str(raw.get("kind") or "")
    if kind and kind not in TABLES:
        problems.append(Problem("task.yaml", f"kind {kind!r} must be classification or matching."))
    metric = str(raw.get("metric") or "")
    if kind in METRICS and metric and metric not in METRICS[kind]:
        problems.append(
            Problem(
                "task.yaml",
                f"metric {metric!r} is not a {kind} metric; use one of {', '.join(METRICS[kind])}.",
            )
        )
    columns = raw.get("columns") or {}
    if not isinstance(columns, dict):
        problems.append(Problem("task.yaml", "'columns' must map each column name to its type."))
        columns = {}
    for name, column_type in columns.items():
        if column_type not in COLUMN_TYPES:
            problems.append(
                Problem(
                    "task.yaml",
                    f"unknown type {column_type!r}; use one of {', '.join(COLUMN_TYPES)}.",
                    column=str(name),
                )
            )
    fraction = raw.get("public_fraction", 0.3)
    if not isinstance(fraction, int | float) or not 0 < fraction < 1:
        problems.append(Problem("task.yaml", "public_fraction must be a number between 0 and 1."))
    split_seed = raw.get("split_seed")
    whole = isinstance(split_seed, int) and not isinstance(split_seed, bool)
    if split_seed is not None and not (whole and 0 <= split_seed < 2**62):
        problems.append(Problem("task.yaml", "split_seed must be a whole number from 0 to 2^62."))
    id_column, label_column = str(raw.get("id") or "id"), str(raw.get("label") or "label")
    for reserved in {id_column, label_column, *PAIR_COLUMNS, "usage"} & set(map(str, columns)):
        problems.append(
            Problem("task.yaml", "is reserved and cannot be a feature column.", column=reserved)
        )
    if len(problems) > found:
        return None
    return Manifest(
        slug=slug,
        title=str(raw["title"]),
        kind=kind,
        metric=metric,
        columns={str(name): str(kind_) for name, kind_ in columns.items()},
        id_column=id_column,
        label_column=label_column,
        public_fraction=float(fraction),
        split_seed=split_seed,
        description=str(raw.get("description") or ""),
        source=str(raw.get("source") or ""),
        licence=str(raw.get("licence") or raw.get("license") or ""),
    )


def _find_table(*, root: Path, name: str, problems: list[Problem]) -> Path | None:
    candidates = [
        root / f"{name}{suffix}"
        for suffix in (".csv", ".csv.gz", ".parquet")
        if (root / f"{name}{suffix}").is_file()
    ]
    if not candidates:
        problems.append(Problem(f"{name}.csv", "is missing (a .csv or .parquet file is needed)."))
        return None
    if len(candidates) > 1:
        names = ", ".join(path.name for path in candidates)
        problems.append(
            Problem(candidates[0].name, f"exists in several formats ({names}); keep one.")
        )
        return None
    return candidates[0]


# Default caps for every table of a bundle, far above any real task and far below what a
# crafted file (a few KB of Parquet that decode to billions of rows) would ask of the importing
# process. The decoded cap counts the table as Arrow text; the DataFrame it becomes takes more.
BUNDLE_MAX_TABLE_BYTES = 500 * 1024 * 1024
BUNDLE_MAX_ROWS = 20_000_000
BUNDLE_MAX_DECODED_BYTES = 4 * 1024 * 1024 * 1024


def _read(
    *,
    path: Path,
    max_bytes: int,
    problems: list[Problem],
    max_rows: int = BUNDLE_MAX_ROWS,
    max_decoded_bytes: int = BUNDLE_MAX_DECODED_BYTES,
) -> "pd.DataFrame | None":
    try:
        return read_table(
            path=path, max_bytes=max_bytes, max_rows=max_rows, max_decoded_bytes=max_decoded_bytes
        )
    except TableReadError as error:
        problems.append(Problem(path.name, str(error)))
        return None


def _require_columns(
    *, frame: "pd.DataFrame", file: str, names: list[str], problems: list[Problem]
) -> bool:
    missing = [name for name in names if name not in frame.columns]
    for name in missing:
        problems.append(Problem(file, "is missing.", column=name))
    return not missing


def _check_ids(*, frame: "pd.DataFrame", file: str, column: str, problems: list[Problem]) -> None:
    ids = frame[column]
    if ids.isna().any():
        problems.append(Problem(file, f"{int(ids.isna().sum())} row(s) have no id.", column=column))
    repeated = ids[ids.duplicated(keep=False) & ids.notna()].unique()
    if len(repeated):
        problems.append(
            Problem(
                file,
                f"{len(repeated)} id(s) are not unique, e.g. {examples(repeated)}.",
                column=column,
            )
        )


def _type_features(
    *, frame: "pd.DataFrame", file: str, manifest: Manifest, problems: list[Problem]
) -> None:
    """Converts numeric columns in place; reports values that are not numbers."""
    import pandas as pd  # only a whole bundle's check needs pandas (see TYPE_CHECKING above)

    for name, column_type in manifest.columns.items():
        if column_type != "numeric" or name not in frame.columns:
            continue
        values = frame[name].str.strip()
        numbers = pd.to_numeric(values, errors="coerce")
        bad = values[numbers.isna() & values.notna() & (values != "")]
        if len(bad):
            problems.append(
                Problem(
                    file,
                    f"is declared numeric but {len(bad)} value(s) are not numbers, "
                    f"e.g. {examples(bad.unique())}.",
                    column=name,
                )
            )
        frame[name] = numbers


def load_bundle(
    *,
    path: str | Path,
    max_table_bytes: int = BUNDLE_MAX_TABLE_BYTES,
    max_table_rows: int = BUNDLE_MAX_ROWS,
    max_table_decoded_bytes: int = BUNDLE_MAX_DECODED_BYTES,
) -> Bundle:
    """Reads and checks a bundle folder; raises BundleError listing every problem found.

    Each table may take ``max_table_bytes`` on disk, hold ``max_table_rows`` rows and take
    ``max_table_decoded_bytes`` once decoded as text (see ``scoring.readers.read_arrow``); a
    table over a cap is a listed problem, found before its values are decoded.
    """
    root = Path(path)
    problems: list[Problem] = []
    if not root.is_dir():
        raise BundleError([Problem(str(root), "is not a folder.")])
    manifest = load_manifest(root=root, problems=problems)
    if manifest is None:
        raise BundleError(problems)

    frames: dict[str, pd.DataFrame] = {}
    for name in TABLES[manifest.kind]:
        table_path = _find_table(root=root, name=name, problems=problems)
        if table_path is None:
            continue
        frame = _read(
            path=table_path,
            max_bytes=max_table_bytes,
            problems=problems,
            max_rows=max_table_rows,
            max_decoded_bytes=max_table_decoded_bytes,
        )
        if frame is not None:
            frames[name] = frame
    files = {name: _file_name(root, name) for name in frames}

    id_col, label_col = manifest.id_column, manifest.label_column
    expected = _expected_columns(manifest=manifest)
    usable: dict[str, pd.DataFrame] = {}
    for name, frame in frames.items():
        if not _require_columns(
            frame=frame, file=files[name], names=expected[name], problems=problems
        ):
            continue
        extra = [c for c in frame.columns if c not in expected[name]]
        if "usage" in extra and name != "answers":
            # Published tables go to every participant: a usage column would give away the split.
            problems.append(
                Problem(
                    files[name],
                    "must not have a usage column: this table is published, and usage says "
                    "which rows score privately. Keep usage in answers only.",
                    column="usage",
                )
            )
            extra.remove("usage")
        if extra and name != "answers":
            problems.append(
                Problem(
                    files[name],
                    f"has column(s) not declared in task.yaml: {', '.join(extra)}; declare "
                    "them under 'columns' or remove them.",
                )
            )
        _check_ids(frame=frame, file=files[name], column=id_col, problems=problems)
        if name in ("train", "test", "left", "right"):
            _type_features(frame=frame, file=files[name], manifest=manifest, problems=problems)
        usable[name] = frame

    if len(usable) == len(TABLES[manifest.kind]):
        _check_labels(manifest=manifest, frames=usable, files=files, problems=problems)
        _check_answers_match_test(manifest=manifest, frames=usable, files=files, problems=problems)
        if manifest.kind == "matching":
            _check_pairs(manifest=manifest, frames=usable, files=files, problems=problems)
        else:
            _check_disjoint(manifest=manifest, frames=usable, files=files, problems=problems)
    image_paths = _check_images(
        root=root, manifest=manifest, frames=usable, files=files, problems=problems
    )
    if problems:
        raise BundleError(problems)

    answers = usable.pop("answers")
    keep = [id_col, label_col] + (["usage"] if "usage" in answers.columns else [])
    return Bundle(
        root=root,
        manifest=manifest,
        tables=usable,
        answers=answers[keep].reset_index(drop=True),
        image_paths=image_paths,
    )


def _file_name(root: Path, name: str) -> str:
    for suffix in (".csv", ".csv.gz", ".parquet"):
        if (root / f"{name}{suffix}").is_file():
            return f"{name}{suffix}"
    return name


def _expected_columns(*, manifest: Manifest) -> dict[str, list[str]]:
    id_col, label_col = manifest.id_column, manifest.label_column
    features = list(manifest.columns)
    if manifest.kind == "classification":
        return {
            "train": [id_col, *features, label_col],
            "test": [id_col, *features],
            "answers": [id_col, label_col],
        }
    return {
        "left": [id_col, *features],
        "right": [id_col, *features],
        "train_pairs": [id_col, *PAIR_COLUMNS, label_col],
        "test_pairs": [id_col, *PAIR_COLUMNS],
        "answers": [id_col, label_col],
    }


def _check_labels(*, manifest, frames, files, problems) -> None:
    label = manifest.label_column
    labelled = (
        ("train", "answers") if manifest.kind == "classification" else ("train_pairs", "answers")
    )
    for name in labelled:
        values = frames[name][label]
        empty = values.isna() | (values.str.strip() == "")
        if empty.any():
            problems.append(
                Problem(
                    files[name],
                    f"{int(empty.sum())} row(s) have no label, e.g. ids "
                    f"{examples(frames[name].loc[empty, manifest.id_column])}.",
                    column=label,
                )
            )
        if manifest.kind == "matching":
            mapped = values.str.strip().map(MATCH_LABELS)
            bad = values[mapped.isna() & ~empty]
            if len(bad):
                problems.append(
                    Problem(
                        files[name],
                        f"{len(bad)} label(s) are not 0 or 1, e.g. {examples(bad.unique())}.",
                        column=label,
                    )
                )
            elif not empty.any():
                frames[name][label] = mapped.astype(int)
        else:
            frames[name][label] = values.str.strip()
    if manifest.kind == "classification":
        classes = set(frames["train"][label].dropna())
        unseen = frames["answers"][label].dropna()
        unseen = unseen[~unseen.isin(classes)]
        if len(unseen):
            problems.append(
                Problem(
                    files["answers"],
                    f"{len(unseen)} label(s) never occur in train, e.g. "
                    f"{examples(unseen.unique())}; nobody could predict them.",
                    column=label,
                )
            )
    answers = frames["answers"]
    if "usage" in answers.columns:
        usage = answers["usage"].str.strip().str.lower()
        bad = usage[~usage.isin(["public", "private"])]
        if len(bad):
            problems.append(
                Problem(
                    files["answers"],
                    f"{len(bad)} value(s) are not public or private, e.g. "
                    f"{examples(bad.fillna('').unique())}.",
                    column="usage",
                )
            )
        answers["usage"] = usage
        if not (usage == "public").any():
            problems.append(
                Problem(files["answers"], "no row is public, so no public score.", column="usage")
            )


def _check_answers_match_test(*, manifest, frames, files, problems) -> None:
    test_name = TEST_TABLE[manifest.kind]
    test_ids = frames[test_name][manifest.id_column].dropna()
    answer_ids = frames["answers"][manifest.id_column].dropna()
    without_answer = test_ids[~test_ids.isin(answer_ids)]
    if len(without_answer):
        problems.append(
            Problem(
                files["answers"],
                f"{len(without_answer)} test id(s) have no answer, e.g. "
                f"{examples(without_answer)}.",
                column=manifest.id_column,
            )
        )
    unknown = answer_ids[~answer_ids.isin(test_ids)]
    if len(unknown):
        problems.append(
            Problem(
                files["answers"],
                f"{len(unknown)} id(s) are not in {files[test_name]}, e.g. {examples(unknown)}.",
                column=manifest.id_column,
            )
        )


def _check_pairs(*, manifest, frames, files, problems) -> None:
    for pairs in ("train_pairs", "test_pairs"):
        for column, side in zip(PAIR_COLUMNS, ("left", "right"), strict=True):
            known = frames[side][manifest.id_column].dropna()
            refs = frames[pairs][column]
            dangling = refs[~refs.isin(known)]
            if len(dangling):
                problems.append(
                    Problem(
                        files[pairs],
                        f"{len(dangling)} row(s) point to records not in {files[side]}, e.g. "
                        f"{examples(dangling.fillna('').unique())}.",
                        column=column,
                    )
                )


def _check_disjoint(*, manifest, frames, files, problems) -> None:
    train_ids = frames["train"][manifest.id_column].dropna()
    test_ids = frames["test"][manifest.id_column]
    shared = test_ids[test_ids.isin(train_ids)]
    if len(shared):
        problems.append(
            Problem(
                files["test"],
                f"{len(shared)} id(s) also appear in train, e.g. {examples(shared)}.",
                column=manifest.id_column,
            )
        )


def _check_images(*, root, manifest, frames, files, problems) -> list[str]:
    image_columns = [name for name, kind in manifest.columns.items() if kind == "image"]
    if not image_columns:
        return []
    images_root = (root / "images").resolve()
    seen: set[str] = set()
    for name, frame in frames.items():
        for column in image_columns:
            if column not in frame.columns:
                continue
            values = frame[column].dropna().str.strip()
            bad: list[str] = []
            for value in values.unique():
                relative = PurePosixPath(value)
                target = (root / relative).resolve()
                inside = target.is_relative_to(images_root) and not relative.is_absolute()
                if not inside or not target.is_file():
                    bad.append(value)
                else:
                    seen.add(relative.as_posix())
            if bad:
                problems.append(
                    Problem(
                        files[name],
                        f"{len(bad)} image path(s) do not name a file under images/, e.g. "
                        f"{examples(bad)}.",
                        column=column,
                    )
                )
    return sorted(seen)


@dataclass(frozen=True)
class ScoringTask:
    """What ``task.yaml`` tells a scorer: the spec and how the rows split (no table is read)."""

    spec: TaskSpec
    public_fraction: float = 0.3
    split_seed: int | None = None  # only in an organizer's bundle, never in the public task.yaml


@dataclass(frozen=True)
class PublicTask(ScoringTask):
    """What anyone may know about a task: its spec and the ids to predict (no answers)."""

    test_ids: pa.Array = field(default_factory=lambda: pa.array([], type=pa.string()))


def read_scoring_task(*, path: str | Path) -> ScoringTask:
    """Reads task.yaml of a bundle (or of the files a participant downloads), and the train
    table's label column only when task.yaml lists no classes (the platform's download does).
    """
    root = Path(path)
    problems: list[Problem] = []
    manifest = load_manifest(root=root, problems=problems)
    if manifest is None:
        raise BundleError(problems)
    raw = manifest_yaml_load(path=root / "task.yaml")  # checked just above
    assert isinstance(raw, dict)  # load_manifest refuses anything but a mapping
    classes = [str(name) for name in raw.get("classes") or []]
    if manifest.kind == "classification" and not classes:
        train_path = _find_table(root=root, name="train", problems=problems)
        labels = _read_columns(path=train_path, columns=[manifest.label_column], problems=problems)
        if labels is not None:
            trimmed = pc.utf8_trim_whitespace(labels.combine_chunks()).drop_null()
            classes = sorted(pc.unique(trimmed).to_pylist())
    if problems:
        raise BundleError(problems)
    spec = TaskSpec(
        kind=manifest.kind,
        metric=manifest.metric,
        id_column=manifest.id_column,
        label_column=manifest.label_column,
        classes=tuple(classes),
    )
    return ScoringTask(
        spec=spec, public_fraction=manifest.public_fraction, split_seed=manifest.split_seed
    )


def _read_columns(*, path: Path | None, columns: list[str], problems: list[Problem]):
    """The first of ``columns`` from the table at ``path`` (only those columns are converted),
    or None with a problem when the file is missing, unreadable or lacks one of them."""
    if path is None:  # _find_table has named the problem
        return None
    try:
        table = read_arrow(path=path, max_bytes=DEFAULT_MAX_BYTES, columns=columns)
    except TableReadError as error:
        problems.append(Problem(path.name, str(error)))
        return None
    for name in columns:
        if name not in table.column_names:
            problems.append(Problem(path.name, "is missing this column.", column=name))
            return None
    return table[columns[0]]


def read_public_task(*, path: str | Path) -> PublicTask:
    """Reads task.yaml and the test table's ids: what a participant's file is checked against.

    The classes come from the manifest's ``classes`` list when present (the platform's
    task.yaml download has it), else from the train table's labels. ``test_ids`` is an Arrow
    array of trimmed text; no other column of the test table is converted.
    """
    task = read_scoring_task(path=path)
    problems: list[Problem] = []
    test_path = _find_table(root=Path(path), name=TEST_TABLE[task.spec.kind], problems=problems)
    ids = _read_columns(path=test_path, columns=[task.spec.id_column], problems=problems)
    if problems or ids is None:
        raise BundleError(problems)
    return PublicTask(
        spec=task.spec,
        public_fraction=task.public_fraction,
        split_seed=task.split_seed,
        test_ids=pc.utf8_trim_whitespace(ids.combine_chunks()),
    )


def read_answers(
    *,
    path: str | Path,
    public_fraction: float,
    split_seed: int | None,
    id_column: str = "id",
    label_column: str = "label",
) -> pa.Table:
    """Reads a bundle's answers table (organizers only: it holds the hidden labels): its id,
    label and usage columns, as an Arrow table of text (no other column is converted).

    Without a usage column the rows are split with ``split_seed``, as the platform splits them
    on import, so scores computed here equal the platform's. Without a seed there is no split
    to reproduce (the platform draws a secret one), which is refused.
    """
    problems: list[Problem] = []
    answers_path = _find_table(root=Path(path), name="answers", problems=problems)
    answers = None
    if answers_path is not None:
        try:
            answers = read_arrow(
                path=answers_path,
                max_bytes=DEFAULT_MAX_BYTES,
                columns=[id_column, label_column, "usage"],
            )
        except TableReadError as error:
            problems.append(Problem(answers_path.name, str(error)))
        else:
            problems += [
                Problem(answers_path.name, "is missing this column.", column=name)
                for name in (id_column, label_column)
                if name not in answers.column_names
            ]
    if problems:
        raise BundleError(problems)
    assert answers is not None  # a missing or unreadable table is a problem, raised above
    if "usage" not in answers.column_names:
        if split_seed is None:
            raise BundleError(
                [
                    Problem(
                        "task.yaml",
                        "answers have no usage column and task.yaml no split_seed, so the "
                        "public/private split cannot be reproduced; add either (the task's "
                        "organizer page shows the platform's seed).",
                    )
                ]
            )
        ids = pc.utf8_trim_whitespace(answers[id_column].combine_chunks()).to_pylist()
        usage = assign_usage(ids=ids, public_fraction=public_fraction, seed=split_seed)
        answers = answers.append_column("usage", pa.array(usage, type=pa.string()))
    return answers

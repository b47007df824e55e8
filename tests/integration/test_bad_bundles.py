"""A corpus of bad task bundles through the organizer's upload (a zip in the browser): each is
refused with a message naming what is wrong, and nothing is written: no task, no track, no
competition change, no stored file, no temporary folder left behind."""

import io
import random
import tempfile
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from arena.competitions.models import Task, Track
from arena.competitions.synthetic import write_classification_bundle
from tests.integration.helpers import stored_files

pytestmark = pytest.mark.django_db


def zipped(members: dict[str, bytes]) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    buffer.seek(0)
    return buffer


def with_damaged_member(members: dict[str, bytes], *, name: str, encrypted: bool = False):
    """A zip whose member ``name`` fails on reading: its stored bytes altered after the
    checksum was taken, or marked as encrypted (zipfile then asks for a password)."""
    raw = bytearray(zipped_stored(members))
    if encrypted:
        # Bit 0 of the general-purpose flags in the member's central directory entry.
        entry = raw.index(b"PK\x01\x02")
        while raw[entry + 46 : entry + 46 + len(name)] != name.encode():
            entry = raw.index(b"PK\x01\x02", entry + 4)
        raw[entry + 8] |= 0x01
    else:
        raw[raw.index(members[name])] ^= 0xFF
    return bytes(raw)


def zipped_stored(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return buffer.getvalue()


def bundle_members(root: Path) -> dict[str, bytes]:
    folder = write_classification_bundle(root=root, rows=60, seed=9)
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file()
    }


def corpus(good: dict[str, bytes]) -> list[tuple[str, bytes, str]]:
    """(name, uploaded bytes, words the refusal must contain)."""
    noise = bytes(random.Random(5).randrange(256) for _ in range(2048))
    train = good["train.csv"]

    def variant(**changes):
        return zipped({**good, **changes}).getvalue()

    whole = zipped(good).getvalue()
    return [
        ("empty file", b"", "empty"),
        ("not a zip", noise, "not a zip"),
        ("truncated zip", whole[: len(whole) // 2], "not a zip"),
        ("empty zip", zipped({}).getvalue(), "task.yaml"),
        ("broken YAML", variant(**{"task.yaml": b"slug: [unclosed\n  - x: :"}), "task.yaml"),
        ("YAML not a mapping", variant(**{"task.yaml": b"- just\n- a list\n"}), "task.yaml"),
        ("UTF-16 train", variant(**{"train.csv": train.decode().encode("utf-16")}), "train"),
        ("binary test", variant(**{"test.csv": b"\x00\x01" + noise}), "test"),
        ("huge line", variant(**{"train.csv": b"id," + b"x" * (2 * 1024 * 1024)}), "train"),
        ("semicolons", variant(**{"train.csv": train.replace(b",", b";")}), "train"),
        (
            "hostile slug",
            variant(**{"task.yaml": good["task.yaml"].replace(b"slug: ", b"slug: ../<x>")}),
            "slug",
        ),
        ("path escape", variant(**{"../../etc/cron.d/x": b"x"}), "not a safe path"),
        # Names the file system refuses (OSError: File name too long) were a server error.
        ("long member name", variant(**{"x" * 300 + ".csv": b"x"}), "longer than 255"),
        ("deep folders", variant(**{"a/" * 2000 + "x.csv": b"x"}), "deeper than 32"),
        ("long path", variant(**{("y" * 200 + "/") * 8 + "x.csv": b"x"}), "longer than"),
        # A file and a folder of one name: the file system says no, not the checks above.
        ("file and folder", variant(**{"extra": b"x", "extra/inner.csv": b"y"}), "unpacked"),
        ("damaged member", with_damaged_member(good, name="train.csv"), "damaged"),
        ("encrypted member", with_damaged_member(good, name="test.csv", encrypted=True), "encrypt"),
        # A "billion laughs": refused before any alias is expanded.
        ("YAML alias bomb", variant(**{"task.yaml": alias_bomb(good["task.yaml"])}), "aliases"),
        # A test table of a few hundred KB that decodes to 25 million rows.
        ("Parquet row bomb", parquet_row_bomb(good, table="test"), "at most 20,000,000"),
    ]


def alias_bomb(manifest: bytes) -> bytes:
    levels = ['a0: &a0 "lol"'] + [
        f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * 9)}]" for level in range(1, 9)
    ]
    return manifest + ("\n".join(levels) + "\n").encode()


def parquet_row_bomb(good: dict[str, bytes], *, table: str) -> bytes:
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    indices = pa.array(np.zeros(25_000_000, dtype=np.int32))
    bomb = pa.table({"id": pa.DictionaryArray.from_arrays(indices, pa.array(["x" * 100]))})
    sink = io.BytesIO()
    pq.write_table(bomb, sink, compression="zstd")
    members = {name: data for name, data in good.items() if name != f"{table}.csv"}
    return zipped({**members, f"{table}.parquet": sink.getvalue()}).getvalue()


def test_every_bad_bundle_is_refused_with_nothing_written(
    client, competition, make_user, tmp_path, monkeypatch
):
    # This process's temporary files in a folder of their own: parallel workers' imports make
    # and remove theirs in the shared one meanwhile.
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    organizer = make_user("olga")
    competition.organizers.add(organizer)
    client.force_login(organizer)
    good = bundle_members(tmp_path / "good")
    url = reverse("competitions:task_import", args=[competition.slug])
    competition_before = (competition.title, competition.end_at)
    temp_before = set(Path(tempfile.gettempdir()).iterdir())
    for name, data, words in corpus(good):
        files_before = stored_files(settings.PRIVATE_FILES_ROOT)
        upload = io.BytesIO(data)
        upload.name = "bundle.zip"
        response = client.post(url, {"bundle": upload}, headers={"accept": "application/json"})
        assert response.status_code == 400, (name, response.content[:300])
        problems = " ".join(response.json().get("problems", []))
        assert words.lower() in problems.lower(), (name, problems)
        assert not Task.objects.exists(), name
        assert not Track.objects.filter(competition=competition).exists(), name
        files_now = stored_files(settings.PRIVATE_FILES_ROOT)
        assert files_now == files_before, name
    competition.refresh_from_db()
    assert (competition.title, competition.end_at) == competition_before
    leftovers = set(Path(tempfile.gettempdir()).iterdir()) - temp_before
    assert not [path for path in leftovers if path.name.startswith("arena-bundle-")], leftovers

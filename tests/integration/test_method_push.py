"""Methods as code (issue 16, part 2): a team pushes a package from the browser; every push of
new content is a new immutable version, the same files are the same version, a broken package
is refused with every problem listed and leaves nothing stored, and a method's code is for its
team and the organizers only."""

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

from arena.api.services import api_token_create
from arena.methods.models import Method, MethodVersion
from arena.methods.package import PackageError, read_method_package
from arena.methods.services import method_push_folder
from arena.teams.services import team_disqualify
from tests.integration.helpers import stored_files
from tests.participants import team_create

EXAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "methods" / "majority"


def zipped(folder: Path, *, prefix: str = "majority/", extra: dict | None = None) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, prefix + path.relative_to(folder).as_posix())
        for name, text in (extra or {}).items():
            archive.writestr(name, text)
    buffer.seek(0)
    buffer.name = "method.zip"
    return buffer


def method_files() -> set[str]:
    return {name for name in stored_files(settings.PRIVATE_FILES_ROOT) if "methods/" in name}


@pytest.fixture
def alpha(competition, alice):
    return team_create(competition=competition, user=alice, name="Alpha")


def push(client, competition, archive):
    return client.post(reverse("methods:team", args=[competition.slug]), {"package": archive})


def test_a_push_is_a_version_and_the_same_files_are_the_same_version(
    client, competition, alice, alpha
):
    client.force_login(alice)
    before = method_files()
    response = push(client, competition, zipped(EXAMPLE))
    assert response.status_code == 302
    version = MethodVersion.objects.get()
    assert (version.number, version.method.name, version.method.team) == (
        1,
        "Majority class",
        alpha,
    )
    assert version.files == ["main.py", "method.yaml"]
    assert version.manifest["resources"] == {"cpus": 1, "memory_gb": 1.0, "minutes": 2}
    assert len(method_files() - before) == 1
    # The same files again, zipped differently (another folder name, a cache left in): no change.
    again = push(
        client,
        competition,
        zipped(EXAMPLE, prefix="copy/", extra={"copy/__pycache__/main.cpython-311.pyc": "x"}),
    )
    page = client.get(again["Location"]).content.decode()
    assert "already Majority class version 1" in page
    assert MethodVersion.objects.count() == 1 and len(method_files() - before) == 1
    # One changed byte is a new version; the first stays as it was.
    changed = zipped(EXAMPLE, extra={"majority/NOTES.md": "tuned"})
    assert push(client, competition, changed).status_code == 302
    versions = list(MethodVersion.objects.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].content_hash != versions[1].content_hash
    assert versions[0].files == ["main.py", "method.yaml"]
    page = client.get(reverse("methods:team", args=[competition.slug])).content.decode()
    assert "v1" in page and "v2" in page and versions[1].content_hash[:12] in page


def test_the_stored_version_holds_exactly_the_packages_files(client, competition, alice, alpha):
    client.force_login(alice)
    push(client, competition, zipped(EXAMPLE, extra={"majority/.DS_Store": "litter"}))
    version = MethodVersion.objects.get()
    download = client.get(reverse("methods:download", args=[competition.slug, version.pk]))
    assert download.status_code == 200
    with zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))) as archive:
        assert archive.namelist() == ["main.py", "method.yaml"]
        assert archive.read("main.py") == (EXAMPLE / "main.py").read_bytes()


BROKEN = {
    "no manifest": ({"majority/method.yaml": None}, "has no method.yaml"),
    "not yaml": ({"majority/method.yaml": "name: [unclosed"}, "is not valid YAML"),
    "alias bomb": (
        {"majority/method.yaml": "a: &a [x, x]\nb: [*a, *a]\n"},
        "anchors or aliases",
    ),
    "missing script": (
        {
            "majority/method.yaml": "name: M\ndescription: d\nkinds: [classification]\n"
            "command: python train.py\n"
        },
        "the script train.py is not in the package",
    ),  # fmt: skip
    "bad resources": (
        {
            "majority/method.yaml": "name: M\ndescription: d\nkinds: [matching]\n"
            "command: python main.py\nresources: {memory_gb: 64, gpus: 1}\n"
        },
        "resources.memory_gb: a number from 0.5 to 16",
    ),  # fmt: skip
    "unknown kind": (
        {
            "majority/method.yaml": "name: M\ndescription: d\nkinds: [regression]\n"
            "command: python main.py\n"
        },
        "kinds: a list of classification and/or matching",
    ),  # fmt: skip
    "zip slip": ({"../../evil.py": "print('x')"}, "is not a safe path inside the zip"),
}


@pytest.mark.parametrize("case", list(BROKEN), ids=list(BROKEN))
def test_a_broken_package_is_refused_with_its_problems_and_nothing_is_stored(
    client, competition, alice, alpha, case
):
    changes, message = BROKEN[case]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.write(EXAMPLE / "main.py", "majority/main.py")
        if "majority/method.yaml" not in changes:
            archive.write(EXAMPLE / "method.yaml", "majority/method.yaml")
        for name, text in changes.items():
            if text is not None:
                archive.writestr(name, text)
    buffer.seek(0)
    buffer.name = "method.zip"
    client.force_login(alice)
    before = method_files()
    response = push(client, competition, buffer)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Method.objects.exists() and method_files() == before


def test_only_members_of_a_standing_team_push(competition, alice, bob, alpha, tmp_path):
    root = tmp_path / "package"
    shutil.copytree(EXAMPLE, root)
    with pytest.raises(Exception, match="Only members of the team"):
        method_push_folder(team=alpha, user=bob, root=root)
    team_disqualify(team=alpha, by=None, reason="Shared accounts.")
    with pytest.raises(Exception, match="disqualified"):
        method_push_folder(team=alpha, user=alice, root=root)
    assert not MethodVersion.objects.exists()


def test_a_methods_code_is_for_its_team_and_the_organizers(
    client, competition, alice, bob, alpha, make_user
):
    team_create(competition=competition, user=bob, name="Bravo")
    client.force_login(alice)
    push(client, competition, zipped(EXAMPLE))
    version = MethodVersion.objects.get()
    urls = [
        reverse("methods:version", args=[competition.slug, version.pk]),
        reverse("methods:download", args=[competition.slug, version.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 200
    client.force_login(bob)  # another team
    for url in urls:
        assert client.get(url).status_code == 404
    organizer = make_user("olga")
    competition.organizers.add(organizer)
    client.force_login(organizer)
    page = client.get(urls[0]).content.decode()
    assert "python main.py" in page and "main.py" in page
    client.logout()
    assert client.get(urls[0]).status_code == 302  # to the login page


def test_the_content_hash_ignores_caches_and_follows_every_byte(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    shutil.copytree(EXAMPLE, first)
    shutil.copytree(EXAMPLE, second)
    (second / "__pycache__").mkdir()
    (second / "__pycache__" / "main.cpython-311.pyc").write_bytes(b"\0")
    assert (
        read_method_package(root=first).content_hash
        == read_method_package(root=second).content_hash
    )
    (second / "main.py").write_text((EXAMPLE / "main.py").read_text() + " ")
    assert (
        read_method_package(root=first).content_hash
        != read_method_package(root=second).content_hash
    )
    (second / "method.yaml").unlink()
    with pytest.raises(PackageError, match="method.yaml: is missing"):
        read_method_package(root=second)


def test_the_api_pushes_lists_and_explains(competition, alice, bob, alpha):
    url = f"/api/competitions/{competition.slug}/methods/"
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=alice, name='t')[1]}")
    first = api.post(url, {"file": zipped(EXAMPLE)}, format="multipart")
    assert first.status_code == 201 and first.json()["created"] is True
    assert first.json()["number"] == 1 and first.json()["files"] == ["main.py", "method.yaml"]
    again = api.post(url, {"file": zipped(EXAMPLE)}, format="multipart")
    assert again.status_code == 200 and again.json()["created"] is False
    listed = api.get(url).json()
    assert [(m["name"], [v["number"] for v in m["versions"]]) for m in listed] == [
        ("Majority class", [1])
    ]
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("method.yaml", "name: X\n")
    broken.seek(0)
    broken.name = "broken.zip"
    refused = api.post(url, {"file": broken}, format="multipart")
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert error["code"] == "invalid_package"
    assert "method.yaml: description: missing." in error["problems"]
    outsider = APIClient()  # bob has no team in this competition
    outsider.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=bob, name='t')[1]}")
    assert outsider.get(url).json() == []
    nope = outsider.post(url, {"file": zipped(EXAMPLE)}, format="multipart")
    assert nope.status_code == 400 and "Join or create a team" in nope.json()["error"]["message"]
    assert MethodVersion.objects.count() == 1

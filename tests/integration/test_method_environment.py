"""The runner's environment on a page and in the API (issue 16): what a method can import, every
installed package with its version and the usual stack first, the Python version, the sandbox
and the limits of a run, read from package metadata once per process, importing no library."""

import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from arena.api.services import api_token_create
from arena.methods.environment import installed_distributions

ROOT = Path(__file__).resolve().parents[2]
URL = "/methods/environment/"


def test_the_page_lists_the_stack_first_with_versions(alice_client):
    assert reverse("methods:environment") == URL
    page = alice_client.get(URL)
    assert page.status_code == 200
    text = page.content.decode()
    python = ".".join(str(part) for part in sys.version_info[:3])
    assert f"<dd>{python}</dd>" in text and "bubblewrap" in text
    for name, module in (("scikit-learn", "sklearn"), ("lightgbm", "lightgbm")):
        assert f"<strong>{name}</strong>" in text
        assert f"<code>{metadata.version(name)}</code>" in text
        assert f"<code>{module}</code>" in text
    # The stack comes before the rest (amqp would come first by name), in a sortable table.
    assert text.index("<strong>numpy</strong>") < text.index("<strong>pandas</strong>")
    assert text.index("<strong>PyYAML</strong>") < text.index(">amqp<")
    assert '<table class="sortable" id="package-list">' in text and 'data-sort="text"' in text
    # Every distribution of the environment is listed, the platform's own checkout is not.
    listed = installed_distributions()
    assert len(listed) > 100 and text.count("<tr") == len(listed) + 1 + 8 + 1
    assert "arena" not in {dist.name for dist in listed}


@override_settings(METHOD_MAX_CPUS=1, METHOD_MAX_MEMORY_GB=6, METHOD_MAX_MINUTES=30)
def test_the_limits_follow_the_platforms_caps(alice_client):
    text = alice_client.get(URL).content.decode()
    assert "<td>CPUs</td><td>1</td><td>1</td>" in text
    assert "<td>Memory</td><td>4 GiB</td><td>6 GiB</td>" in text
    assert "<td>Wall time</td><td>10 min</td><td>30 min</td>" in text
    assert "<td>Processes and threads</td><td>256</td>" in text


def test_it_is_linked_from_the_methods_pages(alice_client, competition, alice_team):
    for name in ("methods:team", "competitions:detail"):
        text = alice_client.get(reverse(name, args=[competition.slug])).content.decode()
        assert f'href="{URL}"' in text, name


def test_signed_in_users_only(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_api_gives_the_same_list(alice):
    _, key = api_token_create(user=alice, name="cli")
    api = APIClient()
    assert api.get("/api/methods/environment/").status_code in (401, 403)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.get("/api/methods/environment/")
    assert response.status_code == 200
    body = response.json()
    assert body["python"] == ".".join(str(part) for part in sys.version_info[:3])
    assert body["venv"] == "/venv"
    names = [dist["name"] for dist in body["distributions"]]
    assert names == [dist.name for dist in installed_distributions()]
    sklearn = next(d for d in body["distributions"] if d["name"] == "scikit-learn")
    assert sklearn == {
        "name": "scikit-learn",
        "version": metadata.version("scikit-learn"),
        "imports": ["sklearn"],
        "stack": True,
    }
    assert {limit["name"] for limit in body["limits"]} >= {"CPUs", "Memory", "Wall time"}


def test_the_list_is_read_once_and_imports_no_library():
    assert installed_distributions() is installed_distributions()
    script = (
        "import json, sys, django; django.setup()\n"
        "from arena.methods.environment import installed_distributions\n"
        "listed = installed_distributions()\n"
        "heavy = ['sklearn', 'lightgbm', 'catboost', 'xgboost', 'autogluon', 'rapidfuzz']\n"
        "print(json.dumps([len(listed), [m for m in heavy if m in sys.modules]]))\n"
    )
    environment = {**os.environ, "PYTHONPATH": f"{ROOT / 'platform'}{os.pathsep}{ROOT}"}
    environment["DJANGO_SETTINGS_MODULE"] = "arena.settings"
    result = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env=environment,
        cwd=ROOT,
    )
    count, imported = json.loads(result.stdout.strip().splitlines()[-1])
    assert count == len(installed_distributions()) and imported == []

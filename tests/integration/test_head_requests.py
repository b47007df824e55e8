"""HEAD answers as GET does, without a body, on every page and API endpoint, over real HTTP.

The URLs come from the resolver, so a view added later is checked without anyone listing it:
every pattern without arguments, and those whose arguments the fixtures can fill (a
competition, a task, a track, a submission, a table to download).
"""

import re
import socket
from urllib.parse import urlsplit

import pytest
import requests
from django.http import HttpResponse, StreamingHttpResponse
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver

from arena.api.services import api_token_create
from arena.core.middleware import HeadAsGetMiddleware
from arena.submissions.services import submission_create
from tests.integration.helpers import csv_upload
from tests.participants import team_create

ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>")


def _routes(patterns, prefix: str = ""):
    """Every URL pattern as a route string, e.g. "c/<slug:competition_slug>/team/"."""
    for pattern in patterns:
        route = str(pattern.pattern)
        if not hasattr(pattern.pattern, "converters"):  # a regular expression: admin and API
            if pattern.pattern.regex.groups:  # catch-alls; no route to name
                continue
            route = route.removeprefix("^").removesuffix("$")
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + route)
        elif isinstance(pattern, URLPattern):
            yield prefix + route


def _paths(values: dict[str, object]) -> tuple[list[str], list[str]]:
    """(paths of the patterns without arguments, paths of those the ``values`` fill)."""
    plain, filled = [], []
    for route in _routes(get_resolver().url_patterns):
        names = ARGUMENT.findall(route)
        if not names:
            plain.append("/" + route)
        elif all(name in values for name in names):
            filled.append("/" + ARGUMENT.sub(lambda m: str(values[m.group(1)]), route))
    return sorted(set(plain)), sorted(set(filled))


def _raw_head(url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """A HEAD over a socket of its own: (status, headers, what the server sent after the
    headers). A client library would never read that last part, which must be empty."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [f"HEAD {path} HTTP/1.1", f"Host: {parts.netloc}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    received = b""
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    assert status_line.startswith("HTTP/1.1 "), status_line[:100]
    fields = dict(line.split(": ", 1) for line in header_lines)
    return int(status_line.split()[1]), {k.lower(): v for k, v in fields.items()}, body


def _mismatches(base: str, paths: list[str], headers: dict[str, str]) -> list[str]:
    found = []
    for path in paths:
        url = base + path
        got = requests.get(url, headers=headers, allow_redirects=False, timeout=30)
        status, head, body = _raw_head(url, headers)
        if status != got.status_code:
            found.append(f"{path}: GET {got.status_code}, HEAD {status}")
            continue
        if got.headers.get("Content-Length", "0") != "0" and "content-length" not in head:
            found.append(f"{path}: HEAD without the Content-Length of GET")
        if head.get("content-type") != got.headers.get("Content-Type"):
            found.append(f"{path}: Content-Type {head.get('content-type')} on HEAD")
        if body:
            found.append(f"{path}: HEAD sent a body of {len(body)} bytes")
    return found


def _checked_by(callers: dict[str, dict[str, str]], path: str) -> dict[str, dict[str, str]]:
    """Who asks for ``path``: an API token counts only on the API (elsewhere its caller is
    anonymous, which is asked already)."""
    return {
        who: headers
        for who, headers in callers.items()
        if who != "API token" or path.startswith("/api/")
    }


def _all_mismatches(base: str, paths: list[str], callers: dict[str, dict[str, str]]) -> list[str]:
    return [
        f"{who}: {problem}"
        for path in paths
        for who, headers in _checked_by(callers, path).items()
        for problem in _mismatches(base, [path], headers)
    ]


@pytest.fixture
def site(live_server, competition, products, alice, make_user, django_user_model):
    """A competition with a submission, seen by nobody, a participant and staff."""
    task, data = products
    team_create(competition=competition, user=alice, name="Alpha")
    # Queued, not scored: the pages need a submission, not a score.
    submission = submission_create(task=task, user=alice, uploaded_file=csv_upload(data.answers))
    staff = django_user_model.objects.create_superuser(username="root", password="x" * 20)
    competition.organizers.add(staff)
    _, key = api_token_create(user=alice, name="head test")
    sessions = {}
    for user in (alice, staff):
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        sessions[user.username] = {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}
    values = {
        "competition_slug": competition.slug,
        "task_slug": task.slug,
        "track_slug": task.track.slug,
        "submission_id": submission.pk,
        "table": "train",
        "file_format": "csv",
    }
    callers = {
        "anonymous": {},
        "participant": sessions["alice"],
        "staff": sessions["root"],
        "API token": {"Authorization": f"Token {key}"},
    }
    return live_server.url, values, callers


def test_head_answers_like_get_on_every_url_without_arguments(site):
    base, values, callers = site
    plain, _ = _paths(values)
    assert {"/", "/healthz", "/status/", "/api/competitions/", "/admin/"} <= set(plain)
    found = _all_mismatches(base, plain, callers)
    assert not found, "\n".join(found)


def test_head_answers_like_get_on_pages_of_a_competition(site):
    base, values, callers = site
    _, filled = _paths(values)
    # Downloads (streamed files) and leaderboards are among them.
    assert any(path.endswith("/data/train.csv") for path in filled)
    assert any(path.endswith("/leaderboard/") for path in filled)
    found = _all_mismatches(base, filled, callers)
    assert not found, "\n".join(found)


def test_head_of_a_download_keeps_its_length(site):
    base, values, callers = site
    url = f"{base}/c/{values['competition_slug']}/tasks/{values['task_slug']}/data/train.csv"
    got = requests.get(url, headers=callers["participant"], timeout=30)
    status, head, body = _raw_head(url, callers["participant"])
    assert got.status_code == status == 200
    assert head["content-length"] == str(len(got.content)) and body == b""


def test_head_drops_the_body_but_keeps_its_length_and_never_reads_a_stream():
    """In the middleware itself, since the test server also drops a HEAD's body on its own."""
    page = HeadAsGetMiddleware(lambda request: HttpResponse(f"{request.method} page"))(
        RequestFactory().head("/")
    )
    assert page.content == b""
    assert page["Content-Length"] == str(len("GET page"))

    read, closed = [], []

    def export():
        try:
            read.append("started")
            yield b"expensive"
        finally:
            closed.append(True)

    stream = export()
    next(stream)  # a generator only runs its finally once started; a real one may hold a file

    def view(request):
        response = StreamingHttpResponse(stream)
        response["Content-Length"] = "9"
        return response

    response = HeadAsGetMiddleware(view)(RequestFactory().head("/"))
    assert b"".join(response.streaming_content) == b""
    assert response["Content-Length"] == "9"
    assert read == ["started"]  # nothing more was produced for the HEAD
    response.close()  # what the WSGI server does once the headers are sent
    assert closed == [True]

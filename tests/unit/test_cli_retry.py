"""The arena CLI retries an upload whose answer was lost or was a 503, with the same
Idempotency-Key, against a real HTTP server on loopback that fails the first attempts."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from arena_cli.client import ApiError, ArenaClient
from arena_cli.config import Config


class FlakySite(BaseHTTPRequestHandler):
    answers: list[int] = []
    seen: list[tuple[str, int]] = []

    def do_POST(self):  # noqa: N802 - the name http.server calls
        length = int(self.headers["Content-Length"])
        body = self.rfile.read(length)
        self.seen.append((self.headers.get("Idempotency-Key", ""), len(body)))
        status = self.answers.pop(0)
        if status == 0:  # the connection drops before any answer
            self.connection.close()
            return
        payload = (
            {"id": 7, "status": "queued"}
            if status < 400
            else {"error": {"code": "database_unavailable", "message": "down"}}
        )
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FlakySite)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FlakySite.seen = []
    yield server, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def upload(base: str, tmp_path):
    file = tmp_path / "p.csv"
    file.write_text("id,label\n1,a\n")
    # The back-off's doubling is the CLI's; its first wait is shortened so the test does not idle.
    client = ArenaClient(Config(url=base, token="arena_test"), retry_wait_seconds=0.01)
    return client.upload("/x/", file=file, fields={"comment": "c"}, progress=lambda *_: None)


def test_a_dropped_connection_and_a_503_are_retried_with_the_same_key(site, tmp_path):
    _, base = site
    FlakySite.answers = [0, 503, 201]
    assert upload(base, tmp_path) == {"id": 7, "status": "queued"}
    keys = {key for key, _ in FlakySite.seen}
    assert len(FlakySite.seen) == 3 and len(keys) == 1 and "" not in keys
    assert len({size for _, size in FlakySite.seen}) == 1  # the whole file each time


def test_a_refusal_is_not_retried(site, tmp_path):
    _, base = site
    FlakySite.answers = [400]
    with pytest.raises(ApiError):
        upload(base, tmp_path)
    assert len(FlakySite.seen) == 1

"""A small client of Arena's REST API (requests only; no Django)."""

import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any, BinaryIO

import requests

from arena_cli.config import Config

CHUNK = 256 * 1024


class ApiError(Exception):
    """A refusal from the site, or a failure to reach it, with a message for the user.

    ``retryable`` marks failures that sending again may cure: no answer, or 502/503/504.
    """

    def __init__(self, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable


UPLOAD_ATTEMPTS = 4
RETRYABLE_STATUSES = {502, 503, 504}


class MultipartFile:
    """A multipart/form-data body read in chunks, so a large file streams from disk and the
    upload's progress can be shown."""

    def __init__(self, *, fields: dict[str, str], path: Path, progress) -> None:
        self.boundary = uuid.uuid4().hex
        head = b"".join(
            f'--{self.boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
            for name, value in fields.items()
        )
        safe_name = path.name.replace('"', "_").replace("\r", "_").replace("\n", "_")
        head += (
            f'--{self.boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{safe_name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()
        tail = f"\r\n--{self.boundary}--\r\n".encode()
        self.parts: list[bytes | Path] = [head, path, tail]
        self.total = len(head) + path.stat().st_size + len(tail)
        self.sent = 0
        self.progress = progress
        self.handle: BinaryIO | None = None

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    def __len__(self) -> int:
        return self.total

    def read(self, size: int = -1) -> bytes:
        size = CHUNK if size is None or size < 0 else size
        while self.parts:
            part = self.parts[0]
            if isinstance(part, Path):
                if self.handle is None:
                    self.handle = part.open("rb")
                data = self.handle.read(size)
                if not data:
                    self.handle.close()
                    self.parts.pop(0)
                    continue
            else:
                data, rest = part[:size], part[size:]
                if rest:
                    self.parts[0] = rest
                else:
                    self.parts.pop(0)
            self.sent += len(data)
            self.progress(self.sent, self.total)
            return data
        return b""


class ArenaClient:
    def __init__(self, config: Config, *, retry_wait_seconds: float = 2.0) -> None:
        self.base = config.url + "/api"
        # The first wait before a retry; it doubles after each failed attempt.
        self.retry_wait_seconds = retry_wait_seconds
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Token {config.token}"
        self.session.headers["Accept"] = "application/json"

    def _request(self, method: str, path: str, **kwargs) -> requests.Response:
        url = self.base + path
        try:
            response = self.session.request(
                method, url, timeout=kwargs.pop("timeout", 60), **kwargs
            )
        except requests.ConnectionError:
            raise ApiError(
                f"Cannot reach {self.base}: is ARENA_URL right and the site up?", retryable=True
            ) from None
        except requests.Timeout:
            raise ApiError(
                f"{self.base} did not answer in time; try again.", retryable=True
            ) from None
        if response.status_code >= 400:
            raise ApiError(
                _error_message(response), retryable=response.status_code in RETRYABLE_STATUSES
            )
        return response

    def get(self, path: str, **params) -> Any:
        return self._request("GET", path, params=params or None).json()

    def post(self, path: str, **kwargs) -> Any:
        return self._request("POST", path, **kwargs).json()

    def download(self, path: str, target: Path) -> Path:
        response = self._request("GET", path, stream=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        with partial.open("wb") as handle:
            for chunk in response.iter_content(CHUNK):
                handle.write(chunk)
        os.replace(partial, target)  # never leave half a file under the real name
        return target

    def upload(self, path: str, *, file: Path, fields: dict[str, str], progress) -> Any:
        """Sends the file; a lost connection or a 503 is retried with the same Idempotency-Key,
        so the site makes one submission however many times the file had to be sent."""
        key = uuid.uuid4().hex
        for attempt in range(UPLOAD_ATTEMPTS):
            body = MultipartFile(fields=fields, path=file, progress=progress)
            headers = {"Content-Type": body.content_type, "Idempotency-Key": key}
            try:
                return self._request("POST", path, data=body, headers=headers, timeout=600).json()
            except ApiError as error:
                if not error.retryable or attempt == UPLOAD_ATTEMPTS - 1:
                    raise
                wait = self.retry_wait_seconds * 2**attempt
                print(f"  {error} Retrying in {wait:g} s...", file=sys.stderr)
                time.sleep(wait)
        raise AssertionError("unreachable")


def _error_message(response: requests.Response) -> str:
    try:
        error = response.json()["error"]
        return f"{error['message']} ({error['code']}, HTTP {response.status_code})"
    except (ValueError, KeyError, TypeError):
        if response.status_code == 404:
            return "Not found (HTTP 404): check the task name and the competition."
        return f"The site answered HTTP {response.status_code}."


def _size(count: int, total: int) -> str:
    """Bytes in the unit that suits ``total``: a 40 KB file is not "0.0/0.0 MB"."""
    if total >= 1e6:
        return f"{count / 1e6:.1f} MB"
    if total >= 1e3:
        return f"{count / 1e3:.1f} KB"
    return f"{count} B"


class ProgressBar:
    """Upload progress on stderr, redrawn when the percentage changes (a final line otherwise)."""

    def __init__(self) -> None:
        self.shown = -1

    def __call__(self, sent: int, total: int) -> None:
        percent = 100 * sent // max(total, 1)
        if percent == self.shown or (not sys.stderr.isatty() and sent < total):
            return
        self.shown = percent
        width = 30
        done = width * percent // 100
        print(
            f"\r  uploading [{'#' * done}{'.' * (width - done)}] {percent:3d}%  "
            f"{_size(sent, total)}/{_size(total, total)}",
            end="" if sent < total else "\n",
            file=sys.stderr,
            flush=True,
        )

"""Helpers for end-to-end tests: polling and logging in over real HTTP."""

import re
import time

import pytest


def wait_for(check, *, what: str, timeout: float = 120.0):
    """Polls ``check`` until it returns something true; fails the test after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.25)
    pytest.fail(f"timed out waiting for {what}")


def csrf_token(session, url: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', session.get(url).text).group(1)


def csrf_post(session, url: str, data: dict, **kwargs):
    return session.post(
        url, data={"csrfmiddlewaretoken": csrf_token(session, url), **data}, **kwargs
    )

"""Helpers for end-to-end tests: polling and logging in over real HTTP."""

import base64
import json
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
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def deliveries_left(broker, queue: str, *, task: str | None = None, args=None) -> int:
    """Messages of ``queue`` on the Redis ``broker`` still to be done: waiting in the queue, or
    taken by a worker and not acknowledged yet (kombu keeps those in "unacked" until the job has
    ended). Only those of the job ``task(*args)`` when it is given."""
    messages = [json.loads(raw) for raw in broker.lrange(queue, 0, -1)]  # read before "unacked"
    for raw in broker.hvals("unacked"):
        message, _exchange, routing_key = json.loads(raw)
        if routing_key == queue:
            messages.append(message)
    return sum(
        task is None
        or (
            message["headers"]["task"] == task
            and json.loads(base64.b64decode(message["body"]))[0] == list(args)
        )
        for message in messages
    )


def wait_until_delivered(broker, queue: str, *, what: str, **job) -> None:
    """Waits until no message of ``queue`` (of the job, see deliveries_left) is left to do: no
    further delivery of it can come. Seen twice in a row, so a message between the queue and a
    worker's "unacked" at the first look is not missed."""
    looks = []

    def settled() -> bool:
        looks.append(deliveries_left(broker, queue, **job) == 0)
        return looks[-2:] == [True, True]

    wait_for(settled, what=what)


def csrf_token(session, url: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', session.get(url).text).group(1)


def csrf_post(session, url: str, data: dict, **kwargs):
    return session.post(
        url, data={"csrfmiddlewaretoken": csrf_token(session, url), **data}, **kwargs
    )

"""/healthz answers for load balancers: 200 when the database, the broker and storage answer,
503 naming the part that does not, and never a secret."""

import socket

import pytest
from django.conf import settings
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_healthy_stack_answers_200(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok", "storage": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")
    assert not list((settings.PRIVATE_FILES_ROOT / "healthz").glob("*"))  # the probe is removed


@pytest.fixture
def broker_on_a_closed_port():
    """Points Celery at a port where nothing listens: a real refused connection."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    with override_settings(CELERY_BROKER_URL=f"redis://:secret-password@127.0.0.1:{port}/0"):
        yield


def test_unreachable_broker_answers_503_without_secrets(client, broker_on_a_closed_port):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy" and body["database"] == "ok"
    assert body["broker"].startswith("unavailable")
    assert "secret-password" not in response.content.decode()


def test_a_flood_of_health_checks_is_answered_from_the_last_check(client, settings, tmp_path):
    settings.HEALTHZ_CACHE_SECONDS = 0
    assert client.get("/healthz").status_code == 200  # checked now...
    settings.HEALTHZ_CACHE_SECONDS = 60  # ...and remembered for a minute
    unwritable = tmp_path / "a-file"
    unwritable.write_text("storage cannot live under a file")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": unwritable / "files"},
        },
    }
    for _ in range(20):  # no write reaches the (now broken) storage
        assert client.get("/healthz").json()["storage"] == "ok"
    settings.HEALTHZ_CACHE_SECONDS = 0
    assert client.get("/healthz").json()["storage"].startswith("unavailable")

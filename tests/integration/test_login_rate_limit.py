"""Guessing passwords is slowed down: after repeated failures a username is locked for one
address for a while (even the right password waits), other users and addresses are not."""

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def attempt(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_LOCKOUT_SECONDS=600)
def test_repeated_failures_lock_the_username_for_that_address(alice, bob):
    guesser = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(3):
        assert attempt(guesser, "alice", "wrong").status_code == 200
    locked = attempt(guesser, "ALICE", "correct-horse-battery-staple")
    assert locked.status_code == 429
    assert "Too many failed attempts. Wait 10 minutes" in locked.content.decode()
    assert "_auth_user_id" not in guesser.session
    # Alice from her own address, and Bob from the guesser's, still log in.
    assert (
        attempt(
            Client(REMOTE_ADDR="198.51.100.2"), "alice", "correct-horse-battery-staple"
        ).status_code
        == 302
    )
    assert attempt(guesser, "bob", "correct-horse-battery-staple").status_code == 302


@override_settings(LOGIN_FAILURE_LIMIT=2, LOGIN_LOCKOUT_SECONDS=600)
def test_spraying_many_usernames_locks_the_address(alice, make_user):
    sprayer = Client(REMOTE_ADDR="203.0.113.9")
    for number in range(8):  # 4 x the limit, each username below its own limit
        attempt(sprayer, f"user{number}", "Summer2026!")
    assert attempt(sprayer, "alice", "correct-horse-battery-staple").status_code == 429


@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_LOCKOUT_SECONDS=600)
def test_a_successful_login_forgets_earlier_failures(alice):
    client = Client(REMOTE_ADDR="198.51.100.5")
    for _ in range(2):
        attempt(client, "alice", "wrong")
    assert attempt(client, "alice", "correct-horse-battery-staple").status_code == 302
    client.logout()
    for _ in range(2):
        attempt(client, "alice", "wrong")
    assert attempt(client, "alice", "correct-horse-battery-staple").status_code == 302


def test_the_counters_live_in_the_shared_database_cache():
    from django.conf import settings

    assert settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")
    cache.set("probe", 1)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM arena_cache")
        assert cursor.fetchone()[0] == 1

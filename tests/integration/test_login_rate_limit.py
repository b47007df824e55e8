"""Guessing passwords is slowed down: after repeated failures a username is locked for one
address for a while (even the right password waits), other users and addresses are not; the
lockout ends on time however often a locked guesser keeps trying."""

from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from arena.accounts.models import LoginFailure

pytestmark = pytest.mark.django_db


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


@override_settings(LOGIN_FAILURE_LIMIT=2, LOGIN_ADDRESS_FAILURE_LIMIT=8, LOGIN_LOCKOUT_SECONDS=600)
def test_spraying_many_usernames_locks_the_address(alice, make_user):
    sprayer = Client(REMOTE_ADDR="203.0.113.9")
    for number in range(8):  # each username below its own limit
        attempt(sprayer, f"user{number}", "Summer2026!")
    assert attempt(sprayer, "alice", "correct-horse-battery-staple").status_code == 429
    assert (
        attempt(
            Client(REMOTE_ADDR="203.0.113.10"), "alice", "correct-horse-battery-staple"
        ).status_code
        == 302
    )


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


@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_LOCKOUT_SECONDS=600)
def test_the_lockout_ends_on_time_while_the_guesser_keeps_trying(alice):
    guesser = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(3):
        attempt(guesser, "alice", "wrong")
    for _ in range(10):  # refused attempts are not counted, so they do not prolong the lockout
        assert attempt(guesser, "alice", "wrong").status_code == 429
    assert LoginFailure.objects.count() == 3
    LoginFailure.objects.update(
        created_at=LoginFailure.objects.first().created_at - timedelta(minutes=10)
    )
    assert attempt(guesser, "alice", "correct-horse-battery-staple").status_code == 302


@override_settings(LOGIN_LOCKOUT_SECONDS=600)
def test_failures_are_rows_every_process_sees_and_old_ones_are_deleted(alice):
    client = Client(REMOTE_ADDR="203.0.113.7")
    attempt(client, "alice", "wrong")
    LoginFailure.objects.update(
        created_at=LoginFailure.objects.get().created_at - timedelta(hours=1)
    )
    attempt(client, "Alice", "wrong")
    failure = LoginFailure.objects.get()
    assert (failure.username, failure.address, failure.device) == ("alice", "203.0.113.7", "")

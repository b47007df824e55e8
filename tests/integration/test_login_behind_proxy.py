"""Behind the documented proxy every client arrives from the proxy's address; the throttle
counts the client's address from X-Forwarded-For, trusting exactly TRUSTED_PROXY_COUNT proxies.
Strangers failing from one address do not lock out other people, and a user under attack still
logs in from a browser they used before (its signed device cookie), while a guesser without one
is refused. Real HTTP against live_server; every request really comes from 127.0.0.1."""

import uuid

import pytest
from django.test import override_settings

from tests.integration.login_http import PASSWORD, Browser

ATTACKER = "203.0.113.66"
HOME = "198.51.100.20"


@pytest.fixture
def organizer(make_user):
    return make_user("organizer")


@override_settings(TRUSTED_PROXY_COUNT=1, LOGIN_ADDRESS_FAILURE_LIMIT=20)
def test_strangers_failing_behind_the_proxy_do_not_lock_out_other_people(
    live_server, alice, bob, organizer
):
    # Bob logged in from the attacker's network once before (a café), and keeps that cookie.
    earlier = Browser(live_server.url, forwarded_for=ATTACKER)
    assert earlier.log_in("bob", PASSWORD).status_code == 302
    bob_device = earlier.device_cookie

    attacker = Browser(live_server.url, forwarded_for=ATTACKER)
    for _ in range(20):
        assert attacker.log_in(f"user-{uuid.uuid4().hex[:8]}", "Summer2026!").status_code == 200
    assert attacker.log_in("alice", PASSWORD).status_code == 429

    for name in ("bob", "organizer", "alice"):
        elsewhere = Browser(live_server.url, forwarded_for=HOME)
        assert elsewhere.log_in(name, PASSWORD).status_code == 302, name
        assert elsewhere.logged_in
    # From the attacker's own address: refused without a device cookie, let in with Bob's.
    assert bob_device
    assert (
        Browser(live_server.url, forwarded_for=ATTACKER).log_in("bob", PASSWORD).status_code == 429
    )
    returning = Browser(live_server.url, forwarded_for=ATTACKER).with_device_cookie(bob_device)
    assert returning.log_in("bob", PASSWORD).status_code == 302 and returning.logged_in


@override_settings(TRUSTED_PROXY_COUNT=1, LOGIN_FAILURE_LIMIT=3, LOGIN_USERNAME_FAILURE_LIMIT=6)
def test_a_targeted_user_keeps_logging_in_from_a_browser_used_before(live_server, bob, alice):
    home = Browser(live_server.url, forwarded_for=HOME)
    assert home.log_in("bob", PASSWORD).status_code == 302
    bob_device = home.device_cookie

    # Guessers from many addresses, and from Bob's own network, against Bob.
    for number in range(6):
        Browser(live_server.url, forwarded_for=f"192.0.2.{number + 1}").log_in("bob", "guess")
    for _ in range(3):
        Browser(live_server.url, forwarded_for=HOME).log_in("bob", "guess")
    assert (
        Browser(live_server.url, forwarded_for="192.0.2.99").log_in("bob", PASSWORD).status_code
        == 429
    )
    assert Browser(live_server.url, forwarded_for=HOME).log_in("bob", PASSWORD).status_code == 429

    for where in (HOME, "192.0.2.200"):
        returning = Browser(live_server.url, forwarded_for=where).with_device_cookie(bob_device)
        assert returning.log_in("bob", PASSWORD).status_code == 302, where

    # The cookie names Bob only, and a tampered one is worth nothing.
    alice_with_bobs = Browser(live_server.url, forwarded_for="192.0.2.1").with_device_cookie(
        bob_device
    )
    for _ in range(3):
        alice_with_bobs.log_in("alice", "guess")
    assert alice_with_bobs.log_in("alice", PASSWORD).status_code == 429
    forged = Browser(live_server.url, forwarded_for="192.0.2.99").with_device_cookie(
        bob_device[:-4] + ("AAAA" if not bob_device.endswith("AAAA") else "BBBB")
    )
    assert forged.log_in("bob", PASSWORD).status_code == 429


@override_settings(TRUSTED_PROXY_COUNT=1, LOGIN_FAILURE_LIMIT=3)
def test_a_stolen_device_cookie_still_gets_only_a_few_guesses(live_server, bob):
    home = Browser(live_server.url, forwarded_for=HOME)
    home.log_in("bob", PASSWORD)
    thief = Browser(live_server.url, forwarded_for=ATTACKER).with_device_cookie(home.device_cookie)
    for _ in range(3):
        assert thief.log_in("bob", "guess").status_code == 200
    assert thief.log_in("bob", PASSWORD).status_code == 429


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_the_device_cookie_is_signed_and_out_of_reach_of_scripts(live_server, bob):
    answer = Browser(live_server.url, forwarded_for=HOME).log_in("bob", PASSWORD)
    header = next(
        value
        for value in answer.raw.headers.getlist("Set-Cookie")
        if value.startswith("arena_device=")
    )
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Max-Age=" in header
    assert ":" in header.split(";")[0]  # django.core.signing's timestamp and signature


@override_settings(TRUSTED_PROXY_COUNT=0, LOGIN_FAILURE_LIMIT=3)
def test_a_forged_forwarded_for_is_ignored_without_trusted_proxies(live_server, alice):
    for number in range(3):
        Browser(live_server.url, forwarded_for=f"192.0.2.{number}").log_in("alice", "guess")
    fresh = Browser(live_server.url, forwarded_for="192.0.2.250")
    assert fresh.log_in("alice", PASSWORD).status_code == 429


@override_settings(TRUSTED_PROXY_COUNT=1, LOGIN_FAILURE_LIMIT=3)
def test_only_the_address_the_proxy_appended_counts(live_server, alice):
    # The client writes what it likes on the left; nginx appends the address it saw.
    for number in range(3):
        Browser(live_server.url, forwarded_for=f"10.0.0.{number}, {ATTACKER}").log_in(
            "alice", "guess"
        )
    again = Browser(live_server.url, forwarded_for=f"10.9.9.9, {ATTACKER}")
    assert again.log_in("alice", PASSWORD).status_code == 429
    assert Browser(live_server.url, forwarded_for=HOME).log_in("alice", PASSWORD).status_code == 302

"""Sign-up is limited per client address (the same address the login throttle uses): a script
cannot create accounts by the dozen; the refusal says when to try again, and people on another
network, or later, sign up as usual. Real HTTP against live_server."""

from datetime import timedelta

from django.contrib.auth.models import User
from django.test import override_settings

from arena.accounts.models import SignUpRecord
from tests.integration.login_http import Browser


def sign_up(browser: Browser, username: str):
    password = f"a-long-passphrase-{username}-42"
    return browser.post_form(
        "/accounts/signup/",
        {"username": username, "password1": password, "password2": password},
    )


@override_settings(TRUSTED_PROXY_COUNT=1, SIGNUP_RATE_LIMIT_COUNT=5, SIGNUP_RATE_LIMIT_SECONDS=3600)
def test_sign_ups_from_one_address_are_limited(live_server, db):
    for number in range(5):
        answer = sign_up(Browser(live_server.url, forwarded_for="203.0.113.5"), f"bot{number}")
        assert answer.status_code == 302, answer.text
    refused = sign_up(Browser(live_server.url, forwarded_for="203.0.113.5"), "bot5")
    assert refused.status_code == 429
    assert "5 accounts were created from your network in the last 60 minutes" in refused.text
    assert "Try again in 60 minutes" in refused.text
    assert 3500 < int(refused.headers["Retry-After"]) <= 3600
    assert not User.objects.filter(username="bot5").exists()
    # Another network is not held up.
    assert (
        sign_up(Browser(live_server.url, forwarded_for="198.51.100.9"), "dora").status_code == 302
    )


@override_settings(TRUSTED_PROXY_COUNT=1, SIGNUP_RATE_LIMIT_COUNT=2, SIGNUP_RATE_LIMIT_SECONDS=3600)
def test_the_limit_is_a_sliding_window(live_server, db):
    for number in range(2):
        sign_up(Browser(live_server.url, forwarded_for="203.0.113.5"), f"early{number}")
    assert (
        sign_up(Browser(live_server.url, forwarded_for="203.0.113.5"), "third").status_code == 429
    )
    first = SignUpRecord.objects.order_by("created_at").first()
    SignUpRecord.objects.filter(pk=first.pk).update(
        created_at=first.created_at - timedelta(minutes=61)
    )
    assert (
        sign_up(Browser(live_server.url, forwarded_for="203.0.113.5"), "third").status_code == 302
    )


@override_settings(TRUSTED_PROXY_COUNT=0, SIGNUP_RATE_LIMIT_COUNT=2)
def test_a_forged_forwarded_for_does_not_reset_the_limit(live_server, db):
    for number in range(2):
        sign_up(Browser(live_server.url, forwarded_for=f"192.0.2.{number}"), f"forger{number}")
    again = sign_up(Browser(live_server.url, forwarded_for="192.0.2.77"), "forger2")
    assert again.status_code == 429


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_a_new_account_is_logged_in_and_its_browser_remembered(live_server, db):
    browser = Browser(live_server.url, forwarded_for="198.51.100.9")
    assert sign_up(browser, "erin").status_code == 302
    assert browser.logged_in and browser.device_cookie

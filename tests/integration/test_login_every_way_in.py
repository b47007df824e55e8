"""Every way to log in shares one throttle, enforced where every password check passes
(django.contrib.auth.authenticate, accounts/backends.py): the site's login page and the admin's
count together and both refuse even the right password while locked; the API takes no
passwords at all; a password check added later (say, DRF's basic auth) is throttled too."""

import base64

import pytest
import requests
from django.conf import settings
from django.contrib.auth import authenticate
from django.test import RequestFactory, override_settings
from rest_framework.authentication import BasicAuthentication
from rest_framework.exceptions import AuthenticationFailed

from tests.integration.login_http import PASSWORD, Browser


@pytest.fixture
def staff(make_user):
    """Staff can read every answer key in the admin: the account most worth guessing."""
    user = make_user("organizer")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


def test_the_admin_login_refuses_the_right_password_after_30_wrong_ones(live_server, staff):
    guesser = Browser(live_server.url)
    for number in range(30):
        guesser.log_in("organizer", f"guess-{number}", path="/admin/login/")
    answer = guesser.log_in("organizer", PASSWORD, path="/admin/login/")
    assert answer.status_code == 429, answer.status_code
    assert "Too many failed attempts. Wait 15 minutes" in answer.text
    assert int(answer.headers["Retry-After"]) > 800
    assert not guesser.logged_in
    assert (
        guesser.session.get(f"{live_server.url}/admin/", allow_redirects=False).status_code == 302
    )


@override_settings(LOGIN_FAILURE_LIMIT=5)
def test_the_login_page_and_the_admin_count_failures_together(live_server, staff):
    guesser = Browser(live_server.url)
    for number in range(3):
        assert guesser.log_in("organizer", f"guess-{number}").status_code == 200
    for number in range(2):
        guesser.log_in("organizer", f"admin-guess-{number}", path="/admin/login/")
    # Locked after five failures in all, on both pages, for the right password too.
    assert guesser.log_in("organizer", PASSWORD).status_code == 429
    assert guesser.log_in("organizer", PASSWORD, path="/admin/login/").status_code == 429
    assert not guesser.logged_in


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_locked_out_on_the_login_page_means_locked_out_of_the_admin(live_server, staff):
    guesser = Browser(live_server.url)
    for number in range(3):
        guesser.log_in("organizer", f"guess-{number}")
    assert guesser.log_in("organizer", PASSWORD).status_code == 429
    admin = guesser.log_in("organizer", PASSWORD, path="/admin/login/")
    assert admin.status_code == 429 and "Too many failed attempts" in admin.text
    assert not guesser.logged_in


def test_the_admin_login_still_works(live_server, staff):
    browser = Browser(live_server.url)
    answer = browser.log_in("organizer", PASSWORD, path="/admin/login/")
    assert answer.status_code == 302 and browser.logged_in
    assert browser.session.get(f"{live_server.url}/admin/", allow_redirects=False).ok


def test_the_api_takes_no_passwords(live_server, alice):
    answer = requests.get(
        f"{live_server.url}/api/competitions/", auth=("alice", PASSWORD), timeout=30
    )
    assert answer.status_code in (401, 403)


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_a_password_check_added_later_is_throttled_too(alice):
    """DRF's basic auth is not switched on; if someone adds it (or any other caller of
    authenticate), the throttle already holds for it."""
    factory = RequestFactory()

    def basic(password: str):
        header = base64.b64encode(f"alice:{password}".encode()).decode()
        request = factory.get("/api/", HTTP_AUTHORIZATION=f"Basic {header}")
        request.META["REMOTE_ADDR"] = "203.0.113.40"
        return BasicAuthentication().authenticate(request)

    assert basic(PASSWORD)[0] == alice
    for number in range(3):
        with pytest.raises(AuthenticationFailed):
            basic(f"guess-{number}")
    with pytest.raises(AuthenticationFailed):
        basic(PASSWORD)
    # A caller without a request (a shell, a script) is throttled too, as one more address.
    for number in range(3):
        assert authenticate(username="alice", password=f"guess-{number}") is None
    assert authenticate(username="alice", password=PASSWORD) is None


def test_the_throttle_is_the_first_backend():
    # A backend listed before it could accept a password the throttle never saw.
    assert settings.AUTHENTICATION_BACKENDS[0] == "arena.accounts.backends.LoginThrottleBackend"

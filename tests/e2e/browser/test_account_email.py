"""E-mail in a real browser, the links read from a real SMTP server on loopback: sign up with an
address, verify it from the e-mail, forget the password and reset it from the e-mail, log in
with the new one, and change it on the account page."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def _link(mail_server, message) -> str:
    return re.search(r"http://\S+", mail_server.body(message)).group(0)


def test_verify_reset_and_change_the_password(live_server, mail_server, new_page):
    base = live_server.url
    page = new_page()
    page.goto(f"{base}/accounts/signup/")
    page.get_by_label("Username").fill("gina")
    page.get_by_label("Email").fill("gina@example.org")
    page.locator("input[name=password1]").fill("gina-long-passphrase")
    page.locator("input[name=password2]").fill("gina-long-passphrase")
    page.locator("main").get_by_role("button", name="Sign up").click()
    expect(page.get_by_text("Welcome, gina")).to_be_visible()
    expect(page.locator("#verify-badge")).to_have_text("verify your e-mail")

    page.goto(_link(mail_server, mail_server.wait_for(1)))
    expect(page.get_by_text("Your e-mail address gina@example.org is verified")).to_be_visible()
    expect(page.locator("#verify-badge")).to_have_count(0)

    page.get_by_role("button", name="Log out").click()
    page.goto(f"{base}/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("E-mail address").fill("gina@example.org")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()

    reset = mail_server.wait_for(2)
    assert reset["Subject"] == "Reset your Arena password"
    page.goto(_link(mail_server, reset))
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("New password confirmation").fill("short")
    page.get_by_role("button", name="Set the password").click()
    expect(page.get_by_text("This password is too short.")).to_be_visible()
    page.get_by_label("New password", exact=True).fill("gina-new-passphrase")
    page.get_by_label("New password confirmation").fill("gina-new-passphrase")
    page.get_by_role("button", name="Set the password").click()
    expect(page.get_by_role("heading", name="Your password is changed")).to_be_visible()

    page.get_by_role("link", name="Log in").last.click()
    page.get_by_label("Username").fill("gina")
    page.get_by_label("Password").fill("gina-new-passphrase")
    page.locator("main").get_by_role("button", name="Log in").click()
    page.locator("#account-link").click()
    expect(page.get_by_role("heading", name="Account settings")).to_be_visible()
    page.get_by_role("link", name="Change your password").click()
    page.get_by_label("Old password").fill("gina-new-passphrase")
    page.get_by_label("New password", exact=True).fill("gina-third-passphrase")
    page.get_by_label("New password confirmation").fill("gina-third-passphrase")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Your password is changed; you stay signed in here.")).to_be_visible()

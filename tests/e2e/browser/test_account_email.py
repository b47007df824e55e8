"""E-mail in a real browser, the links read from a real SMTP server on loopback: sign up with an
address, verify it from the e-mail, forget the password and reset it from the e-mail, log in
with the new one, and change it on the account page. Then (issue 18's participant journey) the
same person arrives after a competition has ended: accepts its rules, makes a team, uploads
late, and finds the upload scored by a real worker on the after-the-challenge board."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from arena.competitions.models import Competition
from tests.e2e.browser.test_participant_journey import accept_the_rules
from tests.integration.helpers import predictions_with_private_errors

pytestmark = pytest.mark.e2e


def _link(mail_server, message) -> str:
    return re.search(r"http://\S+", mail_server.body(message)).group(0)


def test_verify_reset_and_change_the_password(
    live_server, mail_server, new_page, celery_worker_process, products, competition, tmp_path
):
    task, _ = products
    Competition.objects.filter(pk=competition.pk).update(
        end_at=timezone.now() - timedelta(hours=1), late_submissions=True
    )
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

    # After the end: the rules, a team, a late upload, the after-the-challenge board.
    page.goto(f"{base}/c/{competition.slug}/team/")
    accept_the_rules(page)
    page.get_by_label("Team name").fill("Gamma")
    page.get_by_role("button", name="Create team").click()
    page.goto(f"{base}/c/{competition.slug}/tasks/{task.slug}/submit/")
    expect(page.locator("#late-notice")).to_contain_text("never change the prize ranking")
    late = tmp_path / "late.csv"
    predictions_with_private_errors(task, wrong_private=1).to_csv(late, index=False)
    page.locator("#id_method_name").fill("Late idea")
    page.locator("#id_file").set_input_files(str(late))
    page.get_by_role("button", name="Upload and score").click()
    scored = page.locator("#submissions tr[data-status=scored]")
    expect(scored).to_have_count(1, timeout=60_000)
    expect(scored).to_contain_text("after the end")
    page.goto(f"{base}/c/{competition.slug}/tasks/{task.slug}/leaderboard/after/")
    expect(page.locator('tr[data-team="Gamma"]')).to_have_attribute("data-after-end", "true")
    page.goto(f"{base}/c/{competition.slug}/tasks/{task.slug}/leaderboard/")
    expect(page.locator('tr[data-team="Gamma"]')).to_have_count(0)  # the prize board

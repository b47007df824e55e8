"""A participant's whole journey in a real browser, scored by a real worker: sign up, accept the
rules, create a team, invite a teammate who joins, download data, upload a valid and an invalid
file and watch both outcomes arrive without reloading, and find the team highlighted on the
leaderboard."""

import pandas as pd
import pytest
from playwright.sync_api import expect

from tests.integration.helpers import predictions_with_private_errors

pytestmark = pytest.mark.e2e


def sign_up(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/signup/")
    page.get_by_label("Username").fill(username)
    page.locator("input[name=password1]").fill(f"{username}-long-passphrase")
    page.locator("input[name=password2]").fill(f"{username}-long-passphrase")
    page.locator("main").get_by_role("button", name="Sign up").click()
    expect(page.get_by_text(f"Welcome, {username}")).to_be_visible()


def accept_the_rules(page) -> None:
    """From the team page: read the rules, accept them, and come back to the team page."""
    page.get_by_role("button", name="Read and accept the rules").click()  # a link styled so
    page.get_by_label("I accept these rules").check()
    page.get_by_role("button", name="Accept the rules").click()
    expect(page.get_by_text("Thank you: you accepted the rules.")).to_be_visible()


def test_participant_journey(
    live_server, celery_worker_process, products, competition, new_page, tmp_path
):
    task, _ = products
    base = live_server.url
    page = new_page()
    sign_up(page, base, "erin")

    page.goto(f"{base}/c/{competition.slug}/team/")
    accept_the_rules(page)
    page.get_by_label("Team name").fill("Echo <b>bold</b>")
    page.get_by_role("button", name="Create team").click()
    expect(page.get_by_role("heading", name="Echo <b>bold</b>")).to_be_visible()  # escaped
    code = page.locator("#invite-code").inner_text().strip()

    friend = new_page()
    sign_up(friend, base, "finn")
    friend.goto(f"{base}/c/{competition.slug}/team/")
    accept_the_rules(friend)
    friend.get_by_label("Invite code").fill(code)
    friend.get_by_role("button", name="Join team").click()
    expect(friend.get_by_text("You joined Echo <b>bold</b>.")).to_be_visible()
    members = friend.locator("main article", has_text="Members")
    expect(members).to_contain_text("erin")
    expect(members).to_contain_text("finn")

    page.goto(f"{base}/c/{competition.slug}/tasks/{task.slug}/")
    page.get_by_role("link", name="Data", exact=True).click()
    with page.expect_download() as download:
        page.locator("a[href$='/data/test.parquet']").first.click()
    test = pd.read_parquet(download.value.path())
    assert len(test) == len(predictions_with_private_errors(task, wrong_private=0))

    good = tmp_path / "good.csv"
    predictions_with_private_errors(task, wrong_private=3).to_csv(good, index=False)
    bad = tmp_path / "bad.csv"
    predictions_with_private_errors(task, wrong_private=0).iloc[5:].to_csv(bad, index=False)
    page.get_by_role("link", name="Submit", exact=True).click()
    rows = page.locator("#submissions tr[data-submission]")
    for count, path in enumerate((good, bad), start=1):
        page.locator("#id_method_name").fill("Exact answers")  # the form resets after each
        page.locator("#id_file").set_input_files(str(path))
        page.get_by_role("button", name="Upload and score").click()
        expect(rows).to_have_count(count, timeout=20_000)
    # The page polls: both rows leave "queued" without a reload.
    expect(page.locator("#submissions tr[data-status=scored]")).to_have_count(1, timeout=60_000)
    expect(page.locator("#submissions tr[data-status=invalid]")).to_have_count(1, timeout=60_000)
    # The problems read in a full-width row under it; the upload's line no longer says queued.
    expect(page.locator("#submissions tr.detail-row")).to_contain_text("missing")
    expect(page.locator("[data-upload-status]")).to_contain_text("invalid; see the problems")
    expect(page.locator("[data-quota]")).to_contain_text("left today")

    page.goto(f"{base}/c/{competition.slug}/tasks/{task.slug}/leaderboard/")
    mine = page.locator("tr.mine")
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text("Echo <b>bold</b>")
    expect(mine).to_contain_text("1.0000")


def test_pages_fit_a_narrow_screen_and_forms_are_labelled(
    live_server, products, competition, alice, new_page
):
    from tests.participants import team_create

    task, _ = products
    team_create(competition=competition, user=alice, name="Alpha")
    page = new_page(width=375, height=800)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("correct-horse-battery-staple")
    page.get_by_label("Password").press("Enter")
    for path in (
        f"/c/{competition.slug}/tasks/{task.slug}/",
        f"/c/{competition.slug}/tasks/{task.slug}/leaderboard/",
        f"/c/{competition.slug}/",
    ):
        page.goto(live_server.url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{path} is {overflow}px wider than a 375px screen"
    page.goto(f"{live_server.url}/c/{competition.slug}/tasks/{task.slug}/submit/")
    unlabelled = page.evaluate(
        """[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
             .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
             .map(el => el.name || el.id)"""
    )
    assert unlabelled == []
    # Keyboard: Tab from the top reaches the file field of the upload form.
    page.keyboard.press("Tab")
    for _ in range(40):
        if page.evaluate("document.activeElement && document.activeElement.id") == "id_file":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_file"

"""Steps the browser tests share."""

from playwright.sync_api import expect


def log_in(page, base: str, username: str) -> None:
    """Logs ``username`` in (the fixtures' password) and waits for the header to name them."""
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct-horse-battery-staple")
    page.get_by_label("Password").press("Enter")
    expect(page.get_by_role("banner")).to_contain_text(username)

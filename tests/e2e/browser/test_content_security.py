"""Pages keep working under the Content-Security-Policy (scripts from this site only): the
pairwise picker that submits on change and the API's Swagger page, with no violation reported
(the new_page fixture fails a test on any)."""

import pytest
from playwright.sync_api import expect

from tests.e2e.browser.helpers import log_in

pytestmark = pytest.mark.e2e


def test_script_driven_pages_work_under_the_policy(
    live_server,
    arena_with_methods,
    make_user,
    new_page,
):
    competition, _, _ = arena_with_methods
    competition.reviewers.add(make_user("rita"))
    page = new_page()
    log_in(page, live_server.url, "rita")
    page.goto(f"{live_server.url}/c/{competition.slug}/compare/pairwise/")
    second_task = page.locator("#id_task option").nth(1)
    slug = second_task.get_attribute("value")
    page.select_option("#id_task", slug)  # data-submit-on-change, bound by arena.js
    page.wait_for_url(f"**/compare/pairwise/?task={slug}*")

    response = page.goto(f"{live_server.url}/api/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator(".swagger-ui .title")).to_contain_text("Arena API", timeout=20_000)
    expect(page.locator(".opblock").first).to_be_visible()

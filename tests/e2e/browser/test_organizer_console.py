"""Issue 18, done-when: an organizer goes from an empty site to an open competition with a
track, a task and an announcement in the browser, without the admin; the checklist on the
competition's page says what is left at each step."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from playwright.sync_api import expect

from arena.competitions.models import Announcement, AuditEvent, Competition
from arena.competitions.synthetic import write_classification_bundle
from tests.e2e.browser.helpers import log_in
from tests.integration.test_task_import import zip_folder

pytestmark = pytest.mark.e2e


def step(page, title: str):
    return page.locator("#checklist li", has_text=title)


def test_an_organizer_opens_a_competition_from_an_empty_site(
    live_server, make_user, new_page, tmp_path
):
    olga = make_user("olga")
    olga.user_permissions.add(Permission.objects.get(codename="add_competition"))
    bundle = write_classification_bundle(root=tmp_path / "bundle", rows=80, seed=5)
    archive = tmp_path / "bundle.zip"
    archive.write_bytes(zip_folder(bundle).getvalue())
    base = live_server.url
    page = new_page()
    log_in(page, base, "olga")

    page.goto(f"{base}/")
    expect(page.locator("main")).to_contain_text("No competitions yet")
    page.get_by_role("button", name="New competition").click()  # a link styled as a button
    page.get_by_label("Title").fill("Product Cup")
    page.get_by_label("Address").fill("product-cup")
    page.get_by_label("Description").fill("# Welcome\nPrizes for the **best** two teams.")
    page.get_by_role("button", name="Preview the description").click()
    expect(page.locator("#preview h1")).to_have_text("Welcome")
    assert not Competition.objects.exists()  # a preview saves nothing
    # A bad schedule is refused beside its field, in words.
    start = timezone.now() - timedelta(hours=1)
    page.get_by_label("Starts (UTC)").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Ends (UTC)").fill((start - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Run the baselines on every task imported").uncheck()
    page.get_by_role("button", name="Create the competition").click()
    expect(page.locator("#id_end_at-errors")).to_have_text(
        "The competition must end after it starts."
    )
    assert not Competition.objects.exists()
    page.get_by_label("Ends (UTC)").fill((start + timedelta(days=60)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Create the competition").click()

    page.wait_for_url(f"{base}/c/product-cup/")
    expect(page.locator("#checklist summary")).to_contain_text("of 5 done")
    expect(step(page, "Add a track and a task")).to_have_attribute("data-done", "false")
    expect(step(page, "Describe the challenge")).to_have_attribute("data-done", "true")
    expect(step(page, "Open it")).to_have_attribute("data-done", "true")
    expect(page.locator("main")).not_to_contain_text("Create or join a team")

    step(page, "Add a track and a task").get_by_role("link").click()
    page.get_by_label(re.compile("bundle zip")).set_input_files(str(archive))
    page.get_by_label("Track").fill("Products")
    page.get_by_role("button", name="Check and import").click()
    page.wait_for_url(f"{base}/c/product-cup/tasks/**", timeout=60_000)
    page.goto(f"{base}/c/product-cup/")
    expect(step(page, "Add a track and a task")).to_have_attribute("data-done", "true")
    expect(step(page, "Add a track and a task")).to_contain_text(
        "1 task(s) in 1 track(s): Products"
    )
    expect(page.get_by_role("heading", name=re.compile("^Products"))).to_be_visible()

    page.get_by_role("button", name="Announcements").click()
    page.get_by_label("Title").fill("We are open")
    page.get_by_label("Text").fill("The **first** task is online.")
    page.get_by_role("button", name="Post and e-mail").click()
    page.goto(f"{base}/c/product-cup/")
    expect(page.locator("#announcements")).to_contain_text("We are open")
    expect(page.locator("#announcements strong", has_text="first")).to_be_visible()

    competition = Competition.objects.get(slug="product-cup")
    assert list(competition.organizers.all()) == [olga]
    assert competition.tasks.get().track.name == "Products"
    assert Announcement.objects.get(competition=competition).author == olga
    assert AuditEvent.objects.filter(competition=competition, action="competition.created").exists()

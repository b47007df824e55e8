"""Organizers import a bundle in the browser; reviewers open the comparison and see the matrix
and the critical-difference diagram."""

import re

import pytest
from playwright.sync_api import expect

from arena.competitions.synthetic import write_classification_bundle
from tests.e2e.browser.helpers import log_in
from tests.integration.test_task_import import zip_folder

pytestmark = pytest.mark.e2e


def test_organizer_imports_a_zipped_bundle(live_server, competition, make_user, new_page, tmp_path):
    organizer = make_user("olga")
    competition.organizers.add(organizer)
    bundle = write_classification_bundle(root=tmp_path / "bundle", rows=80, seed=3, images=True)
    archive = tmp_path / "bundle.zip"
    archive.write_bytes(zip_folder(bundle).getvalue())
    page = new_page()
    log_in(page, live_server.url, "olga")
    page.goto(f"{live_server.url}/c/{competition.slug}/organize/import/")
    page.get_by_label(re.compile("bundle zip")).set_input_files(str(archive))
    page.get_by_role("button", name="Check and import").click()
    page.wait_for_url(f"{live_server.url}/c/{competition.slug}/tasks/**", timeout=60_000)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Synthetic products")
    page.get_by_role("link", name="Data", exact=True).click()
    expect(page.locator("#data")).to_contain_text("sample_submission")


def test_reviewer_compares_methods(live_server, arena_with_methods, make_user, new_page):
    competition, _, _ = arena_with_methods
    competition.reviewers.add(make_user("rita"))
    page = new_page()
    log_in(page, live_server.url, "rita")
    page.goto(f"{live_server.url}/c/{competition.slug}/compare/")
    matrix = page.locator("table.compare").first
    for method in ("AutoGluon", "<b>GBDT</b>", "LogReg", "kNN"):
        expect(matrix).to_contain_text(method)
    diagram = page.locator("figure.cd-diagram svg")
    expect(diagram).to_have_count(1)
    assert diagram.bounding_box()["height"] > 40
    page.get_by_role("link", name="Ranks per task").click()
    expect(page).to_have_url(re.compile(r"mode=rank"))
    expect(page.locator("table.compare").first).to_contain_text("1")

"""Every participant page at a phone's, a tablet's and a desktop's size (issue 19): nothing
scrolls the whole document sideways (wide tables scroll inside their card), and each page's
primary action is on the first screen without scrolling. With $ARENA_ARTIFACTS set, a
screenshot of each page at each size goes there, for people to look at (a full-page screenshot
costs Chromium more than the checks, so a plain run takes none)."""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from arena.competitions.models import Task
from arena.competitions.synthetic import write_classification_bundle
from arena.submissions.services import submission_create, submission_score
from tests.e2e.browser.helpers import log_in
from tests.integration.helpers import csv_upload, predictions_with_private_errors, submit_scored
from tests.participants import team_create

pytestmark = pytest.mark.e2e

SIZES = {"phone": (390, 844), "tablet": (768, 1024), "desktop": (1280, 800)}


@pytest.fixture
def artifacts() -> Path | None:
    if not os.environ.get("ARENA_ARTIFACTS"):
        return None
    folder = Path(os.environ["ARENA_ARTIFACTS"]) / "layouts"
    folder.mkdir(parents=True, exist_ok=True)
    print(f"layout screenshots in {folder}")
    return folder


@pytest.fixture
def pages(tmp_path, competition, products, offers, alice):
    """The pages to check, each with the element that is its primary action."""
    task, data = products
    match_task, _ = offers
    bundle = write_classification_bundle(root=tmp_path / "img", rows=40, seed=5, images=True)
    call_command(
        "import_task", str(bundle), "--competition", competition.slug, stdout=io.StringIO()
    )
    image_task = Task.objects.get(competition=competition, has_images=True)
    alpha = team_create(competition=competition, user=alice, name="Alpha")
    scored = submit_scored(task, alice, predictions_with_private_errors(task, wrong_private=3))
    scored.method_name = "Exact answers"
    scored.save(update_fields=["method_name"])
    invalid = submission_create(
        task=task,
        user=alice,
        uploaded_file=csv_upload(data.answers.iloc[5:], name="a-file-with-a-long-name.csv"),
    )
    submission_score(submission_id=invalid.pk)
    c, t = competition.slug, task.slug
    return {
        "competition": (f"/c/{c}/", "main table thead"),
        "overview": (f"/c/{c}/tasks/{t}/", "text=Submit predictions"),
        "data-images": (f"/c/{c}/tasks/{image_task.slug}/data/", "text=Download all (CSV)"),
        "data-pairs": (f"/c/{c}/tasks/{match_task.slug}/data/", "text=Download all (CSV)"),
        "versions": (f"/c/{c}/tasks/{image_task.slug}/versions/", "#cite"),
        "submit": (f"/c/{c}/tasks/{t}/submit/", "button:has-text('Upload and score')"),
        "leaderboard": (f"/c/{c}/tasks/{t}/leaderboard/", "#leaderboard thead"),
        "track": (f"/c/{c}/tracks/{task.track.slug}/leaderboard/", "main table thead"),
        "mine": (f"/c/{c}/tasks/{t}/mine/", "#submissions table thead"),
        "submission": (f"/c/{c}/tasks/{t}/submissions/{scored.pk}/", "main h1"),
        "team": (f"/c/{c}/team/", "#invite-code"),
        "rules": (f"/c/{c}/rules/", "#start-rule"),
        # A reviewer's pages (rita): the comparison and a method's page.
        "compare": (f"/c/{c}/compare/", "table.compare thead"),
        "method": (f"/c/{c}/methods/{alpha.pk}/?name=Exact+answers", "main h1"),
    }


REVIEWER_PAGES = ("compare", "method")


def test_pages_fit_the_screen_and_show_their_primary_action(
    live_server, pages, new_page, artifacts, competition, make_user
):
    # One participant and one reviewer, logged in once, visit every page at each size in turn
    # (the viewport is resized before each visit, so every page loads at that size).
    participant = new_page()
    log_in(participant, live_server.url, "alice")
    competition.reviewers.add(make_user("rita"))
    reviewer = new_page()
    log_in(reviewer, live_server.url, "rita")
    problems = []
    for size, (width, height) in SIZES.items():
        for page in (participant, reviewer):
            page.set_viewport_size({"width": width, "height": height})
        problems += page_problems(
            pages=pages, base=live_server.url, width=width, height=height, size=size,
            participant=participant, reviewer=reviewer, artifacts=artifacts,
        )  # fmt: skip
        page = participant
        # The invalid file's problems read in a full-width row, not a narrow status cell.
        page.goto(live_server.url + pages["mine"][0])
        detail = page.locator("tr.detail-row .detail").first
        expect(detail).to_contain_text("missing")
        detail_width = detail.bounding_box()["width"]
        if detail_width < min(width - 80, 500):
            problems.append(f"{size}: the problems' row is {detail_width}px wide")
        # Thumbnails arrive as images the browser decoded.
        page.goto(live_server.url + pages["data-images"][0])
        thumbs = page.locator("img.thumb")
        expect(thumbs.first).to_be_visible()
        if not thumbs.first.evaluate("img => img.complete && img.naturalWidth > 0"):
            problems.append(f"{size}: the first thumbnail was not decoded")
    assert not problems, "\n".join(problems)


def page_problems(
    *, pages, base, width, height, size, participant, reviewer, artifacts
) -> list[str]:
    """What is wrong with each page at ``width`` x ``height``: the document scrolls sideways,
    or its primary action is not on the first screen."""
    problems = []
    for name, (path, primary) in pages.items():
        page = reviewer if name in REVIEWER_PAGES else participant
        page.goto(base + path)
        page.wait_for_load_state("load")  # thumbnails and styles in place
        if artifacts is not None:
            page.screenshot(path=str(artifacts / f"{name}-{width}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            problems.append(f"{size} {name}: the document is {overflow}px wider than {width}px")
        box = page.locator(primary).first.bounding_box()
        if box is None or box["y"] < 0 or box["y"] + box["height"] > height:
            problems.append(f"{size} {name}: {primary} is not on the first screen ({box})")
        elif box["x"] < 0 or box["x"] + min(box["width"], 40) > width:
            problems.append(f"{size} {name}: {primary} is off the side of the screen ({box})")
    return problems

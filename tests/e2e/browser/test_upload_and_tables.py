"""The upload form takes a dropped file and reports its progress; tables sort by keyboard."""

import pytest
from playwright.sync_api import expect

from tests.e2e.browser.helpers import log_in
from tests.integration.helpers import predictions_with_private_errors, submit_scored
from tests.participants import team_create

pytestmark = pytest.mark.e2e


def test_a_dropped_file_uploads_with_progress(live_server, products, competition, alice, new_page):
    task, _ = products
    team_create(competition=competition, user=alice, name="Alpha")
    page = new_page()
    log_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/c/{competition.slug}/tasks/{task.slug}/submit/")
    content = predictions_with_private_errors(task, wrong_private=0).to_csv(index=False)
    # Drop a file on the zone as a browser does: a drop event carrying a DataTransfer.
    page.evaluate(
        """(content) => {
             const transfer = new DataTransfer();
             transfer.items.add(new File([content], "dropped.csv", {type: "text/csv"}));
             const zone = document.querySelector("form[data-upload] .drop-zone");
             zone.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true}));
           }""",
        content,
    )
    assert page.evaluate("document.querySelector('#id_file').files[0].name") == "dropped.csv"
    page.locator("#id_method_name").fill("Exact answers")
    page.get_by_role("button", name="Upload and score").click()
    expect(page.locator("#submissions tr[data-submission]")).to_contain_text("dropped.csv")
    assert page.evaluate("document.querySelector('form[data-upload] progress').value") == 100


def test_leaderboard_sorts_by_keyboard(live_server, products, competition, alice, bob, new_page):
    task, _ = products
    for user, name, errors in ((alice, "Alpha", 0), (bob, "Bravo", 20)):
        team_create(competition=competition, user=user, name=name)
        frame = predictions_with_private_errors(task, wrong_private=0)
        key = frame.index[:errors]
        frame.loc[key, "label"] = [
            next(c for c in task.classes if c != label) for label in frame.loc[key, "label"]
        ]
        submit_scored(task, user, frame)
    page = new_page()
    page.goto(f"{live_server.url}/c/{competition.slug}/tasks/{task.slug}/leaderboard/")
    teams = page.locator("table.sortable tbody tr td:nth-child(2)")
    expect(teams).to_have_text(["Alpha", "Bravo"])
    score = page.locator("table.sortable th[data-sort]", has_text=task.metric)
    score.focus()
    page.keyboard.press("Enter")  # ascending: the lower score first
    expect(teams).to_have_text(["Bravo", "Alpha"])
    expect(score).to_have_attribute("aria-sort", "ascending")


def test_the_page_refuses_a_too_big_file_and_keys_its_uploads(
    live_server, products, competition, alice, new_page, settings
):
    """Over the limit: said at once, nothing sent. A file sent twice (the answer to the first
    lost, say) is one submission, since the page sends the same Idempotency-Key again."""
    from arena.submissions.models import Submission

    settings.SUBMISSION_MAX_BYTES = 1024 * 1024
    task, _ = products
    team_create(competition=competition, user=alice, name="Alpha")
    page = new_page()
    log_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/c/{competition.slug}/tasks/{task.slug}/submit/")
    page.locator("#id_method_name").fill("Exact answers")
    posts = []
    page.on("request", lambda r: posts.append(r) if r.method == "POST" else None)
    page.set_input_files(
        "#id_file",
        files=[{"name": "big.csv", "mimeType": "text/csv", "buffer": b"x" * (3 * 1024 * 1024)}],
    )
    page.get_by_role("button", name="Upload and score").click()
    expect(page.locator("[data-upload-status]")).to_contain_text(
        "larger than the 1 MB limit (3 MB)"
    )
    assert posts == []

    settings.SUBMISSION_MAX_BYTES = 100 * 1024 * 1024
    content = predictions_with_private_errors(task, wrong_private=0).to_csv(index=False).encode()
    page.set_input_files(
        "#id_file", files=[{"name": "p.csv", "mimeType": "text/csv", "buffer": content}]
    )
    key = page.evaluate("""async () => {
        const form = document.querySelector("form[data-upload]");
        const key = "retry-" + Date.now();
        for (let i = 0; i < 2; i++) {  // the page's request, sent twice with the key it keeps
          await fetch(form.action, {method: "POST", body: new FormData(form),
            headers: {"Accept": "application/json", "Idempotency-Key": key}});
        }
        return key;
    }""")
    page.get_by_role("button", name="Upload and score").click()
    expect(page.locator("[data-upload-status]")).to_contain_text("queued for scoring")
    sent = [r.headers.get("idempotency-key") for r in posts if r.url.endswith("/submit/")]
    assert sent[-1] and sent[-1] != key  # the page sends a key of its own
    assert Submission.objects.filter(client_key=key).count() == 1


def test_the_form_is_disabled_as_soon_as_the_last_upload_of_the_day_is_in(
    live_server, products, competition, alice, new_page, tmp_path
):
    task, _ = products
    competition.daily_submission_limit = 1
    competition.save(update_fields=["daily_submission_limit"])
    team_create(competition=competition, user=alice, name="Alpha")
    page = new_page()
    log_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/c/{competition.slug}/tasks/{task.slug}/submit/")
    button = page.get_by_role("button", name="Upload and score")
    expect(button).to_be_enabled()
    path = tmp_path / "last.csv"
    predictions_with_private_errors(task, wrong_private=0).to_csv(path, index=False)
    page.locator("#id_method_name").fill("Exact answers")
    page.locator("#id_file").set_input_files(str(path))
    button.click()
    # No reload: the quota beside the form refreshes and the form follows it.
    expect(page.locator("#quota [data-quota-exhausted]")).to_contain_text("No submissions left")
    expect(button).to_be_disabled()  # inside the disabled fieldset
    expect(page.locator("#id_file")).to_be_disabled()
    expect(page.locator("#quota [data-quota-left]")).to_have_attribute("data-quota-left", "0")

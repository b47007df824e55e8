"""Browser tests: Playwright for Python driving Debian's Chromium against pytest-django's live
server. On failure each test leaves a screenshot and the page's HTML in test-artifacts/."""

import os
from pathlib import Path

import pytest

from tests.builders import methods_arena_build, methods_arena_of

# Playwright's sync API runs an event loop in this thread; the live server's database calls
# happen in other threads, and the test's own ORM calls are ordinary blocking ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Debian's headless shell (the same Chromium, without the full browser's interface processes:
# half the CPU per page, docs/BENCHMARKS.md) when it is installed, else Debian's Chromium.
HEADLESS_SHELL = "/usr/bin/chromium-headless-shell"
CHROMIUM = os.environ.get("ARENA_CHROMIUM") or (
    HEADLESS_SHELL if Path(HEADLESS_SHELL).exists() else "/usr/bin/chromium"
)
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Browser tests need Debian's Chromium at {CHROMIUM}; run them with `make test`."
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.failed_in_call = report.failed


@pytest.fixture
def new_page(browser, request):
    """Opens pages in fresh browser contexts (one per user); saves every open page on failure."""
    contexts, csp_violations = [], []

    def open_page(*, width: int = 1280, height: int = 900):
        context = browser.new_context(
            viewport={"width": width, "height": height}, accept_downloads=True
        )
        context.set_default_timeout(20_000)
        contexts.append(context)
        page = context.new_page()
        # Anything the Content-Security-Policy blocks is a broken page: fail the test.
        page.on(
            "console",
            lambda message: (
                csp_violations.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )
        return page

    yield open_page
    if getattr(request.node, "failed_in_call", False):
        ARTIFACTS.mkdir(exist_ok=True)
        for number, context in enumerate(contexts):
            for index, page in enumerate(context.pages):
                stem = ARTIFACTS / f"{request.node.name}-{number}-{index}"
                page.screenshot(path=f"{stem}.png", full_page=True)
                stem.with_suffix(".html").write_text(page.content())
                print(f"saved {stem}.png and .html")
    for context in contexts:
        context.close()
    assert not csp_violations, "blocked by the Content-Security-Policy:\n" + "\n".join(
        csp_violations
    )


@pytest.fixture
def arena_with_methods(live_server):
    """The compare tests' competition (four methods' scored uploads on two tasks), committed
    where the live server reads it; (competition, products task, gadgets task)."""
    return methods_arena_of(methods_arena_build())

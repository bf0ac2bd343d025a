"""Headless Chromium for tests: Debian's ``/usr/bin/chromium`` driven by Playwright.

Never a browser that Playwright downloads (no ``playwright install``). Use the
``chromium`` fixture (one browser per session) and :func:`opened` (one fresh context
per page, every request recorded, any request leaving the machine blocked)::

    from tests.browser import opened   # ``chromium`` comes from tests/conftest.py

    @pytest.mark.browser
    def test_page(chromium, tmp_path):
        with opened(chromium, tmp_path / "index.html") as (page, log):
            assert not log.errors and not log.external
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_SCHEMES = ("file:", "data:")
MISSING = f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)"


@dataclass
class PageLog:
    """What a page did while open."""

    requests: list[str] = field(default_factory=list)  # every URL requested
    failures: dict[str, str] = field(default_factory=dict)  # URL -> why it failed ("csp" when CSP blocked it)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)  # uncaught exceptions

    @property
    def external(self) -> list[str]:
        """Requests that would leave the machine (anything but file: and data:)."""
        return [u for u in self.requests if not u.startswith(LOCAL_SCHEMES)]

    @property
    def errors(self) -> list[str]:
        return self.console_errors + self.page_errors


@pytest.fixture(scope="session")
def chromium():
    """A headless Chromium browser (Playwright ``Browser``), or a skip when it is missing."""
    if not CHROMIUM.exists():
        pytest.skip(MISSING)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def opened(browser, path: Path, *, width: int = 1400, height: int = 900, timeout_ms: int = 30_000):
    """Open ``path`` in a fresh context; yield ``(page, log)`` once it has loaded."""
    context = browser.new_context(viewport={"width": width, "height": height}, service_workers="block")
    log = PageLog()

    def guard(route):
        # Nothing may leave the machine, even when a test fails half-way.
        if route.request.url.startswith(LOCAL_SCHEMES):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.set_default_timeout(timeout_ms)
    page.on("request", lambda r: log.requests.append(r.url))
    page.on("requestfailed", lambda r: log.failures.__setitem__(r.url, r.failure or ""))
    page.on("console", lambda m: log.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: log.page_errors.append(str(e)))
    try:
        page.goto(Path(path).resolve().as_uri(), wait_until="load")
        yield page, log
    finally:
        context.close()

"""Fixtures shared by every test module.

The browser is one per session for the whole suite: Playwright's sync API runs an
event loop of its own, and a second ``sync_playwright()`` started while the first is
alive fails ("using Playwright Sync API inside the asyncio loop").
"""

from tests.browser import chromium  # noqa: F401  (the session fixture, registered once here)

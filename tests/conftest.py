"""Fixtures shared by every test module.

The browser is one per session for the whole suite: Playwright's sync API runs an
event loop of its own, and a second ``sync_playwright()`` started while the first is
alive fails ("using Playwright Sync API inside the asyncio loop").
"""

from tests.browser import chromium  # noqa: F401  (the session fixture, registered once here)

import os

import pytest


@pytest.fixture(autouse=True, scope="session")
def _own_cache_home(tmp_path_factory):
    """Builds sign their state with a key under $XDG_CACHE_HOME/kg: the tests' own, not the user's."""
    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache-home"))
    yield
    if old is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = old


@pytest.fixture(scope="session")
def nlp():
    """The production pipeline, as a build runs it (tests.extract_helpers.nlp): extractor tests
    tokenise with kg's tokenizer and dictionary, never with spaCy's own ChineseTokenizer."""
    from tests.extract_helpers import nlp as production

    return production()

"""timeline.html and figures.html in a real headless Chromium (Debian's, tests/browser.py):
no request but the page itself, no error, sorting by clicking a header, inert to
injected text."""

from __future__ import annotations

import pytest

from kg.views import render_views
from kg.views.dates import UNDATED_LABEL
from tests.browser import opened
from tests.test_views_timeline import timeline_graph

pytestmark = pytest.mark.browser

COLUMN = """([table, col]) => Array.from(document.querySelectorAll('#' + table + ' tbody tr'))
  .map(r => r.cells[col].textContent.trim())"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("tables")
    render_views(timeline_graph(), out)
    return out


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("tables-hostile")
    render_views(timeline_graph(hostile=True), out)
    return out


def _clean(page, log, path):
    assert page.get_attribute("body", "data-ready") == "1"  # the script ran to its end
    assert not log.errors, log.errors
    assert log.requests == [path.resolve().as_uri()], log.requests  # not even a local asset
    assert not log.failures


@pytest.mark.parametrize("name", ["timeline.html", "figures.html"])
def test_page_loads_offline_without_error(chromium, site, name):
    with opened(chromium, site / name) as (page, log):
        page.wait_for_selector("body[data-ready='1']")
        _clean(page, log, site / name)
        assert page.locator("table.sortable tbody tr").count() > 0


def test_index_links_open_the_pages(chromium, site):
    with opened(chromium, site / "index.html") as (page, log):
        page.click("a[href='timeline.html']")
        page.wait_for_selector("body[data-ready='1']")
        assert page.title() == "Timeline · kg"
        assert not log.errors and not log.external


def test_clicking_the_date_header_sorts_across_precisions_undated_last(chromium, site):
    with opened(chromium, site / "timeline.html") as (page, log):
        page.wait_for_selector("body[data-ready='1']")
        date = page.locator("#mentions thead th", has_text="Date")
        date.click()
        assert date.get_attribute("aria-sort") == "ascending"
        dates = page.evaluate(COLUMN, ["mentions", 2])
        dated = [d for d in dates if not d.startswith(UNDATED_LABEL)]
        assert dated == ["2020-12-31", "2021", "2021-06-15", "2022-03", "2022-03"]
        assert all(d.startswith(UNDATED_LABEL) for d in dates[len(dated):])  # after every dated one
        date.click()
        assert date.get_attribute("aria-sort") == "descending"
        dates = page.evaluate(COLUMN, ["mentions", 2])
        assert dates[:len(dated)] == dated[::-1]
        assert all(d.startswith(UNDATED_LABEL) for d in dates[len(dated):])  # still last
        page.locator("#mentions thead th", has_text="Region").press("Enter")  # the keyboard sorts too
        assert page.evaluate(COLUMN, ["mentions", 0])[0] == "丙县"
        assert not log.errors and not log.external


def test_clicking_the_normalised_value_sorts_numerically(chromium, site):
    with opened(chromium, site / "figures.html") as (page, log):
        page.wait_for_selector("body[data-ready='1']")
        page.locator("#figures thead th", has_text="Normalised value").click()
        assert page.evaluate(COLUMN, ["figures", 4]) == ["8000", "15000", "123000", ""]  # no value: last
        page.locator("#figures thead th", has_text="Normalised value").click()
        assert page.evaluate(COLUMN, ["figures", 4]) == ["123000", "15000", "8000", ""]
        page.locator("#figures thead th", has_text="Year").click()
        assert page.evaluate(COLUMN, ["figures", 2]) == ["2020", "2021", "2022", UNDATED_LABEL]
        assert not log.errors and not log.external


@pytest.mark.parametrize("name", ["timeline.html", "figures.html"])
def test_injected_text_stays_text(chromium, hostile_site, name):
    with opened(chromium, hostile_site / name) as (page, log):
        page.wait_for_selector("body[data-ready='1']")
        for th in page.locator("table.sortable thead th").all()[:3]:
            th.click()  # sorting moves the rows, never re-parses them
        assert page.evaluate("() => window.__pwned") is None
        assert page.locator("img").count() == 0
        if name == "timeline.html":
            assert page.get_by_text("<script>window.__pwned=1</script>机制").count() >= 1
        _clean(page, log, hostile_site / name)

"""``kg serve``: the demo corpus's store in a live Datasette on loopback, searched over HTTP
and in Debian's Chromium (Playwright; no downloaded browser).

The server runs for real (``python -m kg.cli serve`` as a subprocess on a free port) and is
stopped at the end. "The right sentences" are checked against a scan of the store, not
against the search code: every sentence whose text holds the term, and no other.
"""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager

import pytest

from kg.build import build
from kg.serve import BASE_URL
from kg.serve.metadata import QUERIES
from kg.store import TABLES
from tests.browser import CHROMIUM_ARGS  # noqa: F401  (the project's flags: the session fixture uses them)
from tests.paths import SOURCES

START_TIMEOUT = 60  # seconds for the server to answer (2 shared cores)
STOP_TIMEOUT = 10


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float = 20) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.status, r.read()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("serve") / "out"
    build(SOURCES, out, views=True)
    return out


@pytest.fixture(scope="module")
def server(built):
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", str(built), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"kg serve exited ({proc.returncode}): {proc.stderr.read()}")
            try:
                if _get(base + "/-/versions.json", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"kg serve did not answer on {base} within {START_TIMEOUT} s")
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(STOP_TIMEOUT)
        proc.stdout.close()
        proc.stderr.close()


def expected(built, term: str) -> dict[str, str]:
    """Sentence id -> text as written, of every stored sentence whose (normalised) text holds
    every whitespace-separated part of ``term``: a plain scan, independent of the index."""
    con = sqlite3.connect(built / "kg.sqlite")
    try:
        rows = con.execute("SELECT id, text, coalesce(normalised, text) FROM sentences").fetchall()
    finally:
        con.close()
    return {i: text for i, text, norm in rows if all(part in norm for part in term.split())}


def _search_json(base: str, term: str) -> dict:
    query = urllib.parse.urlencode({"_search": term, "_shape": "objects", "_size": "max"})
    status, body = _get(f"{base}/kg/sentences.json?{query}")
    assert status == 200
    return json.loads(body)


# --------------------------------------------------------------------------- HTTP
@pytest.mark.slow
@pytest.mark.parametrize("term", ["叫应", "双重预防", "预防机", "防", "叫应 机制"])
def test_search_over_http_finds_exactly_the_sentences_holding_the_term(server, built, term):
    want = expected(built, term)
    assert want, f"the demo corpus has sentences with {term}"
    got = _search_json(server, term)
    assert {r["id"]: r["text"] for r in got["rows"]} == want
    assert got["filtered_table_rows_count"] == len(want)


@pytest.mark.slow
def test_search_for_a_two_character_term_finds_the_traditional_source_written_as_is(server, built):
    rows = _search_json(server, "叫应")["rows"]
    # the Fujian document is written in traditional characters: found through its normalised text
    assert rows and all("叫應" in r["text"] for r in rows)
    assert {r["doc_id"] for r in rows} == {"003_a2fb39e97b117999"}
    assert _search_json(server, "叫应叫应叫应")["rows"] == []


@pytest.mark.slow
def test_database_is_named_kg_and_every_table_and_column_is_titled_and_described(server, built):
    status, body = _get(server + "/-/metadata.json")
    tables = json.loads(body)["databases"]["kg"]["tables"]
    con = sqlite3.connect(built / "kg.sqlite")
    try:
        for table in TABLES:
            meta = tables[table]
            assert meta["title"] and meta["description"], table
            columns = [r[1] for r in con.execute(f"PRAGMA table_info({table})")]
            assert columns
            for c in columns:
                assert meta["columns"][c].strip() and meta["column_titles"][c].strip(), (table, c)
    finally:
        con.close()
    databases = json.loads(_get(server + "/-/databases.json")[1])
    assert [d["name"] for d in databases] == ["kg"]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["duty_formulas", "regions_mechanisms", "officials_posts", "figures"])
def test_canned_queries_answer_with_rows(server, name):
    rows = json.loads(_get(f"{server}/kg/{name}.json?_shape=objects")[1])["rows"]
    assert rows, name
    if name == "figures":
        # base units from the node attributes: 万 and 亿 resolved
        assert any(r["normalized_value"] is not None and r["normalized_unit"] for r in rows)
    if name == "duty_formulas":
        phases = {r["phase"] for r in rows}
        assert phases & {"防", "抗", "救", "助"}
        one = sorted(phases - {None})[0]
        filtered = json.loads(_get(f"{server}/kg/{name}.json?_shape=objects&"
                                   + urllib.parse.urlencode({"phase": one}))[1])["rows"]
        assert filtered and {r["phase"] for r in filtered} == {one}


@pytest.mark.slow
def test_serve_refuses_a_folder_without_a_store(tmp_path):
    result = subprocess.run([sys.executable, "-m", "kg.cli", "serve", str(tmp_path), "--port", str(_free_port())],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "kg.sqlite" in result.stderr and "E095" in result.stderr


# --------------------------------------------------------------------------- Chromium
@contextmanager
def opened_live(browser, url: str, base: str):
    """A page of the live server; any request elsewhere than ``base`` is blocked and recorded."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, service_workers="block")
    outside, errors = [], []

    def guard(route):
        if route.request.url.startswith(base + "/"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        page.goto(url, wait_until="load")
        yield page, outside, errors
    finally:
        context.close()


def _cell_texts(page) -> list[str]:
    return page.locator("table.rows-and-columns tbody td.col-text").evaluate_all(
        "cells => cells.map(c => c.firstChild.textContent)")


@pytest.mark.browser
@pytest.mark.slow
def test_search_in_the_browser(chromium, server, built):
    want = expected(built, "叫应")
    query = urllib.parse.urlencode({"_search": "叫应"})
    with opened_live(chromium, f"{server}/kg/sentences?{query}", server) as (page, outside, errors):
        assert sorted(_cell_texts(page)) == sorted(want.values())
        # each sentence names its document (its title, a link) and links to the nodes it supports
        doc_links = page.locator("table.rows-and-columns tbody td.col-doc_id a")
        assert doc_links.count() == len(want)
        assert page.locator("td.col-text .kg-supports a.kg-node").count() >= len(want)
        # the search box holds the term; a 4-character term typed into it
        box = page.locator("#_search")
        assert box.input_value() == "叫应"
        box.fill("双重预防")
        box.press("Enter")
        page.wait_for_url("**_search=*")
        assert sorted(_cell_texts(page)) == sorted(expected(built, "双重预防").values())
        # a node link leads to the node's page, listing its sentences
        page.locator("a.kg-node").first.click()
        page.wait_for_url("**/kg/node?id=*")
        assert page.locator("table.rows-and-columns tbody tr").count() >= 1
        assert not outside and not errors


@pytest.mark.browser
@pytest.mark.slow
def test_canned_query_renders_in_the_browser(chromium, server):
    with opened_live(chromium, f"{server}/kg", server) as (page, outside, errors):
        for q in ("duty_formulas", "regions_mechanisms", "officials_posts", "figures"):
            assert page.locator(f'a[href="/kg/{q}"]').count() == 1, q
        page.locator('a[href="/kg/figures"]').click()
        page.wait_for_url("**/kg/figures")
        assert page.locator("h1").inner_text().startswith(QUERIES["figures"]["title"])
        headers = page.locator("table.rows-and-columns thead th").all_inner_texts()
        assert "normalized_value" in [h.strip() for h in headers]
        assert page.locator("table.rows-and-columns tbody tr").count() > 1
        assert not outside and not errors


@pytest.mark.browser
@pytest.mark.slow
def test_view_card_links_to_kg_serve_without_asking_it_anything(chromium, server, built):
    from tests.browser import opened

    with opened(chromium, built / "mechanisms.html") as (page, log):
        page.wait_for_function("() => window.kgView !== undefined && window.kgView.ready === true")
        page.fill("#q", "双重预防机制")
        page.press("#q", "Enter")
        buttons = page.locator("#details button.kg-match")
        if buttons.count():
            buttons.first.click()
        link = page.locator("#details .kg-serve a")
        href = link.get_attribute("href")
        assert href.startswith(BASE_URL + "/node?id=")
        assert "kg serve out" in page.locator("#details .kg-serve").inner_text()
        assert not log.external and not log.errors  # a link, never a request
    live = server + href[len(BASE_URL.rsplit("/", 1)[0]):]
    with opened_live(chromium, live, server) as (page, outside, errors):
        rows = page.locator("table.rows-and-columns tbody tr")
        assert rows.count() >= 1
        assert "双重预防" in page.locator("table.rows-and-columns tbody").inner_text()
        assert not outside and not errors

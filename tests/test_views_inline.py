"""Inline notebook display (kg.views.inline): one sandboxed iframe whose srcdoc is the view page.

The browser tests open the iframe the way a notebook front end does (inside a host page)
in Debian's headless Chromium (tests/browser.py).
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest

from kg.views.bench import synthetic_graph
from kg.views.inline import DEFAULT_HEIGHT, iframe_html, inline_view, page_html, show
from kg.views.render import render_view_html
from tests.browser import opened
from tests.test_views_render import INJECTED_MECHANISM, hostile_graph, page_data, sample_graph


READY = "() => window.kgView !== undefined && window.kgView.ready === true"
EXTERNAL = re.compile(r"""(?:src|href|action|srcset)\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:|//)""", re.I)


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.starts: list[tuple[str, dict]] = []
        self.ends: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.starts.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        self.ends.append(tag)

    def handle_data(self, data):
        if data.strip():
            self.text.append(data)


def parse(markup: str) -> _Elements:
    parser = _Elements()
    parser.feed(markup)
    parser.close()
    return parser


def srcdoc_of(markup: str) -> str:
    """The page inside the one iframe ``markup`` holds (decoded by an HTML parser)."""
    parsed = parse(markup)
    assert [t for t, _ in parsed.starts] == ["div", "iframe"] and parsed.ends == ["iframe", "div"]
    assert not parsed.text
    return parsed.starts[1][1]["srcdoc"]


def host_page(tmp_path, markup: str, name: str = "host.html"):
    """A file holding ``markup`` the way a notebook output area holds it."""
    path = tmp_path / name
    path.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body><h1>cell</h1>{markup}"
                    "</body></html>", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- markup
def test_show_returns_an_html_object_holding_one_sandboxed_iframe():
    from IPython.display import HTML

    kg = sample_graph()
    shown = show(kg, title="示例")
    assert isinstance(shown, HTML)
    (_, outer), (tag, attrs) = parse(shown.data).starts
    assert outer == {"class": "kg-inline"}
    assert tag == "iframe" and set(attrs) == {"srcdoc", "sandbox", "title", "style"}
    assert attrs["sandbox"] == "allow-scripts"
    assert f"height: {DEFAULT_HEIGHT}px" in attrs["style"] and "width: 100%" in attrs["style"]
    assert attrs["title"] == "示例"
    assert shown._repr_html_() == shown.data


def test_srcdoc_is_exactly_the_renderers_page_without_the_index_link():
    kg = sample_graph()
    page = page_html(kg, title="示例")
    assert srcdoc_of(show(kg, title="示例").data) == page
    assert page == render_view_html(kg, inline_view(kg, title="示例"))
    assert "index.html" not in page and "<title>示例 · kg</title>" in page
    data = page_data(page)
    assert sorted(data["info"]) == sorted(kg.graph.nodes)
    assert len(data["edges"]) == kg.graph.number_of_edges()


def test_page_is_self_contained():
    page = page_html(sample_graph())
    assert not EXTERNAL.search(page)
    tags = parse(page).starts
    assert [t for t, a in tags if t in ("script", "link", "img", "iframe", "object", "embed") and
            (a.get("src") or a.get("href"))] == []
    (csp,) = [a["content"] for t, a in tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp


def test_source_text_cannot_end_the_attribute_or_become_markup():
    kg = hostile_graph()
    markup = show(kg).data
    assert srcdoc_of(markup) == page_html(kg)  # decoded back to the very same page
    inner = markup[len('<div class="kg-inline"><iframe '):-len("></iframe></div>")]
    assert "<" not in inner and ">" not in inner  # every < and > of the page is escaped
    assert set(parse(markup).starts[1][1]) == {"srcdoc", "sandbox", "title", "style"}  # no attribute smuggled in
    tags = [t for t, _ in parse(srcdoc_of(markup)).starts]
    assert "img" not in tags and tags.count("script") == 3


def test_hub_is_highlighted_and_must_be_in_the_graph():
    from kg.query import UnknownNodeError

    kg = sample_graph()
    hub = "Region:湖南省"
    view = inline_view(kg, hub=hub)
    assert view.highlight == {hub} and view.nodes == set(kg.graph.nodes)
    assert "The large node with a dark outline is 湖南省." in page_html(kg, hub=hub)
    with pytest.raises(UnknownNodeError, match="Region:广东省"):
        page_html(kg, hub="Region:广东省")


def test_same_graph_same_bytes():
    assert show(sample_graph(), hub="Region:湖南省").data == show(sample_graph(), hub="Region:湖南省").data


@pytest.mark.parametrize("height", [0, 99, 720.5, "720", True])
def test_height_must_be_pixels(height):
    with pytest.raises(ValueError, match="height must be a whole number of pixels"):
        iframe_html("<p>x</p>", height=height)


def test_doctest_example_escapes_both_quotes():
    assert html.unescape(iframe_html("'\"&<>", title="t").split('"')[1]) == "'\"&<>"


# --------------------------------------------------------------------------- in a browser
def _frame(page):
    (frame,) = [f for f in page.frames if f is not page.main_frame]
    frame.wait_for_function(READY)
    return frame


@pytest.mark.browser
def test_iframe_view_works_in_headless_chromium(chromium, tmp_path):
    kg = sample_graph()
    with opened(chromium, host_page(tmp_path, show(kg, hub="Region:湖南省", height=640).data)) as (page, log):
        frame = _frame(page)
        assert frame.evaluate("() => window.kgView.nodes.length") == kg.graph.number_of_nodes()
        assert frame.evaluate("() => window.kgView.edges.length") == kg.graph.number_of_edges()
        box = page.locator("iframe").bounding_box()
        assert box["height"] == pytest.approx(640, abs=2) and box["width"] > 1000
        stage = frame.locator("#network").bounding_box()
        assert stage["height"] > 400 and stage["width"] > 500  # the canvas fills the frame
        assert frame.evaluate("() => document.querySelector('#network canvas').width") > 0
        # the frame's origin is opaque: its script cannot reach the notebook page
        reach = "() => { try { return window.parent.document.title; } catch (e) { return 'blocked'; } }"
        assert frame.evaluate(reach) == "blocked"
        assert not log.errors, log.errors
        assert log.external == [] and not log.failures
        assert [u for u in log.requests if not u.endswith("host.html")] == []


@pytest.mark.browser
def test_injected_text_stays_text_in_the_iframe(chromium, tmp_path):
    kg = hostile_graph()
    with opened(chromium, host_page(tmp_path, show(kg).data)) as (page, log):
        frame = _frame(page)
        labels = frame.evaluate("() => window.kgView.nodes.get().map(n => n.id)")
        assert "Mechanism:" + INJECTED_MECHANISM in labels
        assert frame.evaluate("() => window.__pwned === undefined")
        assert page.evaluate("() => window.__pwned === undefined")
        assert not log.errors, log.errors
        assert log.external == []


@pytest.mark.browser
def test_a_larger_graph_opens_too(chromium, tmp_path):
    kg = synthetic_graph(400, seed=3)
    with opened(chromium, host_page(tmp_path, show(kg).data)) as (page, log):
        frame = _frame(page)
        assert frame.evaluate("() => window.kgView.nodes.length") == 400
        assert not log.errors and log.external == []

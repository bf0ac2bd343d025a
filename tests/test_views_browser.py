"""The views in a real headless Chromium: offline, complete, hoverable, inert to injected text.

Uses Debian's /usr/bin/chromium through Playwright (tests/browser.py); skipped only
when that browser is missing. No timings here: the benchmark measures open time.
"""

from __future__ import annotations

import pytest

from kg.graph.model import KnowledgeGraph, edge_key
from kg.views import build_views, render_views
from kg.views.pages import region_slug
from kg.views.render import VIS_ASSET
from tests.browser import opened
from tests.test_views_render import (HUNAN, INJECTED_MECHANISM, INJECTED_TITLE, JILIN, XSHI, hostile_graph,
                                     sample_graph)

pytestmark = pytest.mark.browser

READY = "() => window.kgView !== undefined && window.kgView.ready === true"

# Where a point of the canvas is on the page, after centring the view on it.
_POINT_JS = """([x, y]) => {
  const net = window.kgView.network;
  net.moveTo({position: {x, y}, scale: 1.4, animation: false});
  const d = net.canvasToDOM({x, y});
  const r = document.getElementById('network').getBoundingClientRect();
  return [r.left + d.x, r.top + d.y];
}"""

# A point on an edge, away from every node, in canvas coordinates.
_EDGE_POINT_JS = """(id) => {
  const net = window.kgView.network;
  const e = window.kgView.edges.get(id);
  const pos = net.getPositions([e.from, e.to]);
  const a = pos[e.from], b = pos[e.to];
  net.moveTo({position: {x: (a.x + b.x) / 2, y: (a.y + b.y) / 2}, scale: 1.4, animation: false});
  for (let t = 0.3; t <= 0.7; t += 0.05) {
    const p = {x: a.x + t * (b.x - a.x), y: a.y + t * (b.y - a.y)};
    const d = net.canvasToDOM(p);
    if (net.getNodeAt(d) === undefined && net.getEdgeAt(d) === id) return [p.x, p.y];
  }
  return null;
}"""


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory):
    kg = sample_graph()
    out = tmp_path_factory.mktemp("views")
    render_views(kg, out)
    return kg, out, {v.file: v for v in build_views(kg)}


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    kg = hostile_graph()
    out = tmp_path_factory.mktemp("hostile")
    render_views(kg, out)
    return kg, out, {v.file: v for v in build_views(kg)}


def _view_files() -> list[str]:
    return [v.file for v in build_views(sample_graph())]


def _hover_node(page, node: str) -> str:
    """Move the real mouse onto ``node``; return the tooltip's text."""
    x, y = page.evaluate("(id) => { const p = window.kgView.network.getPositions([id])[id]; return [p.x, p.y]; }", node)
    px, py = page.evaluate(_POINT_JS, [x, y])
    page.mouse.move(5, 5)
    page.mouse.move(px, py, steps=4)
    page.wait_for_selector("#tip:not([hidden])")
    return page.inner_text("#tip")


# --------------------------------------------------------------------------- every view
@pytest.mark.parametrize("name", _view_files())
def test_view_loads_offline_with_every_node_and_edge(chromium, sample_site, name):
    kg, out, views = sample_site
    sub = kg.graph.subgraph(views[name].nodes)
    with opened(chromium, out / name) as (page, log):
        page.wait_for_function(READY)
        counts = page.evaluate("() => [window.kgView.nodes.length, window.kgView.edges.length]")
        edges = page.evaluate("() => window.kgView.edges.get().map(e => [e.from, e.to, e.id])")
        drawn = page.evaluate("() => Object.keys(window.kgView.network.getPositions()).length")
        assert not log.errors, log.errors
        assert not log.external, log.external
        assert all(u.startswith("file:") for u in log.requests)
    assert counts == [sub.number_of_nodes(), sub.number_of_edges()]
    assert drawn == sub.number_of_nodes()
    assert sorted(map(tuple, edges)) == sorted((u, v, edge_key(u, k, v)) for u, v, k in sub.edges(keys=True))


HOVER_CASES = {
    "overview.html": ("Organization:湖南省应急管理厅", "坚持双轮驱动 强化协同管理", "湖南省应急管理厅"),
    "duties.html": ("Duty:牵头救", "在全市应急管理系统工作会上发言提纲", "牵头救"),
    "mechanisms.html": ("Mechanism:双重预防机制", "2019年吉林省应急管理工作综述", "双重预防机制"),
    region_slug(HUNAN) + ".html": ("Official:李大剑", "坚持双轮驱动 强化协同管理", "李大剑"),
    region_slug(XSHI) + ".html": ("PrinciplePair:防与救", "在全市应急管理系统工作会上发言提纲", "“防”与“救”的关系"),
    region_slug(JILIN) + ".html": ("Event:利奇马", "2019年吉林省应急管理工作综述", "利奇马"),
}


@pytest.mark.parametrize("name", sorted(HOVER_CASES))
def test_hovering_a_node_shows_its_type_and_evidence(chromium, sample_site, name):
    kg, out, _ = sample_site
    node, doc_title, sentence_part = HOVER_CASES[name]
    with opened(chromium, out / name) as (page, log):
        page.wait_for_function(READY)
        text = _hover_node(page, node)
        marked = page.inner_text("#tip mark")
        assert not log.errors
    attrs = kg.graph.nodes[node]
    assert text.startswith(attrs["type"]) and attrs["label"] in text
    assert doc_title in text and sentence_part in text
    assert marked == kg.node_evidence(node)[0].quote


def test_hovering_an_edge_shows_its_relation_and_evidence(chromium, sample_site):
    _, out, _ = sample_site
    eid = edge_key("Official:李大剑", "holds_post_in", "Organization:湖南省应急管理厅")
    with opened(chromium, out / (region_slug(HUNAN) + ".html")) as (page, log):
        page.wait_for_function(READY)
        point = page.evaluate(_EDGE_POINT_JS, eid)
        assert point is not None, "no free point on the edge"
        px, py = page.evaluate(_POINT_JS, point)
        page.mouse.move(5, 5)
        page.mouse.move(px, py, steps=4)
        page.wait_for_selector("#tip:not([hidden])")
        text = page.inner_text("#tip")
        assert not log.errors
    assert text.startswith("holds_post_in") and "李大剑 → 湖南省应急管理厅" in text
    assert "湖南省应急管理厅党委书记、厅长 李大剑" in text


def test_click_keeps_all_evidence_in_the_side_panel(chromium, sample_site):
    _, out, _ = sample_site
    with opened(chromium, out / "mechanisms.html") as (page, log):
        page.wait_for_function(READY)
        x, y = page.evaluate("(id) => { const p = window.kgView.network.getPositions([id])[id]; return [p.x, p.y]; }",
                             "Mechanism:双重预防机制")
        px, py = page.evaluate(_POINT_JS, [x, y])
        page.mouse.click(px, py)
        details = page.inner_text("#details")
    assert "坚持双轮驱动 强化协同管理" in details and "2019年吉林省应急管理工作综述" in details
    assert details.count("双重预防机制") >= 3  # the label and both quotes


def test_search_finds_labels_and_aliases_and_type_filter_hides(chromium, sample_site):
    _, out, _ = sample_site
    with opened(chromium, out / "overview.html") as (page, log):
        page.wait_for_function(READY)
        page.fill("#q", "台风")  # only Event:利奇马's alias 台风利奇马 contains it
        page.press("#q", "Enter")
        assert page.inner_text("#qcount") == "1 found"
        assert page.evaluate("() => window.kgView.network.getSelectedNodes()") == ["Event:利奇马"]
        page.fill("#q", "应急管理厅")
        page.press("#q", "Enter")
        assert sorted(page.evaluate("() => window.kgView.network.getSelectedNodes()")) == [
            "Organization:吉林省应急管理厅", "Organization:湖南省应急管理厅"]
        page.uncheck('#legend input[data-type="Mechanism"]')
        hidden = page.evaluate("""() => [
            window.kgView.nodes.get({filter: n => n.hidden === true}).map(n => n.id).sort(),
            window.kgView.edges.get({filter: e => e.hidden === true}).length,
            window.kgView.edges.get({filter: e => e.to.startsWith('Mechanism:')}).length]""")
        page.check('#legend input[data-type="Mechanism"]')
        shown = page.evaluate("() => window.kgView.nodes.get({filter: n => n.hidden === true}).length")
        assert not log.errors
    assert hidden[0] == ["Mechanism:动态研判机制", "Mechanism:双重预防机制", "Mechanism:应急联动机制", "Mechanism:风险防控体系"]
    assert hidden[1] == hidden[2] > 0
    assert shown == 0


def test_chinese_text_arrives_intact(chromium, sample_site):
    _, out, _ = sample_site
    with opened(chromium, out / (region_slug(HUNAN) + ".html")) as (page, log):
        page.wait_for_function(READY)
        assert page.title() == "湖南省 · kg"
        assert page.evaluate("() => window.kgView.nodes.get('Official:李大剑').label") == "李大剑"
        assert page.evaluate("() => window.kgView.nodes.get('DutyFormula:综合防、协同抗、主导救、统筹助').label") == \
            "综合防、协同抗、主导救…"


# Draws each character with the font the view gives its labels and compares the pixels:
# where no installed face has Chinese glyphs every character is the same empty box.
_GLYPHS = """(face) => {
  const c = document.createElement("canvas"); c.width = 40; c.height = 40;
  const ctx = c.getContext("2d");
  return ["应", "急", "管", "理"].map((ch) => {
    ctx.clearRect(0, 0, 40, 40); ctx.font = "28px " + face; ctx.fillText(ch, 4, 32);
    return Array.from(ctx.getImageData(0, 0, 40, 40).data).join(",");
  });
}"""


def test_chinese_labels_render_as_real_glyphs(chromium, sample_site):
    # .ci/run installs a CJK face (Debian's fonts-wqy-microhei), which the view's font stack names
    _, out, _ = sample_site
    with opened(chromium, out / (region_slug(HUNAN) + ".html")) as (page, log):
        page.wait_for_function(READY)
        face = page.evaluate("() => JSON.parse(document.getElementById('kg-data').textContent)"
                             ".options.nodes.font.face")
        assert face and "WenQuanYi Micro Hei" in face
        glyphs = page.evaluate(_GLYPHS, face)
        assert len(set(glyphs)) == 4, "Chinese characters render as identical boxes: no CJK font"


def test_index_loads_offline_and_links_every_view(chromium, sample_site):
    _, out, views = sample_site
    with opened(chromium, out / "index.html") as (page, log):
        links = page.eval_on_selector_all("a", "as => as.map(a => a.getAttribute('href'))")
        text = page.inner_text("body")
        assert not log.errors and not log.external
    assert sorted(set(links)) == sorted([*views, "timeline.html", "figures.html"])  # graph views and table pages
    assert all((out / link).is_file() for link in links)
    assert "坚持双轮驱动 强化协同管理" in text and "湖南省" in text


# --------------------------------------------------------------------------- injected markup
INJECTED_NODE = {
    "overview.html": "Mechanism:" + INJECTED_MECHANISM,
    "duties.html": "Duty:<script>window.__pwned=4</script>防",
    "mechanisms.html": "Mechanism:" + INJECTED_MECHANISM,
    region_slug(HUNAN) + ".html": "Mechanism:" + INJECTED_MECHANISM,
    region_slug(XSHI) + ".html": "Duty:<script>window.__pwned=4</script>防",
    region_slug(JILIN) + ".html": JILIN,
}


@pytest.mark.parametrize("name", sorted(INJECTED_NODE))
def test_injected_markup_shows_as_text_and_runs_nothing(chromium, hostile_site, name):
    kg, out, _ = hostile_site
    node = INJECTED_NODE[name]
    with opened(chromium, out / name) as (page, log):
        page.wait_for_function(READY)
        text = _hover_node(page, node)
        tip_elements = page.evaluate("() => document.querySelectorAll('#tip img, #tip script, #tip svg, #tip b').length")
        x, y = page.evaluate("(id) => { const p = window.kgView.network.getPositions([id])[id]; return [p.x, p.y]; }",
                             node)
        page.mouse.click(*page.evaluate(_POINT_JS, [x, y]))
        details = page.inner_text("#details")
        label = page.evaluate("(id) => window.kgView.nodes.get(id).label", node)
        state = page.evaluate("""() => [typeof window.__pwned, document.images.length,
                                       document.scripts.length, document.querySelectorAll('[onerror],[onload]').length]""")
        assert not log.errors, log.errors
        # the page itself and the one copy of vis-network beside it, nothing else
        assert [u for u in log.requests if u != (out / name).resolve().as_uri()] == [(out / VIS_ASSET).resolve().as_uri()]
    assert state == ["undefined", 0, 3, 0]
    assert tip_elements == 0
    attrs = kg.graph.nodes[node]
    assert attrs["label"] in text and attrs["label"] in details  # shown verbatim, as text
    assert label.startswith(attrs["label"][:5])
    if node == JILIN:
        assert "<svg onload=window.__pwned=5>" in text
    if node.startswith("Mechanism:"):
        assert "javascript:window.__pwned=3" in text and "window.__pwned=2</script>" in text
        assert INJECTED_TITLE in details  # the document title, as text


def test_index_shows_injected_title_as_text(chromium, hostile_site):
    _, out, _ = hostile_site
    with opened(chromium, out / "index.html") as (page, log):
        text = page.inner_text("body")
        state = page.evaluate("() => [typeof window.__pwned, document.images.length, document.scripts.length]")
        assert not log.errors and len(log.requests) == 1
    assert INJECTED_TITLE in text
    assert state == ["undefined", 0, 0]


def test_content_security_policy_blocks_handlers_even_if_markup_slipped_through(chromium, hostile_site):
    _, out, _ = hostile_site
    with opened(chromium, out / "overview.html") as (page, log):
        page.wait_for_function(READY)
        page.evaluate("""() => { document.getElementById('details').innerHTML =
            '<img src="x" onerror="window.__pwned=42"><a href="javascript:window.__pwned=43">a</a>'; }""")
        page.click("#details a")
        page.wait_for_timeout(200)
        pwned = page.evaluate("() => typeof window.__pwned")
    assert pwned == "undefined"
    (image,) = [u for u in log.requests if u.endswith("/x")]
    assert log.failures[image] == "csp"  # blocked before loading
    assert any("Content Security Policy" in e and "inline event handler" in e for e in log.console_errors)


def odd_graph():
    """No documents, a node with no type, label or evidence, a self-loop, odd attributes."""
    kg = KnowledgeGraph()
    kg.graph.add_node("Thing:1", score=float("nan"), tags=["a", None, 3], extra={"k": "v"})
    kg.graph.add_node("Mechanism:", type="Mechanism", label="", docs=[], count=0)
    kg.graph.add_edge("Thing:1", "Thing:1", key="self")
    kg.graph.add_edge("Thing:1", "Mechanism:", key="adopts", relation="adopts")
    return kg


@pytest.mark.parametrize("make", [odd_graph, KnowledgeGraph], ids=["odd", "empty"])
def test_odd_and_empty_graphs_open_without_errors(chromium, tmp_path, make):
    kg = make()
    for path in render_views(kg, tmp_path)[1:]:
        if path.name in ("timeline.html", "figures.html"):  # table pages: no graph, their script runs to its end
            with opened(chromium, path) as (page, log):
                page.wait_for_selector("body[data-ready='1']")
                assert not log.errors and not log.external, path.name
            continue
        with opened(chromium, path) as (page, log):
            page.wait_for_function(READY)
            counts = page.evaluate("() => [window.kgView.nodes.length, window.kgView.edges.length]")
            assert not log.errors and not log.external, path.name
        if path.name == "overview.html":
            assert counts == [kg.graph.number_of_nodes(), kg.graph.number_of_edges()]


# --------------------------------------------------------------------------- curated items
@pytest.fixture(scope="module")
def curated_site(tmp_path_factory):
    """The demo corpus built with two corrections: a relabelled mechanism, a rejected edge's neighbour."""
    import shutil

    from kg.build import build
    from tests.paths import SOURCES

    root = tmp_path_factory.mktemp("curated")
    src = root / "src"
    shutil.copytree(SOURCES, src)
    (src / "corrections.toml").write_text(
        '[[relabel]]\nnode = "Mechanism:双重预防机制"\nlabel = "双重预防工作机制"\nnote = "as the ministry names it"\n',
        encoding="utf-8")
    build(src, root / "out", cache=False)
    return root / "out"


def test_a_curated_node_is_dashed_listed_in_the_legend_and_says_why(chromium, curated_site):
    node = "Mechanism:双重预防机制"
    with opened(chromium, curated_site / "mechanisms.html") as (page, log):
        page.wait_for_function(READY)
        legend = page.inner_text("#curated-legend")
        dashes = page.evaluate("(id) => window.kgView.nodes.get(id).shapeProperties.borderDashes", node)
        others = page.evaluate("() => window.kgView.nodes.get({filter: n => n.shapeProperties}).map(n => n.id)")
        assert page.is_visible("#curated-legend")
        text = _hover_node(page, node)
        x, y = page.evaluate("(id) => { const p = window.kgView.network.getPositions([id])[id]; return [p.x, p.y]; }",
                             node)
        px, py = page.evaluate(_POINT_JS, [x, y])
        page.mouse.click(px, py)
        details = page.inner_text("#details")
        assert not log.errors and not log.external
    assert legend.strip().startswith("Curated 1") and "corrections.toml" in legend
    assert dashes == [5, 3] and others == [node]
    assert "双重预防工作机制" in text and "Curated: relabel" in text
    assert "as the ministry names it" in details


def test_a_view_without_corrections_has_no_curated_legend(chromium, sample_site):
    _, out, _ = sample_site
    with opened(chromium, out / "overview.html") as (page, log):
        page.wait_for_function(READY)
        assert page.query_selector("#curated-legend") is None
        assert page.evaluate("() => window.kgView.nodes.get({filter: n => n.shapeProperties}).length") == 0

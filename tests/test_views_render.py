"""Views without a browser: files, embedded data, layouts, determinism, safety.

The graphs here are made by hand after the graph contract (kg/graph/model.py) and
the seed texts, so these tests do not wait for the graph builder. ``sample_graph``
and ``hostile_graph`` are reused by tests/test_views_browser.py.
"""

from __future__ import annotations

import copy
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.errors import OutputError
from kg.graph.model import KnowledgeGraph, edge_key, node_id
from kg.models import Provenance
from kg.views import build_views, render_views
from kg.graph.ontology import edge_attributes, node_attributes, validate_graph
from kg.views.bench import synthetic_graph, with_defaults
from kg.views.layout import cluster_layout, rows_layout, sector_layout
from kg.views.pages import region_slug
from kg.views.render import script_json

HUNAN, XSHI, JILIN = "Region:湖南省", "Region:X市", "Region:吉林省"
INJECTED_MECHANISM = '<img src=x onerror="window.__pwned=1">预警机制'
INJECTED_SENTENCE = ('建立<script>window.__pwned=2</script>预警机制，链接javascript:window.__pwned=3'
                     '和<img src=x onerror="window.__pwned=1">预警机制。')
INJECTED_TITLE = '</script><script>window.__pwned=6</script><img src=x onerror="window.__pwned=7">'


def prov(doc: str, sentence: str, quote: str, at: int = 0, rule: str = "test.rule") -> Provenance:
    i = sentence.index(quote)
    return Provenance(doc_id=doc, rule=rule, start=at + i, end=at + i + len(quote), orig_start=at + i,
                      orig_end=at + i + len(quote), quote=quote, sentence=sentence, sentence_start=at,
                      sentence_quote=sentence)


class _Maker:
    """Adds nodes and edges with evidence, following the contract."""

    def __init__(self, kg: KnowledgeGraph):
        self.kg = kg

    def node(self, node_type: str, name: str, doc: str, sentence: str, *, aliases=(), at=0, **attrs) -> str:
        n = node_id(node_type, name)
        g = self.kg.graph
        if n in g:
            g.nodes[n]["docs"] = sorted(set(g.nodes[n]["docs"]) | {doc})
            g.nodes[n]["count"] += 1
        else:
            g.add_node(n, **with_defaults(node_attributes(node_type), dict(
                type=node_type, label=name, aliases=sorted(aliases), docs=[doc], count=1, **attrs)))
        quote = name if name in sentence else sentence[:4]
        self.kg.evidence.setdefault(n, []).append(prov(doc, sentence, quote, at))
        return n

    def edge(self, u: str, relation: str, v: str, doc: str, sentence: str, *, at=0, **attrs) -> None:
        g = self.kg.graph
        if g.has_edge(u, v, key=relation):
            g.edges[u, v, relation]["docs"] = sorted(set(g.edges[u, v, relation]["docs"]) | {doc})
            g.edges[u, v, relation]["count"] += 1
        else:
            g.add_edge(u, v, key=relation, **with_defaults(edge_attributes(relation),
                                                           dict(relation=relation, docs=[doc], count=1, **attrs)))
        label = g.nodes[v]["label"]
        quote = label if label in sentence else sentence[:4]
        self.kg.evidence.setdefault(edge_key(u, relation, v), []).append(prov(doc, sentence, quote, at))


S_HN_TITLE = "湖南省应急管理厅党委书记、厅长 李大剑"
S_HN_DUTY = "立足“综合防、协同抗、主导救、统筹助”推动相关部门“具体防、为主抗、支撑救、分工助”。"
S_HN_MECH = "全面推行双重预防机制，完善动态研判机制。"
S_HN_STAT = "自然灾害受灾人口较近五年均值下降44.81%。"
S_X_DUTY = "应急管理部门要做到“综合防、牵头救、统筹助”。"
S_X_MECH = "健全风险防控体系，处理好“防”与“救”的关系。"
S_JL_MECH = "吉林省推行双重预防机制，健全应急联动机制。"
S_JL_OFF = "吉林省应急管理厅厅长霍云成。"
S_JL_EVENT = "抗击台风“利奇马”。"
S_D3 = "推行双重预防机制。"


def sample_graph() -> KnowledgeGraph:
    """Three documents with a region (湖南省, X市, 吉林省) and one without, every node type,
    and the relations of schemas/ontology.json."""
    kg = KnowledgeGraph(documents={
        "d000": {"file": "000.txt", "title": "坚持双轮驱动 强化协同管理", "date": "2020-01-01", "region": "湖南省"},
        "d001": {"file": "001.txt", "title": "在全市应急管理系统工作会上发言提纲", "region": {"name": "X市"}},
        "d002": {"file": "002.txt", "title": "2019年吉林省应急管理工作综述", "date": "2020-01-10", "region": "吉林省"},
        "d003": {"file": "003.txt", "title": "安全生产工作要点"},
    })
    m = _Maker(kg)
    hn = m.node("Region", "湖南省", "d000", S_HN_TITLE, aliases=["湖南"], level="province", adcode="430000",
                anonymized=False)
    xs = m.node("Region", "X市", "d001", S_X_DUTY, level="city", anonymized=True)
    jl = m.node("Region", "吉林省", "d002", S_JL_MECH, aliases=["吉林"], level="province", anonymized=False)
    cs = m.node("Region", "长沙市", "d000", "长沙市" + S_HN_MECH, level="city", province="湖南省", anonymized=False)
    m.edge(cs, "part_of", hn, "d000", "长沙市" + S_HN_MECH)
    for doc, region, sentence in (("d000", hn, S_HN_TITLE), ("d001", xs, S_X_DUTY), ("d002", jl, S_JL_MECH)):
        meta = kg.documents[doc]
        dn = m.node("Document", doc, doc, sentence, file=meta["file"], title=meta["title"], date=meta.get("date"),
                    region=region.split(":", 1)[1])
        m.edge(dn, "about", region, doc, sentence)
    d000, d001, d002 = (node_id("Document", d) for d in ("d000", "d001", "d002"))
    m.edge(d000, "mentions", cs, "d000", "长沙市" + S_HN_MECH)
    # officials and organisations
    li = m.node("Official", "李大剑", "d000", S_HN_TITLE, titles=["党委书记", "厅长"])
    hn_org = m.node("Organization", "湖南省应急管理厅", "d000", S_HN_TITLE, aliases=["省应急管理厅"], kind="emergency")
    m.edge(li, "holds_post_in", hn_org, "d000", S_HN_TITLE, titles=["党委书记", "厅长"])
    m.edge(hn_org, "located_in", hn, "d000", S_HN_TITLE)
    m.edge(d000, "mentions", li, "d000", S_HN_TITLE)
    huo = m.node("Official", "霍云成", "d002", S_JL_OFF, titles=["厅长"])
    jl_org = m.node("Organization", "吉林省应急管理厅", "d002", S_JL_OFF, kind="emergency")
    m.edge(huo, "holds_post_in", jl_org, "d002", S_JL_OFF, titles=["厅长"])
    m.edge(jl_org, "located_in", jl, "d002", S_JL_OFF)
    # mechanisms: 双重预防机制 is adopted by 湖南省 and 吉林省, and by a document of no known region
    shared = m.node("Mechanism", "双重预防机制", "d000", S_HN_MECH, head="机制")
    m.node("Mechanism", "双重预防机制", "d002", S_JL_MECH, head="机制")
    m.edge(hn, "adopts", shared, "d000", S_HN_MECH)
    m.edge(jl, "adopts", shared, "d002", S_JL_MECH)
    d003 = m.node("Document", "d003", "d003", S_D3, file="003.txt", title="安全生产工作要点", date=None, region=None)
    m.node("Mechanism", "双重预防机制", "d003", S_D3)
    m.edge(d003, "adopts", shared, "d003", S_D3)
    m.edge(d003, "mentions", shared, "d003", S_D3)  # a parallel edge: same pair, other relation
    for region, doc, name, sentence in ((hn, "d000", "动态研判机制", S_HN_MECH), (jl, "d002", "应急联动机制", S_JL_MECH),
                                        (xs, "d001", "风险防控体系", S_X_MECH)):
        m.edge(region, "adopts", m.node("Mechanism", name, doc, sentence, head=name[-2:]), doc, sentence)
    # duty formulas: 湖南省 pairs lead and support by phase; X市 states three lead duties
    lead = m.node("DutyFormula", "综合防、协同抗、主导救、统筹助", "d000", S_HN_DUTY, size=4,
                  items=["综合防", "协同抗", "主导救", "统筹助"])
    sup = m.node("DutyFormula", "具体防、为主抗、支撑救、分工助", "d000", S_HN_DUTY, holders=["相关部门"], size=4,
                 items=["具体防", "为主抗", "支撑救", "分工助"])
    m.edge(hn, "states", lead, "d000", S_HN_DUTY)
    m.edge(hn, "states", sup, "d000", S_HN_DUTY)
    m.edge(lead, "paired_with", sup, "d000", S_HN_DUTY)
    pairs = (("综合防", "具体防"), ("协同抗", "为主抗"), ("主导救", "支撑救"), ("统筹助", "分工助"))
    for position, (a, b) in enumerate(pairs, 1):
        la = m.node("Duty", a, "d000", S_HN_DUTY, phase=a[-1], role="lead")
        sb = m.node("Duty", b, "d000", S_HN_DUTY, phase=b[-1], role="support")
        m.edge(lead, "has_item", la, "d000", S_HN_DUTY, position=position)
        m.edge(sup, "has_item", sb, "d000", S_HN_DUTY, position=position)
        m.edge(la, "paired_with", sb, "d000", S_HN_DUTY, phase=a[-1])
    x_formula = m.node("DutyFormula", "综合防、牵头救、统筹助", "d001", S_X_DUTY, holders=["应急管理部门"], size=3,
                       items=["综合防", "牵头救", "统筹助"])
    m.edge(xs, "states", x_formula, "d001", S_X_DUTY)
    for position, item in enumerate(("综合防", "牵头救", "统筹助"), 1):
        duty = m.node("Duty", item, "d001", S_X_DUTY, phase=item[-1])
        m.edge(x_formula, "has_item", duty, "d001", S_X_DUTY, position=position)
    # principles, numbered formulas, statistics, events
    pair = m.node("PrinciplePair", "防与救", "d001", S_X_MECH, a="防", b="救")
    m.edge(xs, "balances", pair, "d001", S_X_MECH)
    for position, p in enumerate(("防", "救"), 1):
        m.edge(pair, "has_pole", m.node("Principle", p, "d001", S_X_MECH), "d001", S_X_MECH, position=position)
    nf = m.node("NumberedFormula", "两个至上", "d000", "坚持“两个至上”。", parts=2)
    m.edge(hn, "cites", nf, "d000", "坚持“两个至上”。")
    stat = m.node("Statistic", "自然灾害受灾人口", "d000", S_HN_STAT, subject="自然灾害受灾人口", value=44.81, unit="%",
                  direction="下降", baseline="近五年均值", region="湖南省")
    m.edge(hn, "reports", stat, "d000", S_HN_STAT)
    m.edge(d000, "mentions", stat, "d000", S_HN_STAT)
    ev = m.node("Event", "利奇马", "d002", S_JL_EVENT, aliases=["台风利奇马"], event_type="台风")
    m.edge(jl, "experienced", ev, "d002", S_JL_EVENT)
    m.edge(d002, "mentions", ev, "d002", S_JL_EVENT)
    m.edge(d001, "mentions", pair, "d001", S_X_MECH)
    return kg


def hostile_graph() -> KnowledgeGraph:
    """The sample graph plus source text that tries to be markup, in every view."""
    kg = sample_graph()
    m = _Maker(kg)
    kg.documents["d002"]["title"] = INJECTED_TITLE
    kg.graph.nodes[JILIN]["aliases"] = ["<svg onload=window.__pwned=5>", "吉林"]
    bad = m.node("Mechanism", INJECTED_MECHANISM, "d000", INJECTED_SENTENCE, aliases=["javascript:window.__pwned=3"],
                 head="<b onmouseover=window.__pwned=8>x</b>")
    m.node("Mechanism", INJECTED_MECHANISM, "d002", INJECTED_SENTENCE)
    m.edge(HUNAN, "adopts", bad, "d000", INJECTED_SENTENCE)
    m.edge(JILIN, "adopts", bad, "d002", INJECTED_SENTENCE)
    formula = node_id("DutyFormula", "综合防、牵头救、统筹助")
    duty = m.node("Duty", "<script>window.__pwned=4</script>防", "d001", INJECTED_SENTENCE,
                  phase="<i onclick=window.__pwned=9>防</i>")
    m.edge(formula, "has_item", duty, "d001", INJECTED_SENTENCE, position=4)
    return kg


def snapshot(kg: KnowledgeGraph):
    """Everything about a graph, deep-copied, to compare before and after rendering."""
    g = kg.graph
    return (copy.deepcopy(list(g.nodes(data=True))), copy.deepcopy(list(g.edges(keys=True, data=True))),
            copy.deepcopy(kg.evidence), copy.deepcopy(kg.documents), type(g))


def page_data(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', html, re.S)
    assert m, "no data block"
    return json.loads(m.group(1))


def view_graph(kg: KnowledgeGraph, nodes) -> nx.MultiDiGraph:
    return kg.graph.subgraph(nodes)


# --------------------------------------------------------------------------- test graphs
@pytest.mark.parametrize("make", [sample_graph, hostile_graph, lambda: synthetic_graph(500, seed=4)],
                         ids=["sample", "hostile", "synthetic"])
def test_test_graphs_follow_the_ontology(make):
    validate_graph(make().graph)  # so the views are tested on graphs the builder could produce


# --------------------------------------------------------------------------- files
def test_render_views_writes_index_and_every_view(tmp_path):
    kg = sample_graph()
    paths = render_views(kg, tmp_path)
    names = [p.name for p in paths]
    assert names[:6] == ["index.html", "overview.html", "duties.html", "mechanisms.html", "timeline.html",
                         "figures.html"]
    assert sorted(names[6:]) == sorted(region_slug(r) + ".html" for r in (HUNAN, XSHI, JILIN))
    for p in paths:
        text = p.read_bytes().decode("utf-8")  # strict UTF-8
        assert text.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in text
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    for name in names[1:]:
        assert f'href="{name}"' in index
    for text in ("坚持双轮驱动 强化协同管理", "湖南省", "X市", "吉林省", "Mechanism", "adopts"):
        assert text in index


def test_rendering_leaves_the_graph_untouched(tmp_path):
    kg = sample_graph()
    before = snapshot(kg)
    render_views(kg, tmp_path)
    assert snapshot(kg) == before


def test_same_graph_gives_identical_bytes_whatever_the_insertion_order(tmp_path):
    kg = sample_graph()
    shuffled = KnowledgeGraph(documents=dict(reversed(list(kg.documents.items()))),
                              evidence=dict(reversed(list(kg.evidence.items()))))
    for n, attrs in reversed(list(kg.graph.nodes(data=True))):
        shuffled.graph.add_node(n, **attrs)
    for u, v, k, attrs in reversed(list(kg.graph.edges(keys=True, data=True))):
        shuffled.graph.add_edge(u, v, key=k, **attrs)
    a = render_views(kg, tmp_path / "a")
    b = render_views(kg, tmp_path / "b")
    c = render_views(shuffled, tmp_path / "c")
    for pa, pb, pc in zip(a, b, c):
        assert pa.read_bytes() == pb.read_bytes() == pc.read_bytes(), pa.name


def test_stale_region_pages_are_removed(tmp_path):
    (tmp_path / "region-0123456789.html").write_text("old", encoding="utf-8")
    (tmp_path / "notes.html").write_text("mine", encoding="utf-8")
    render_views(sample_graph(), tmp_path)
    assert not (tmp_path / "region-0123456789.html").exists()
    assert (tmp_path / "notes.html").read_text(encoding="utf-8") == "mine"


def test_unwritable_output_is_an_output_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match=r"\[E030\] .*file"):
        render_views(sample_graph(), blocker / "views")


# --------------------------------------------------------------------------- embedded data
def test_each_page_holds_its_views_nodes_and_every_parallel_edge_with_direction(tmp_path):
    kg = sample_graph()
    views = {v.file: v for v in build_views(kg)}
    render_views(kg, tmp_path)
    for name, view in views.items():
        data = page_data((tmp_path / name).read_text(encoding="utf-8"))
        sub = view_graph(kg, view.nodes)
        assert sorted(n["id"] for n in data["nodes"]) == sorted(sub.nodes), name
        got = sorted((e["from"], e["to"], e["id"]) for e in data["edges"])
        want = sorted((u, v, edge_key(u, k, v)) for u, v, k in sub.edges(keys=True))
        assert got == want, name
        assert all(e["arrows"] == "to" for e in data["edges"])
        assert data["options"]["physics"]["enabled"] is False
        assert all(isinstance(n["x"], int) and isinstance(n["y"], int) for n in data["nodes"])
    overview = page_data((tmp_path / "overview.html").read_text(encoding="utf-8"))
    pair = [e for e in overview["edges"] if (e["from"], e["to"]) == ("Document:d003", "Mechanism:双重预防机制")]
    assert len(pair) == 2 and all(e["smooth"]["enabled"] for e in pair)
    assert {e["smooth"]["type"] for e in pair} == {"curvedCW", "curvedCCW"}  # drawn apart, not on top


def test_tooltip_data_has_type_aliases_attributes_and_evidence_with_document(tmp_path):
    kg = sample_graph()
    render_views(kg, tmp_path)
    data = page_data((tmp_path / f"{region_slug(HUNAN)}.html").read_text(encoding="utf-8"))
    org = data["info"]["Organization:湖南省应急管理厅"]
    assert org["type"] == "Organization" and org["aliases"] == ["省应急管理厅"]
    assert org["evidence"] == [["d000", "", "湖南省应急管理厅", "党委书记、厅长 李大剑"]]
    stat = data["info"]["Statistic:自然灾害受灾人口"]
    assert ["value", "44.81"] in stat["attrs"] and ["unit", "%"] in stat["attrs"]
    assert data["docs"]["d000"]["title"] == "坚持双轮驱动 强化协同管理"
    edge = data["edgeInfo"][edge_key(HUNAN, "adopts", "Mechanism:双重预防机制")]
    assert edge["relation"] == "adopts" and edge["from"] == "湖南省" and edge["to"] == "双重预防机制"
    assert edge["evidence"][0][2] == "双重预防机制"


# --------------------------------------------------------------------------- views
def test_region_view_shows_its_own_entities_not_other_regions(tmp_path):
    kg = sample_graph()
    views = {v.slug: v for v in build_views(kg)}
    hunan = views[region_slug(HUNAN)].nodes
    for n in ("Official:李大剑", "Organization:湖南省应急管理厅", "Mechanism:双重预防机制", "Mechanism:动态研判机制",
              "DutyFormula:综合防、协同抗、主导救、统筹助", "Duty:具体防", "Statistic:自然灾害受灾人口",
              "NumberedFormula:两个至上", "Region:长沙市", "Document:d000"):
        assert n in hunan, n
    for n in ("Official:霍云成", "Mechanism:应急联动机制", "Event:利奇马", "Principle:防"):
        assert n not in hunan, n
    jilin = views[region_slug(JILIN)].nodes
    assert {"Official:霍云成", "Event:利奇马", "Mechanism:双重预防机制"} <= jilin
    xshi = views[region_slug(XSHI)].nodes
    assert {"PrinciplePair:防与救", "Principle:防", "Principle:救", "Duty:牵头救"} <= xshi


def test_duty_view_pairs_lead_and_support_by_phase():
    kg = sample_graph()
    view = next(v for v in build_views(kg) if v.kind == "duties")
    pos = view.positions
    rows = {}
    for lead, support in (("综合防", "具体防"), ("协同抗", "为主抗"), ("主导救", "支撑救"), ("统筹助", "分工助")):
        (lx, ly), (sx, sy) = pos["Duty:" + lead], pos["Duty:" + support]
        assert ly == sy and lx < sx, (lead, support)
        rows[lead[-1]] = ly
    assert rows["防"] < rows["抗"] < rows["救"] < rows["助"]
    assert pos["Duty:牵头救"][1] == rows["救"]
    # 综合防 is stated by 湖南省 and X市: it sits between their columns
    left, right = sorted((pos[HUNAN][0], pos[XSHI][0]))
    assert left < pos["Duty:综合防"][0] < right
    assert JILIN not in view.nodes  # states no formula
    for a in view.positions.values():
        assert sum(1 for b in view.positions.values() if b == a) == 1  # nothing on top of anything
    table = str(view.extra_html)
    assert "<th>防</th>" in table and "综合防 / 具体防" in table and "综合防 / —" in table


def test_mechanism_view_makes_shared_mechanisms_stand_out(tmp_path):
    kg = sample_graph()
    view = next(v for v in build_views(kg) if v.kind == "mechanisms")
    assert view.highlight == {"Mechanism:双重预防机制"}
    assert {HUNAN, JILIN, XSHI} <= view.nodes
    render_views(kg, tmp_path)
    data = page_data((tmp_path / "mechanisms.html").read_text(encoding="utf-8"))
    sizes = {n["id"]: n["size"] for n in data["nodes"]}
    assert sizes["Mechanism:双重预防机制"] > max(sizes["Mechanism:动态研判机制"], sizes["Mechanism:应急联动机制"])
    assert "<td>双重预防机制</td><td>2</td><td>吉林省、湖南省</td>" in str(view.extra_html)


def test_graph_without_document_regions_still_renders_every_node(tmp_path):
    kg = sample_graph()
    kg.documents.clear()
    for n, t in list(kg.graph.nodes(data="type")):
        if t == "Document":
            kg.graph.remove_node(n)
    views = build_views(kg)
    assert [v.kind for v in views] == ["overview", "duties", "mechanisms"]
    assert set(views[0].positions) == set(kg.graph.nodes)
    render_views(kg, tmp_path)


# --------------------------------------------------------------------------- safety
class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_source_text_never_becomes_markup(tmp_path):
    kg = hostile_graph()
    for path in render_views(kg, tmp_path):
        html = path.read_text(encoding="utf-8")
        parser = _Tags()
        parser.feed(html)
        tags = [t for t, _ in parser.tags]
        assert "img" not in tags and "b" not in tags and "i" not in tags, path.name
        scripts = {"index.html": 0, "timeline.html": 1, "figures.html": 1}.get(path.name, 3)
        assert tags.count("script") == scripts, path.name
        for tag, attrs in parser.tags:
            assert not any(a.startswith("on") for a in attrs), (path.name, tag, attrs)
            for a in ("href", "src"):
                assert not re.match(r"[a-z]+:", attrs.get(a) or ""), (path.name, tag, attrs)  # relative only
        (csp,) = [a["content"] for t, a in parser.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
        assert "default-src 'none'" in csp and "unsafe-inline" not in csp
    data = page_data((tmp_path / "mechanisms.html").read_text(encoding="utf-8"))
    assert data["info"]["Mechanism:" + INJECTED_MECHANISM]["label"] == INJECTED_MECHANISM  # text kept as is
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "&lt;/script&gt;&lt;script&gt;window.__pwned=6&lt;/script&gt;" in index


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_script_json_round_trips_and_cannot_close_its_script(text):
    encoded = script_json({"t": text, "l": [text]})
    assert json.loads(encoded) == {"t": text, "l": [text]}
    for bad in ("<", ">", "&", "\u2028", "\u2029"):
        assert bad not in encoded


# --------------------------------------------------------------------------- layouts
@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=6), st.booleans())
def test_sector_layout_never_puts_two_nodes_on_one_spot(sizes, with_hub):
    groups = [[f"g{i}n{j}" for j in range(n)] for i, n in enumerate(sizes)]
    pos, radius = sector_layout(groups, hub="hub" if with_hub else None)
    names = [n for g in groups for n in g] + (["hub"] if with_hub else [])
    assert sorted(pos) == sorted(names)
    assert len(set(pos.values())) == len(pos)
    assert all(x * x + y * y <= radius * radius for x, y in pos.values())


def test_cluster_layout_keeps_discs_apart():
    around = [(f"r{i}", [[f"r{i}n{j}" for j in range(5 + 20 * i)]]) for i in range(5)]
    pos = cluster_layout((None, [[f"m{j}" for j in range(30)]]), around)
    assert len(set(pos.values())) == len(pos) == 30 + sum(5 + 20 * i for i in range(5)) + 5
    hubs = [pos[f"r{i}"] for i in range(5)]
    assert len(set(hubs)) == 5 and (0, 0) not in hubs


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.integers(min_value=-500, max_value=500), max_size=12), max_size=5))
def test_rows_layout_keeps_order_and_gap(rows_x):
    rows = [[(f"r{k}n{i}", float(x)) for i, x in enumerate(row)] for k, row in enumerate(rows_x)]
    pos = rows_layout(rows, row_height=100, min_gap=60)
    for k, row in enumerate(rows):
        xs = [pos[n][0] for n, _ in sorted(row, key=lambda item: item[1])]
        assert all(pos[n][1] == 100 * k for n, _ in row)
        assert all(b - a >= 59 for a, b in zip(xs, xs[1:]))  # 1 px of rounding


# --------------------------------------------------------------------------- synthetic graph
def test_synthetic_graph_follows_the_contract_and_renders(tmp_path):
    kg = synthetic_graph(400, seed=3)
    g = kg.graph
    assert g.number_of_nodes() == 400
    for n, attrs in g.nodes(data=True):
        assert n == node_id(attrs["type"], attrs["label"])
        assert {"type", "label", "aliases", "docs", "count"} <= set(attrs)
        assert kg.node_evidence(n)
    for u, v, k, attrs in g.edges(keys=True, data=True):
        assert k == attrs["relation"] and kg.edge_evidence(u, k, v)
    mechanisms = next(v for v in build_views(kg) if v.kind == "mechanisms")
    assert mechanisms.highlight  # some mechanisms are shared
    paths = render_views(kg, tmp_path)
    assert len(paths) == 6 + len({m["region"] for m in kg.documents.values()})  # index, 3 graphs, 2 tables


def test_bytes_do_not_depend_on_the_hash_seed(tmp_path):
    import subprocess
    import sys

    script = ("import sys; from tests.test_views_render import hostile_graph; from kg.views import render_views; "
              "from kg.views.bench import synthetic_graph; render_views(hostile_graph(), sys.argv[1] + '/h'); "
              "render_views(synthetic_graph(300, seed=2), sys.argv[1] + '/s')")
    root = Path(__file__).resolve().parent.parent
    for seed in ("1", "2"):
        env = {"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"}
        subprocess.run([sys.executable, "-c", script, str(tmp_path / seed)], cwd=root, env=env, check=True)
    files = sorted(p.relative_to(tmp_path / "1") for p in (tmp_path / "1").rglob("*.html"))
    assert len(files) > 10
    for f in files:
        assert (tmp_path / "1" / f).read_bytes() == (tmp_path / "2" / f).read_bytes(), f


def test_duty_table_lists_the_lead_formula_before_the_support_one(tmp_path):
    from kg.graph.build import build_graph
    from tests.graph_fixtures import hunan

    ex, meta = hunan()
    render_views(build_graph([ex], [meta]), tmp_path)
    page = (tmp_path / "duties.html").read_text(encoding="utf-8")
    cell = re.search(r"<th>Formulas</th><td>(.*?)</td>", page).group(1)
    assert cell.split("<br>") == ["lead: 综合防、协同抗、主导救、统筹助", "support: 具体防、为主抗、支撑救、分工助"]

"""The table pages (kg/views/dates.py, rows.py, tables.py): timeline.html and figures.html.

Dates of three precisions ordered correctly and shown as written, undated documents
shown as undated (never given a date), the first mention(s) of each mechanism per
region, figures in base units, source text that stays text, the same bytes for the same
graph. The browser side is tests/test_views_tables_browser.py.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from kg.graph.model import KnowledgeGraph, node_id
from kg.views import render_views
from kg.views.dates import UNDATED_LABEL, earliest, parse_date
from kg.views.render import asset_text, csp_hash
from kg.views.rows import figures, mechanism_mentions, number_text
from kg.views.tables import render_figures_html, render_timeline_html
from tests.test_views_render import _Maker

JIA, YI, BING = "Region:甲省", "Region:乙市", "Region:丙县"
HUISHANG = "Mechanism:风险会商机制"
INJECTED = "<script>window.__pwned=1</script>"

# Documents (id, region, date as stored, title). d4 states no date, d6 a date in no known form.
DOCS = (
    ("d1", "甲省", "2021", "甲省二〇二一年工作总结"),
    ("d2", "甲省", "2021-06-15", "甲省汛期工作部署"),
    ("d3", "甲省", "2022-03", "甲省工作要点"),
    ("d4", "甲省", None, "甲省讲话提纲"),
    ("d5", "乙市", "2020-12-31", "乙市年终总结"),
    ("d6", "乙市", "二〇二一年春", "乙市春季部署"),
    ("d7", "丙县", None, "丙县工作安排"),
)


def timeline_graph(*, reverse: bool = False, hostile: bool = False) -> KnowledgeGraph:
    """Three regions naming mechanisms across dated and undated documents, and figures in
    base units. ``reverse`` inserts everything in the opposite order (same graph);
    ``hostile`` puts markup into a mechanism, a title and a sentence."""
    docs = DOCS[::-1] if reverse else DOCS
    kg = KnowledgeGraph(documents={d: {"file": f"{d}.txt", "title": t, "date": date, "region": r}
                                   for d, r, date, t in docs})
    if hostile:
        kg.documents["d2"]["title"] = INJECTED + "甲省部署"
    m = _Maker(kg)
    steps = []
    for d, region, date, title in docs:
        steps.append(("region", d, region, date, title))
    mentions = [("d1", "风险会商机制"), ("d2", "风险会商机制"), ("d3", "风险会商机制"), ("d4", "风险会商机制"),
                ("d3", "灾情报告制度"), ("d5", "风险会商机制"), ("d6", "风险会商机制"), ("d7", "灾情报告制度")]
    if hostile:
        mentions.append(("d2", INJECTED + "机制"))
    steps += [("mech", d, name) for d, name in (mentions[::-1] if reverse else mentions)]
    for step in steps:
        if step[0] == "region":
            _, d, region, date, title = step
            sentence = f"{region}召开会议。"
            r = m.node("Region", region, d, sentence, level="province")
            dn = m.node("Document", d, d, sentence, file=f"{d}.txt", title=title, date=date, region=region)
            m.edge(dn, "about", r, d, sentence)
        else:
            _, d, name = step
            region = kg.documents[d]["region"]
            sentence = f"{region}健全{name}，每月会商一次。" if not (hostile and INJECTED in name) else \
                f"建立{name}，<img src=x onerror=window.__pwned=2>。"
            mech = m.node("Mechanism", name, d, sentence, head=name[-2:])
            m.edge(node_id("Region", region), "adopts", mech, d, sentence)
    figures_ = [("d1", "甲省", "转移群众", 12.3, "万人", 123000.0, "人", None),
                ("d5", "乙市", "转移群众", 8000.0, "人", 8000.0, "人", None),
                ("d7", "丙县", "转移群众", 1.5, "万余人", 15000.0, "人", None),
                ("d3", "甲省", "事故起数", None, None, None, None, "下降")]
    for d, region, subject, value, unit, nv, nu, direction in (figures_[::-1] if reverse else figures_):
        written = "" if value is None else f"{number_text(value)}{unit}"
        sentence = f"全年{subject}{written or '同比' + direction}。"
        s = m.node("Statistic", f"{region}/{subject}/{written}", d, sentence, subject=subject, value=value, unit=unit,
                   normalized_value=nv, normalized_unit=nu, direction=direction, baseline=None, region=region)
        m.edge(node_id("Region", region), "reports", s, d, sentence)
    return kg


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _rows(html: str, table: str) -> list[list[str]]:
    """The text of each body row of ``table`` (by id), tags dropped."""
    body = re.search(rf'<table class="sortable" id="{table}">.*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    return [[re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


# --------------------------------------------------------------------------- dates
def test_dates_sort_across_precisions_and_keep_their_text():
    texts = ["2022-03", None, "2021-06-15", "2021", "2021-06", "2020-12-31", "二〇二一年春", "2021-01-01"]
    ordered = sorted(map(parse_date, texts))
    assert [d.text for d in ordered] == ["2020-12-31", "2021", "2021-01-01", "2021-06", "2021-06-15", "2022-03",
                                         None, "二〇二一年春"]
    assert [d.label() for d in ordered][-2:] == [UNDATED_LABEL, UNDATED_LABEL]
    assert parse_date("2022-03").first == (2022, 3, 1) and parse_date("2022-03").last == (2022, 3, 31)
    # keys as the page's script compares them: string order equals date order; undated empty
    keys = [d.sort_text() for d in ordered]
    assert keys[:6] == sorted(keys[:6]) and keys[6:] == ["", ""]


@pytest.mark.parametrize("text", ["2021-02-30", "2021-00", "2021-13-01", "21-01-01", "2021/01/01", "2021年", " "])
def test_a_date_in_no_known_form_is_undated(text):
    d = parse_date(text)
    assert not d.dated and d.year is None and d.sort_text() == ""


def test_earliest_allows_ties_of_different_precision_never_undated():
    dates = [parse_date(t) for t in ("2021-06-15", "2021", "2022-03", None)]
    assert earliest(dates) == {0, 1}
    assert earliest([parse_date(t) for t in ("2020", "2021-01")]) == {0}
    assert earliest([parse_date(None), parse_date("春")]) == set()


# --------------------------------------------------------------------------- rows
def test_every_mention_with_its_first_by_document_date():
    rows = mechanism_mentions(timeline_graph())
    jia = [(r.doc_id, r.date.text, r.first) for r in rows if r.region == JIA and r.mechanism == HUISHANG]
    # 2021 may be before or after 2021-06-15: both may be first; undated last and never first
    assert jia == [("d1", "2021", True), ("d2", "2021-06-15", True), ("d3", "2022-03", False), ("d4", None, False)]
    yi = [(r.doc_id, r.date.text, r.date.dated, r.first) for r in rows if r.region == YI]
    assert yi == [("d5", "2020-12-31", True, True), ("d6", "二〇二一年春", False, False)]
    bing = [(r.mechanism_name, r.date.dated, r.first) for r in rows if r.region == BING]
    assert bing == [("灾情报告制度", False, False)]  # named only undated: no first, no date
    assert [r.region_name for r in rows] == sorted(r.region_name for r in rows)
    assert all(r.mentions == 1 and r.context[1] == r.mechanism_name for r in rows)


def test_rows_do_not_depend_on_insertion_order():
    assert mechanism_mentions(timeline_graph()) == mechanism_mentions(timeline_graph(reverse=True))
    assert figures(timeline_graph()) == figures(timeline_graph(reverse=True))


def test_figures_carry_the_value_as_written_and_in_base_units():
    rows = figures(timeline_graph())
    got = [(f.region_name, f.subject, f.written, f.normalized_value, f.normalized_unit, f.year, f.direction)
           for f in rows]
    assert got == [("丙县", "转移群众", "1.5万余人", 15000.0, "人", None, None),
                   ("乙市", "转移群众", "8000人", 8000.0, "人", 2020, None),
                   ("甲省", "事故起数", "", None, None, 2022, "下降"),
                   ("甲省", "转移群众", "12.3万人", 123000.0, "人", 2021, None)]


# --------------------------------------------------------------------------- pages
def test_timeline_page_lists_every_mention_dated_first_undated_labelled():
    html = render_timeline_html(timeline_graph())
    rows = _rows(html, "mentions")
    jia = [r for r in rows if r[0] == "甲省" and r[1] == "风险会商机制"]
    assert [r[2] for r in jia] == ["2021", "2021-06-15", "2022-03", UNDATED_LABEL]  # as written, never completed
    assert [r[3] for r in jia] == ["first", "first", "", ""]
    yi = [r[2] for r in rows if r[0] == "乙市"]
    assert yi == ["2020-12-31", UNDATED_LABEL + " (二〇二一年春)"]  # the text kept, not placed in time
    assert len(rows) == len(mechanism_mentions(timeline_graph()))
    first = _rows(html, "first")
    assert first[0][0] == "风险会商机制"  # the mechanism named earliest comes first
    header = re.search(r'<table class="sortable" id="first">.*?<tr>(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r"<th[^>]*>(.*?)</th>", header) == ["Mechanism", "Regions", "丙县", "乙市", "甲省"]
    assert first[0][2:] == ["—", "2020-12-31 (2)", "2021 / 2021-06-15 (4)"]
    assert first[1][2:] == [UNDATED_LABEL + " (1)", "—", "2022-03 (1)"]


def test_timeline_sort_keys_put_undated_last():
    html = render_timeline_html(timeline_graph())
    keys = re.findall(r'<td class="date( undated)?" data-key="([^"]*)">', html)
    assert keys and all((k == "") == bool(u) for u, k in keys)


def test_figures_page_has_every_column_and_numeric_keys():
    html = render_figures_html(timeline_graph())
    header = re.search(r'<table class="sortable" id="figures">.*?<tr>(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r"<th[^>]*>(.*?)</th>", header) == [
        "Region", "Subject", "Year", "Value as written", "Normalised value", "Unit", "Direction", "Baseline",
        "Document", "Quote"]
    rows = _rows(html, "figures")
    assert [r[:8] for r in rows] == [
        ["丙县", "转移群众", UNDATED_LABEL, "1.5万余人", "15000", "人", "", ""],
        ["乙市", "转移群众", "2020", "8000人", "8000", "人", "", ""],
        ["甲省", "事故起数", "2022", "", "", "", "下降", ""],
        ["甲省", "转移群众", "2021", "12.3万人", "123000", "人", "", ""]]
    assert rows[3][8] == "甲省二〇二一年工作总结 (2021)" and rows[3][9] == "全年转移群众12.3万人。"
    assert 'data-key="123000.0">123000</td>' in html  # sorted as a number, shown as one


def test_pages_are_offline_and_their_one_script_is_allowed_by_hash(tmp_path):
    for html in (render_timeline_html(timeline_graph()), render_figures_html(timeline_graph())):
        parser = _Tags()
        parser.feed(html)
        (csp,) = [a["content"] for t, a in parser.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
        assert csp.startswith("default-src 'none'; ") and "unsafe" not in csp
        assert f"script-src {csp_hash(asset_text('sort.js'))};" in csp
        assert f"style-src {csp_hash(asset_text('table.css'))};" in csp
        assert [t for t, _ in parser.tags].count("script") == 1
        assert all("src" not in a for t, a in parser.tags if t == "script")  # nothing loaded
        assert all(re.fullmatch(r"[\w-]+\.html", a["href"]) for t, a in parser.tags if t == "a")
        assert f"<script>{asset_text('sort.js')}</script>" in html


def test_source_text_stays_text():
    kg = timeline_graph(hostile=True)
    for html in (render_timeline_html(kg), render_figures_html(kg)):
        parser = _Tags()
        parser.feed(html)
        tags = [t for t, _ in parser.tags]
        assert tags.count("script") == 1 and "img" not in tags
        assert not any(k.startswith("on") for _, a in parser.tags for k in a)
    html = render_timeline_html(kg)
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;机制" in html
    assert "&lt;img src=x onerror=window.__pwned=2&gt;" in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;甲省部署" in html


def test_same_graph_same_bytes_whatever_the_insertion_order(tmp_path):
    render_views(timeline_graph(), tmp_path / "a")
    render_views(timeline_graph(reverse=True), tmp_path / "b")
    for name in ("timeline.html", "figures.html", "index.html"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_index_links_both_pages(tmp_path):
    paths = render_views(timeline_graph(), tmp_path)
    assert [p.name for p in paths][4:6] == ["timeline.html", "figures.html"]
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert '<a href="timeline.html">Timeline</a>' in index and '<a href="figures.html">Figures</a>' in index
    assert '<a href="index.html">' in (tmp_path / "timeline.html").read_text(encoding="utf-8")


def test_a_graph_without_mechanisms_or_figures_still_renders():
    kg = KnowledgeGraph(documents={"d1": {"title": "空", "region": "甲省"}})
    assert "No document names a mechanism." in render_timeline_html(kg)
    assert "No document reports a figure." in render_figures_html(kg)

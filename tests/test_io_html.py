"""Saved web pages: main text, title, date and region, nothing from the page's furniture,
and every quote mapped back into the page's source as written."""

import html
import json
import re
from pathlib import Path

import numpy as np
import pytest
from pydantic import BaseModel

from kg.build import build, process_document
from kg.evaluate import norm
from kg.io import webpage
from kg.io.html import fallback_text, visible_text
from kg.io.loader import load_document
from kg.models import Provenance, SourceMeta
from kg.nlp.pipeline import extract_document
from kg.summary import summarise
from kg.text.normalize import normalise

WEB = Path(__file__).parent / "data" / "web"

# (page, title, date, region, officials, organizations, mechanisms, statistic subjects, furniture)
PAGES = [
    ("province_cms.html", "全省安全生产工作推进会召开", "2023-03-08", "江西省", {"王建华"}, {"江西省应急管理厅"},
     {"双重预防机制", "安全生产风险监测预警平台", "安全生产包保责任制度", "应急救援指挥体系"},
     {"生产安全事故起数", "死亡人数"},  # (不少于3000次 is a target, no statistic)
     ["欢迎访问", "无障碍浏览", "机构概况", "当前位置", "热点推荐", "智能化管控平台", "通知公告", "湖北", "湖南",
      "分享到", "扫一扫", "版权所有", "备案号", "网站地图", "搜索"]),
    ("city_table.html", "赣州市应急管理局召开全市防汛工作会议", "2019-06-12", "赣州市", {"刘志强"}, {"赣州市应急管理局"},
     {"预警“叫应”机制"}, {"群众"},
     ["网站首页", "通知公告", "值班值守", "安徽", "热点推荐", "城市生命线", "安委会", "您现在的位置", "打印本页",
      "版权所有", "ICP"]),
    ("wechat.html", "全市开展防汛应急演练 提升实战能力", "2023-06-15", "宜春市", {"陈立平"},
     {"宜春市防汛抗旱指挥部", "宜春市应急管理局", "水利局", "气象局"}, {"防汛应急预案体系", "部门联动机制"},
     {"参演队伍共出动人员", "冲锋舟", "模拟受困群众"},
     ["二维码", "扫一扫", "关注该公众号", "阅读原文", "预览时标签不可点", "收录于合集", "原创", "宜春应急管理"]),
]


def _provenances(obj):
    """Every Provenance inside an extraction."""
    if isinstance(obj, Provenance):
        yield obj
    elif isinstance(obj, (list, tuple)):
        for x in obj:
            yield from _provenances(x)
    elif isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from _provenances(getattr(obj, name))


def _visible(source_slice: str) -> str:
    """What a browser shows of a slice of the source: tags gone, entities decoded."""
    return html.unescape(re.sub(r"<[^>]*>", "", source_slice))


@pytest.fixture(scope="module")
def pages():
    out = {}
    for name, *_ in PAGES:
        doc = load_document(WEB / name, SourceMeta(id=name[:-5], file=name))
        norm_doc = normalise(doc)
        ex = extract_document(norm_doc)
        out[name] = (doc, norm_doc, ex, summarise(ex).model_dump())
    return out


@pytest.mark.parametrize("page", PAGES, ids=[p[0] for p in PAGES])
def test_title_date_region_and_every_article_item(pages, page):
    name, title, date, region, officials, orgs, mechanisms, subjects, _ = page
    doc, _, ex, s = pages[name]
    assert doc.html == "main"
    assert webpage.read_page(doc.text).unaligned == 0  # (trafilatura's own list and table marks are not text)
    assert s["title"] == title and s["date"] == date and s["region"]["name"] == region
    assert {o["name"] for o in s["officials"]} == officials
    assert set(s["organizations"]) == orgs
    assert set(s["mechanisms"]) == mechanisms
    assert {x["subject"] for x in s["statistics"]} == subjects


@pytest.mark.parametrize("page", PAGES, ids=[p[0] for p in PAGES])
def test_nothing_from_the_page_furniture(pages, page):
    name, *_, furniture = page
    _, norm_doc, ex, s = pages[name]
    for word in furniture:
        assert word not in norm_doc.text, word
    named = json.dumps([s["organizations"], s["mechanisms"], s["regions"] if "regions" in s else []], ensure_ascii=False)
    for word in ("湖北", "湖南", "安徽", "智能化管控平台", "城市生命线", "热点推荐"):
        assert word not in named


@pytest.mark.parametrize("page", PAGES, ids=[p[0] for p in PAGES])
def test_every_quote_indexes_the_page_source_as_written(pages, page):
    name = page[0]
    doc, norm_doc, ex, _ = pages[name]
    assert norm_doc.original == doc.text == (WEB / name).read_bytes().decode(doc.encoding)
    provs = list(_provenances(ex))
    assert len(provs) > 10
    for p in provs:
        assert p.quote == doc.text[p.orig_start:p.orig_end]
        if p.end > p.start:  # (a date read from a dropped metadata line has no normalised span)
            shown = norm(_visible(p.quote))
            assert shown == norm(norm_doc.text[p.start:p.end]), (p.rule, p.quote)
            assert shown in norm(_visible(p.sentence_quote))


def test_a_gb2312_page_is_decoded_by_its_declared_charset():
    doc = load_document(WEB / "city_table.html")
    assert doc.encoding == "gb18030" and "赣州市应急管理局" in doc.content
    data = (WEB / "city_table.html").read_bytes()
    assert webpage.declared_encoding(data) == "gb18030"
    # a wrong guess is corrected by the declaration
    wrong = data.decode("latin-1")
    assert webpage.redecode(data, wrong, "latin-1")[0] == data.decode("gb18030")


def test_title_date_and_text_lines_map_to_the_source(pages):
    doc, *_ = pages["province_cms.html"]
    src, text = doc.text, doc.content
    m = doc.content_map
    for line_start in [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]:
        end = text.find("\n", line_start)
        end = len(text) if end < 0 else end
        s, e = m.orig_span(line_start, end)
        assert norm(_visible(src[s:e])).startswith(norm(text[line_start:end])[:6])
    # the date line quotes the page's date as its source writes it
    assert "2023-03-08" in text.splitlines()[1]


def test_no_main_text_falls_back_and_the_report_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(webpage, "_trafilatura", lambda source: ("", None, None))
    src = tmp_path / "sources"
    src.mkdir()
    (src / "page.html").write_text((WEB / "province_cms.html").read_text(encoding="utf-8"), encoding="utf-8")
    (src / "note.txt").write_text("全省应急管理系统坚持人民至上、生命至上，扎实推进安全生产专项整治，事故起数同比下降。\n",
                                  encoding="utf-8")
    build(src, tmp_path / "out", views=False)
    report = json.loads((tmp_path / "out" / "build-report.json").read_text(encoding="utf-8"))
    by_file = {d["file"]: d for d in report["documents"]}
    assert by_file["page.html"]["html"] == "fallback" and by_file["page.html"]["status"] == "extracted"
    assert by_file["note.txt"]["html"] is None
    ex = process_document(src / "page.html", SourceMeta(id="page", file="page.html"))
    assert ex.html == "fallback"
    for p in _provenances(ex):  # the plain path maps into the source too
        assert p.quote == (src / "page.html").read_text(encoding="utf-8")[p.orig_start:p.orig_end]


def test_main_text_is_reported(tmp_path):
    src = tmp_path / "sources"
    src.mkdir()
    (src / "wechat.html").write_bytes((WEB / "wechat.html").read_bytes())
    build(src, tmp_path / "out", views=False)
    report = json.loads((tmp_path / "out" / "build-report.json").read_text(encoding="utf-8"))
    assert [d["html"] for d in report["documents"]] == ["main"]


def test_a_line_the_extractor_rewrote_keeps_only_what_the_page_holds():
    a = webpage._Aligner(visible_text("<p>全省开展安全检查</p><p>查处隐患120处</p>"))
    text, s, e, lost = a.line("全省开展安全大检查 查处隐患120处")
    assert lost == 1 and text == "全省开展安全检查查处隐患120处"
    assert len(s) == len(text) and np.all(e > s)


def test_fallback_text_maps_entities_and_drops_navigation():
    src = "<body><nav>首页</nav><p>健全&ldquo;双重预防机制&rdquo;</p><p>第二段</p></body>"
    buf = fallback_text(src)
    assert buf.text == "健全“双重预防机制”\n第二段"
    for i, ch in enumerate(buf.text):
        if ch != "\n":
            assert html.unescape(src[int(buf.starts[i]):int(buf.ends[i])]) == ch


# ------------------------------------------------------------------ any page: the map never lies
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_parts = st.one_of(
    st.sampled_from(["<p>", "</p>", "<div class=\"content\">", "</div>", "<br>", "<b>", "</b>", "<nav>", "</nav>",
                     "<script>var a='<p>x</p>';</script>", "<!-- 注释 -->", "&ldquo;", "&rdquo;", "&nbsp;", "&amp;",
                     "&#x4e2d;", "&bogus;", "<h1>", "</h1>", "<table><tr><td>", "</td></tr></table>", "\n", "  ",
                     "<meta name=\"PubDate\" content=\"2023-03-08\">", "<title>某市应急管理局_某市人民政府网</title>",
                     "发布时间：2022-05-06", "全省应急管理系统坚持人民至上、生命至上，扎实推进安全生产专项整治。",
                     "健全双重预防机制，完善风险监测预警平台，", "<", ">", "&"]),
    st.text(alphabet=st.sampled_from(list("应急管理厅局防汛会议召开，。“”a1 <>&;#")), max_size=12),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_parts, max_size=30).map("".join))
def test_every_character_of_a_page_text_comes_from_the_source(source):
    page = webpage.read_page("<html><body>" + source + "</body></html>")
    src = "<html><body>" + source + "</body></html>"
    buf = page.buffer
    assert len(buf.starts) == len(buf.ends) == len(buf.text)
    for i, ch in enumerate(buf.text):
        s, e = int(buf.starts[i]), int(buf.ends[i])
        assert 0 <= s <= e <= len(src)
        if ch.isspace():
            continue
        shown = html.unescape(src[s:e])
        assert shown == ch or ch in shown, (ch, src[s:e])


def test_a_rebuild_reports_the_page_as_the_first_build_did(tmp_path):
    src = tmp_path / "sources"
    src.mkdir()
    (src / "wechat.html").write_bytes((WEB / "wechat.html").read_bytes())
    (src / "note.txt").write_text("全省应急管理系统坚持人民至上、生命至上，扎实推进安全生产专项整治，事故起数同比下降。\n",
                                  encoding="utf-8")
    build(src, tmp_path / "out", views=False)
    (src / "note.txt").write_text("全省应急管理系统坚持人民至上，扎实推进安全生产专项整治，事故起数和死亡人数同比下降。\n",
                                  encoding="utf-8")
    report = build(src, tmp_path / "out", views=False)
    page = [d for d in report.documents if d.file == "wechat.html"][0]
    assert (page.status, page.html) == ("cached", "main")

"""PDF sources: the text layer in reading order, the page in every provenance, scans and
damaged files skipped with their reason. The PDFs are made here with reportlab and its
built-in CID font STSong-Light (Adobe-GB1), the way Chinese office PDFs embed text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.build import build
from kg.errors import SourceError
from kg.io.loader import load_document
from kg.io.pdf import PAGE_BREAK, page_of, read_pdf
from kg.models import Provenance
from kg.views.render import evidence_rows
from tests.browser import opened
from tests.test_views_browser import _POINT_JS, READY

pytest.importorskip("reportlab")
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))

PAGE_ONE = ["某省应急管理厅2024年工作报告", "一年来，全省应急管理系统坚持人民至上。", "各地加强值班值守，做好防汛准备。"]
PAGE_TWO = ["全面推行预警“叫应”机制，推进双重预防机制建设。", "落实安全生产责任制。"]


def make_pdf(path: Path, pages: list[list[str]], reverse: bool = False) -> Path:
    """A PDF of ``pages``, one line per string from the top; ``reverse`` draws the lines of
    each page bottom first (the content stream out of reading order)."""
    c = canvas.Canvas(str(path), invariant=1)  # invariant: no creation date, the same bytes every time
    for lines in pages:
        c.setFont("STSong-Light", 12)
        placed = [(780 - 24 * i, line) for i, line in enumerate(lines)]
        for y, line in reversed(placed) if reverse else placed:
            c.drawString(60, y, line)
        c.showPage()
    c.save()
    return path


def make_scan(path: Path) -> Path:
    """A PDF whose only page is an image (a scanned sheet): no text layer."""
    from PIL import Image

    c = canvas.Canvas(str(path), invariant=1)
    c.drawInlineImage(Image.new("L", (60, 80), 200), 60, 400, width=300, height=400)
    c.showPage()
    c.save()
    return path


def test_chinese_text_of_a_cid_font_in_reading_order(tmp_path):
    # drawn bottom line first: pdfminer's layout still reads top to bottom (pypdf would not)
    text, starts = read_pdf(make_pdf(tmp_path / "a.pdf", [PAGE_ONE, PAGE_TWO], reverse=True).read_bytes())
    assert text == "\n".join(PAGE_ONE) + PAGE_BREAK + "\n".join(PAGE_TWO)
    assert starts == [0, len("\n".join(PAGE_ONE)) + len(PAGE_BREAK)]
    assert text[starts[1]:].startswith("全面推行")


def test_a_line_drawn_in_two_pieces_is_one_line(tmp_path):
    path = tmp_path / "a.pdf"
    c = canvas.Canvas(str(path), invariant=1)
    c.setFont("STSong-Light", 12)
    c.drawString(60, 700, "建立健全")
    c.drawString(60 + 12 * 4, 700, "应急联动机制。")
    c.save()
    assert read_pdf(path.read_bytes())[0] == "建立健全应急联动机制。"


def test_page_of():
    assert [page_of([0, 5], i) for i in (0, 4, 5, 99)] == [1, 1, 2, 2]


def test_load_document_keeps_the_text_layer_and_the_page_starts(tmp_path):
    doc = load_document(make_pdf(tmp_path / "r.pdf", [PAGE_ONE, PAGE_TWO]))
    assert doc.format == "pdf" and doc.encoding == "pdf"
    assert doc.page_starts == [0, doc.text.index("全面推行")]


def test_a_scan_is_skipped_no_text(tmp_path):
    with pytest.raises(SourceError) as e:
        load_document(make_scan(tmp_path / "scan.pdf"))
    assert e.value.kind == "no-text"
    assert "scan.pdf" in str(e.value) and "no text layer" in str(e.value)


@pytest.mark.parametrize("data", [b"%PDF-1.7\n", b"not a pdf at all", None])
def test_a_damaged_pdf_is_skipped_naming_the_file(tmp_path, data):
    path = tmp_path / "broken.pdf"
    if data is None:  # a real PDF cut in half
        whole = make_pdf(tmp_path / "whole.pdf", [PAGE_ONE]).read_bytes()
        data = whole[: len(whole) // 2]
    path.write_bytes(data)
    with pytest.raises(SourceError) as e:
        load_document(path)
    assert e.value.kind == "damaged"
    assert "broken.pdf" in str(e.value) and "damaged PDF" in str(e.value)


@pytest.fixture(scope="module")
def pdf_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("pdf")
    src = root / "src"
    src.mkdir()
    make_pdf(src / "report.pdf", [PAGE_ONE, PAGE_TWO])
    make_scan(src / "scan.pdf")
    (src / "broken.pdf").write_bytes(make_pdf(root / "whole.pdf", [PAGE_TWO]).read_bytes()[:300])
    (src / "note.txt").write_text("某市应急管理局建立应急联动机制。\n", encoding="utf-8")
    report = build(src, root / "out", views=True)
    return src, root / "out", report


def _graph(out: Path) -> dict:
    return json.loads((out / "graph.json").read_text(encoding="utf-8"))


def test_the_mechanism_on_page_two_says_page_two(pdf_build):
    _, out, _ = pdf_build
    g = _graph(out)
    provs = {p["id"]: p for p in g["provenance"]}
    node = next(n for n in g["nodes"] if n["id"] == "Mechanism:双重预防机制")
    pages = {provs[i]["page"] for i in node["evidence"] if provs[i]["doc_id"] == "report"}
    assert pages == {2}
    title = next(p for p in g["provenance"] if p["doc_id"] == "report" and p["rule"].startswith("meta.title"))
    assert title["page"] == 1
    # a text source's evidence has no page (the key is absent, not null)
    assert all("page" not in p for p in g["provenance"] if p["doc_id"] == "note")
    # provenance.csv: the page column, empty for the text file
    rows = (out / "provenance.csv").read_text(encoding="utf-8-sig").splitlines()
    header = rows[0].split(",")
    col = header.index("page")
    cells = {r.split(",")[1]: set() for r in rows[1:]}
    for r in rows[1:]:
        cells[r.split(",")[1]].add(r.split(",")[col])
    assert cells["report"] == {"1", "2"} and cells["note"] == {""}


def test_every_quote_is_a_slice_of_the_text_layer(pdf_build):
    src, out, _ = pdf_build
    text = load_document(src / "report.pdf").text
    provs = [p for p in _graph(out)["provenance"] if p["doc_id"] == "report"]
    assert len(provs) >= 5
    for p in provs:
        assert p["quote"] == text[p["orig_start"]:p["orig_end"]], p
        assert p["page"] == page_of([0, text.index("全面推行")], p["orig_start"])


def test_scans_and_damaged_pdfs_are_reported_and_cost_nothing_else(pdf_build):
    _, out, report = pdf_build
    assert {d.file: d.kind for d in report.skipped} == {"broken.pdf": "damaged", "scan.pdf": "no-text"}
    saved = json.loads((out / "build-report.json").read_text(encoding="utf-8"))
    reasons = {d["file"]: d["reason"] for d in saved["documents"]}
    assert reasons["broken.pdf"].startswith("is a damaged PDF (")
    assert "no text layer" in reasons["scan.pdf"]
    built = {n["id"] for n in _graph(out)["nodes"]}
    assert {"Mechanism:应急联动机制", "Mechanism:双重预防机制"} <= built  # the .txt and the good .pdf


def test_evidence_rows_carry_the_page_of_a_pdf_only():
    p = Provenance(doc_id="report", rule="r", start=0, end=2, orig_start=0, orig_end=2, quote="叫应",
                   sentence="叫应。", sentence_start=0, sentence_quote="叫应。", page=3)
    assert evidence_rows([p])[0] == [["report", "", "叫应", "。", 3]]
    assert evidence_rows([p.model_copy(update={"page": None})])[0] == [["report", "", "叫应", "。"]]


@pytest.mark.browser
def test_the_card_says_p_2(chromium, pdf_build):
    _, out, _ = pdf_build
    with opened(chromium, out / "mechanisms.html") as (page, log):
        page.wait_for_function(READY)
        x, y = page.evaluate("(id) => { const p = window.kgView.network.getPositions([id])[id]; return [p.x, p.y]; }",
                             "Mechanism:双重预防机制")
        px, py = page.evaluate(_POINT_JS, [x, y])
        page.mouse.click(px, py)
        docs = page.eval_on_selector_all("#details .kg-doc", "els => els.map(e => e.textContent)")
    assert not log.errors
    assert docs and all(d.endswith(", p. 2") for d in docs), docs


def test_same_pdfs_give_byte_identical_exports(pdf_build, tmp_path):
    src, out, _ = pdf_build
    build(src, tmp_path / "again", views=True)
    for name in ("graph.json", "graph.graphml", "nodes.csv", "edges.csv", "evidence.csv", "provenance.csv",
                 "summaries.json", "kg.sqlite"):
        assert (out / name).read_bytes() == (tmp_path / "again" / name).read_bytes(), name


def test_a_text_layer_of_unmapped_glyphs_is_no_text(tmp_path, monkeypatch):
    # fonts without a ToUnicode map: pdfminer writes (cid:N) for every glyph; reportlab's fonts
    # always map, so the reader's output is replaced here
    import kg.io.loader as loader

    path = make_pdf(tmp_path / "cid.pdf", [PAGE_ONE])
    monkeypatch.setattr(loader, "read_pdf", lambda data: ("(cid:17)(cid:4)(cid:95)应", [0]))
    with pytest.raises(SourceError) as e:
        load_document(path)
    assert e.value.kind == "no-text" and "cid.pdf" in str(e.value) and "75% of its glyphs" in str(e.value)


def test_page_number_lines_are_not_text(tmp_path):
    path = tmp_path / "numbered.pdf"
    c = canvas.Canvas(str(path), invariant=1)
    for n, lines in enumerate([PAGE_ONE, PAGE_TWO], start=1):
        c.setFont("STSong-Light", 12)
        for i, line in enumerate(lines):
            c.drawString(60, 780 - 24 * i, line)
        c.drawString(280, 40, f"- {n} -")  # the footer
        c.showPage()
    c.save()
    text, _ = read_pdf(path.read_bytes())
    assert text == "\n".join(PAGE_ONE) + PAGE_BREAK + "\n".join(PAGE_TWO)


def test_a_wrapped_paragraph_is_one_line_and_its_end_stays_a_break(tmp_path):
    # typeset paragraphs: full lines at 14 pt leading, a new paragraph indented by two
    # ideographic spaces, the title and a paragraph's last line short
    path = tmp_path / "wrapped.pdf"
    c = canvas.Canvas(str(path), invariant=1)
    c.setFont("STSong-Light", 12)
    rows = ["某县应急管理局工作报告", "全省推进双重预防机制建设", "，落实责任。", "\u3000\u3000各地健全应急联动工作",
            "机制。"]
    for i, line in enumerate(rows):
        c.drawString(60, 700 - 14 * i, line)
    c.save()
    text, _ = read_pdf(path.read_bytes())
    assert text.split("\n") == ["某县应急管理局工作报告", "全省推进双重预防机制建设，落实责任。",
                                 text.split("\n")[2][:2] + "各地健全应急联动工作机制。"]
    assert text.split("\n")[2][:2].strip() == ""  # the indent, as the text layer has it

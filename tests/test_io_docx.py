"""Word (.docx) sources: paragraphs and table cells in document order, the heading as the
title, every quote a slice of the extracted text. The files are made here with python-docx."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest

from kg.build import build
from kg.errors import SourceError
from kg.io.docx import read_docx
from kg.io.loader import load_document

TITLE = "某省应急管理厅2024年工作要点"


def make_docx(path: Path) -> Path:
    d = docx.Document()
    d.add_heading(TITLE, level=1)
    d.add_paragraph("一、全面推行预警“叫应”机制。")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "任务"
    table.cell(0, 1).text = "推进双重预防机制建设"
    table.cell(1, 0).text = "责任"
    table.cell(1, 1).text = "落实安全生产责任制"
    merged = d.add_table(rows=1, cols=2)
    merged.cell(0, 0).merge(merged.cell(0, 1)).text = "跨两列的单元格"
    d.add_paragraph("")  # empty paragraphs give no line
    d.add_paragraph("二、健全应急联动机制。")
    d.save(str(path))
    return path


def test_paragraphs_and_cells_in_document_order(tmp_path):
    text = read_docx(make_docx(tmp_path / "a.docx").read_bytes())
    assert text == "\n".join([TITLE, "", "一、全面推行预警“叫应”机制。", "任务", "推进双重预防机制建设", "责任",
                              "落实安全生产责任制", "跨两列的单元格", "二、健全应急联动机制。"])


def test_load_document(tmp_path):
    doc = load_document(make_docx(tmp_path / "a.docx"))
    assert doc.format == "docx" and doc.page_starts is None and doc.text.startswith(TITLE)


@pytest.mark.parametrize("data", [b"PK\x03\x04", b"plain text, not a zip", None])
def test_a_damaged_docx_is_skipped_naming_the_file(tmp_path, data):
    path = tmp_path / "broken.docx"
    if data is None:  # a real .docx cut in half
        whole = make_docx(tmp_path / "whole.docx").read_bytes()
        data = whole[: len(whole) // 2]
    path.write_bytes(data)
    with pytest.raises(SourceError) as e:
        load_document(path)
    assert e.value.kind == "damaged" and "broken.docx" in str(e.value) and "damaged Word document" in str(e.value)


def test_an_empty_docx_is_no_text(tmp_path):
    path = tmp_path / "empty.docx"
    docx.Document().save(str(path))
    with pytest.raises(SourceError) as e:
        load_document(path)
    assert e.value.kind == "no-text" and "empty.docx" in str(e.value)


@pytest.fixture(scope="module")
def docx_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("docx")
    src = root / "src"
    src.mkdir()
    make_docx(src / "plan.docx")
    (src / "broken.docx").write_bytes(b"PK\x03\x04")
    (src / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    (src / "memo.wps").write_bytes(b"\xd0\xcf\x11\xe0")
    report = build(src, root / "out", views=False)
    return src, root / "out", report


def test_the_heading_is_the_title_and_cells_are_evidence(docx_build):
    src, out, _ = docx_build
    summary = json.loads((out / "summaries.json").read_text(encoding="utf-8"))
    plan = next(s for s in summary if s["file"] == "plan.docx")
    assert plan["title"] == TITLE
    g = json.loads((out / "graph.json").read_text(encoding="utf-8"))
    ids = {n["id"] for n in g["nodes"]}
    assert {"Mechanism:双重预防机制", "Mechanism:应急联动机制"} <= ids  # a table cell's, a paragraph's
    text = load_document(src / "plan.docx").text
    provs = [p for p in g["provenance"] if p["doc_id"] == "plan"]
    assert len(provs) >= 4
    for p in provs:
        assert p["quote"] == text[p["orig_start"]:p["orig_end"]], p
        assert "page" not in p


def test_doc_and_wps_stay_unsupported(docx_build):
    _, _, report = docx_build
    assert {d.file: d.kind for d in report.skipped} == {"broken.docx": "damaged", "old.doc": "unsupported",
                                                        "memo.wps": "unsupported"}


def test_same_docx_gives_byte_identical_exports(docx_build, tmp_path):
    src, out, _ = docx_build
    build(src, tmp_path / "again", views=False)
    for name in ("graph.json", "graph.graphml", "nodes.csv", "edges.csv", "provenance.csv", "summaries.json",
                 "kg.sqlite"):
        assert (out / name).read_bytes() == (tmp_path / "again" / name).read_bytes(), name

"""kg.xlsx (kg.export.xlsx): a sheet per table, no cell a formula, Excel's limits kept, same bytes every build."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

import kg.export.xlsx as xlsx
from kg.build import build
from kg.export import FILES, render_all
from kg.export.xlsx import MAX_CELL_CHARS, XLSX_FILE, render_xlsx, truncated, write_xlsx
from kg.graph.build import build_graph
from tests.graph_fixtures import corpus

SHEETS = ["documents", "nodes", "edges", "evidence", "figures"]

# a document of our own whose lines begin with what a spreadsheet takes for a formula
HOSTILE = """=HYPERLINK("http://example.invalid","点我")湖南省应急管理厅召开全省安全生产工作会议
+全面建立安全生产双重预防机制，持续推进风险分级管控。
-全省生产安全事故起数同比下降12.5%，死亡人数同比下降8.1%。
@各级应急管理部门健全预警“叫应”机制，做到叫醒、叫应。
=1+1 全省共有3.5万余名应急救援队员。
"""
MANIFEST = ("id,file,title,region,date,publisher,origin\n"
            'evil,evil.txt,"=cmd|\' /C calc\'!A0",湖南省,2023-05-06,,\n')


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("src")
    (src / "evil.txt").write_text(HOSTILE, encoding="utf-8")
    (src / "manifest.csv").write_text(MANIFEST, encoding="utf-8")
    out = tmp_path_factory.mktemp("out")
    build(src, out, views=False, cache=False)
    return out


def _cells(book):
    for ws in book.worksheets:
        for row in ws.iter_rows():
            yield from row


def _values(path_or_bytes, sheet: str) -> list[tuple]:
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else Path(path_or_bytes).read_bytes()
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return list(book[sheet].iter_rows(values_only=True))


def test_every_build_writes_the_workbook_with_a_sheet_per_table(hostile):
    assert XLSX_FILE in FILES
    book = openpyxl.load_workbook(hostile / XLSX_FILE)
    assert book.sheetnames == SHEETS
    docs = _values(hostile / XLSX_FILE, "documents")
    assert docs[0] == ("id", "file", "title", "date", "region", "count")
    assert docs[1][:5] == ("evil", "evil.txt", "=cmd|' /C calc'!A0", "2023-05-06", "湖南省")
    figures = _values(hostile / XLSX_FILE, "figures")
    assert figures[0][:8] == ("region", "subject", "value", "unit", "normalized_value", "normalized_unit",
                              "direction", "baseline")
    by_unit = {(r[2], r[3]): r for r in figures[1:]}
    row = by_unit[(3.5, "万余名")]  # numbers as numbers, as written and in base units
    assert row[4] == 35000 and row[5] == "名" and row[8] == "2023-05-06" and row[9] == "evil"
    assert "3.5万余名" in row[11] and row[12].startswith("evil#")


def test_no_cell_is_a_formula_and_formula_like_text_stays_text(hostile):
    book = openpyxl.load_workbook(hostile / XLSX_FILE)
    starts = set()
    for cell in _cells(book):
        assert cell.data_type in ("s", "n", "b"), (cell.coordinate, cell.data_type, cell.value)
        if isinstance(cell.value, str):
            assert cell.data_type == "s"
            starts.add(cell.value[:1])
    assert {"=", "+", "-", "@"} <= starts  # the hostile lines are there, as text
    sentences = [r[9] for r in _values(hostile / XLSX_FILE, "evidence")[1:]]
    assert any(s.startswith("+全面建立安全生产双重预防机制") for s in sentences)
    assert any(s.startswith("@各级应急管理部门") for s in sentences)
    # and in the XML itself: not one <f> element (a formula) in any sheet
    with zipfile.ZipFile(hostile / XLSX_FILE) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name


def test_evidence_cites_the_provenance_the_quote_and_the_sentence(hostile):
    rows = _values(hostile / XLSX_FILE, "evidence")
    assert rows[0] == ("kind", "node", "source", "relation", "target", "provenance", "doc_id", "rule", "quote",
                       "sentence")
    mech = [r for r in rows[1:] if r[0] == "node" and r[1] == "Mechanism:安全生产双重预防机制"]
    assert mech and all(r[5].startswith("evil#") and r[8] in r[9] for r in mech)
    edges = [r for r in rows[1:] if r[0] == "edge"]
    assert edges and all(r[1] is None and r[2] and r[3] and r[4] for r in edges)


def test_same_sources_give_the_same_bytes_with_one_or_two_jobs(hostile, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "evil.txt").write_text(HOSTILE, encoding="utf-8")
    (src / "manifest.csv").write_text(MANIFEST, encoding="utf-8")
    build(src, tmp_path / "two", views=False, cache=False, jobs=2)
    build(src, tmp_path / "again", cache=False)  # with views
    data = (hostile / XLSX_FILE).read_bytes()
    assert (tmp_path / "two" / XLSX_FILE).read_bytes() == data
    assert (tmp_path / "again" / XLSX_FILE).read_bytes() == data
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 31, 0, 0, 0)}
        assert b"2000-01-01T00:00:00Z" in z.read("docProps/core.xml")  # not the time of the build


def test_rendered_and_written_bytes_agree_and_nothing_is_left_behind(tmp_path):
    kg = build_graph(*corpus())
    assert render_all(kg)[XLSX_FILE] == render_xlsx(kg)
    assert render_xlsx(build_graph(*corpus([7, 6, 5, 4, 3, 2, 1, 0]))) == render_xlsx(kg)
    path = write_xlsx(kg, tmp_path / XLSX_FILE)
    assert path.read_bytes() == render_xlsx(kg)
    assert sorted(p.name for p in tmp_path.iterdir()) == [XLSX_FILE]


def test_control_characters_are_dropped_and_the_rest_kept_as_written():
    kg = build_graph(*corpus())
    node = sorted(kg.graph.nodes)[3]
    kg.graph.nodes[node]["label"] = "=a\x1bb\x00c\td\ne"
    rows = _values(render_xlsx(kg), "nodes")
    (row,) = [r for r in rows if r[0] == node]
    assert row[2] == "=abc\td\ne"


def test_a_text_longer_than_a_cell_is_cut_with_a_marker():
    assert truncated("短") == "短"
    exact = "长" * MAX_CELL_CHARS
    assert truncated(exact) == exact
    cut = truncated("长" * 40_000)
    assert len(cut) == MAX_CELL_CHARS and cut.startswith("长" * 1000)
    assert cut.endswith("[cut: 40,000 characters in all; the whole text is in graph.json and kg.sqlite]")


def test_a_sentence_longer_than_a_cell_is_cut_in_the_workbook(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    long = "湖南省各级应急管理部门全面建立安全生产双重预防机制，" + "持续推进风险分级管控和隐患排查治理，" * 2500 + "确保安全。"
    (src / "long.txt").write_text("湖南省应急管理厅工作会议\n" + long + "\n", encoding="utf-8")
    build(src, tmp_path / "out", views=False, cache=False)
    rows = _values(tmp_path / "out" / XLSX_FILE, "evidence")
    cut = [r[9] for r in rows[1:] if r[9] and len(r[9]) == MAX_CELL_CHARS]
    assert cut and all(s.startswith(long[:100]) and s.endswith("graph.json and kg.sqlite]") for s in cut)
    assert all(len(v) <= MAX_CELL_CHARS for r in rows for v in r if isinstance(v, str))


def test_a_table_longer_than_a_sheet_goes_on_in_the_next(monkeypatch):
    kg = build_graph(*corpus())
    whole = _values(render_xlsx(kg), "evidence")
    monkeypatch.setattr(xlsx, "MAX_ROWS", 50)
    data = render_xlsx(kg)
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    parts = [n for n in book.sheetnames if n == "evidence" or n.startswith("evidence (")]
    assert len(parts) == -(-(len(whole) - 1) // 49) > 2
    assert parts[1] == "evidence (2)"
    spilled = [whole[0]]
    for name in parts:
        rows = list(book[name].iter_rows(values_only=True))
        assert rows[0] == whole[0] and len(rows) <= 50
        spilled += rows[1:]
    assert spilled == whole
    assert book.sheetnames[-1] == "figures"

import csv
import io

import pandas as pd
import pytest

from kg.store import STORE_FILE, read_store
from hypothesis import given
from hypothesis import strategies as st

from kg.errors import ExportError, OntologyError, OutputError
from kg.export import FILES, render_all, write_all
from kg.export.tables import (
    EDGES_CSV,
    EVIDENCE_CSV,
    MERGES_CSV,
    NODES_CSV,
    PROVENANCE_CSV,
    _csv_line,
    read_tables,
    render_tables,
    write_tables,
)
from kg.graph.build import build_graph
from tests.graph_fixtures import corpus, fujian


@pytest.fixture(scope="module")
def kg():
    return build_graph(*corpus())


@pytest.fixture(scope="module")
def tables(kg):
    return render_tables(kg)


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_files_have_a_bom_and_crlf_for_excel(tables):
    for name, data in tables.items():
        assert data.startswith("\ufeff".encode("utf-8")), name
        assert data.split(b"\n")[0].endswith(b"\r"), name


def test_neo4j_import_headers(tables):
    nodes = _rows(tables[NODES_CSV])[0]
    assert nodes[:3] == ["id:ID", ":LABEL", "label"]
    assert {"count:int", "value:double", "anonymized:boolean", "aliases:string[]", "parts:int", "level"} <= set(nodes)
    assert "type" not in nodes  # the type is the :LABEL
    edges = _rows(tables[EDGES_CSV])[0]
    assert edges[:3] == [":START_ID", ":END_ID", ":TYPE"]
    assert {"count:int", "docs:string[]", "position:int", "phase", "titles:string[]"} == set(edges[3:])


def test_rows_and_typed_cells(kg, tables):
    nodes = {r[0]: r for r in _rows(tables[NODES_CSV])[1:]}
    header = _rows(tables[NODES_CSV])[0]
    assert list(nodes) == sorted(nodes) and len(nodes) == kg.graph.number_of_nodes()
    z = dict(zip(header, nodes["Region:浙江省"]))
    assert (z[":LABEL"], z["aliases:string[]"], z["anonymized:boolean"], z["adcode"]) == ("Region", "浙江", "false", "330000")
    assert z["value:double"] == "" and z["titles:string[]"] == ""  # not attributes of a Region
    s = dict(zip(header, nodes["Statistic:湖南省/自然灾害受灾人口/下降/44.81%/近五年均值"]))
    assert (s["value:double"], s["unit"], s["region"]) == ("44.81", "%", "湖南省")
    edges = _rows(tables[EDGES_CSV])[1:]
    assert len(edges) == kg.graph.number_of_edges()
    assert ["Official:凌志峰", "Organization:浙江省应急管理厅", "holds_post_in", "2", "004_zhejiang|005_zhejiang", "", "",
            "党委书记|厅长"] in edges


def test_evidence_table_has_one_row_per_element_and_mention(kg, tables):
    rows = _rows(tables[EVIDENCE_CSV])
    assert rows[0] == ["kind", "node", "source", "relation", "target", "provenance", "doc_id", "quote"]
    assert len(rows) - 1 == sum(len(v) for v in kg.evidence.values())
    header = rows[0]
    hits = [dict(zip(header, r)) for r in rows[1:] if r[2:5] == ["Region:福建省", "adopts", "Mechanism:双重预防机制"]]
    assert [(h["doc_id"], h["quote"]) for h in hits] == [("003_fujian", "双重预防机制")]
    provenance = _rows(tables[PROVENANCE_CSV])
    (mention,) = [dict(zip(provenance[0], r)) for r in provenance[1:] if r[0] == hits[0]["provenance"]]
    start = fujian()[0].mechanisms[0].prov.start
    assert (mention["id"], mention["sentence_quote"], mention["start"]) == (hits[0]["provenance"], "健全双重预防机制。", str(start))
    assert len(_rows(tables[MERGES_CSV])) - 1 == len(kg.merges)


def test_provenance_table_lists_each_mention_once(kg, tables):
    rows = _rows(tables[PROVENANCE_CSV])
    assert rows[0][:3] == ["id", "doc_id", "rule"]
    docs = [r[1] for r in rows[1:]]
    assert [r[0] for r in rows[1:]] == [f"{d}#{docs[:i].count(d)}" for i, d in enumerate(docs)]
    assert len(rows) - 1 == len({p for ev in kg.evidence.values() for p in ev})


def test_pandas_reads_chinese_with_utf8_sig(tables, tmp_path):
    (tmp_path / NODES_CSV).write_bytes(tables[NODES_CSV])
    df = pd.read_csv(tmp_path / NODES_CSV, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert df.columns[0] == "id:ID"
    assert df.loc[df["id:ID"] == "Region:湖南省", "label"].item() == "湖南省"


def test_round_trip_gives_an_equal_graph(kg, tmp_path):
    write_tables(kg, tmp_path)
    back = read_tables(tmp_path)
    assert back == kg


def test_reader_names_file_line_and_value(kg, tmp_path):
    write_tables(kg, tmp_path)
    text = (tmp_path / NODES_CSV).read_bytes().decode("utf-8-sig").replace(",44.81\r\n", ",many\r\n")
    assert ",many\r\n" in text
    (tmp_path / NODES_CSV).write_bytes(text.encode("utf-8-sig"))
    with pytest.raises(ExportError, match=r"nodes.csv:\d+: value = 'many' is not a float"):
        read_tables(tmp_path)


def test_reader_checks_citations(kg, tmp_path):
    write_tables(kg, tmp_path)
    text = (tmp_path / EVIDENCE_CSV).read_bytes().decode("utf-8-sig")
    (tmp_path / EVIDENCE_CSV).write_bytes((text + "node,Region:湖南省,,,,99999,000_hunan,湖南省\r\n").encode("utf-8-sig"))
    with pytest.raises(ExportError, match=r"evidence.csv:\d+: provenance '99999' is not a row of provenance.csv"):
        read_tables(tmp_path)


def test_reader_refuses_an_edge_outside_the_ontology(kg, tmp_path):
    write_tables(kg, tmp_path)
    text = (tmp_path / EDGES_CSV).read_bytes().decode("utf-8-sig")
    text += "Region:湖南省,Duty:综合防,has_item,1,000_hunan,,1,\r\n"
    (tmp_path / EDGES_CSV).write_bytes(text.encode("utf-8-sig"))
    with pytest.raises(OntologyError, match="Region -has_item-> Duty"):
        read_tables(tmp_path)


@pytest.mark.parametrize("order", [[7, 6, 5, 4, 3, 2, 1, 0], [5, 3, 1, 7, 0, 2, 4, 6]])
def test_all_exports_are_byte_identical_whatever_the_document_order(kg, order):
    assert render_all(build_graph(*corpus(order))) == render_all(kg)


@pytest.mark.parametrize("jobs", [1, 2])
def test_write_all_writes_every_format_and_no_temporary_file(kg, tmp_path, jobs):
    out = tmp_path / "out" / "nested"
    extra = {"extra.txt": lambda: "额外\n".encode("utf-8")}
    written = write_all(kg, out, jobs=jobs, extra=extra)
    assert [p.name for p in written] == list(FILES) + [STORE_FILE, "extra.txt"]
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES + (STORE_FILE, "extra.txt"))
    rendered = render_all(kg)
    for p in written[:-2]:
        assert p.read_bytes() == rendered[p.name]
    assert read_store(written[-2]) == kg
    assert written[-1].read_text(encoding="utf-8") == "额外\n"


def test_forked_writers_report_a_failure_as_an_output_error(kg, tmp_path):
    def broken() -> bytes:
        raise PermissionError(13, "Permission denied", str(tmp_path / "out" / "broken.txt"))

    with pytest.raises(OutputError, match="broken.txt: cannot be written: Permission denied"):
        write_all(kg, tmp_path / "out", jobs=2, extra={"broken.txt": broken})


def test_a_failing_writer_leaves_no_file_half_written_nor_scratch(kg, tmp_path, monkeypatch):
    import kg.export as export

    out = tmp_path / "out"
    write_all(kg, out, jobs=1)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    real = export.render_shard

    def failing(pieces, shard, shards, reuse=None):
        if shard == 1:
            raise PermissionError(13, "Permission denied", str(out / "graph.json"))
        return real(pieces, shard, shards, reuse)

    monkeypatch.setattr(export, "render_shard", failing)  # inherited by the forked writers
    with pytest.raises(OutputError, match="graph.json: cannot be written: Permission denied"):
        write_all(kg, out, jobs=2)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # the old files, whole; no scratch


def test_stitching_without_kernel_copies_gives_the_same_files(kg, tmp_path, monkeypatch):
    def unsupported(*args, **kwargs):
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr("os.copy_file_range", unsupported)
    write_all(kg, tmp_path / "out", jobs=2)
    rendered = render_all(kg)
    assert {name: (tmp_path / "out" / name).read_bytes() for name in rendered} == rendered


def test_write_all_into_a_file_is_an_output_error(kg, tmp_path):
    blocker = tmp_path / "out"
    blocker.write_text("not a directory", encoding="utf-8")
    with pytest.raises(OutputError, match="cannot be written"):
        write_all(kg, blocker)


@given(st.lists(st.text(alphabet='a,"\r\n 中|', max_size=5), min_size=2, max_size=4))
def test_cells_are_quoted_as_the_csv_module_quotes_them(cells):
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow(cells)
    assert _csv_line(cells) + "\r\n" == buf.getvalue()


CONTROLS = "".join(map(chr, range(0x20))) + "\x7f"
KEPT = "\t\r\n"  # a quoted cell holds these (RFC 4180)


def test_control_characters_never_reach_a_table_and_the_text_around_them_does():
    """NUL, ESC, BEL, form feed ... of a scraped source are dropped from every cell of every table
    (quotes, sentences, labels), consistently: evidence.csv still matches provenance.csv."""
    from kg.models import DocumentExtraction, MechanismMention
    from tests.graph_fixtures import Text

    t = Text("ctl\x1b[2J", "\x0c全省\x00建立\x1b[31m健全“双重\x07预防\x7f机制”\tX。")
    ex = DocumentExtraction(doc_id=t.doc_id, file="ctl.txt", mechanisms=[
        MechanismMention(prov=t.prov("“双重\x07预防\x7f机制”", "mechanism.quoted"), name="双重\x07预防\x7f机制",
                         head="机制")])
    tables = render_tables(build_graph([ex]))
    for name, data in tables.items():
        text = data.decode("utf-8-sig")
        assert not set(text) & (set(CONTROLS) - set(KEPT)), name
    header = _rows(tables[PROVENANCE_CSV])[0]
    (prov,) = [p for r in _rows(tables[PROVENANCE_CSV])[1:] if (p := dict(zip(header, r)))["rule"] == "mechanism.quoted"]
    assert prov["quote"] == "“双重预防机制”" and prov["doc_id"] == "ctl[2J"
    assert prov["sentence_quote"] == "全省建立[31m健全“双重预防机制”\tX。"  # the tab is kept
    evidence = [dict(zip(_rows(tables[EVIDENCE_CSV])[0], r)) for r in _rows(tables[EVIDENCE_CSV])[1:]]
    assert ("ctl[2J", "“双重预防机制”") in {(e["doc_id"], e["quote"]) for e in evidence}
    assert all(e["doc_id"] == "ctl[2J" for e in evidence)
    assert any(r[0] == "Mechanism:双重预防机制" for r in _rows(tables[NODES_CSV])[1:])


@given(st.lists(st.text(alphabet='a,"\r\n 中' + CONTROLS, max_size=6), min_size=2, max_size=4))
def test_a_line_is_the_csv_modules_line_of_the_cells_without_controls(cells):
    dropped = ["".join(ch for ch in c if ch in KEPT or ch not in CONTROLS) for c in cells]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow(dropped)
    assert _csv_line(cells) + "\r\n" == buf.getvalue()

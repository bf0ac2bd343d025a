"""kg.store: the evidence stored once in kg.sqlite, searched by character bigrams, read back whole."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg import query
from kg.build import build
from kg.errors import ExportError, StoreError
from kg.export.nodelink import read_node_link
from kg.export.tables import read_tables
from kg.graph.build import Snapshot
from kg.store import STORE_FILE, dump, mentions, read_store, search, sentence_id, write_store
from kg.store.bigrams import bigram_text, match_expression
from tests.paths import SOURCES


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("store") / "out"
    build(SOURCES, out, views=False, cache=False)
    return out


def _sentences(path: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(path) as con:
        return con.execute("SELECT id, text, coalesce(normalised, text) FROM sentences ORDER BY id").fetchall()


# ------------------------------------------------------------------ search
@pytest.mark.parametrize("term", ["叫应", "防汛", "台风", "双重预防", "双重预防机制", "应急管理厅", "防", "救", "应急 管理",
                                  "综合防、协同抗", "“叫应”", "2019年", "不存在的词语组合"])
def test_search_finds_exactly_the_sentences_holding_the_term(built, term):
    store = built / STORE_FILE
    want = sorted(sid for sid, text, norm in _sentences(store)
                  if all(part in text or part in norm for part in term.split()))
    got = sorted(row["sentence_id"] for row in search(store, term))
    assert got == want
    if term in ("叫应", "防汛", "台风"):
        assert got, f"{term}: the demo corpus holds it"  # two characters: what trigrams would miss


def test_search_rows_name_their_document_and_read_in_text_order(built):
    rows = search(built / STORE_FILE, "叫应")
    assert all(set(r) == {"sentence_id", "doc_id", "title", "start", "text"} for r in rows)
    assert rows == sorted(rows, key=lambda r: (r["doc_id"], r["start"], r["sentence_id"]))
    normalised = {sid: norm for sid, _, norm in _sentences(built / STORE_FILE)}
    assert all(r["sentence_id"].startswith(r["doc_id"] + "#") and "叫应" in normalised[r["sentence_id"]] for r in rows)
    assert any("叫應" in r["text"] for r in rows)  # a traditional source, found by its simplified text, shown as written
    assert len(search(built / STORE_FILE, "应急", limit=2)) == 2


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="防汛叫应台风，。“” a", min_size=0, max_size=12), st.text(alphabet="防汛叫应台风，“a", min_size=2, max_size=4))
def test_bigram_phrase_matches_exactly_the_substrings(text, term):
    con = sqlite3.connect(":memory:")
    from kg.store.bigrams import TOKENIZE

    con.execute(f"CREATE VIRTUAL TABLE f USING fts5(b, content='', tokenize=\"{TOKENIZE}\")")
    con.execute("INSERT INTO f(rowid, b) VALUES (1, ?)", (bigram_text(text),))
    expression = match_expression(term)
    found = bool(con.execute("SELECT rowid FROM f WHERE f MATCH ?", (expression,)).fetchall()) if expression else None
    if expression is not None and " " not in term:
        assert found == (term in text), (text, term, expression)


def test_a_two_character_term_is_one_bigram_so_datasette_finds_it_unchanged(built):
    # Datasette's ?_search= quotes each term as an FTS5 phrase: "叫应" is the bigram itself
    with sqlite3.connect(built / STORE_FILE) as con:
        ids = {r[0] for r in con.execute(
            "SELECT id FROM sentences WHERE rowid IN (SELECT rowid FROM sentences_fts WHERE sentences_fts MATCH ?)",
            ('"叫应"',))}
    assert ids == {r["sentence_id"] for r in search(built / STORE_FILE, "叫应")} and ids


# ------------------------------------------------------------------ contents
def test_the_store_holds_the_whole_graph_and_each_sentence_once(built):
    kg = query.load(built / "graph.json").kg  # graph.json, its sentences read from the store
    assert read_store(built / STORE_FILE) == kg
    sentences = {sentence_id(p): p.sentence_quote for ev in kg.evidence.values() for p in ev}
    stored = _sentences(built / STORE_FILE)
    assert [s[0] for s in stored] == sorted(sentences)  # each once
    assert {s[0]: s[1] for s in stored} == sentences
    with sqlite3.connect(built / STORE_FILE) as con:
        meta = dict(con.execute("SELECT key, value FROM meta"))
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert meta["format"] == "kg-store" and int(meta["sentences"]) == len(sentences)


def test_the_other_exports_cite_sentences_instead_of_repeating_them(built):
    data = json.loads((built / "graph.json").read_text(encoding="utf-8"))
    record = data["provenance"][0]
    assert "sentence" not in record and "sentence_quote" not in record
    assert mentions(built / STORE_FILE, [record["id"]])[record["id"]].quote == record["quote"]
    assert record["sentence_id"] in {s[0] for s in _sentences(built / STORE_FILE)}
    header = (built / "provenance.csv").read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert "sentence_id" in header and "sentence_quote" not in header
    assert "evidence_sentence" not in (built / "graph.graphml").read_text(encoding="utf-8")
    assert read_tables(built) == read_store(built / STORE_FILE)


def test_inline_evidence_writes_self_contained_files(tmp_path):
    out = tmp_path / "out"
    build(SOURCES, out, views=False, cache=False, inline_evidence=True)
    record = json.loads((out / "graph.json").read_text(encoding="utf-8"))["provenance"][0]
    assert "sentence" in record and record["sentence_quote"] and record["sentence_id"]
    assert "evidence_sentence" in (out / "graph.graphml").read_text(encoding="utf-8")
    (out / STORE_FILE).unlink()  # they need no store
    assert read_node_link(out / "graph.json") == read_tables(out)


def test_without_the_store_the_readers_say_where_the_sentences_are(built, tmp_path):
    shutil.copy(built / "graph.json", tmp_path / "graph.json")
    with pytest.raises(ExportError, match=r"kg\.sqlite.*--inline-evidence|no such store"):
        read_node_link(tmp_path / "graph.json")


def test_explorer_reads_evidence_from_the_store(built):
    ex = query.load(built)
    assert ex.source.endswith(STORE_FILE)
    frame = ex.evidence("Mechanism:双重预防机制")
    assert len(frame) and all("双重预防" in s for s in frame["sentence_normalised"])
    assert all(q in s for q, s in zip(frame["quote"], frame["sentence"]))  # the quote inside its sentence as written


def test_a_file_that_is_not_a_store_is_named(tmp_path):
    bad = tmp_path / STORE_FILE
    bad.write_bytes(b"not a database at all, just bytes" * 40)
    with pytest.raises(StoreError, match=r"E095.*kg\.sqlite: not a kg store"):
        search(bad, "叫应")
    with pytest.raises(StoreError, match="no such store"):
        read_store(tmp_path / "missing.sqlite")


# ------------------------------------------------------------------ determinism, atomicity
def test_same_sources_same_dump_whatever_the_order_and_jobs(built, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    # other file names, other discovery order; the manifest keeps the ids
    for p in sorted(SOURCES.iterdir(), reverse=True):
        shutil.copy(p, src / p.name)
    out2 = tmp_path / "jobs2"
    build(src, out2, views=False, cache=False, jobs=2)
    assert dump(out2 / STORE_FILE) == dump(built / STORE_FILE)


def test_an_interrupted_write_leaves_the_old_store_whole(built, tmp_path, monkeypatch):
    import kg.store.write as write

    path = tmp_path / STORE_FILE
    kg = read_store(built / STORE_FILE)
    write_store(Snapshot.of(kg), path)
    before = dump(path)

    def boom(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(write, "_replace_small_tables", boom)
    with pytest.raises(KeyboardInterrupt):
        write_store(Snapshot.of(kg), path)
    assert dump(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [STORE_FILE]  # no temporary file left


def test_explorer_sentences_agree_with_the_store_and_without_it(built):
    ex = query.load(built)
    in_memory = query.Explorer(ex.kg)  # no store: the same rows from the evidence in memory
    for term in ("叫应", "防", "双重预防 机制"):
        rows = ex.sentences(term)
        assert rows.equals(in_memory.sentences(term)) and len(rows), term
    first = ex.sentences("叫应").iloc[0]
    assert "Mechanism:预警叫应机制" in ex.sentences("叫应")["nodes"].sum() and first["title"]
    with pytest.raises(query.QueryError, match="non-empty"):
        ex.sentences("  ")


def test_the_committed_schema_makes_the_store_the_writer_makes(built):
    from tests.paths import ROOT

    con = sqlite3.connect(":memory:")
    con.executescript((ROOT / "schemas" / "kg-store.sql").read_text(encoding="utf-8"))
    made = sorted(con.execute("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sentences_fts_%'"))
    with sqlite3.connect(built / STORE_FILE) as real:
        assert made == sorted(real.execute("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sentences_fts_%'"))


def test_a_store_that_cannot_be_updated_is_written_afresh(built, tmp_path):
    from kg.export import StoreUpdate, write_all
    from kg.store import update_store

    kg = read_store(built / STORE_FILE)
    garbage = tmp_path / "old.sqlite"
    garbage.write_bytes(b"\0" * 4096)
    with pytest.raises(StoreError, match="old.sqlite"):
        update_store(Snapshot.of(kg), garbage, tmp_path / "new.sqlite", {"x"}, set(), set())
    assert not (tmp_path / "new.sqlite").exists() and sorted(p.name for p in tmp_path.iterdir()) == ["old.sqlite"]
    out = tmp_path / "out"
    write_all(kg, out, store=StoreUpdate(garbage, {"000_f964f0785da45e89"}, set(), set()))
    assert dump(out / STORE_FILE) == dump(built / STORE_FILE)

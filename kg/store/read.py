"""Reading ``kg.sqlite``: the whole graph back, mentions by id, search, and a canonical dump."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional

from kg.errors import StoreError
from kg.graph.model import KnowledgeGraph, MergeRecord, edge_key, node_key
from kg.graph.ontology import check_edge_attrs, check_node
from kg.models import Provenance, trusted_provenance
from kg.store.bigrams import match_expression, short_runs
from kg.store.schema import FORMAT, TABLES, VERSION

# a mention with its sentence: every field of a Provenance
_MENTION_SQL = ("SELECT m.id, m.doc_id, m.rule, m.start, m.\"end\", m.orig_start, m.orig_end, m.quote, s.start, "
                "coalesce(s.normalised, s.text), s.text FROM mentions m JOIN sentences s ON s.id = m.sentence_id")


def connect(path: str | Path) -> sqlite3.Connection:
    """A read-only connection to the store at ``path`` (StoreError if it is not one)."""
    path = Path(path)
    if not path.is_file():
        raise StoreError(path, "no such store; build it with: kg build SOURCES --out DIR")
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        got = dict(con.execute("SELECT key, value FROM meta WHERE key IN ('format', 'format_version')").fetchall())
    except sqlite3.Error as e:
        raise StoreError(path, f"not a kg store: {e}") from None
    if got != {"format": FORMAT, "format_version": str(VERSION)}:
        con.close()
        raise StoreError(path, f"not a kg store of format version {VERSION} (found {got or 'none'}); build it again")
    return con


def _prov(row: tuple) -> Provenance:
    return trusted_provenance({"doc_id": row[1], "rule": row[2], "start": row[3], "end": row[4], "orig_start": row[5],
                               "orig_end": row[6], "quote": row[7], "sentence_start": row[8], "sentence": row[9],
                               "sentence_quote": row[10]})


def mentions(path: str | Path, ids: Optional[Iterable[str]] = None) -> dict[str, Provenance]:
    """Mention id -> its :class:`~kg.models.Provenance` (sentence included), for ``ids`` or all."""
    con = connect(path)
    try:
        if ids is None:
            rows = con.execute(_MENTION_SQL).fetchall()
        else:
            wanted, rows = sorted(set(ids)), []
            for i in range(0, len(wanted), 500):
                part = wanted[i:i + 500]
                rows += con.execute(_MENTION_SQL + f" WHERE m.id IN ({','.join('?' * len(part))})", part).fetchall()
    finally:
        con.close()
    return {row[0]: _prov(row) for row in rows}


def read_store(path: str | Path) -> KnowledgeGraph:
    """The KnowledgeGraph the store holds (equal to the one it was written from)."""
    con = connect(path)
    try:
        provs = {row[0]: _prov(row) for row in con.execute(_MENTION_SQL)}
        kg = KnowledgeGraph()
        for n, type_, label, count, docs, attributes in con.execute(
                "SELECT id, type, label, count, docs, attributes FROM nodes ORDER BY id"):
            attrs = dict(json.loads(attributes), type=type_, label=label, count=count, docs=json.loads(docs))
            kg.graph.add_node(n, **check_node(n, attrs))
        keys = {}
        for i, head, relation, tail, count, docs, attributes in con.execute(
                "SELECT id, source, relation, target, count, docs, attributes FROM edges ORDER BY source, relation, target"):
            attrs = dict(json.loads(attributes), relation=relation, count=count, docs=json.loads(docs))
            kg.graph.add_edge(head, tail, key=relation, **check_edge_attrs(head, relation, tail, attrs))
            keys[i] = edge_key(head, relation, tail)
        # each element's mentions in document order, then by their number there
        for n, mention in con.execute("SELECT e.node_id, e.mention_id FROM node_evidence e JOIN mentions m "
                                      "ON m.id = e.mention_id ORDER BY e.node_id, m.doc_id, m.n"):
            kg.evidence.setdefault(node_key(n), []).append(provs[mention])
        for i, mention in con.execute("SELECT e.edge_id, e.mention_id FROM edge_evidence e JOIN mentions m "
                                      "ON m.id = e.mention_id ORDER BY e.edge_id, m.doc_id, m.n"):
            kg.evidence.setdefault(keys[i], []).append(provs[mention])
        kg.merges = [MergeRecord(node=r[0], alias=r[1], rule=r[2], doc_id=r[3])
                     for r in con.execute("SELECT node_id, alias, rule, doc_id FROM merges ORDER BY node_id, alias, doc_id, rule")]
        kg.documents = {r[0]: {"file": r[1], "title": r[2], "date": r[3], "region": r[4]}
                        for r in con.execute("SELECT id, file, title, date, region FROM documents ORDER BY id")}
    except (sqlite3.Error, KeyError, ValueError) as e:
        raise StoreError(path, f"damaged store: {e}") from None
    finally:
        con.close()
    return kg


SEARCH_COLUMNS = ("sentence_id", "doc_id", "title", "start", "text")


def search_sql(term: str) -> tuple[str, list[Any]]:
    """SQL (and its parameters) selecting the ids of the sentences holding ``term``: the
    bigram index for its runs of two or more characters, a scan for single characters."""
    where, params = [], []
    expression = match_expression(term)
    if expression is not None:
        where.append("s.rowid IN (SELECT rowid FROM sentences_fts WHERE sentences_fts MATCH ?)")
        params.append(expression)
    for run in short_runs(term):
        where.append("(instr(s.text, ?) OR instr(coalesce(s.normalised, ''), ?))")
        params += [run, run]
    if not where:
        where.append("0")
    return "SELECT s.id FROM sentences s WHERE " + " AND ".join(where), params


def search(path: str | Path, term: str, limit: Optional[int] = None) -> list[dict[str, Any]]:
    """The sentences holding ``term`` (any length, two characters and one included), in
    document and text order: dicts of :data:`SEARCH_COLUMNS` (the text as written).
    Whitespace separates terms that must all occur.

    The same query Datasette's ``?_search=`` runs against ``sentences_fts``, once the
    term is rewritten by :func:`kg.store.bigrams.match_expression`.
    """
    sql, params = search_sql(term)
    con = connect(path)
    try:
        rows = con.execute(
            "SELECT s.id, s.doc_id, d.title, s.start, s.text FROM sentences s LEFT JOIN documents d ON d.id = s.doc_id "
            f"WHERE s.id IN ({sql}) ORDER BY s.doc_id, s.start, s.id" + (" LIMIT ?" if limit is not None else ""),
            params + ([limit] if limit is not None else [])).fetchall()
    except sqlite3.Error as e:
        raise StoreError(path, f"search for {term!r} failed: {e}") from None
    finally:
        con.close()
    return [dict(zip(SEARCH_COLUMNS, r)) for r in rows]


def iter_dump(path: str | Path) -> Iterator[str]:
    """The canonical text of the store: every table's rows in key order (no rowids), then the
    search index as each sentence's tokens. Equal stores give equal dumps."""
    con = connect(path)
    try:
        for table, (columns, key) in TABLES.items():
            yield f"-- {table}\n"
            cols = ", ".join(f'"{c}"' for c in columns)
            order = ", ".join(key)
            if table == "edge_evidence":  # in the order of the edges' keys
                cols = "e.source, e.relation, e.target, x.mention_id"
                table, order = "edge_evidence x JOIN edges e ON e.id = x.edge_id", "e.source, e.relation, e.target, x.mention_id"
            for row in con.execute(f"SELECT {cols} FROM {table} ORDER BY {order}"):
                yield json.dumps(row, ensure_ascii=False) + "\n"
        yield "-- sentences_fts\n"
        con.execute("CREATE VIRTUAL TABLE temp.fts_instances USING fts5vocab(main, sentences_fts, 'instance')")
        tokens: dict[int, list[str]] = {}
        for term, doc, offset in con.execute("SELECT term, doc, offset FROM temp.fts_instances"):
            tokens.setdefault(doc, []).append((offset, term))  # type: ignore[arg-type]
        ids = dict(con.execute("SELECT rowid, id FROM sentences"))
        for rowid, toks in sorted(tokens.items(), key=lambda kv: ids.get(kv[0], f"?{kv[0]}")):
            yield json.dumps([ids.get(rowid, f"? rowid {rowid}"), " ".join(t for _, t in sorted(toks))],
                             ensure_ascii=False) + "\n"
    finally:
        con.close()


def dump(path: str | Path) -> str:
    """:func:`iter_dump` as one string."""
    return "".join(iter_dump(path))

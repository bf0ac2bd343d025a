"""Writing ``kg.sqlite``: afresh from a snapshot, or updated on a copy for what a rebuild changed.

Both paths go through a temporary file in the output directory, renamed over the old
store once complete (an interrupted build leaves the old store whole; ``.*.tmp`` files are
removed by the next build). Rows are inserted in key order, so a fresh store of the same
graph always holds the same rows in the same places; :func:`kg.store.read.dump` is the
canonical text the tests compare (SQLite files themselves are not byte-stable).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional

from kg import __version__
from kg.errors import StoreError
from kg.graph.model import edge_key
from kg.graph.ontology import ONTOLOGY_VERSION, edge_attributes, node_attributes
from kg.io.atomic import _UMASK
from kg.models import Provenance
from kg.store.bigrams import bigram_text
from kg.store.schema import DDL, FORMAT, TABLES, VERSION

_dumps = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def sentence_id(p: Provenance) -> str:
    """The id of the sentence of mention ``p``: ``<doc id>#<start>-<end>`` (its normalised
    span, which fixes its text), or for a line normalisation dropped (a page's date line:
    no normalised text) ``<doc id>#l<hash of the line>``. It depends on the mention alone.

    >>> p = Provenance(doc_id="d1", rule="r", start=3, end=5, orig_start=3, orig_end=5, quote="叫应",
    ...                sentence="落实预警叫应。", sentence_start=0, sentence_quote="落实预警叫应。")
    >>> sentence_id(p)
    'd1#0-7'
    """
    if p.sentence:
        return f"{p.doc_id}#{p.sentence_start}-{p.sentence_start + len(p.sentence)}"
    return f"{p.doc_id}#l{hashlib.sha1(p.sentence_quote.encode('utf-8')).hexdigest()[:12]}"


def _sentence_row(sid: str, p: Provenance) -> tuple:
    # the text as written is what people read; the normalised text only where it differs
    normalised = None if p.sentence == p.sentence_quote else p.sentence
    return (sid, p.doc_id, p.sentence_start, p.sentence_start + len(p.sentence), p.sentence_quote, normalised)


def _mention_row(pid: str, p: Provenance, sid: str) -> tuple:
    return (pid, p.doc_id, int(pid.rpartition("#")[2]), p.rule, p.start, p.end, p.orig_start, p.orig_end, p.quote, sid)


# attributes with columns of their own (the rest go into the ``attributes`` JSON)
_NODE_COLUMNS = frozenset({"type", "label", "count", "docs"})
_EDGE_COLUMNS = frozenset({"relation", "count", "docs"})


def edge_id(head: str, relation: str, tail: str) -> int:
    """The integer id of an edge in the store: 63 bits of a hash of its key, so it is made
    from the edge alone (stable across rebuilds) and evidence rows citing it stay small.

    >>> edge_id("Region:湖南省", "adopts", "Mechanism:双重预防机制")
    1097764244701734914
    """
    digest = hashlib.blake2b(edge_key(head, relation, tail).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def _node_row(n: str, attrs: dict) -> tuple:
    record = {name: attrs.get(name) for name in node_attributes(attrs["type"]) if name not in _NODE_COLUMNS}
    return (n, attrs["type"], attrs.get("label") or n, attrs.get("count"), _dumps(list(attrs.get("docs") or [])),
            _dumps(record))


def _edge_row(head: str, relation: str, tail: str, attrs: dict) -> tuple:
    record = {name: attrs.get(name) for name in edge_attributes(relation) if name not in _EDGE_COLUMNS}
    return (edge_id(head, relation, tail), head, relation, tail, attrs.get("count"),
            _dumps(list(attrs.get("docs") or [])), _dumps(record))


def _meta_rows(snap: Any, counts: dict[str, int]) -> list[tuple[str, str]]:
    rows = {"format": FORMAT, "format_version": str(VERSION), "kg_version": __version__,
            "ontology_version": str(ONTOLOGY_VERSION), "search": "sentences_fts: character bigrams "
            "(kg.store.bigrams); one character: scan sentences.text"}
    rows.update({k: str(v) for k, v in counts.items()})
    return sorted(rows.items())


def _connect(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(path, isolation_level=None)
    # a temporary file renamed into place once whole: no journal needed while it is written
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    return con


def _mentions_of(snap: Any, positions: Iterable[int]) -> Iterator[tuple[str, Provenance]]:
    ids = snap.ids
    for i in positions:
        yield ids[i], snap.prov_at(i)


def _insert_mentions(con: sqlite3.Connection, mentions: Iterable[tuple[str, Provenance]]) -> int:
    """Insert mentions and their sentences (each sentence once, and into the search index)."""
    mention_rows, sentences, seen = [], [], set()
    for pid, p in mentions:
        sid = sentence_id(p)
        if sid not in seen:
            seen.add(sid)
            sentences.append((sid, p))
        mention_rows.append(_mention_row(pid, p, sid))
    sentences.sort(key=lambda item: item[0])
    # rowids given here (after the last one), so the index rows need no lookup; a fresh store's run 1..n
    first = con.execute("SELECT coalesce(max(rowid), 0) + 1 FROM sentences").fetchone()[0]
    con.executemany("INSERT INTO sentences(rowid, id, doc_id, start, \"end\", text, normalised) VALUES (?,?,?,?,?,?,?)",
                    [(first + k, *_sentence_row(sid, p)) for k, (sid, p) in enumerate(sentences)])
    con.executemany("INSERT INTO sentences_fts(rowid, bigrams) VALUES (?, ?)",
                    [(first + k, bigram_text(p.sentence or p.sentence_quote)) for k, (_, p) in enumerate(sentences)])
    con.executemany("INSERT INTO mentions VALUES (?,?,?,?,?,?,?,?,?,?)", mention_rows)
    return len(mention_rows)


def _unindex_sentences(con: sqlite3.Connection, span: tuple[str, str, str]) -> None:
    """Take a document's sentences (``span``: its id range and id) out of the search index."""
    # what was indexed: the normalised text, or the text as written (a dropped line has no normalised text)
    rows = con.execute("SELECT rowid, coalesce(nullif(normalised, ''), text) FROM sentences "
                       "WHERE id >= ? AND id < ? AND doc_id = ?",
                       span).fetchall()
    con.executemany("INSERT INTO sentences_fts(sentences_fts, rowid, bigrams) VALUES ('delete', ?, ?)",
                    [(r, bigram_text(t)) for r, t in rows])


def _elements(snap: Any, nodes: Iterable[int], edges: Iterable[int]) -> tuple[list, list, dict, dict]:
    """Rows of the nodes and edges at those positions, and each one's evidence links (mention ids)."""
    node_rows, edge_rows, node_ev, edge_ev = [], [], {}, {}
    prov_id = snap.prov_id
    for i in nodes:
        n, attrs = snap.nodes[i]
        node_rows.append(_node_row(n, attrs))
        node_ev[n] = {prov_id(p) for p in snap.node_evidence(n)}
    for i in edges:
        head, relation, tail, attrs = snap.edges[i]
        row = _edge_row(head, relation, tail, attrs)
        edge_rows.append(row)
        edge_ev[row[0]] = {prov_id(p) for p in snap.edge_evidence(head, relation, tail)}
    return node_rows, edge_rows, node_ev, edge_ev


def _links(evidence: dict) -> list[tuple]:
    return sorted((k, m) for k, ms in evidence.items() for m in ms)


def _insert_elements(con: sqlite3.Connection, snap: Any, nodes: Iterable[int], edges: Iterable[int]) -> None:
    node_rows, edge_rows, node_ev, edge_ev = _elements(snap, nodes, edges)
    con.executemany("INSERT INTO nodes VALUES (?,?,?,?,?,?)", node_rows)
    con.executemany("INSERT INTO edges VALUES (?,?,?,?,?,?,?)", edge_rows)
    con.executemany("INSERT INTO node_evidence VALUES (?,?)", _links(node_ev))
    con.executemany("INSERT INTO edge_evidence VALUES (?,?)", _links(edge_ev))


def _update_elements(con: sqlite3.Connection, snap: Any, nodes: set[str], edges: set[tuple[str, str, str]]) -> None:
    """Replace the rows of the nodes and edges given (touched or gone) and change their
    evidence links by difference: most links of a widely attested node stay as they are."""
    node_rows, edge_rows, node_ev, edge_ev = _elements(snap, _positions(snap.node_ids, nodes),
                                                       _positions(snap.edge_keys, edges))
    ids = sorted(edge_id(*e) for e in edges)
    con.executemany("DELETE FROM nodes WHERE id = ?", [(n,) for n in sorted(nodes)])
    con.executemany("DELETE FROM edges WHERE id = ?", [(k,) for k in ids])
    con.executemany("INSERT INTO nodes VALUES (?,?,?,?,?,?)", node_rows)
    con.executemany("INSERT INTO edges VALUES (?,?,?,?,?,?,?)", edge_rows)
    for table, column, keys, new in (("node_evidence", "node_id", sorted(nodes), node_ev),
                                     ("edge_evidence", "edge_id", ids, edge_ev)):
        old = set()
        for k in keys:
            old.update(con.execute(f"SELECT {column}, mention_id FROM {table} WHERE {column} = ?", (k,)))
        links = {(k, m) for k, ms in new.items() for m in ms}
        con.executemany(f"DELETE FROM {table} WHERE {column} = ? AND mention_id = ?", sorted(old - links))
        con.executemany(f"INSERT INTO {table} VALUES (?,?)", sorted(links - old))


def _replace_small_tables(con: sqlite3.Connection, snap: Any) -> None:
    """Documents, merges and meta, changed by difference (a rebuild changes few rows)."""
    kg = snap.kg
    docs = {(d, info.get("file") or "", info.get("title"), info.get("date"), info.get("region"))
            for d, info in kg.documents.items()}
    merges = {(m.node, m.alias, m.rule, m.doc_id) for m in kg.merges}
    def key(row: tuple) -> tuple:  # any row sorts (None before text)
        return tuple((x is not None, x or "") for x in row)

    for table, rows in (("documents", docs), ("merges", merges)):
        old = set(con.execute(f"SELECT * FROM {table}"))
        where = " AND ".join(f'"{c}" IS ?' for c in TABLES[table][0])
        con.executemany(f"DELETE FROM {table} WHERE {where}", sorted(old - rows, key=key))
        con.executemany(f"INSERT INTO {table} VALUES ({','.join('?' * len(TABLES[table][0]))})",
                        sorted(rows - old, key=key))
    con.execute("DELETE FROM meta")
    counts = {name: con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
              for name in ("documents", "nodes", "edges", "mentions", "sentences")}
    con.executemany("INSERT INTO meta VALUES (?,?)", _meta_rows(snap, counts))


def _temp(path: Path) -> Path:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    return Path(tmp)


def _finish(con: sqlite3.Connection, tmp: Path, path: Path) -> None:
    con.close()
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(tmp, 0o666 & ~_UMASK)
    os.replace(tmp, path)


def write_store(snap: Any, path: str | Path) -> Path:
    """Write the store of ``snap`` (a :class:`~kg.graph.build.Snapshot`) to ``path``, atomically."""
    path = Path(path)
    tmp = _temp(path)
    try:
        tmp.unlink()
        con = _connect(tmp)
        con.executescript(DDL)
        con.execute("BEGIN")
        _insert_mentions(con, _mentions_of(snap, range(len(snap.ids))))
        _insert_elements(con, snap, range(len(snap.node_ids)), range(len(snap.edge_keys)))
        _replace_small_tables(con, snap)
        con.execute("COMMIT")
        _finish(con, tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def update_store(snap: Any, old: str | Path, path: str | Path, docs: set[str], nodes: set[str],
                 edges: set[tuple[str, str, str]]) -> Path:
    """Write to ``path`` the store of ``snap``, made from the last build's store ``old`` by
    changing, on a copy, only what changed: the mentions and sentences of documents
    ``docs`` (changed, added or removed), and the nodes and edges given (touched by the
    update, added or gone), with their evidence. The rows are those :func:`write_store`
    writes (the dump is the same; only sentences' rowids may differ)."""
    path = Path(path)
    tmp = _temp(path)
    try:
        shutil.copyfile(old, tmp)  # by the kernel (copy_file_range) where it can
        con = _connect(tmp)
        if con.execute("SELECT value FROM meta WHERE key = 'format_version'").fetchone() != (str(VERSION),):
            raise StoreError(old, "not a store of this version")
        con.execute("BEGIN")
        ordered_docs = sorted(docs)
        for d in ordered_docs:
            # a document's rows are one range of ids (``<doc id>#…``), found by the primary keys
            span = (d + "#", d + "$", d)
            _unindex_sentences(con, span)
            con.execute("DELETE FROM mentions WHERE id >= ? AND id < ? AND doc_id = ?", span)
            con.execute("DELETE FROM sentences WHERE id >= ? AND id < ? AND doc_id = ?", span)
        wanted = set(docs)
        positions = [i for i, pid in enumerate(snap.ids) if pid.rpartition("#")[0] in wanted] if wanted else []
        _insert_mentions(con, _mentions_of(snap, positions))
        _update_elements(con, snap, nodes, edges)
        for d in ordered_docs:  # links to mentions that are gone (every element citing them was touched)
            span = (d + "#", d + "$")
            for table in ("node_evidence", "edge_evidence"):
                con.execute(f"DELETE FROM {table} WHERE mention_id >= ? AND mention_id < ? AND mention_id NOT IN "
                            "(SELECT id FROM mentions WHERE id >= ? AND id < ?)", span + span)
        _replace_small_tables(con, snap)
        con.execute("COMMIT")
        _finish(con, tmp, path)
    except sqlite3.Error as e:
        tmp.unlink(missing_ok=True)
        raise StoreError(old, f"cannot be updated: {e}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _positions(keys: list, wanted: set) -> list[int]:
    """Positions in the sorted ``keys`` of those in ``wanted`` (binary search each)."""
    from bisect import bisect_left

    out = []
    for k in sorted(wanted):
        i = bisect_left(keys, k)
        if i < len(keys) and keys[i] == k:
            out.append(i)
    return out



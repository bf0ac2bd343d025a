"""CSV tables of a KnowledgeGraph: nodes, edges, evidence, provenance, merges.

Input: :class:`~kg.graph.model.KnowledgeGraph`. Output: ``nodes.csv``, ``edges.csv``,
``evidence.csv``, ``provenance.csv`` and ``merges.csv`` in one directory; and back:
:func:`read_tables` -> an equal KnowledgeGraph (the tables hold everything).

Encoding: UTF-8 with a byte-order mark, so Excel shows Chinese correctly without an
import dialog; CRLF line ends (RFC 4180); rows in sorted order. Control characters other
than tab and line breaks (``\x00``-``\x1f``, ``\x7f``) are dropped from every cell, as in
GraphML; graph.json keeps every text exactly as written.

``nodes.csv`` and ``edges.csv`` use the header syntax of ``neo4j-admin database import``,
so they load into Neo4j as they are::

    neo4j-admin database import full --array-delimiter="|" \\
        --nodes=nodes.csv --relationships=edges.csv neo4j

* nodes: ``id:ID`` (the node id), ``:LABEL`` (the node type), then one column per
  attribute of any node type, typed with a suffix (``count:int``, ``value:double``,
  ``anonymized:boolean``, ``aliases:string[]``; no suffix = string). A cell is empty when
  the node type lacks the attribute or its value is unknown;
* edges: ``:START_ID``, ``:END_ID``, ``:TYPE`` (the relation), then the edge attributes;
* lists are joined with ``|`` (hence ``--array-delimiter="|"``; a ``|`` inside an element
  is escaped as ``\\|``, see :func:`kg.export.graphml.join_list`).

The other tables have plain headers:

* ``provenance.csv``: every distinct mention once (``id``, document, rule, offsets, the
  quote and ``sentence_id``, its sentence's row in the store ``kg.sqlite``; with
  ``--inline-evidence`` also the sentence, normalised and as written), in document and
  offset order; the id is ``<doc id>#<n>`` (position among the document's mentions,
  stable when other documents change);
* ``evidence.csv``: one row per (element, supporting mention): ``kind`` = node (``node``
  column) or edge (``source``, ``relation``, ``target``), the ``provenance`` id, and for
  reading without a lookup the mention's ``doc_id`` and ``quote`` (its sentence is in
  the store: one mention backs several elements, and sentences are long);
* ``merges.csv``: the entity-resolution decisions (node, alias, rule, document).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional

from kg.errors import ExportError
from kg.export.graphml import encode_chunks, join_list, split_list
from kg.export.records import Section, stored_sentences
from kg.graph.build import Snapshot, documents_from_graph, local_ids
from kg.graph.model import KnowledgeGraph, MergeRecord, edge_key, node_key
from kg.graph.ontology import (
    NODE_TYPES,
    AttrSpec,
    all_edge_attributes,
    all_node_attributes,
    check_edge_attrs,
    check_node,
    edge_attributes,
    node_attributes,
)
from kg.io.atomic import atomic_write_bytes
from kg.models import Provenance
from kg.store.schema import STORE_FILE
from kg.store.write import sentence_id

NODES_CSV = "nodes.csv"
EDGES_CSV = "edges.csv"
EVIDENCE_CSV = "evidence.csv"
PROVENANCE_CSV = "provenance.csv"
MERGES_CSV = "merges.csv"
TABLE_FILES = (NODES_CSV, EDGES_CSV, EVIDENCE_CSV, PROVENANCE_CSV, MERGES_CSV)

_SUFFIX = {"str": "", "int": ":int", "float": ":double", "bool": ":boolean", "list": ":string[]"}
_PROV_FIELDS = tuple(Provenance.model_fields)
_PROV_INTS = {n for n, f in Provenance.model_fields.items() if f.annotation is int}
EVIDENCE_HEADER = ("kind", "node", "source", "relation", "target", "provenance", "doc_id", "quote")
# the sentences live in the store (kg.sqlite): provenance.csv cites them by id, and holds
# them only with --inline-evidence
_SENTENCE_FIELDS = ("sentence", "sentence_quote")
_SLIM_FIELDS = tuple(f for f in _PROV_FIELDS if f not in _SENTENCE_FIELDS)
PROVENANCE_HEADER = ("id",) + _SLIM_FIELDS + ("sentence_id",)
INLINE_PROVENANCE_HEADER = ("id",) + _PROV_FIELDS + ("sentence_id",)
MERGES_HEADER = tuple(MergeRecord.model_fields)


def _columns(specs: dict[str, AttrSpec], skip: str, first: tuple[str, ...]) -> list[tuple[str, str]]:
    names = list(first) + sorted(n for n in specs if n != skip and n not in first)
    return [(n + _SUFFIX[specs[n].kind], n) for n in names]


def node_columns() -> list[tuple[str, str]]:
    """``(header, attribute)`` of the attribute columns of nodes.csv (after id:ID and :LABEL)."""
    return _columns(all_node_attributes(), "type", ("label",))


def edge_columns() -> list[tuple[str, str]]:
    """``(header, attribute)`` of the attribute columns of edges.csv (after the three keys)."""
    return _columns(all_edge_attributes(), "relation", ())


def _cell(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "list":
        return join_list(list(value))
    if kind == "bool":
        return "true" if value else "false"
    if kind == "float":
        return repr(float(value))
    return str(value)


def _parse(text: str, spec: AttrSpec, where: str) -> Any:
    if spec.kind == "list":
        return split_list(text)
    if text == "":
        return None if spec.optional else ("" if spec.kind == "str" else None)
    try:
        if spec.kind == "int":
            return int(text)
        if spec.kind == "float":
            return float(text)
        if spec.kind == "bool":
            return {"true": True, "false": False}[text.lower()]
    except (ValueError, KeyError):
        raise ExportError(f"{where}: {spec.name} = {text!r} is not a {spec.kind}") from None
    return text


_NEEDS_QUOTES = re.compile(r'[",\r\n]')
# Control characters from scraped sources (NUL, ESC, form feed ...): dropped from every cell,
# as graph.graphml drops them (XML cannot hold them); graph.json keeps the text exactly.
# A NUL stops many CSV readers and spreadsheets, an ESC sequence restyles the terminal that
# prints the file. Tab, CR and LF stay: a quoted cell holds them by RFC 4180.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NEEDS_WORK = re.compile('[",\r\n\x00-\x08\x0b\x0c\x0e-\x1f\x7f]')
_SEP = "\ue000"  # joins a line's cells for one search (private use: no cell holds it, none is a control)


def _csv_cell(text: str) -> str:
    """A cell as csv's QUOTE_MINIMAL writes it (quoted only if it holds a comma, quote or line
    break), without control characters (see ``_CONTROL``)."""
    if _NEEDS_WORK.search(text) is None:
        return text
    text = _CONTROL.sub("", text)
    return '"' + text.replace('"', '""') + '"' if _NEEDS_QUOTES.search(text) else text


def _csv_line(cells: Iterable[str]) -> str:
    cells = tuple(cells)
    if _NEEDS_WORK.search(_SEP.join(cells)) is None:
        return ",".join(cells)  # nothing to quote or drop: the usual line, done in C
    return ",".join(_csv_cell(c) for c in cells)


def _node_pieces(snap: Snapshot) -> Iterator[Any]:
    ncols = node_columns()
    yield _csv_line(["id:ID", ":LABEL"] + [h for h, _ in ncols]) + "\r\n"

    def line(i: int) -> str:
        n, attrs = snap.nodes[i]
        specs = node_attributes(attrs["type"])
        return _csv_line([n, attrs["type"]] + [_cell(attrs.get(a), specs[a].kind) if a in specs else ""
                                               for _, a in ncols]) + "\r\n"

    yield Section("n", len(snap.nodes), line)


def _edge_pieces(snap: Snapshot) -> Iterator[Any]:
    ecols = edge_columns()
    yield _csv_line([":START_ID", ":END_ID", ":TYPE"] + [h for h, _ in ecols]) + "\r\n"

    def line(i: int) -> str:
        head, rel, tail, attrs = snap.edges[i]
        specs = edge_attributes(rel)
        return _csv_line([head, tail, rel] + [_cell(attrs.get(a), specs[a].kind) if a in specs else ""
                                              for _, a in ecols]) + "\r\n"

    yield Section("e", len(snap.edges), line)


def _evidence_pieces(snap: Snapshot) -> Iterator[Any]:
    """A record per element: its lines (the table is the largest: each mention's cells are formatted once)."""
    yield _csv_line(EVIDENCE_HEADER) + "\r\n"
    cache: dict[int, str] = {}

    def cells(p: Provenance) -> str:
        text = cache.get(id(p))
        if text is None:
            text = cache[id(p)] = _csv_line((snap.prov_id(p), p.doc_id, p.quote))
        return text

    def node(i: int) -> str:
        n = snap.node_ids[i]
        prefix = _csv_line(("node", n, "", "", "")) + ","
        return "".join([prefix + cells(p) + "\r\n" for p in snap.node_evidence(n)])

    def edge(i: int) -> str:
        head, rel, tail = snap.edge_keys[i]
        prefix = _csv_line(("edge", "", head, rel, tail)) + ","
        return "".join([prefix + cells(p) + "\r\n" for p in snap.edge_evidence(head, rel, tail)])

    yield Section("n", len(snap.nodes), node)
    yield Section("e", len(snap.edges), edge)


_FLAGS = {inline: [(f, f in _PROV_INTS or f == "page") for f in (_PROV_FIELDS if inline else _SLIM_FIELDS)]
          for inline in (False, True)}


def provenance_line(pid: str, p: Provenance, inline: bool = False) -> str:
    """provenance.csv's line of mention ``p`` (id ``pid``), CRLF included."""
    # integer cells never need quotes, so only the text cells are checked
    fields = p.__dict__
    # page: a PDF source's page number, an empty cell for every other source
    return (_csv_cell(pid) + "," + ",".join([("" if fields[f] is None else str(fields[f])) if is_int
                                             else _csv_cell(fields[f])
                                             for f, is_int in _FLAGS[inline]]) + "," + _csv_cell(sentence_id(p))
            + "\r\n")


def _provenance_pieces(snap: Snapshot, inline: bool = False) -> Iterator[Any]:
    yield _csv_line(INLINE_PROVENANCE_HEADER if inline else PROVENANCE_HEADER) + "\r\n"
    yield Section("p", len(snap.ids), lambda i: provenance_line(snap.ids[i], snap.prov_at(i), inline))


def _merge_pieces(snap: Snapshot) -> Iterator[Any]:
    yield _csv_line(MERGES_HEADER) + "\r\n"
    for m in sorted(snap.kg.merges, key=lambda m: (m.node, m.alias, m.doc_id, m.rule)):
        yield _csv_line([getattr(m, f) for f in MERGES_HEADER]) + "\r\n"


_PIECES = {NODES_CSV: _node_pieces, EDGES_CSV: _edge_pieces, MERGES_CSV: _merge_pieces,
           EVIDENCE_CSV: _evidence_pieces, PROVENANCE_CSV: _provenance_pieces}


def iter_table(kg: KnowledgeGraph, name: str, snap: Optional[Snapshot] = None, inline: bool = False) -> Iterator[Any]:
    """The text of table ``name`` (one of :data:`TABLE_FILES`) in pieces (text, and a
    :class:`Section` of element rows): BOM, then CRLF-ended lines. ``inline`` writes the
    sentences into provenance.csv."""
    snap = snap or Snapshot.of(kg)
    yield "\ufeff"
    if name == PROVENANCE_CSV:
        yield from _provenance_pieces(snap, inline)
    else:
        yield from _PIECES[name](snap)


def render_tables(kg: KnowledgeGraph, inline: bool = True) -> dict[str, bytes]:
    """File name -> bytes of the tables (deterministic); files on their own, so by default
    with the sentences inline (``kg build`` writes them to the store instead)."""
    snap = Snapshot.of(kg)
    return {name: encode_chunks(iter_table(kg, name, snap, inline)) for name in TABLE_FILES}


def write_tables(kg: KnowledgeGraph, directory: str | Path, inline: bool = True) -> list[Path]:
    """Write the tables into ``directory`` (each file atomically); returns their paths."""
    directory = Path(directory)
    written = []
    for name, data in render_tables(kg, inline).items():
        atomic_write_bytes(directory / name, data)
        written.append(directory / name)
    return written


def _read(path: Path, required: Iterable[str]) -> list[dict[str, str]]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            rows = list(reader)
            header = reader.fieldnames or []
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise ExportError(f"{path}: cannot read CSV: {e}") from None
    missing = [h for h in required if h not in header]
    if missing:
        raise ExportError(f"{path}: missing columns {missing}")
    return rows


def _attributes(row: dict[str, str], columns: list[tuple[str, str]], specs: dict[str, AttrSpec], where: str) -> dict:
    out: dict[str, Any] = {}
    for header, name in columns:
        text = row.get(header) or ""
        if name in specs:
            out[name] = _parse(text, specs[name], where)
        elif text:
            raise ExportError(f"{where}: {header} is set but not an attribute of this element")
    return out


def _sentences(rows: list[dict[str, str]], path: Path, store: Path) -> dict[str, tuple[str, str]]:
    """Mention id -> (sentence, as written) from the store, for rows without them (as ``kg build`` writes)."""
    wanted = [row["id"] for row in rows if row.get("sentence") is None or row.get("sentence_quote") is None]
    return stored_sentences(wanted, path, store)


def read_tables(directory: str | Path) -> KnowledgeGraph:
    """Read the tables written by :func:`write_tables` or ``kg build`` back into an equal
    KnowledgeGraph (sentences not written inline come from the ``kg.sqlite`` beside them)."""
    directory = Path(directory)
    kg = KnowledgeGraph()
    ncols, ecols = node_columns(), edge_columns()
    path = directory / NODES_CSV
    for i, row in enumerate(_read(path, ["id:ID", ":LABEL"] + [h for h, _ in ncols]), start=2):
        n, node_type = row["id:ID"], row[":LABEL"]
        where = f"{path}:{i}"
        if node_type not in NODE_TYPES:
            raise ExportError(f"{where}: unknown node type {node_type!r}")
        specs = node_attributes(node_type)
        attrs = _attributes(row, ncols, specs, where)
        attrs["type"] = node_type
        kg.graph.add_node(n, **check_node(n, attrs))
    path = directory / EDGES_CSV
    for i, row in enumerate(_read(path, [":START_ID", ":END_ID", ":TYPE"] + [h for h, _ in ecols]), start=2):
        head, tail, rel = row[":START_ID"], row[":END_ID"], row[":TYPE"]
        where = f"{path}:{i}"
        if head not in kg.graph or tail not in kg.graph:
            raise ExportError(f"{where}: edge {head} -{rel}-> {tail} names a node missing from {NODES_CSV}")
        attrs = _attributes(row, ecols, edge_attributes(rel), where)
        attrs["relation"] = rel
        kg.graph.add_edge(head, tail, key=rel, **check_edge_attrs(head, rel, tail, attrs))
    path = directory / PROVENANCE_CSV
    provs: dict[str, Provenance] = {}
    rows = _read(path, ("id",) + tuple(f for f in _SLIM_FIELDS if f != "page"))  # (older builds: no page)
    sentences = _sentences(rows, path, directory / STORE_FILE)
    for i, (row, pid) in enumerate(zip(rows, local_ids(row["doc_id"] for row in rows)), start=2):
        try:
            if row["id"] != pid:
                raise ValueError(f"id {row['id']!r} is not {pid} (its document, then its position there)")
            if pid in sentences:
                row["sentence"], row["sentence_quote"] = sentences[pid]
            page = row.get("page") or None
            provs[row["id"]] = Provenance(**{f: int(row[f]) if f in _PROV_INTS else row[f] for f in _PROV_FIELDS
                                             if f != "page"}, page=int(page) if page else None)
        except ValueError as e:
            raise ExportError(f"{path}:{i}: bad provenance: {e}") from None
    path = directory / EVIDENCE_CSV
    for i, row in enumerate(_read(path, EVIDENCE_HEADER), start=2):
        try:
            prov = provs[row["provenance"]]
        except KeyError:
            raise ExportError(f"{path}:{i}: provenance {row['provenance']!r} is not a row of {PROVENANCE_CSV}") from None
        if (row["doc_id"], row["quote"]) != (prov.doc_id, prov.quote):
            raise ExportError(f"{path}:{i}: doc_id and quote differ from {PROVENANCE_CSV} row {row['provenance']}")
        key = node_key(row["node"]) if row["kind"] == "node" else edge_key(row["source"], row["relation"], row["target"])
        kg.evidence.setdefault(key, []).append(prov)
    path = directory / MERGES_CSV
    kg.merges = [MergeRecord(**{f: row[f] for f in MERGES_HEADER}) for row in _read(path, MERGES_HEADER)]
    kg.documents = documents_from_graph(kg.graph)
    return kg


"""Node-link JSON export of a KnowledgeGraph, citing the evidence of every node and edge.

Input: :class:`~kg.graph.model.KnowledgeGraph`. Output: ``graph.json``; and back:
:func:`read_node_link` -> an equal KnowledgeGraph (the sentences read from the store,
``kg.sqlite`` beside the file, unless they were written inline).

The shape is networkx's node-link form (``nx.node_link_graph(data, edges="edges")``
reads it), plus a ``provenance`` list, validated by ``schemas/graph.schema.json``::

    {"directed": true, "multigraph": true,
     "graph": {"format": "kg-node-link", "version": 1,
               "documents": {doc id: {file, title, date, region}},
               "merges": [{node, alias, rule, doc_id}, ...]},
     "nodes": [{"id": "Region:湖南省", "type": "Region", "label": ..., ..., "evidence": ["d1#0", "d1#7"]}],
     "edges": [{"source": ..., "target": ..., "key": "adopts", "relation": "adopts", ...,
                "evidence": ["d1#12"]}],
     "provenance": [{"id": "d1#12", "doc_id": "d1", "rule": ..., "quote": ..., "start": ..., "end": ...,
                     "orig_start": ..., "orig_end": ..., "sentence_start": ..., "sentence_id": "d1#40-96"}, ...]}

The sentences themselves live once, in the store (``kg.sqlite``, table ``sentences``,
keyed by ``sentence_id``; see :mod:`kg.store`). With ``inline=True`` (``kg build
--inline-evidence``) each mention also carries ``sentence`` (normalised) and
``sentence_quote`` (as written): a self-contained file, several times larger.

Every distinct mention is listed once in ``provenance`` (in document and offset order)
and each node and edge cites the mentions behind it by id: one mention backs a node, its
document's ``mentions`` edge and its region's edge, so writing it inline would triple the
largest part of the file. An id is ``<doc id>#<n>``, the mention's position among its
document's mentions: it stays the same when other documents change, so a citation kept
in a note survives a rebuild. "Which sentence of which document supports this edge" is
one lookup in ``{p["id"]: p for p in provenance}`` per id of the edge's evidence: it
gives the document id, the quote and its offsets, and the sentence's id in the store.

UTF-8, ``ensure_ascii=False``, sorted keys, one node, edge or mention per line, nodes
sorted by id, edges by (source, relation, target): the same graph always gives the same
bytes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

from pydantic import ValidationError

from kg.errors import ExportError
from kg.export.graphml import encode_chunks
from kg.export.records import Section, stored_sentences, text_of
from kg.graph.build import Snapshot, local_ids
from kg.graph.model import KnowledgeGraph, edge_key, node_key
from kg.graph.ontology import (
    NODE_LINK_FORMAT,
    ONTOLOGY_VERSION,
    check_edge_attrs,
    check_node,
    edge_attributes,
    node_attributes,
    node_link_model,
)
from kg.io.atomic import atomic_write_bytes
from kg.models import Provenance
from kg.store.schema import STORE_FILE
from kg.store.write import sentence_id

_PROV_FIELDS = tuple(Provenance.model_fields)


def _graph_info(kg: KnowledgeGraph) -> dict[str, Any]:
    merges = sorted(kg.merges, key=lambda m: (m.node, m.alias, m.doc_id, m.rule))
    return {
        "format": NODE_LINK_FORMAT,
        "version": ONTOLOGY_VERSION,
        "documents": {d: dict(kg.documents[d]) for d in sorted(kg.documents)},
        "merges": [m.model_dump() for m in merges],
    }


def _node_record(snap: Snapshot, n: str, attrs: dict) -> dict[str, Any]:
    record = {name: attrs.get(name) for name in node_attributes(attrs["type"])}
    record["id"] = n
    record["evidence"] = [snap.prov_id(p) for p in snap.node_evidence(n)]
    return record


def _edge_record(snap: Snapshot, head: str, relation: str, tail: str, attrs: dict) -> dict[str, Any]:
    record = {name: attrs.get(name) for name in edge_attributes(relation)}
    record.update(source=head, target=tail, key=relation)
    record["evidence"] = [snap.prov_id(p) for p in snap.edge_evidence(head, relation, tail)]
    return record


def _provenance_record(pid: str, p: Provenance, inline: bool = False) -> dict[str, Any]:
    record = dict(p.__dict__)  # a Provenance holds its fields only (extra="forbid"); keys get sorted
    record["id"] = pid
    record["sentence_id"] = sentence_id(p)
    if record["page"] is None:  # only a PDF source's evidence has a page
        del record["page"]
    if not inline:  # the sentences live in the store
        del record["sentence"], record["sentence_quote"]
    return record


def _node_records(snap: Snapshot) -> Iterator[dict[str, Any]]:
    return (_node_record(snap, n, attrs) for n, attrs in snap.nodes)


def _edge_records(snap: Snapshot) -> Iterator[dict[str, Any]]:
    return (_edge_record(snap, h, r, t, attrs) for h, r, t, attrs in snap.edges)


def _provenance_records(snap: Snapshot, inline: bool) -> Iterator[dict[str, Any]]:
    return (_provenance_record(pid, p, inline) for pid, p in zip(snap.ids, snap.provenance))


def _block(kind: str, count: int, render: Callable[[int], str]) -> Section:
    return Section(kind, count, render, opening="[\n", sep=",\n", closing="\n]", empty="[]")


def node_link_data(kg: KnowledgeGraph, inline: bool = True) -> dict[str, Any]:
    """``kg`` as plain node-link data (what :func:`render_node_link` serialises), by default
    with the sentences inline (data in memory needs no store to be read back)."""
    snap = Snapshot.of(kg)
    return {"directed": True, "multigraph": True, "graph": _graph_info(kg),
            "nodes": list(_node_records(snap)), "edges": list(_edge_records(snap)),
            "provenance": list(_provenance_records(snap, inline))}


# One encoder for every record (json.dumps with options builds a new one per call). No
# indent: json's C encoder only runs without one (several times faster on big graphs).
_dumps = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
# json's C encoder itself, made once: JSONEncoder.encode builds a new one for every call, which
# costs more than encoding a small record. Same output (markers=None only skips the cycle check,
# and records are trees of plain values). Not orjson: it has no ", "/": " separators, so
# graph.json's bytes would change, for at most 1.2x on the whole file (benchmarks/libraries.py).
_c_make_encoder = getattr(json.encoder, "c_make_encoder", None)
if _c_make_encoder is not None:
    # (markers, default, encoder, indent, key_separator, item_separator, sort_keys, skipkeys, allow_nan)
    _c_encode = _c_make_encoder(None, json.JSONEncoder().default, json.encoder.encode_basestring, None,
                                ": ", ", ", True, False, True)

    def _dumps_record(record: dict[str, Any]) -> str:
        return "".join(_c_encode(record, 0))
else:  # pragma: no cover - CPython always has the C encoder
    _dumps_record = _dumps


def provenance_text(pid: str, p: Provenance, inline: bool = False) -> str:
    """The ``provenance`` list's record of mention ``p`` (id ``pid``), as written."""
    return _dumps_record(_provenance_record(pid, p, inline))


PROVENANCE_SEP = ",\n"  # between two records of the list


def iter_node_link(kg: KnowledgeGraph, snap: Optional[Snapshot] = None, inline: bool = False) -> Iterator[Any]:
    """The node-link JSON text of ``kg`` in pieces (text, and a :class:`Section` per element list)."""
    snap = snap or Snapshot.of(kg)
    # top-level keys in sorted order, as json.dumps(sort_keys=True) would put them
    yield '{"directed": true,\n"edges": '
    yield _block("e", len(snap.edges), lambda i: _dumps_record(_edge_record(snap, *snap.edges[i])))
    yield ',\n"graph": ' + _dumps(_graph_info(kg)) + ',\n"multigraph": true,\n"nodes": '
    yield _block("n", len(snap.nodes), lambda i: _dumps_record(_node_record(snap, *snap.nodes[i])))
    yield ',\n"provenance": '
    yield _block("p", len(snap.ids), lambda i: provenance_text(snap.ids[i], snap.prov_at(i), inline))
    yield "}\n"


def render_node_link(kg: KnowledgeGraph, inline: bool = True) -> str:
    """The node-link JSON text of ``kg``: sorted keys, one element per line, trailing newline
    (with the sentences inline unless ``inline=False``: then they are read from a store)."""
    return text_of(iter_node_link(kg, inline=inline))


def write_node_link(kg: KnowledgeGraph, path: str | Path, inline: bool = True) -> Path:
    """Write ``kg`` as node-link JSON to ``path`` (atomically); a file on its own, so by
    default with its sentences inline (``kg build`` writes them to the store instead)."""
    path = Path(path)
    atomic_write_bytes(path, encode_chunks(iter_node_link(kg, inline=inline)))
    return path


def node_link_to_graph(data: Any, source: str = "node-link data", store: Optional[str | Path] = None) -> KnowledgeGraph:
    """Rebuild a KnowledgeGraph from node-link data, validating it against the schema models.

    Mentions without their sentence (as ``kg build`` writes them) take it from ``store``
    (a ``kg.sqlite``)."""
    try:
        parsed = node_link_model().model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        where = "/".join(str(p) for p in err["loc"])
        raise ExportError(f"{source}: {where}: {err['msg']}") from None
    expected = local_ids(record.doc_id for record in parsed.provenance)
    provs: dict[str, Provenance] = {}
    sentences = _sentences(parsed.provenance, source, store)
    for i, (record, pid) in enumerate(zip(parsed.provenance, expected)):
        if record.id != pid:
            raise ExportError(f"{source}: provenance/{i}: id is {record.id!r}, expected {pid!r} "
                              f"(its document, then its position among that document's entries)")
        fields = {f: getattr(record, f) for f in _PROV_FIELDS}
        if record.sentence is None or record.sentence_quote is None:
            fields["sentence"], fields["sentence_quote"] = sentences[pid]
        provs[pid] = Provenance(**fields)

    def cited(ids: list[str], element: str) -> list[Provenance]:
        try:
            return [provs[i] for i in ids]
        except KeyError as e:
            raise ExportError(f"{source}: {element} cites evidence {e.args[0]!r}, "
                              f"which the provenance list does not hold") from None

    kg = KnowledgeGraph()
    for record in parsed.nodes:
        raw = record.model_dump()
        n = raw.pop("id")
        evidence = raw.pop("evidence")
        kg.graph.add_node(n, **check_node(n, raw))
        kg.evidence[node_key(n)] = cited(evidence, f"node {n}")
    for record in parsed.edges:
        raw = record.model_dump()
        head, tail, relation = raw.pop("source"), raw.pop("target"), raw.pop("key")
        evidence = raw.pop("evidence")
        for end in (head, tail):
            if end not in kg.graph:
                raise ExportError(f"{source}: edge {head} -{relation}-> {tail} names a node that is not listed")
        kg.graph.add_edge(head, tail, key=relation, **check_edge_attrs(head, relation, tail, raw))
        kg.evidence[edge_key(head, relation, tail)] = cited(evidence, f"edge {head} -{relation}-> {tail}")
    kg.merges = list(parsed.graph.merges)
    kg.documents = {d: info.model_dump() for d, info in parsed.graph.documents.items()}
    return kg


def _sentences(records: list, source: str, store: Optional[str | Path]) -> dict[str, tuple[str, str]]:
    """Mention id -> (sentence, sentence as written) from ``store``, for the records without them."""
    wanted = [r.id for r in records if r.sentence is None or r.sentence_quote is None]
    if not wanted:
        return {}
    if store is None:
        raise ExportError(f"{source}: the mentions' sentences are in the build's store (kg.sqlite), "
                          f"which is not given (or build with --inline-evidence)")
    return stored_sentences(wanted, source, store)


def read_node_link(path: str | Path, store: Optional[str | Path] = None) -> KnowledgeGraph:
    """Read a ``graph.json`` written by :func:`write_node_link` or ``kg build`` back into an
    equal KnowledgeGraph; sentences not written inline come from ``store`` (by default the
    ``kg.sqlite`` beside the file)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ExportError(f"{path}: cannot read node-link JSON: {e}") from None
    return node_link_to_graph(data, str(path), store if store is not None else path.parent / STORE_FILE)

"""GraphML export of a KnowledgeGraph, for Gephi, Cytoscape, yEd and igraph.

Input: :class:`~kg.graph.model.KnowledgeGraph`. Output: ``graph.graphml`` (UTF-8); and
back: :func:`read_graphml` -> KnowledgeGraph (without the full evidence, see below).

GraphML holds scalars only, so the graph is written in this shape:

* every node has ``label`` and ``type``; each attribute name has one GraphML type across
  all nodes (and one across all edges), taken from the ontology (:mod:`kg.graph.ontology`):
  a key (id ``n_<name>`` / ``e_<name>``) is declared for every attribute the ontology
  allows, and an attribute a node does not have, or whose value is unknown (None), is
  omitted (igraph then reads "" / NaN / False);
* lists (``aliases``, ``docs``, ``titles``, ``items`` …) are joined with ``|``; a ``|`` or
  ``\\`` inside an element is escaped with a backslash (:func:`join_list` / :func:`split_list`);
* characters XML 1.0 cannot hold (control characters other than tab and newline) are
  dropped from strings;
* evidence is summarised on each element: ``count`` (number of mentions) plus the first
  mention's ``evidence_id`` (its provenance id, ``<doc id>#<n>``), ``evidence_doc``,
  ``evidence_rule`` and ``evidence_quote``; with ``inline`` (``kg build
  --inline-evidence``) also ``evidence_sentence`` (the sentence as written, cut at
  :data:`SENTENCE_CHARS` characters). Every mention is cited in ``graph.json`` and
  ``evidence.csv``; the sentences are in the store, ``kg.sqlite``;
* edges carry ``relation`` (and ``label`` = relation, which Gephi displays); their GraphML
  ``id`` is ``<head>|<relation>|<tail>`` (unique, as GraphML requires), node ids are the
  graph's ids (``Region:湖南省``).

Nodes and edges are written in sorted order with sorted attribute keys, so the same
graph always gives the same bytes.

>>> join_list(["a|b", "c"])
'a\\\\|b|c'
>>> split_list(join_list(["a|b", "c\\\\", ""]))
['a|b', 'c\\\\', '']
>>> split_list("")
[]
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Iterator, Optional
from xml.sax.saxutils import escape, quoteattr

import networkx as nx

from kg.errors import ExportError
from kg.export.records import Section, encode_pieces
from kg.graph.build import Snapshot, documents_from_graph
from kg.graph.model import KnowledgeGraph, edge_key
from kg.graph.ontology import (
    AttrSpec,
    all_edge_attributes,
    all_node_attributes,
    check_edge_attrs,
    check_node,
    edge_attributes,
    node_attributes,
)
from kg.io.atomic import atomic_write_bytes

SEPARATOR = "|"
SENTENCE_CHARS = 200
EVIDENCE_ATTRS = ("evidence_id", "evidence_doc", "evidence_rule", "evidence_quote", "evidence_sentence")
# Characters XML 1.0 cannot hold (a pasted web page may carry them); dropped on writing.
_XML_INVALID_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# Anything that needs work before a string can go into XML text (the common string needs none).
_XML_SPECIAL_RE = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# Anything quoteattr would change inside a double-quoted attribute (the common id needs nothing).
_ATTR_SPECIAL_RE = re.compile('[&<>"\n\r\t\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]')


def _attr(value: str) -> str:
    """``quoteattr(_xml_safe(value))``, with a fast path for the usual string."""
    if _ATTR_SPECIAL_RE.search(value) is None:
        return '"' + value + '"'
    return quoteattr(_xml_safe(value))


def _xml_safe(value: Any) -> Any:
    return _XML_INVALID_RE.sub("", value) if isinstance(value, str) else value


def join_list(values: list[str]) -> str:
    """One string for a list: elements joined by ``|``, with ``\\`` and ``|`` escaped."""
    joined = SEPARATOR.join(values)
    if "\\" not in joined and joined.count(SEPARATOR) == len(values) - 1:
        return joined  # nothing to escape (the usual case)
    return SEPARATOR.join(v.replace("\\", "\\\\").replace("|", "\\|") for v in values)


def split_list(text: str) -> list[str]:
    """Inverse of :func:`join_list`; an empty string is the empty list (so ``[""]`` is not kept)."""
    if not text:
        return []
    parts: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            current.append(text[i + 1])
            i += 2
            continue
        if ch == SEPARATOR:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    parts.append("".join(current))
    return parts


def _summary(snap: Snapshot, evidence: list, inline: bool) -> dict[str, Any]:
    if not evidence:
        return {}
    p = evidence[0]
    out = {"evidence_id": snap.prov_id(p), "evidence_doc": p.doc_id, "evidence_rule": p.rule,
           "evidence_quote": p.quote}
    if inline:
        sentence = _xml_safe(p.sentence_quote or p.sentence)
        if len(sentence) > SENTENCE_CHARS:
            sentence = sentence[:SENTENCE_CHARS] + "…"
        out["evidence_sentence"] = sentence
    return out


_GRAPHML_TYPES = {"str": "string", "int": "long", "float": "double", "bool": "boolean", "list": "string"}
_HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
)


def _keys(domain: str, specs: dict[str, AttrSpec], inline: bool = False) -> dict[str, tuple[str, str]]:
    """attribute name -> (key id, GraphML type), declared for every attribute the ontology allows."""
    kinds = {name: spec.kind for name, spec in specs.items()}
    kinds.update({"label": "str", **{a: "str" for a in EVIDENCE_ATTRS if inline or a != "evidence_sentence"}})
    return {name: (f"{domain[0]}_{name}", _GRAPHML_TYPES[kind]) for name, kind in sorted(kinds.items())}


def _text(value: Any, kind: str) -> str:
    if kind == "list":
        value = join_list(list(value))
    elif kind == "bool":
        return "true" if value else "false"
    elif kind == "float":
        return repr(float(value))
    elif kind == "int":
        return str(value)
    if not _XML_SPECIAL_RE.search(value):
        return value
    # a bare CR would come back as LF (XML end-of-line handling): keep it as a reference
    return escape(_xml_safe(value), {"\r": "&#13;"})


def _element(opening: str, closing: str, attrs: dict[str, Any], specs: dict[str, AttrSpec], keys: dict,
             extra: dict) -> str:
    data = {}
    for name, spec in specs.items():
        value = attrs.get(name)
        if value is not None:
            data[name] = _text(value, spec.kind)
    for name, value in extra.items():
        data[name] = _text(value, "str")
    lines = [opening]
    lines.extend(f'      <data key="{keys[name][0]}">{data[name]}</data>\n' for name in sorted(data))
    lines.append(closing)
    return "".join(lines)


def iter_graphml(kg: KnowledgeGraph, snap: Optional[Snapshot] = None, inline: bool = False) -> Iterator[Any]:
    """The GraphML document of ``kg`` in pieces (text, and a :class:`Section` of nodes and of edges)."""
    snap = snap or Snapshot.of(kg)
    node_keys = _keys("node", all_node_attributes(), inline)
    edge_keys = _keys("edge", all_edge_attributes(), inline)
    yield _HEADER
    for domain, keys in (("node", node_keys), ("edge", edge_keys)):
        for name, (key_id, gtype) in keys.items():
            yield f'  <key id="{key_id}" for="{domain}" attr.name="{name}" attr.type="{gtype}"/>\n'
    yield '  <graph id="kg" edgedefault="directed">\n'
    def node(i: int) -> str:
        n, attrs = snap.nodes[i]
        return _element(f"    <node id={_attr(n)}>\n", "    </node>\n", attrs,
                        node_attributes(attrs["type"]), node_keys, _summary(snap, snap.node_evidence(n), inline))

    def edge(i: int) -> str:
        head, relation, tail, attrs = snap.edges[i]
        opening = f"    <edge id={_attr(edge_key(head, relation, tail))} source={_attr(head)} target={_attr(tail)}>\n"
        extra = {"label": relation, **_summary(snap, snap.edge_evidence(head, relation, tail), inline)}
        return _element(opening, "    </edge>\n", attrs, edge_attributes(relation), edge_keys, extra)

    yield Section("n", len(snap.nodes), node)
    yield Section("e", len(snap.edges), edge)
    yield "  </graph>\n</graphml>\n"


encode_chunks = encode_pieces


def render_graphml(kg: KnowledgeGraph, inline: bool = False) -> bytes:
    """The GraphML document of ``kg`` (deterministic bytes)."""
    return encode_chunks(iter_graphml(kg, inline=inline))


def write_graphml(kg: KnowledgeGraph, path: str | Path, inline: bool = False) -> Path:
    """Write ``kg`` as GraphML to ``path`` (atomically)."""
    path = Path(path)
    atomic_write_bytes(path, render_graphml(kg, inline))
    return path


def _restore(raw: dict[str, Any], specs: dict, what: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, spec in specs.items():
        value = raw.get(name)
        if spec.kind == "list":
            out[name] = split_list(value) if value else []
        elif value is None:
            out[name] = None
        elif spec.kind == "float":
            out[name] = float(value)
        elif spec.kind == "int":
            out[name] = int(value)
        else:
            out[name] = value
    unknown = set(raw) - set(specs) - set(EVIDENCE_ATTRS) - {"label", "type"}
    if unknown:
        raise ExportError(f"{what}: attributes {sorted(unknown)} are not in the ontology")
    return out


def read_graphml(path: str | Path) -> KnowledgeGraph:
    """Read a GraphML file written by :func:`write_graphml` back into a KnowledgeGraph.

    Nodes, edges and their attributes come back exactly; evidence does not (GraphML only
    holds its summary), so ``evidence`` and ``merges`` are empty. ``documents`` is rebuilt
    from the Document nodes.
    """
    path = Path(path)
    try:
        g = nx.read_graphml(path, force_multigraph=True, edge_key_type=str)
    except (OSError, ValueError, KeyError, ET.ParseError, nx.NetworkXError) as e:
        raise ExportError(f"{path}: cannot read GraphML: {e}") from None
    kg = KnowledgeGraph()
    for n, raw in g.nodes(data=True):
        node_type = raw.get("type")
        if node_type is None:
            raise ExportError(f"{path}: node {n!r} has no type")
        attrs = _restore(raw, node_attributes(node_type), f"{path}: node {n!r}")
        kg.graph.add_node(n, **check_node(n, attrs))
    for head, tail, _key, raw in g.edges(keys=True, data=True):
        relation = raw.get("relation")
        if relation is None:
            raise ExportError(f"{path}: edge {head} -> {tail} has no relation")
        attrs = _restore(raw, edge_attributes(relation), f"{path}: edge {head} -{relation}-> {tail}")
        kg.graph.add_edge(head, tail, key=relation, **check_edge_attrs(head, relation, tail, attrs))
    kg.documents = documents_from_graph(kg.graph)
    return kg

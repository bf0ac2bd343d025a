"""Build the knowledge graph of a corpus from its extractions.

Input: ``list[DocumentExtraction]`` (mention-level items with provenance) and the
documents' :class:`~kg.models.SourceMeta` (a list parallel to the extractions, any
iterable of them, or a mapping by document id).
Output: a :class:`~kg.graph.model.KnowledgeGraph` following :mod:`kg.graph.model`'s
contract and :mod:`kg.graph.ontology`: node ids ``<Type>:<canonical>``, one edge per
(head, relation, tail), evidence for every node and edge, a merge record for every
entity-resolution decision.

The document's own region is the subject of its ``adopts`` / ``states`` / ``balances`` /
``cites`` / ``reports`` / ``experienced`` edges (the Document node when the region is
unknown). Everything is accumulated by id and emitted in sorted order, and every choice
among written forms is a vote with an order-free tie-break, so the same extractions give
the same graph whatever order the documents come in.

>>> from kg.models import DocumentExtraction, SourceMeta
>>> kg = build_graph([DocumentExtraction(doc_id="d1", file="d1.txt")], [SourceMeta(id="d1", file="d1.txt", region="湖南省")])
>>> sorted(kg.graph.nodes)
['Document:d1', 'Region:湖南省']
>>> kg.graph.edges["Document:d1", "Region:湖南省", "about"]["docs"]
['d1']
"""

from __future__ import annotations

import gc
from collections import abc
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Iterable, Iterator, Mapping, Optional, Sequence

import networkx as nx

from kg.errors import OntologyError
from kg.graph.model import KnowledgeGraph, MergeRecord, edge_key, node_id, node_key
from kg.graph.ontology import (
    PATTERNS,
    NodeBase,
    check_edge,
    check_edge_attrs,
    check_types,
    edge_attributes,
    node_attributes,
)
from kg.graph.resolve import Resolved, Resolver, majority, is_deictic, quote_count, region_label, strip_quotes
from kg.models import DocumentExtraction, Provenance, SourceMeta, trusted_provenance

_COMMON = set(NodeBase.model_fields)
_EDGE_COMMON = {"relation", "docs", "count"}
# A duty that is "lead" in one text and "support" in another as often has no single role.
_TIE_IS_UNKNOWN = {"role"}


def prov_sort_key(p: Provenance) -> tuple:
    """Order of evidence entries: document, position, then everything else (total order)."""
    return (p.doc_id, p.start, p.end, p.orig_start, p.orig_end, p.rule, p.quote,
            p.sentence_start, p.sentence, p.sentence_quote)


@dataclass
class Snapshot:
    """What every exporter walks, computed once per export: elements in order, mentions listed once.

    ``provenance`` holds every distinct provenance of the graph, sorted by
    :func:`prov_sort_key`; exporters list it once and let nodes and edges cite it by id
    (:meth:`prov_id`), because one mention backs a node, its document's ``mentions`` edge
    and its region's edge, and sentences are the bulk of the evidence.

    An id is ``<doc id>#<n>``: the mention's position among its own document's mentions.
    It depends on that document alone, so a citation stays valid when other documents
    are added, changed or removed (and an unchanged element exports the same bytes).
    """

    kg: KnowledgeGraph
    nodes: list[tuple[str, dict]]  # (id, attributes), sorted by id
    edges: list[tuple[str, str, str, dict]]  # (head, relation, tail, attributes), sorted
    provenance: list[Provenance]
    ids: list[str]  # the id of each entry of ``provenance``
    _ids: dict[int, int]  # id(object) -> position in ``provenance``, for the graph's own objects

    @classmethod
    def of(cls, kg: KnowledgeGraph) -> "Snapshot":
        keys: dict[int, tuple] = {}
        unique: dict[tuple, Provenance] = {}
        for ev in kg.evidence.values():
            for p in ev:
                if id(p) not in keys:
                    key = keys[id(p)] = prov_sort_key(p)
                    unique.setdefault(key, p)
        ordered = sorted(unique)
        position = {k: i for i, k in enumerate(ordered)}
        nodes = sorted(kg.graph.nodes(data=True), key=lambda n: n[0])
        edges = sorted(((h, k, t, a) for h, t, k, a in kg.graph.edges(keys=True, data=True)),
                       key=lambda e: (e[0], e[1], e[2]))
        # the evidence lists keep their objects alive, so their ids stay valid for the snapshot
        return cls(kg, nodes, edges, [unique[k] for k in ordered], local_ids(k[0] for k in ordered),
                   {o: position[k] for o, k in keys.items()})

    def __post_init__(self) -> None:
        self.node_ids = [n for n, _ in self.nodes]
        self.edge_keys = [(h, r, t) for h, r, t, _ in self.edges]

    def prov_at(self, position: int) -> Provenance:
        """Entry ``position`` of :attr:`provenance`."""
        return self.provenance[position]

    def position(self, p: Provenance) -> int:
        """Position of ``p`` in :attr:`provenance`."""
        i = self._ids.get(id(p))
        return i if i is not None else self.provenance.index(p)

    def prov_id(self, p: Provenance) -> str:
        """The id evidence lists cite ``p`` by (``<doc id>#<n>``)."""
        return self.ids[self.position(p)]

    def node_evidence(self, node: str) -> list[Provenance]:
        return self.kg.evidence.get(node_key(node), [])

    def edge_evidence(self, head: str, relation: str, tail: str) -> list[Provenance]:
        return self.kg.evidence.get(edge_key(head, relation, tail), [])


def local_ids(doc_ids: Iterable[str]) -> list[str]:
    """Ids of provenance entries listed in order, given each entry's document id.

    >>> local_ids(["a", "a", "b", "a2"])
    ['a#0', 'a#1', 'b#0', 'a2#0']
    """
    out: list[str] = []
    last, n = None, 0
    for doc in doc_ids:
        n = n + 1 if doc == last else 0
        last = doc
        out.append(f"{doc}#{n}")
    return out


def split_prov_id(pid: str) -> tuple[str, int]:
    """``(doc id, n)`` of a provenance id (ValueError if it has no ``#<n>`` ending).

    >>> split_prov_id("000_ab#12")
    ('000_ab', 12)
    """
    doc, sep, n = pid.rpartition("#")
    if not sep or not doc or not n.isdigit():
        raise ValueError(f"{pid!r} is not a provenance id (<doc id>#<n>)")
    return doc, int(n)


def source_provenance(doc_id: str, rule: str, value: str) -> Provenance:
    """Evidence that comes from the source's metadata, not from a span of its text.

    The spans are empty (0, 0); ``rule`` says where the value came from (``source.file``,
    ``manifest.region``, ``document_region.<method>``) and ``quote`` holds the value.
    """
    return Provenance(doc_id=doc_id, rule=rule, start=0, end=0, orig_start=0, orig_end=0, quote=value,
                      sentence="", sentence_start=0, sentence_quote="")


# --------------------------------------------------------------------------- accumulation
class _Acc:
    """What is known about one element so far (containers made on first use: most stay empty)."""

    __slots__ = ("provs", "docs", "votes", "ordered", "sets", "fixed")

    def __init__(self) -> None:
        self.provs: set[int] = set()  # indexes into the builder's provenance table
        self.docs: set[str] = set()
        self.votes: Optional[dict[str, dict[Any, int]]] = None
        self.ordered: Optional[dict[str, list]] = None
        self.sets: Optional[dict[str, dict[str, int]]] = None
        self.fixed: Optional[dict[str, Any]] = None

    def vote(self, name: str, value: Any) -> None:
        if self.votes is None:
            self.votes = {}
        counts = self.votes.setdefault(name, {})
        counts[value] = counts.get(value, 0) + 1

    def order(self, name: str, key: tuple, value: str) -> None:
        if self.ordered is None:
            self.ordered = {}
        self.ordered.setdefault(name, []).append((key, value))

    def collect(self, name: str, value: str) -> None:
        # counted, not just kept, so that a document's contribution can be taken out again
        if self.sets is None:
            self.sets = {}
        counts = self.sets.setdefault(name, {})
        counts[value] = counts.get(value, 0) + 1

    def fix(self, **attrs: Any) -> None:
        if self.fixed is None:
            self.fixed = {}
        self.fixed.update(attrs)

    def subtract(self, other: "_Acc", provs: Iterable[int], doc_id: str) -> None:
        """Take out what one document added (``other``: its accumulator of this element,
        ``provs``: its evidence here as indexes of this builder's table). What is left is
        what a build without that document would have accumulated."""
        self.provs.difference_update(provs)
        self.docs.discard(doc_id)
        for mine, theirs in ((self.votes, other.votes), (self.sets, other.sets)):
            for name, counts in (theirs or {}).items():
                left = mine[name]  # type: ignore[index]
                for value, n in counts.items():
                    if left[value] > n:
                        left[value] -= n
                    else:
                        del left[value]
                if not left:
                    del mine[name]  # type: ignore[union-attr]
        for name in (other.ordered or ()):
            kept = [entry for entry in self.ordered[name] if entry[0][0] != doc_id]  # type: ignore[index]
            if kept:
                self.ordered[name] = kept  # type: ignore[index]
            else:
                del self.ordered[name]  # type: ignore[union-attr]
        # ``fixed`` values are a function of the element's id (its items, poles, figure; a
        # Document's own fields), so any document that still backs the element set them alike

    def __reduce__(self) -> tuple:
        # a tuple per accumulator: pickling slot by slot costs several times more on big graphs
        return _restore_acc, (self.provs, self.docs, self.votes, self.ordered, self.sets, self.fixed)

    def copy(self) -> "_Acc":
        new = _Acc()
        new.provs, new.docs = set(self.provs), set(self.docs)
        new.votes = {k: dict(v) for k, v in self.votes.items()} if self.votes else None
        new.ordered = {k: list(v) for k, v in self.ordered.items()} if self.ordered else None
        new.sets = {k: dict(v) for k, v in self.sets.items()} if self.sets else None
        new.fixed = dict(self.fixed) if self.fixed else None
        return new

    def attribute(self, name: str, kind: str) -> Any:
        if self.fixed and name in self.fixed:
            return self.fixed[name]
        votes = self.votes.get(name) if self.votes else None
        if kind == "list":
            if self.ordered and name in self.ordered:
                return list(dict.fromkeys(v for _, v in sorted(self.ordered[name])))
            if votes:
                return list(majority(votes) or ())
            return sorted(self.sets.get(name, ())) if self.sets else []
        if not votes:
            return None
        value = majority(votes)
        if name in _TIE_IS_UNKNOWN and sum(1 for v, n in votes.items() if v is not None and n == votes[value]) > 1:
            return None
        return value


class _NodeAcc(_Acc):
    __slots__ = ("type", "displays", "written")

    def __init__(self, node_type: str) -> None:
        super().__init__()
        self.type = node_type
        self.displays: dict[str, int] = {}
        self.written: set[tuple[str, str, str]] = set()  # (form, rule, doc id)

    def __reduce__(self) -> tuple:
        return _restore_node_acc, (self.type, self.displays, self.written, self.provs, self.docs, self.votes,
                                   self.ordered, self.sets, self.fixed)

    def subtract(self, other: "_Acc", provs: Iterable[int], doc_id: str) -> None:
        super().subtract(other, provs, doc_id)
        assert isinstance(other, _NodeAcc)
        for form, n in other.displays.items():
            if self.displays[form] > n:
                self.displays[form] -= n
            else:
                del self.displays[form]
        self.written = {w for w in self.written if w[2] != doc_id}


def _restore_acc(provs, docs, votes, ordered, sets, fixed) -> _Acc:
    acc = _Acc.__new__(_Acc)
    acc.provs, acc.docs, acc.votes, acc.ordered, acc.sets, acc.fixed = provs, docs, votes, ordered, sets, fixed
    return acc


def _restore_node_acc(node_type, displays, written, provs, docs, votes, ordered, sets, fixed) -> _NodeAcc:
    acc = _NodeAcc.__new__(_NodeAcc)
    acc.type, acc.displays, acc.written = node_type, displays, written
    acc.provs, acc.docs, acc.votes, acc.ordered, acc.sets, acc.fixed = provs, docs, votes, ordered, sets, fixed
    return acc


@dataclass
class _Deferred:
    head: str
    relation: str
    tail: str
    provs: tuple
    doc_id: str


class _Builder:
    def __init__(self) -> None:
        self.nodes: dict[str, _NodeAcc] = {}
        self.edges: dict[tuple[str, str, str], _Acc] = {}
        self.deferred: list[_Deferred] = []
        # every distinct provenance once; elements hold indexes. One mention backs a node
        # and several edges, so the object -> index cache saves re-keying it (the cache
        # holds the object too, so its id cannot be reused while cached).
        self._provs: list[Optional[Provenance]] = []
        self._keys: list[Optional[tuple]] = []  # prov_sort_key of each entry (None: removed)
        self._index: dict[tuple, int] = {}
        self._by_object: dict[int, tuple[Provenance, int]] = {}
        self._shared = 0  # the first entries, loaded from a pickle, share their equal strings

    def _add(self, acc: _Acc, provs: Iterable[Provenance], doc_id: str) -> None:
        by_object = self._by_object
        for p in provs:
            cached = by_object.get(id(p))
            if cached is None or cached[0] is not p:
                key = prov_sort_key(p)
                i = self._index.get(key)
                if i is None:
                    i = self._index[key] = len(self._provs)
                    self._provs.append(p)
                    self._keys.append(key)
                cached = by_object[id(p)] = (p, i)
            acc.provs.add(cached[1])
        acc.docs.add(doc_id)

    def node(self, node_type: str, r: Resolved, provs: Iterable[Provenance], doc_id: str) -> str:
        nid = node_type + ":" + r.canonical
        acc = self.nodes.get(nid)
        if acc is None:
            acc = self.nodes[nid] = _NodeAcc(node_type)
        provs = tuple(provs)
        self._add(acc, provs, doc_id)
        acc.displays[r.display] = acc.displays.get(r.display, 0) + (len(provs) or 1)
        for i, w in enumerate(r.written):
            if w:
                acc.written.add((w, r.rules[i] if r.rules else r.rule, doc_id))
        return nid

    def _check(self, head: str, relation: str, tail: str) -> None:
        # checked when added, so an edge outside the ontology never reaches the graph
        if (self.nodes[head].type, relation, self.nodes[tail].type) not in PATTERNS:
            check_edge(self.nodes[head].type, relation, self.nodes[tail].type)  # raises, naming the triple

    def edge(self, head: str, relation: str, tail: str, provs: Iterable[Provenance], doc_id: str,
             **attrs: Any) -> _Acc:
        k = (head, relation, tail)
        acc = self.edges.get(k)
        if acc is None:
            self._check(head, relation, tail)  # once per edge: its ends' types never change
            acc = self.edges[k] = _Acc()
        self._add(acc, provs, doc_id)
        if attrs:
            for name, value in attrs.items():
                acc.vote(name, value)
        return acc

    def vote(self, nid: str, **attrs: Any) -> None:
        acc = self.nodes[nid]
        for name, value in attrs.items():
            acc.vote(name, value)

    def defer(self, head: str, relation: str, tail: str, provs: Iterable[Provenance], doc_id: str) -> None:
        """An edge to a region that may only appear in a later document."""
        self.deferred.append(_Deferred(head, relation, tail, tuple(provs), doc_id))

    # ------------------------------------------------------------------ taking a document out
    def subtract(self, part: "_Builder", doc_id: str) -> set[tuple]:
        """Take out document ``doc_id``, whose contribution alone ``part`` holds (built
        with the same resolver); returns the keys of every element it touched."""
        mine = {}
        for key in part._index:
            i = self._index.pop(key, None)
            if i is not None:
                mine[key] = i
                self._provs[i] = None
                self._keys[i] = None
        touched: set[tuple] = set()
        for table, theirs in ((self.nodes, part.nodes), (self.edges, part.edges)):
            for k, other in theirs.items():
                acc = table.get(k)  # type: ignore[call-overload]
                if acc is None:
                    continue
                acc.subtract(other, [mine[part._keys[i]] for i in other.provs if part._keys[i] in mine], doc_id)
                if not acc.docs:
                    del table[k]  # type: ignore[arg-type]
                touched.add(("n", k) if table is self.nodes else ("e", *k))
        touched.update(("e", d.head, d.relation, d.tail) for d in self.deferred if d.doc_id == doc_id)
        self.deferred = [d for d in self.deferred if d.doc_id != doc_id]
        self._by_object.clear()
        return touched

    def touched(self) -> set[tuple]:
        """Keys of every element this builder holds (for one document's builder: what it touches)."""
        return ({("n", k) for k in self.nodes} | {("e", *k) for k in self.edges}
                | {("e", d.head, d.relation, d.tail) for d in self.deferred})

    def compact(self) -> None:
        """Drop the table entries of documents taken out (element indexes are renumbered)."""
        live = [i for i, k in enumerate(self._keys) if k is not None]
        if len(live) == len(self._keys):
            return
        new = {old: n for n, old in enumerate(live)}
        self._provs = [self._provs[i] for i in live]
        self._keys = [self._keys[i] for i in live]
        self._index = {k: n for n, k in enumerate(self._keys)}  # type: ignore[misc]
        for acc in (*self.nodes.values(), *self.edges.values()):
            acc.provs = {new[i] for i in acc.provs}
        self._by_object.clear()

    def __getstate__(self) -> dict:
        # the table is kept as its sort keys (every field of a Provenance), with equal strings
        # made one object (a sentence backs each of its mentions; pickle then writes it once);
        # deferred edges cite table entries by index; ids of objects mean nothing later
        loaded = self._shared
        if len(self._index) < 0.75 * len(self._keys):
            # renumber once holes (entries of documents taken out, kept as None) are a quarter
            loaded = sum(1 for k in self._keys[:self._shared] if k is not None)
            self.compact()
        canon: dict[str, str] = {}
        keys = self._keys[:loaded] + [None if k is None else tuple([canon.setdefault(x, x) if type(x) is str else x
                                                                    for x in k]) for k in self._keys[loaded:]]
        deferred = [(d.head, d.relation, d.tail, tuple(self._index[prov_sort_key(p)] for p in d.provs), d.doc_id)
                    for d in self.deferred]
        state = dict(self.__dict__)
        state.update(_provs=None, _by_object={}, _index=None, _keys=keys, deferred=deferred)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._provs = [None] * len(self._keys)  # made when first used (see _prov)
        self._index = {k: i for i, k in enumerate(self._keys) if k is not None}
        self._shared = len(self._keys)  # entries whose strings pickle shared already
        self.deferred = [_Deferred(h, r, t, tuple(self._prov(i) for i in provs), doc)
                         for h, r, t, provs, doc in state["deferred"]]

    # ------------------------------------------------------------------ the graph
    def _effective_edges(self) -> dict[tuple[str, str, str], _Acc]:
        """The edges, with each deferred edge whose region exists added (the builder's own
        accumulators stay as they are, so a document can still be taken out later)."""
        edges = dict(self.edges)
        copied: set = set()
        for d in self.deferred:
            if d.tail in self.nodes and d.tail != d.head:
                self._check(d.head, d.relation, d.tail)
                k = (d.head, d.relation, d.tail)
                acc = edges.get(k)
                if acc is None:
                    acc = edges[k] = _Acc()
                    copied.add(k)
                elif k not in copied:
                    acc = edges[k] = acc.copy()
                    copied.add(k)
                self._add(acc, d.provs, d.doc_id)
        return edges

    def _ranking(self) -> tuple[list[int], list[int]]:
        """Live table indexes in evidence order, and each index's rank in it."""
        keys = self._keys
        order = sorted((i for i in range(len(keys)) if keys[i] is not None), key=keys.__getitem__)  # type: ignore[arg-type]
        rank = [0] * len(keys)
        for r, i in enumerate(order):
            rank[i] = r
        return order, rank

    def _prov(self, i: int) -> Provenance:
        """Table entry ``i`` (made from its key on first use after the builder was unpickled)."""
        p = self._provs[i]
        if p is None:
            p = self._provs[i] = _provenance_of_key(self._keys[i])  # type: ignore[arg-type]
        return p

    @staticmethod
    def _label(acc: _NodeAcc) -> str:
        shown = acc.displays
        return min(shown, key=lambda f: (-shown[f], -quote_count(f), len(f), f))

    @classmethod
    def _node_attrs(cls, nid: str, acc: _NodeAcc) -> dict[str, Any]:
        label = cls._label(acc)
        forms = {w for w, _, _ in acc.written}
        forms.update(acc.displays)
        specs = node_attributes(acc.type)
        attrs: dict[str, Any] = {
            "type": acc.type,
            "label": label,
            "aliases": sorted(f for f in forms if f and f != label and not is_deictic(f)),
            "docs": sorted(acc.docs),
            "count": len(acc.provs),
        }
        for name, spec in specs.items():
            if name not in _COMMON:
                attrs[name] = acc.attribute(name, spec.kind)
        check_types(nid, attrs, specs)
        return attrs

    @staticmethod
    def _edge_attrs(k: tuple[str, str, str], acc: _Acc) -> dict[str, Any]:
        head, relation, tail = k
        specs = edge_attributes(relation)
        attrs = {"relation": relation, "docs": sorted(acc.docs), "count": len(acc.provs)}
        for name, spec in specs.items():
            if name not in _EDGE_COMMON:
                attrs[name] = acc.attribute(name, spec.kind)
        check_types(f"edge {head} -{relation}-> {tail}", attrs, specs)
        return attrs

    def _merge_records(self) -> list[MergeRecord]:
        merges = [m for nid in self.nodes for m in _merges(nid, self._label(self.nodes[nid]), self.nodes[nid])]
        merges.sort(key=lambda m: (m.node, m.alias, m.doc_id, m.rule))
        return merges

    def finish(self) -> KnowledgeGraph:
        edges = self._effective_edges()
        # rank every provenance once, then each element's evidence is a sort of small ints
        _, rank = self._ranking()
        provs = [p if p is not None or k is None else _provenance_of_key(k) for p, k in zip(self._provs, self._keys)]
        self._provs = provs

        def evidence(acc: _Acc) -> list[Provenance]:
            return [provs[i] for i in sorted(acc.provs, key=rank.__getitem__)]  # type: ignore[misc]

        kg = KnowledgeGraph()
        g = kg.graph
        for nid in sorted(self.nodes):
            acc = self.nodes[nid]
            g.add_node(nid, **self._node_attrs(nid, acc))
            kg.evidence[node_key(nid)] = evidence(acc)
        for k in sorted(edges):
            g.add_edge(k[0], k[2], key=k[1], **self._edge_attrs(k, edges[k]))
            kg.evidence[edge_key(*k)] = evidence(edges[k])
        kg.merges = self._merge_records()
        kg.documents = documents_from_graph(g)
        return kg

    def snapshot(self, touched: set[tuple]) -> "Snapshot":
        """What the exporters walk, without making the whole graph: elements in order, with
        attributes and evidence worked out when a record is rendered (the ``touched`` ones,
        or any other whose old record cannot be copied). The graph it carries holds the
        merge records and documents only."""
        order, rank = self._ranking()
        ids = local_ids(self._keys[i][0] for i in order)  # type: ignore[index]
        deferred: dict[tuple[str, str, str], list[_Deferred]] = {}
        for d in self.deferred:
            if d.tail in self.nodes and d.tail != d.head:
                deferred.setdefault((d.head, d.relation, d.tail), []).append(d)

        def edge_acc(k: tuple[str, str, str]) -> _Acc:
            if k not in deferred:
                return self.edges[k]
            acc = self.edges[k].copy() if k in self.edges else _Acc()
            for d in deferred[k]:
                self._check(d.head, d.relation, d.tail)
                self._add(acc, d.provs, d.doc_id)
            return acc

        kg = KnowledgeGraph()
        kg.merges = self._merge_records()
        kg.documents = {nid.split(":", 1)[1]: {f: (acc.fixed or {}).get(f) for f in ("file", "title", "date", "region")}
                        for nid, acc in sorted(self.nodes.items()) if acc.type == "Document"}
        node_ids = sorted(self.nodes)
        edge_keys = sorted(self.edges.keys() | deferred.keys())
        nodes = _Elements(node_ids, lambda nid: (nid, self._node_attrs(nid, self.nodes[nid])))
        edges = _Elements(edge_keys, lambda k: (*k, self._edge_attrs(k, edge_acc(k))))
        snap = _BuilderSnapshot(kg, nodes, edges, [], ids, {}, self, order, rank, edge_acc)  # type: ignore[arg-type]
        snap.node_ids, snap.edge_keys = node_ids, edge_keys
        return snap


class _Elements(abc.Sequence):
    """A snapshot's nodes or edges: ``(id, attributes)`` / ``(head, relation, tail, attributes)``
    worked out on first use (most records are copied from the last build, not rendered)."""

    def __init__(self, keys: list, make: Callable[[Any], tuple]) -> None:
        self._keys, self._make = keys, make
        self._done: dict[int, tuple] = {}

    def __len__(self) -> int:
        return len(self._keys)

    def __getitem__(self, i: int) -> tuple:  # type: ignore[override]
        item = self._done.get(i)
        if item is None:
            item = self._done[i] = self._make(self._keys[i])
        return item


class _BuilderSnapshot(Snapshot):
    """A :class:`Snapshot` read off a builder (see :meth:`_Builder.snapshot`)."""

    def __init__(self, kg, nodes, edges, provenance, ids, _ids, builder, order, rank, edge_acc) -> None:
        super().__init__(kg, nodes, edges, provenance, ids, _ids)
        self._builder, self._order, self._rank, self._edge_acc = builder, order, rank, edge_acc
        self._evidence_of: dict[Any, list[Provenance]] = {}  # several exports list the same evidence

    def __post_init__(self) -> None:
        pass  # node_ids and edge_keys are the builder's sorted keys (set by _Builder.snapshot)

    def prov_at(self, position: int) -> Provenance:
        p = self._builder._prov(self._order[position])
        self._ids[id(p)] = position
        return p

    def _evidence(self, acc: _Acc) -> list[Provenance]:
        return [self.prov_at(self._rank[i]) for i in sorted(acc.provs, key=self._rank.__getitem__)]

    def node_evidence(self, node: str) -> list[Provenance]:
        ev = self._evidence_of.get(node)
        if ev is None:
            ev = self._evidence_of[node] = self._evidence(self._builder.nodes[node])
        return ev

    def edge_evidence(self, head: str, relation: str, tail: str) -> list[Provenance]:
        key = (head, relation, tail)
        ev = self._evidence_of.get(key)
        if ev is None:
            ev = self._evidence_of[key] = self._evidence(self._edge_acc(key))
        return ev

    def position(self, p: Provenance) -> int:
        return self._ids[id(p)]


_PROV_KEY_FIELDS = ("doc_id", "start", "end", "orig_start", "orig_end", "rule", "quote",
                    "sentence_start", "sentence", "sentence_quote")


def _provenance_of_key(key: tuple) -> Provenance:
    """The Provenance whose :func:`prov_sort_key` is ``key`` (fields set directly: they were validated once)."""
    return trusted_provenance(dict(zip(_PROV_KEY_FIELDS, key)))


# Names that may denote different entities in different texts: joining them across
# documents is a decision worth a record even when the written form is the same.
_NAMED_TYPES = {"Official", "Organization", "Region"}


@lru_cache(maxsize=None)
def _keeps_form(rule: str) -> bool:
    """True for a ``<type>.same_…`` rule (resolution took the form as written)."""
    return rule.split(".", 1)[1].startswith("same_")


def _merges(nid: str, label: str, acc: _NodeAcc) -> list[MergeRecord]:
    """A record per written form and document, when resolution changed a form or joined documents.

    Identical strings of descriptive types (the same duty, principle or statistic written
    twice) are the same thing by definition and get no record.
    """
    changed = any(w != label or not _keeps_form(rule) for w, rule, _ in acc.written)
    if not changed and not (acc.type in _NAMED_TYPES and len(acc.docs) > 1):
        return []
    return [MergeRecord(node=nid, alias=w, rule=rule, doc_id=doc) for w, rule, doc in acc.written]


def documents_from_graph(graph: nx.MultiDiGraph) -> dict[str, dict]:
    """``KnowledgeGraph.documents`` derived from the Document nodes (doc id -> file, title, date, region)."""
    out = {}
    for nid in sorted(graph.nodes):
        a = graph.nodes[nid]
        if a.get("type") == "Document":
            out[nid.split(":", 1)[1]] = {"file": a["file"], "title": a["title"], "date": a["date"], "region": a["region"]}
    return out


# --------------------------------------------------------------------------- per document
def _number(value: Optional[float]) -> str:
    """Stable text of a value for ids and labels: 3.0 -> '3', 44.81 -> '44.81'."""
    if value is None:
        return ""
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _opt(text: Optional[str]) -> Optional[str]:
    text = text.strip() if text else text
    return text or None


def _add_document(b: _Builder, res: Resolver, ex: DocumentExtraction, meta: SourceMeta) -> None:
    doc = ex.doc_id
    dr = res.doc_region(doc)
    title = ex.title.value if ex.title else meta.title
    date = ex.date.value if ex.date else meta.date
    doc_provs = [a.prov for a in (ex.title, ex.date) if a is not None] or [source_provenance(doc, "source.file", ex.file)]
    did = b.node("Document", Resolved(doc, _opt(title) or ex.file, (), "document"), doc_provs, doc)
    b.nodes[did].fix(file=ex.file, title=_opt(title), date=_opt(date), region=dr.name if dr else None)

    subject = did
    if dr is not None:
        ev = dr.evidence or (source_provenance(doc, "manifest.region" if dr.method == "manifest" and not ex.region
                                               else f"document_region.{dr.method}", dr.name),)
        subject = b.node("Region", Resolved(dr.canonical, dr.name, (), "region.document"), ev, doc)
        b.vote(subject, level=dr.level, adcode=dr.adcode, anonymized=dr.anonymized)
        b.edge(did, "about", subject, ev, doc)

    def mention(nid: str, prov: Provenance) -> None:
        b.edge(did, "mentions", nid, [prov], doc)

    def state(relation: str, nid: str, prov: Provenance) -> None:
        b.edge(subject, relation, nid, [prov], doc)
        mention(nid, prov)

    def organization(r: Resolved, prov: Provenance, kind: Optional[str]) -> str:
        gid = b.node("Organization", r, [prov], doc)
        b.vote(gid, kind=_opt(kind), region=region_label(r.region) if r.region else None)
        mention(gid, prov)
        if r.region:
            b.defer(gid, "located_in", node_id("Region", r.region), [prov], doc)
        return gid

    for m in ex.regions:
        r = res.region(m, doc)
        rid = b.node("Region", r, [m.prov], doc)
        anonymized = "@" in r.canonical
        province = None if anonymized or m.province == m.name else _opt(m.province)
        b.vote(rid, level=m.level, adcode=_opt(m.adcode), anonymized=anonymized, province=province)
        mention(rid, m.prov)
        if province:
            b.defer(rid, "part_of", node_id("Region", province), [m.prov], doc)

    for m in ex.organizations:
        r = res.organization(m, doc)
        if r.canonical:
            organization(r, m.prov, m.kind)

    for m in ex.officials:
        r = res.official(m.name)
        if not r.canonical:
            continue
        oid = b.node("Official", r, [m.prov], doc)
        for i, t in enumerate(m.titles):
            b.nodes[oid].order("titles", (doc, m.prov.start, i), t)
        mention(oid, m.prov)
        if _opt(m.org):
            gid = organization(res.organization(m.org.strip(), doc), m.prov, None)
            post = b.edge(oid, "holds_post_in", gid, [m.prov], doc)
            for i, t in enumerate(m.titles):
                post.order("titles", (doc, m.prov.start, i), t)

    for m in ex.mechanisms:
        r = res.mechanism(m.name, doc)
        if r.canonical:
            nid = b.node("Mechanism", r, [m.prov], doc)
            b.vote(nid, head=_opt(m.head))
            state("adopts", nid, m.prov)

    item_formula: dict[str, str] = {}
    for f in sorted(ex.duty_formulas, key=lambda f: prov_sort_key(f.prov)):
        items = [i for i in (strip_quotes(x) for x in f.items) if i]
        if not items:
            continue
        canonical = "、".join(items)
        fid = b.node("DutyFormula", Resolved(canonical, canonical, ("、".join(f.items),), "duty_formula.same_items"),
                     [f.prov], doc)
        b.nodes[fid].fix(items=items, size=len(items))
        if _opt(f.holder):
            b.nodes[fid].collect("holders", f.holder.strip())
        state("states", fid, f.prov)
        for position, item in enumerate(items, 1):
            uid = b.node("Duty", Resolved(item, item, (item,), "duty.same_item"), [f.prov], doc)
            b.vote(uid, phase=item[-1])
            b.edge(fid, "has_item", uid, [f.prov], doc, position=position)
            mention(uid, f.prov)
            item_formula.setdefault(item, fid)

    for p in ex.duty_pairs:
        lead, support = strip_quotes(p.lead), strip_quotes(p.support)
        if not lead or not support:
            continue
        phase = _opt(p.phase)
        lid = b.node("Duty", Resolved(lead, lead, (lead,), "duty.same_item"), [p.prov], doc)
        sid = b.node("Duty", Resolved(support, support, (support,), "duty.same_item"), [p.prov], doc)
        b.vote(lid, phase=phase, role="lead")
        b.vote(sid, phase=phase, role="support")
        b.edge(lid, "paired_with", sid, [p.prov], doc, phase=phase)
        mention(lid, p.prov)
        mention(sid, p.prov)
        fl, fs = item_formula.get(lead), item_formula.get(support)
        if fl and fs and fl != fs:
            b.edge(fl, "paired_with", fs, [p.prov], doc, phase=None)

    for p in ex.principle_pairs:
        r, a, bb = res.principle_pair(p.a, p.b)
        if not a or not bb:
            continue
        pid = b.node("PrinciplePair", r, [p.prov], doc)
        b.nodes[pid].fix(a=a, b=bb)
        state("balances", pid, p.prov)
        for position, pole in enumerate((a, bb), 1):
            qid = b.node("Principle", Resolved(pole, pole, (pole,), "principle.same_pole"), [p.prov], doc)
            b.edge(pid, "has_pole", qid, [p.prov], doc, position=position)
            mention(qid, p.prov)

    for m in ex.numbered_formulas:
        r = res.numbered(m.name)
        if r.canonical:
            nid = b.node("NumberedFormula", r, [m.prov], doc)
            b.vote(nid, parts=m.count, expansion=tuple(m.expansion) or None)
            state("cites", nid, m.prov)

    scope = dr.canonical if dr else f"@{doc}"
    for s in ex.statistics:
        subject_text = s.subject.strip()
        if not subject_text:
            continue
        value = None if s.value is None else float(s.value)
        unit, direction, baseline = _opt(s.unit), _opt(s.direction), _opt(s.baseline)
        amount = f"{_number(value)}{unit or ''}"
        canonical = "/".join((scope, subject_text, direction or "", amount, baseline or ""))
        label = " ".join(x for x in (subject_text, baseline, direction, amount) if x)
        nid = b.node("Statistic", Resolved(canonical, label, (label,), "statistic.same_fact"), [s.prov], doc)
        b.nodes[nid].fix(subject=subject_text, value=value, unit=unit, direction=direction, baseline=baseline,
              region=dr.name if dr else None)
        state("reports", nid, s.prov)

    for e in ex.events:
        r = res.event(e.name, e.type)
        if r.canonical:
            nid = b.node("Event", r, [e.prov], doc)
            b.vote(nid, event_type=_opt(e.type))
            state("experienced", nid, e.prov)


def _pair(extractions: Sequence[DocumentExtraction],
          metas: Optional[Iterable[SourceMeta] | Mapping[str, SourceMeta]]) -> list[tuple[DocumentExtraction, SourceMeta]]:
    if metas is None:
        by_id: Mapping[str, SourceMeta] = {}
    elif isinstance(metas, Mapping):
        by_id = metas
    else:
        by_id = {m.id: m for m in metas}
    seen: set[str] = set()
    out = []
    for ex in extractions:
        if ex.doc_id in seen:
            raise ValueError(f"document id {ex.doc_id!r} occurs twice in the extractions")
        seen.add(ex.doc_id)
        out.append((ex, by_id.get(ex.doc_id) or SourceMeta(id=ex.doc_id, file=ex.file)))
    return sorted(out, key=lambda pair: pair[0].doc_id)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector around bulk work that makes many long-lived objects.

    A graph build allocates hundreds of thousands of containers that all survive, so each
    collection scans an ever larger heap for nothing: on a 700-document corpus that doubled
    the build time. Reference counting still frees everything short-lived.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def build_graph(extractions: Sequence[DocumentExtraction],
                metas: Optional[Iterable[SourceMeta] | Mapping[str, SourceMeta]] = None) -> KnowledgeGraph:
    """The knowledge graph of ``extractions`` (see the module docstring)."""
    from kg.graph.update import build_with_state

    return build_with_state(extractions, metas)[0]


# --------------------------------------------------------------------------- incremental use
def add_edge(kg: KnowledgeGraph, head: str, relation: str, tail: str,
             evidence: Iterable[Provenance] = (), **attrs: Any) -> None:
    """Add (or reinforce) one edge of ``kg``, checked against the ontology first.

    Both nodes must exist; ``docs`` and ``count`` follow from the merged evidence.
    Raises :class:`~kg.errors.OntologyError` (and changes nothing) if the edge does not fit.
    """
    for n in (head, tail):
        if n not in kg.graph:
            raise OntologyError(f"edge {head} -{relation}-> {tail}: no node {n!r} in the graph")
    check_edge(kg.graph.nodes[head]["type"], relation, kg.graph.nodes[tail]["type"])
    key = edge_key(head, relation, tail)
    evidence = sorted(set(kg.evidence.get(key, [])) | set(evidence), key=prov_sort_key)
    old = dict(kg.graph.edges[head, tail, relation]) if kg.graph.has_edge(head, tail, relation) else {}
    merged: dict[str, Any] = {n: ([] if s.kind == "list" else None) for n, s in edge_attributes(relation).items()}
    merged.update(old)
    merged.update(attrs)
    merged.update(relation=relation, docs=sorted({p.doc_id for p in evidence} | set(old.get("docs", []))),
                  count=len(evidence))
    checked = check_edge_attrs(head, relation, tail, merged)
    kg.graph.add_edge(head, tail, key=relation, **checked)
    kg.evidence[key] = evidence

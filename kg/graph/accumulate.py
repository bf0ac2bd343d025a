"""Accumulate the graph's elements document by document, and take a document out again.

:class:`_Builder` holds one accumulator per node and edge (evidence as indexes into a
table of distinct mentions, the documents behind it, votes on its attributes, written
forms); :func:`kg.graph.build._add_document` feeds it one document at a time, and
:meth:`_Builder.finish` turns it into a :class:`~kg.graph.model.KnowledgeGraph` (or
:meth:`_Builder.snapshot` into what the exporters need, without the networkx graph).
Every choice is a count with an order-free tie-break, so the order documents come in
does not matter, and what one document added can be subtracted (:meth:`_Builder.subtract`):
the incremental build relies on both. The builder pickles compactly for the build state.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Optional

from kg.graph.model import KnowledgeGraph, MergeRecord, documents_from_graph, edge_key, node_key
from kg.graph.ontology import PATTERNS, NodeBase, check_edge, check_types, edge_attributes, node_attributes
from kg.graph.resolve import Resolved, is_deictic, majority, quote_count
from kg.graph.snapshot import BuilderSnapshot, Snapshot, _Elements, local_ids, prov_sort_key, provenance_of_key
from kg.models import Provenance

_COMMON = set(NodeBase.model_fields)
_EDGE_COMMON = {"relation", "docs", "count"}
# A duty that is "lead" in one text and "support" in another as often has no single role.
_TIE_IS_UNKNOWN = {"role"}


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

    def merge(self, other: "_Acc", provs: Iterable[int]) -> None:
        """Add what another builder accumulated of this element (``provs``: its evidence as
        indexes of this builder's table); the mirror of :meth:`subtract`."""
        self.provs.update(provs)
        self.docs |= other.docs
        for name, counts in (other.votes or {}).items():
            self.vote_counts(name, counts)
        for name, counts in (other.sets or {}).items():
            if self.sets is None:
                self.sets = {}
            mine = self.sets.setdefault(name, {})
            for value, n in counts.items():
                mine[value] = mine.get(value, 0) + n
        for name, entries in (other.ordered or {}).items():
            if self.ordered is None:
                self.ordered = {}
            self.ordered.setdefault(name, []).extend(entries)
        if other.fixed:
            self.fix(**other.fixed)  # a function of the element's id: equal wherever it was set

    def vote_counts(self, name: str, counts: dict[Any, int]) -> None:
        if self.votes is None:
            self.votes = {}
        mine = self.votes.setdefault(name, {})
        for value, n in counts.items():
            mine[value] = mine.get(value, 0) + n

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

    def merge(self, other: "_Acc", provs: Iterable[int]) -> None:
        super().merge(other, provs)
        assert isinstance(other, _NodeAcc)
        for form, n in other.displays.items():
            self.displays[form] = self.displays.get(form, 0) + n
        self.written |= other.written


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
        # what corrections did, per document: (merge records of what they rejected, (entry, key) hits)
        self.curated: dict[str, tuple[frozenset, frozenset]] = {}

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
        self.curated.pop(doc_id, None)
        self._by_object.clear()
        return touched

    def merge(self, other: "_Builder") -> None:
        """Add everything ``other`` accumulated (documents this builder does not hold, built
        with the same resolver): the result is what adding those documents here would give.
        Builders of parts of a corpus, made in parallel, are merged into the whole this way.
        ``other`` is used up: its accumulators of elements new here are taken over as they are."""
        index = self._index
        where: list[int] = [-1] * len(other._keys)  # other's table index -> this one's
        for i, key in enumerate(other._keys):
            if key is None:
                continue
            j = index.get(key)
            if j is None:
                j = index[key] = len(self._keys)
                self._keys.append(key)
                self._provs.append(other._provs[i])  # None for an entry made from its key on use
            where[i] = j
        for table, theirs in ((self.nodes, other.nodes), (self.edges, other.edges)):
            for k, acc in theirs.items():
                mine = table.get(k)  # type: ignore[call-overload]
                if mine is None:  # (an edge new here was checked against the ontology there)
                    acc.provs = {where[i] for i in acc.provs}
                    table[k] = acc  # type: ignore[index]
                else:
                    mine.merge(acc, [where[i] for i in acc.provs])
        self.deferred.extend(other.deferred)
        self.curated.update(other.curated)
        other.nodes, other.edges, other.deferred = {}, {}, []  # (shared now: not to be used there)

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
    def _deferred_by_edge(self) -> dict[tuple[str, str, str], list[_Deferred]]:
        """The deferred edges whose region exists, by edge (the others wait for a document naming it)."""
        out: dict[tuple[str, str, str], list[_Deferred]] = {}
        for d in self.deferred:
            if d.tail in self.nodes and d.tail != d.head:
                out.setdefault((d.head, d.relation, d.tail), []).append(d)
        return out

    def _edge_acc(self, k: tuple[str, str, str], deferred: dict[tuple[str, str, str], list[_Deferred]]) -> _Acc:
        """Edge ``k``'s accumulator with its deferred evidence added (to a copy: the builder's
        own accumulators stay as they are, so a document can still be taken out later)."""
        if k not in deferred:
            return self.edges[k]
        acc = self.edges[k].copy() if k in self.edges else _Acc()
        for d in deferred[k]:
            self._check(d.head, d.relation, d.tail)
            self._add(acc, d.provs, d.doc_id)
        return acc

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
            p = self._provs[i] = provenance_of_key(self._keys[i])  # type: ignore[arg-type]
        return p

    @staticmethod
    def _label(acc: _NodeAcc) -> str:
        if acc.fixed and "label" in acc.fixed:  # a correction's (kg.graph.corrections)
            return acc.fixed["label"]
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
        merges += [m for records, _ in self.curated.values() for m in records]
        merges.sort(key=lambda m: (m.node, m.alias, m.doc_id, m.rule))
        return merges

    def finish(self) -> KnowledgeGraph:
        deferred = self._deferred_by_edge()
        edges = {k: self._edge_acc(k, deferred) for k in self.edges.keys() | deferred.keys()}
        # rank every provenance once, then each element's evidence is a sort of small ints
        _, rank = self._ranking()
        provs = [p if p is not None or k is None else provenance_of_key(k) for p, k in zip(self._provs, self._keys)]
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

    def snapshot(self) -> "Snapshot":
        """What the exporters walk, without making the whole graph: elements in order, with
        attributes and evidence worked out when a record is rendered (an incremental build
        renders only the records its change touched). The graph it carries holds the merge
        records and documents only."""
        order, rank = self._ranking()
        ids = local_ids(self._keys[i][0] for i in order)  # type: ignore[index]
        deferred = self._deferred_by_edge()

        def edge_acc(k: tuple[str, str, str]) -> _Acc:
            return self._edge_acc(k, deferred)

        kg = KnowledgeGraph()
        kg.merges = self._merge_records()
        kg.documents = {nid.split(":", 1)[1]: {f: (acc.fixed or {}).get(f) for f in ("file", "title", "date", "region")}
                        for nid, acc in sorted(self.nodes.items()) if acc.type == "Document"}
        node_ids = sorted(self.nodes)
        edge_keys = sorted(self.edges.keys() | deferred.keys())
        nodes = _Elements(node_ids, lambda nid: (nid, self._node_attrs(nid, self.nodes[nid])))
        edges = _Elements(edge_keys, lambda k: (*k, self._edge_attrs(k, edge_acc(k))))
        snap = BuilderSnapshot(kg, nodes, edges, [], ids, {}, self, order, rank, edge_acc)  # type: ignore[arg-type]
        snap.node_ids, snap.edge_keys = node_ids, edge_keys
        return snap


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

"""What the exporters walk: a graph's elements in order, and its mentions listed once with ids.

:class:`Snapshot` is made from a :class:`~kg.graph.model.KnowledgeGraph`
(:meth:`Snapshot.of`), or read straight off the graph builder without making the networkx
graph (:class:`BuilderSnapshot`, see ``kg.graph.accumulate._Builder.snapshot``), where an
element's attributes and evidence are worked out only when its record is rendered.

Provenance ids are ``<doc id>#<n>`` (:func:`local_ids`): the mention's position among its
document's mentions, so they depend on that document alone.
"""

from __future__ import annotations

from collections import abc
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable

from kg.graph.model import KnowledgeGraph, edge_key, node_key
from kg.models import Provenance, trusted_provenance

if TYPE_CHECKING:
    from kg.graph.accumulate import _Acc


def prov_sort_key(p: Provenance) -> tuple:
    """Order of evidence entries: document, position, then everything else (total order)."""
    return (p.doc_id, p.start, p.end, p.orig_start, p.orig_end, p.rule, p.quote,
            p.sentence_start, p.sentence, p.sentence_quote, p.page)


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


_PROV_KEY_FIELDS = ("doc_id", "start", "end", "orig_start", "orig_end", "rule", "quote",
                    "sentence_start", "sentence", "sentence_quote", "page")


def provenance_of_key(key: tuple) -> Provenance:
    """The Provenance whose :func:`prov_sort_key` is ``key`` (fields set directly: they were validated once)."""
    return trusted_provenance(dict(zip(_PROV_KEY_FIELDS, key)))


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


class BuilderSnapshot(Snapshot):
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

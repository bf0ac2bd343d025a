"""Update a built graph when documents change, instead of building it again.

:func:`build_with_state` builds the graph as :func:`kg.graph.build.build_graph` does and
also returns a :class:`GraphState`: the builder's accumulators and each document's
:class:`~kg.graph.resolve.DocFacts`. :func:`update` then takes documents out (their old
extractions are re-run through the builder on their own and subtracted) and puts new ones
in. It refuses (returns None) when the change moves what resolution of *other* documents
depends on (a county name now placed in two provinces, a newly attested mechanism, a
principle pair's orientation, another document's region): the caller then builds afresh.

Corrections (:mod:`kg.graph.corrections`) are applied to every document as it goes in or
out, the same ones both ways: the caller keys the state on them and builds afresh when they
change.

The result is the graph a fresh build of the new corpus gives, which the incremental
build tests check byte for byte on every export.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Callable, Iterable, Mapping, Optional, Sequence

from kg.graph.accumulate import _Builder
from kg.graph.build import _pair, paused_gc
from kg.graph.corrections import Curation, add_document, prepare
from kg.graph.snapshot import Snapshot
from kg.graph.model import KnowledgeGraph
from kg.graph.resolve import DocFacts, Resolver
from kg.models import DocumentExtraction, SourceMeta

Pair = tuple[DocumentExtraction, SourceMeta]


@dataclass
class GraphState:
    """What a later build needs to update the graph (picklable)."""

    builder: _Builder
    facts: dict[str, DocFacts]  # doc id -> what resolution reads of it

    def resolver(self) -> Resolver:
        return Resolver(facts=[self.facts[d] for d in sorted(self.facts)])


@dataclass
class Update:
    """The updated state, and the keys of every element whose record may have changed."""

    builder: _Builder
    touched: set[tuple]  # ("n", node id) and ("e", head, relation, tail)
    docs: set[str]  # the documents taken out or put in (re-done ones included)

    @cached_property
    def graph(self) -> KnowledgeGraph:
        """The whole updated graph."""
        return self.builder.finish()

    def snapshot(self) -> Snapshot:
        """What the exporters need, without making the whole graph (see ``_Builder.snapshot``)."""
        return self.builder.snapshot()


def _prep(ex: DocumentExtraction, meta: SourceMeta, cur: Optional[Curation]) -> tuple[DocumentExtraction, DocFacts]:
    """A document as the graph is built from it, and its facts (:func:`kg.graph.corrections.prepare`)."""
    return prepare(ex, meta, cur)


def build_state(extractions: Sequence[DocumentExtraction],
                metas: Optional[Iterable[SourceMeta] | Mapping[str, SourceMeta]] = None,
                curation: Optional[Curation] = None) -> GraphState:
    """The corpus's graph state: :meth:`GraphState.builder` ``.finish()`` makes the graph,
    ``.snapshot()`` what the exporters need without it. ``curation``: the corrections to apply."""
    with paused_gc():
        docs = [(*_prep(ex, meta, curation), meta) for ex, meta in _pair(extractions, metas)]
        state = GraphState(_Builder(), {ex.doc_id: facts for ex, facts, _ in docs})
        resolver = state.resolver()
        for ex, _, meta in docs:
            add_document(state.builder, resolver, ex, meta, curation)
        return state


def build_with_state(extractions: Sequence[DocumentExtraction],
                     metas: Optional[Iterable[SourceMeta] | Mapping[str, SourceMeta]] = None,
                     curation: Optional[Curation] = None) -> tuple[KnowledgeGraph, GraphState]:
    """The graph of the corpus (as ``build_graph`` gives it) and the state to update it later."""
    state = build_state(extractions, metas, curation)
    with paused_gc():
        return state.builder.finish(), state


def update(state: GraphState, remove: Sequence[Pair], add: Sequence[Pair],
           load: Optional[Callable[[str], Optional[Pair]]] = None, max_affected: int = 0,
           curation: Optional[Curation] = None) -> Optional[Update]:
    """Take the documents of ``remove`` (as they were built) out of ``state`` and put those
    of ``add`` in. A changed document is in both lists (its old and its new extraction).

    When the change moves how other documents resolve, those are re-done as well: up to
    ``max_affected`` of them, each given by ``load(doc id)``. Returns None (``state``
    unchanged) when more are affected or one cannot be loaded: then build afresh.

    ``curation``: the corrections ``state`` was built with (the caller keys the state on
    them). Returns None too when a document an ``add`` correction names changes: its item
    was found in the old text, which is gone.
    """
    gone = {ex.doc_id for ex, _ in remove}
    unknown = gone - set(state.facts)
    if unknown:
        raise ValueError(f"documents {sorted(unknown)} are not in the graph")
    if curation and (gone | {ex.doc_id for ex, _ in add}) & curation.added_to:
        return None
    with paused_gc():
        # (extraction as built, meta, facts) of each document put in
        added = [(*_prep(ex, meta, curation), meta) for ex, meta in _pair([ex for ex, _ in add], [m for _, m in add])]
        facts = {d: f for d, f in state.facts.items() if d not in gone}
        clash = {ex.doc_id for ex, _, _ in added} & set(facts)
        if clash:
            raise ValueError(f"documents {sorted(clash)} are already in the graph")
        facts.update((ex.doc_id, f) for ex, f, _ in added)
        old = state.resolver()
        new = Resolver(facts=[facts[d] for d in sorted(facts)])
        changed = gone | {ex.doc_id for ex, _, _ in added}
        affected = old.affected(new, (f for d, f in facts.items() if d not in changed))
        if affected:
            if len(affected) > max_affected or load is None:
                return None
            again = [load(d) for d in sorted(affected)]
            if any(pair is None for pair in again):
                return None
            remove = [*remove, *again]  # type: ignore[list-item]
            added += [(*_prep(ex, meta, curation), meta) for ex, meta in again]  # type: ignore[misc]
        builder = state.builder
        before = set(builder.nodes)
        touched: set[tuple] = set()
        for ex, meta in sorted(remove, key=lambda pair: pair[0].doc_id):
            part = _Builder()
            add_document(part, old, prepare(ex, meta, curation)[0], meta, curation)
            touched |= builder.subtract(part, ex.doc_id)
        for ex, _, meta in sorted(added, key=lambda item: item[0].doc_id):
            part = _Builder()
            add_document(part, new, ex, meta, curation)
            touched |= part.touched()
            add_document(builder, new, ex, meta, curation)
        # an edge deferred to a region (located_in, part_of) appears or goes with the region
        toggled = before.symmetric_difference(builder.nodes)
        touched.update(("e", d.head, d.relation, d.tail) for d in builder.deferred if d.tail in toggled)
        state.facts = facts
        return Update(builder, touched, {ex.doc_id for ex, _ in remove} | {ex.doc_id for ex, _, _ in added})

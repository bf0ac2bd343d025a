"""kg.graph.accumulate: the builder adds documents in any order, takes one out exactly, and pickles whole."""

from __future__ import annotations

import pickle

import pytest

from kg.export import render_all
from kg.graph.accumulate import _Builder
from kg.graph.build import _add_document, _pair
from kg.graph.resolve import Resolver
from tests.graph_fixtures import corpus


def _builder(pairs, resolver) -> _Builder:
    b = _Builder()
    for ex, meta in pairs:
        _add_document(b, resolver, ex, meta)
    return b


def test_a_document_taken_out_leaves_what_the_others_built():
    pairs = _pair(*corpus())
    resolver = Resolver(pairs)
    full = _builder(pairs, resolver)
    gone = pairs[3]
    part = _builder([gone], resolver)
    touched = full.subtract(part, gone[0].doc_id)
    rest = _builder([p for p in pairs if p is not gone], resolver)
    assert render_all(full.finish()) == render_all(rest.finish())
    assert ("n", f"Document:{gone[0].doc_id}") in touched
    assert set(full.nodes) == set(rest.nodes) and set(full.edges) == set(rest.edges)


def test_the_order_documents_come_in_does_not_matter():
    pairs = _pair(*corpus())
    resolver = Resolver(pairs)
    assert render_all(_builder(pairs, resolver).finish()) == render_all(_builder(pairs[::-1], resolver).finish())


def test_a_pickled_builder_finishes_the_same_graph_and_stays_compact():
    pairs = _pair(*corpus())
    b = _builder(pairs, Resolver(pairs))
    data = pickle.dumps(b)
    again = pickle.loads(data)
    assert render_all(again.finish()) == render_all(b.finish())
    loaded = pickle.loads(data)
    made = sum(p is not None for p in loaded._provs)  # mentions are made from their keys on first use,
    assert made <= sum(len(d.provs) for d in loaded.deferred) < len(loaded._provs)  # but deferred edges' at once


@pytest.mark.parametrize("split", [[0, 1, 2, 3, 4, 5, 6, 7], [1, 0, 1, 0, 1, 0, 1, 0], [0, 0, 0, 0, 0, 0, 0, 1],
                                   [2, 1, 0, 2, 1, 0, 2, 1]])
def test_builders_of_parts_merged_are_the_builder_of_the_whole(split):
    pairs = _pair(*corpus())
    resolver = Resolver(pairs)
    whole = render_all(_builder(pairs, resolver).finish())
    parts = [_builder([p for p, s in zip(pairs, split) if s == k], resolver) for k in sorted(set(split))]
    # as the workers send them: pickled (mentions made from their keys on use)
    parts = [pickle.loads(pickle.dumps(b)) for b in parts]
    merged = parts[0]
    for b in parts[1:]:
        merged.merge(b)
    assert render_all(merged.finish()) == whole
    again = pickle.loads(pickle.dumps(merged))  # and it keeps for an incremental build
    gone = pairs[2]
    again.subtract(_builder([gone], resolver), gone[0].doc_id)
    assert render_all(again.finish()) == render_all(_builder([p for p in pairs if p is not gone], resolver).finish())

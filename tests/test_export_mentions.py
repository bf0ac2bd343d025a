"""kg.export.mentions: mention records rendered by the holders of the documents, copied into place."""

from __future__ import annotations

import pickle

import pytest

import kg.export.nodelink
import kg.export.tables
from kg.export import FILES, _pieces
from kg.export.mentions import RENDERERS, render_chunks, reuse_of
from kg.export.records import assemble
from kg.graph.accumulate import _Builder
from kg.graph.build import _add_document, _pair
from kg.graph.resolve import Resolver
from tests.graph_fixtures import corpus


def _parts(split):
    pairs = _pair(*corpus())
    resolver = Resolver(pairs)
    parts = []
    for k in sorted(set(split)):
        b = _Builder()
        for pair, s in zip(pairs, split):
            if s == k:
                _add_document(b, resolver, *pair)
        parts.append(pickle.loads(pickle.dumps(b)))  # as a worker sends it
    merged = pickle.loads(pickle.dumps(parts[0]))
    for b in parts[1:]:
        merged.merge(pickle.loads(pickle.dumps(b)))  # (merge uses up what it is given)
    return parts, merged


def test_the_renderers_are_for_export_files():
    assert set(RENDERERS) <= set(FILES)


@pytest.mark.parametrize("split", [[0] * 8, [0, 1, 0, 1, 0, 1, 0, 1], [1, 1, 0, 0, 2, 2, 0, 1]])
def test_records_copied_from_the_holders_are_the_full_render(split, monkeypatch):
    parts, merged = _parts(split)
    chunks = [render_chunks(b) for b in parts]
    full = {name: assemble(pieces()) for name, pieces in _pieces(merged.snapshot()) if name in RENDERERS}
    snap = merged.snapshot()
    reuse = reuse_of(chunks, snap.ids)
    assert set(reuse) == set(RENDERERS)

    def never(*args):
        raise AssertionError("a mention record was rendered again")

    monkeypatch.setattr(kg.export.nodelink, "provenance_text", never)
    monkeypatch.setattr(kg.export.tables, "provenance_line", never)
    for name, pieces in _pieces(snap):
        if name in reuse:
            data, index = assemble(pieces(), reuse[name])
            assert data == full[name][0], name
            assert (index.starts == full[name][1].starts).all() and (index.ends == full[name][1].ends).all()


def test_records_that_do_not_add_up_are_rendered_instead():
    parts, merged = _parts([0, 1, 0, 1, 0, 1, 0, 1])
    chunks = [render_chunks(b) for b in parts]
    ids = merged.snapshot().ids
    assert reuse_of(chunks[:1], ids) == {}  # a holder's records missing
    assert reuse_of(chunks, ids[:-1]) == {}  # one record more than the exports list

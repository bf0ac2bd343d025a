"""kg.export.records: files assembled from sections, and rebuilt by copying unchanged runs."""

from __future__ import annotations

import pytest

from kg.export.records import KeyOrder, Reuse, Section, assemble, plan, render_shard, stitch, text_of


def _pieces(nodes: dict[str, str], edges: dict[tuple, str], calls: list | None = None):
    ids, keys = sorted(nodes), sorted(edges)

    def node(i):
        if calls is not None:
            calls.append(ids[i])
        return nodes[ids[i]]

    def edge(i):
        if calls is not None:
            calls.append(keys[i])
        return edges[keys[i]]

    return ["{", Section("n", len(ids), node, "[\n", ",\n", "\n]", "[]"), ";",
            Section("e", len(keys), edge, sep="|"), "}"], KeyOrder(ids, keys, [])


NODES = {f"N{i:02d}": f'{{"id": "N{i:02d}", "x": {i}}}' for i in range(12)}
EDGES = {("N00", "r", f"N{i:02d}"): f"e{i}" for i in range(1, 6)}


def test_the_bytes_are_the_text_and_the_index_finds_every_record():
    pieces, order = _pieces(NODES, EDGES)
    data, index = assemble(pieces)
    assert data.decode() == text_of(_pieces(NODES, EDGES)[0])
    assert index.sections == "ne" and len(index.starts) == len(NODES) + len(EDGES)
    records = [data[s:e].decode() for s, e in zip(index.starts, index.ends)]
    assert records == [NODES[k] for k in order.nodes] + [EDGES[k] for k in order.edges]


def test_an_empty_section_is_its_empty_text():
    pieces, _ = _pieces({}, EDGES)
    data, index = assemble(pieces)
    assert data.decode().startswith("{[];e1|e2") and index.sections == "ne" and len(index.starts) == 5


def test_a_rebuild_renders_only_changed_and_new_records_and_equals_a_full_render():
    old_pieces, old_order = _pieces(NODES, EDGES)
    old, old_index = assemble(old_pieces)
    nodes = dict(NODES)
    nodes["N03"] = '{"id": "N03", "x": "changed"}'
    nodes["N05b"] = '{"id": "N05b"}'  # new, between two old ones
    del nodes["N09"]  # gone
    edges = {k: v for k, v in EDGES.items() if k[2] != "N01"}  # the first edge gone
    calls: list = []
    pieces, order = _pieces(nodes, edges, calls)
    segments = plan(old_order, order, {"n": {"N03"}})
    reuse = Reuse(old, old_index, segments, {"n": len(old_order.nodes), "e": len(old_order.edges), "p": 0})
    data, index = assemble(pieces, reuse)
    assert data.decode() == text_of(_pieces(nodes, edges)[0])
    assert sorted(calls) == ["N03", "N05b"]
    # the new index is as good as a full render's, for the next rebuild
    assert (index.starts == assemble(_pieces(nodes, edges)[0])[1].starts).all()
    assert segments["n"] == [(0, 3, 0), (4, 6, 4), (7, 10, 6), (10, 12, 10)]


@pytest.mark.parametrize("dirty", [set(), set(NODES)])
def test_all_or_nothing_valid(dirty):
    pieces, order = _pieces(NODES, EDGES)
    old, index = assemble(pieces)
    calls: list = []
    again, _ = assemble(_pieces(NODES, EDGES, calls)[0],
                        Reuse(old, index, plan(order, order, {"n": dirty}), {"n": 12, "e": 5, "p": 0}))
    assert again == old
    assert len(calls) == len(dirty)


def test_an_index_out_of_step_with_the_key_order_is_not_used():
    pieces, order = _pieces(NODES, EDGES)
    old, index = assemble(pieces)
    reuse = Reuse(old, index, plan(order, order, {}), {"n": 11, "e": 5, "p": 0})
    assert reuse.bases() is None
    calls: list = []
    assert assemble(_pieces(NODES, EDGES, calls)[0], reuse)[0] == old and len(calls) == 17


def _stitched(pieces, shards: int, reuse=None, calls: list | None = None):
    """The file written from ``shards`` shards, as the forked writers and the parent make it."""
    rendered = [render_shard(pieces, k, shards, reuse) for k in range(shards)]
    out = bytearray()
    index = stitch(pieces, [part for _, part in rendered], out.extend,
                   lambda k, offset, length: out.extend(rendered[k][0][offset:offset + length]))
    return bytes(out), index


@pytest.mark.parametrize("shards", [1, 2, 3, 5, 12, 20])
@pytest.mark.parametrize("nodes", [NODES, {}, {"N00": "only"}])
def test_shards_stitched_are_the_assembled_file_and_index(shards, nodes):
    pieces, _ = _pieces(nodes, EDGES)
    data, index = assemble(pieces)
    got, got_index = _stitched(pieces, shards)
    assert got == data
    assert got_index.sections == index.sections
    assert (got_index.starts == index.starts).all() and (got_index.ends == index.ends).all()


@pytest.mark.parametrize("shards", [2, 3, 7])
def test_shards_copy_unchanged_runs_of_the_last_build_and_render_the_rest(shards):
    old_pieces, old_order = _pieces(NODES, EDGES)
    old, old_index = assemble(old_pieces)
    nodes = dict(NODES)
    nodes["N04"] = '{"id": "N04", "x": "changed"}'
    nodes["N07b"] = '{"id": "N07b"}'
    del nodes["N10"]
    calls: list = []
    pieces, order = _pieces(nodes, EDGES, calls)
    reuse = Reuse(old, old_index, plan(old_order, order, {"n": {"N04"}}),
                  {"n": len(old_order.nodes), "e": len(old_order.edges), "p": 0})
    got, got_index = _stitched(pieces, shards, reuse)
    data, index = assemble(_pieces(nodes, EDGES)[0])
    assert got == data and (got_index.starts == index.starts).all() and (got_index.ends == index.ends).all()
    assert sorted(calls) == ["N04", "N07b"]  # every other record copied, whatever shard it fell in

"""kg.graph.update: a graph updated document by document equals the graph built afresh, byte for byte."""

import pickle

import pytest

from kg.export import render_all
from kg.graph.build import build_graph
from kg.graph.update import build_with_state, update
from kg.models import MechanismMention, RegionMention, Statistic
from tests.graph_fixtures import DOCUMENTS, Text, corpus


def _exports(extractions, metas) -> dict[str, bytes]:
    return render_all(build_graph(extractions, metas))


def _drop(pairs, doc_id):
    return [p for p in pairs if p[0].doc_id != doc_id]


def _pairs():
    return [f() for f in DOCUMENTS]


@pytest.mark.parametrize("i", range(len(DOCUMENTS)))
def test_taking_a_document_out_gives_the_graph_built_without_it(i):
    pairs = _pairs()
    _, state = build_with_state([ex for ex, _ in pairs], [m for _, m in pairs])
    gone = pairs[i]
    by_id = {ex.doc_id: (ex, m) for ex, m in pairs}
    result = update(state, [gone], [], load=by_id.get, max_affected=len(pairs))
    rest = _drop(pairs, gone[0].doc_id)
    assert result is not None
    assert render_all(result.graph) == _exports([ex for ex, _ in rest], [m for _, m in rest])
    assert ("n", f"Document:{gone[0].doc_id}") in result.touched


@pytest.mark.parametrize("i", range(len(DOCUMENTS)))
def test_putting_a_document_in_gives_the_graph_built_with_it(i):
    pairs = _pairs()
    rest = _drop(pairs, pairs[i][0].doc_id)
    _, state = build_with_state([ex for ex, _ in rest], [m for _, m in rest])
    by_id = {ex.doc_id: (ex, m) for ex, m in pairs}
    result = update(state, [], [pairs[i]], load=by_id.get, max_affected=len(pairs))
    assert result is not None
    assert render_all(result.graph) == _exports([ex for ex, _ in pairs], [m for _, m in pairs])


def test_without_leave_to_redo_others_an_update_that_needs_it_is_refused():
    pairs = _pairs()
    refused = 0
    for i in range(len(pairs)):
        _, state = build_with_state([ex for ex, _ in pairs], [m for _, m in pairs])
        before = pickle.dumps(state)
        if update(state, [pairs[i]], []) is None:
            refused += 1
            assert pickle.dumps(state) == before  # nothing was taken out
    assert 0 < refused < len(pairs)  # some documents decide how others resolve, most do not


def _changed(pair):
    """The same document with one more statistic and one mechanism fewer."""
    ex, meta = pair
    t = Text(ex.doc_id, "全省生产安全事故起数同比下降12.5%。")
    new = ex.model_copy(deep=True)
    new.mechanisms = new.mechanisms[1:]
    new.statistics = [*new.statistics, Statistic(prov=t.prov("生产安全事故起数同比下降12.5%", "statistics.change"),
                                                 subject="生产安全事故起数", value=12.5, unit="%", direction="下降",
                                                 baseline="同比")]
    return new, meta


def test_a_changed_document_and_a_pickled_state_give_the_fresh_graph():
    pairs = _pairs()
    i = next(k for k, (ex, _) in enumerate(pairs) if ex.doc_id == "000_hunan")
    _, state = build_with_state([ex for ex, _ in pairs], [m for _, m in pairs])
    state = pickle.loads(pickle.dumps(state))
    new = _changed(pairs[i])
    result = update(state, [pairs[i]], [new])
    assert result is not None
    pairs[i] = new
    assert render_all(result.graph) == _exports([ex for ex, _ in pairs], [m for _, m in pairs])
    assert render_all(result.snapshot()) == render_all(result.graph)  # the builder's own snapshot, fully rendered
    assert ("n", "Document:000_hunan") in result.touched and result.docs == {"000_hunan"}
    assert not any(k[0] == "n" and k[1] == "Region:吉林省" for k in result.touched)
    # and once more on the updated state (the new document out again, the old one back)
    again = update(state, [new], [_pairs()[i]])
    assert again is not None
    assert render_all(again.graph) == render_all(build_graph(*corpus()))


def test_a_change_that_moves_another_documents_resolution_is_refused():
    """A county placed in a second province makes the name ambiguous everywhere: no update."""
    pairs = _pairs()
    _, state = build_with_state([ex for ex, _ in pairs], [m for _, m in pairs])
    before = pickle.dumps(state)
    ex, meta = pairs[0]
    t = Text(ex.doc_id, "湖南省鼓楼区。福建省鼓楼区。")
    one = ex.model_copy(deep=True)
    one.regions = [*one.regions, RegionMention(prov=t.prov("鼓楼区", "region.gazetteer"), surface="鼓楼区",
                                               name="鼓楼区", level="county", province="江苏省")]
    other_ex, other_meta = pairs[1]
    two = other_ex.model_copy(deep=True)
    two.regions = [*two.regions, RegionMention(prov=Text(two.doc_id, "鼓楼区。").prov("鼓楼区", "region.gazetteer"),
                                               surface="鼓楼区", name="鼓楼区", level="county", province="福建省")]
    first = update(state, [pairs[1]], [(two, other_meta)])
    assert first is not None  # one province for 鼓楼区 so far
    second = update(state, [pairs[0]], [(one, meta)])
    assert second is None
    assert pickle.dumps(state) != before  # the first update stands; the refused one changed nothing more
    assert update(state, [(two, other_meta)], [pairs[1]]) is not None


def test_a_newly_attested_mechanism_name_redoes_the_documents_that_prefix_it():
    """福建风险会商研判机制 becomes 风险会商研判机制 once another text names that bare: Fujian is re-done."""
    pairs = _pairs()
    k = next(i for i, (ex, _) in enumerate(pairs) if ex.doc_id == "003_fujian")
    ex, meta = pairs[k]
    t = Text(ex.doc_id, "推行福建风险会商研判机制。")
    fujian = ex.model_copy(deep=True)
    fujian.mechanisms = [*fujian.mechanisms, MechanismMention(prov=t.prov("福建风险会商研判机制", "mechanism.head"),
                                                              name="福建风险会商研判机制", head="机制")]
    pairs[k] = (fujian, meta)
    hunan, hmeta = pairs[0]
    t = Text(hunan.doc_id, "建立风险会商研判机制。")
    new = hunan.model_copy(deep=True)
    new.mechanisms = [*new.mechanisms, MechanismMention(prov=t.prov("风险会商研判机制", "mechanism.head"),
                                                        name="风险会商研判机制", head="机制")]
    _, state = build_with_state([e for e, _ in pairs], [m for _, m in pairs])
    assert update(state, [pairs[0]], [(new, hmeta)]) is None  # Fujian would need re-doing
    loaded = []

    def load(doc_id):
        loaded.append(doc_id)
        return pairs[k] if doc_id == "003_fujian" else None

    result = update(state, [pairs[0]], [(new, hmeta)], load=load, max_affected=3)
    assert result is not None and loaded == ["003_fujian"]
    pairs[0] = (new, hmeta)
    assert render_all(result.graph) == _exports([e for e, _ in pairs], [m for _, m in pairs])
    assert "Mechanism:风险会商研判机制" in result.graph.graph


def test_unknown_or_duplicate_documents_are_errors():
    pairs = _pairs()
    _, state = build_with_state([ex for ex, _ in pairs[1:]], [m for _, m in pairs[1:]])
    with pytest.raises(ValueError, match="not in the graph"):
        update(state, [pairs[0]], [])
    with pytest.raises(ValueError, match="already in the graph"):
        update(state, [], [pairs[1]])


def test_the_builders_snapshot_exports_what_the_graph_exports():
    """Without views a build exports from the builder's snapshot, never making the networkx graph."""
    from kg.graph.update import build_state

    extractions, metas = corpus()
    snap = build_state(extractions, metas).builder.snapshot()
    assert render_all(snap) == render_all(build_graph(extractions, metas))
    assert [n for n, _ in snap.nodes] == sorted(build_graph(extractions, metas).graph.nodes)

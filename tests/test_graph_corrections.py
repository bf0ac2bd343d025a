"""kg.graph.corrections: every kind of correction on the fixture corpus, what the graph records
of it, what the report says, and that it is a function of its inputs (order, updates)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.graph.corrections import CURATED, compile_corrections, disagreements, prepare, statuses
from kg.graph.model import edge_key
from kg.graph.update import build_state, update
from kg.io.corrections import parse_corrections
from tests.graph_fixtures import corpus, hunan, jilin

NOWHERE = Path("/nonexistent")


def _build(toml: str, order=None, documents=None):
    exs, metas = corpus(order)
    cur = compile_corrections(parse_corrections(toml), documents or [(NOWHERE, m) for m in metas])
    state = build_state(exs, metas, cur)
    return state.builder.finish(), state, cur


def _report(state, cur) -> list[tuple[str, bool, str]]:
    return [(s["op"], s["applied"], s["reason"]) for s in statuses(cur, state.builder, state.facts)]


def _curated(kg, key: str) -> list[str]:
    return [p.quote for p in kg.evidence.get(key, []) if p.rule == CURATED]


def test_no_corrections_builds_what_the_builder_builds():
    plain, _, _ = _build("")
    exs, metas = corpus()
    assert plain == build_state(exs, metas).builder.finish()


def test_reject_a_node_drops_it_with_its_edges_and_records_it():
    kg, state, cur = _build('[[reject]]\nnode = "Mechanism:双重预防机制"\nnote = "test"\n')
    g = kg.graph
    assert "Mechanism:双重预防机制" not in g
    assert not any("Mechanism:双重预防机制" in (h, t) for h, t in g.edges())
    rejected = sorted((m.alias, m.doc_id) for m in kg.merges if m.rule == "curated.reject")
    assert ("双重预防机制", "000_hunan") in rejected
    assert _report(state, cur)[0][:2] == ("reject", True)


def test_reject_in_one_document_keeps_the_others_mentions():
    before, _, _ = _build("")
    docs = before.graph.nodes["Mechanism:双重预防机制"]["docs"]
    assert len(docs) >= 2
    kg, state, cur = _build(f'[[reject]]\nnode = "Mechanism:双重预防机制"\ndoc = "{docs[0]}"\n')
    assert kg.graph.nodes["Mechanism:双重预防机制"]["docs"] == docs[1:]
    assert _report(state, cur) == [("reject", True, "rejected in 1 document")]


def test_reject_an_edge_only():
    edge = ("Region:湖南省", "adopts", "Mechanism:双重预防机制")
    kg, state, cur = _build(f'[[reject]]\nedge = {list(edge)!r}\n'.replace("'", '"'))
    assert not kg.graph.has_edge(edge[0], edge[2], edge[1])
    assert "Mechanism:双重预防机制" in kg.graph
    assert any(m.node == edge_key(*edge) and m.rule == "curated.reject" for m in kg.merges)


def test_merge_redirects_edges_keeps_the_first_id_and_the_label():
    before, _, _ = _build("")
    kg, state, cur = _build('[[merge]]\nnodes = ["Official:李大剑", "Official:霍云成"]\nlabel = "两位厅长"\n')
    g = kg.graph
    assert "Official:霍云成" not in g
    a = g.nodes["Official:李大剑"]
    assert a["label"] == "两位厅长" and {"李大剑", "霍云成"} <= set(a["aliases"])
    assert set(a["docs"]) == set(before.graph.nodes["Official:李大剑"]["docs"]) | set(
        before.graph.nodes["Official:霍云成"]["docs"])
    assert g.has_edge("Official:李大剑", "Organization:吉林省应急管理厅", "holds_post_in")
    assert any(m.node == "Official:李大剑" and m.alias == "霍云成" and m.rule == "curated.merge" for m in kg.merges)
    assert _curated(kg, "Official:李大剑")  # the merge is part of its evidence, once per document
    assert _report(state, cur) == [("merge", True, "2 nodes merged into Official:李大剑")]


def test_relabel_keeps_the_id_and_makes_the_old_label_an_alias():
    kg, state, cur = _build('[[relabel]]\nnode = "Region:吉林省"\nlabel = "吉林"\n[[relabel]]\nnode = "Region:吉林省"\n'
                            'label = "吉林省（东北）"\n')
    a = kg.graph.nodes["Region:吉林省"]
    assert a["label"] == "吉林省（东北）" and "吉林省" in a["aliases"]
    assert _report(state, cur)[0] == ("relabel", False, "overridden by line 4")
    assert _report(state, cur)[1][:2] == ("relabel", True)


def test_alias_is_added_and_recorded():
    kg, _, _ = _build('[[alias]]\nnode = "Mechanism:双重预防机制"\nalias = "双预防机制"\n')
    assert "双预防机制" in kg.graph.nodes["Mechanism:双重预防机制"]["aliases"]
    assert any(m.alias == "双预防机制" and m.rule == "curated.alias" for m in kg.merges)
    assert _curated(kg, "Mechanism:双重预防机制")[0].startswith("alias node=Mechanism:双重预防机制")


def test_split_undoes_a_resolution_merge():
    before, _, _ = _build("")
    merged = [m for m in before.merges if m.rule.startswith("organization.abbreviation")]
    assert merged
    node, alias = merged[0].node, merged[0].alias
    kg, state, cur = _build(f'[[split]]\nnode = "{node}"\nalias = "{alias}"\n')
    assert f"Organization:{alias}" in kg.graph
    assert _report(state, cur)[0][:2] == ("split", True)
    assert _curated(kg, f"Organization:{alias}")


def test_document_region_title_and_date_win_over_manifest_and_text():
    kg, state, cur = _build('[[region]]\ndoc = "002_jilin"\nregion = "吉林市"\n'
                            '[[title]]\ndoc = "002_jilin"\ntitle = "人写的标题"\n'
                            '[[date]]\ndoc = "002_jilin"\ndate = "2019-12-31"\n')
    d = kg.graph.nodes["Document:002_jilin"]
    assert (d["title"], d["date"], d["region"], d["label"]) == ("人写的标题", "2019-12-31", "吉林市", "人写的标题")
    assert kg.graph.has_edge("Document:002_jilin", "Region:吉林市", "about")
    assert kg.graph.nodes["Region:吉林市"]["adcode"] == "220200"  # level and code as the corpus gives them
    assert all(a for _, a, _ in _report(state, cur))
    # the Jilin text's adopts edge now starts at the corrected region
    assert kg.graph.has_edge("Region:吉林市", "Mechanism:驻企服务制度", "adopts") or \
        kg.graph.has_edge("Region:吉林市", "Mechanism:吉林省驻企服务制度", "adopts")


def test_manifest_values_win_over_the_text_and_disagreements_are_recorded():
    ex, meta = jilin()
    meta = meta.model_copy(update={"title": "另一个标题", "region": "吉林市"})
    out, facts = prepare(ex, meta)
    assert out.title.value == "另一个标题" and out.title.prov.rule == "manifest.title"
    assert out.region.name == "吉林市" and out.region.method == "manifest"
    assert facts.disagree == (("title", "另一个标题", ex.title.value), ("region", "吉林市", "吉林省"))
    assert disagreements(ex, meta) == facts.disagree


def test_a_manifest_that_agrees_keeps_the_evidence_in_the_text():
    ex, meta = hunan()  # its manifest row says what the text says (湖南省, same title)
    out, facts = prepare(ex, meta)
    assert out.title == ex.title and out.region == ex.region and facts.disagree == ()
    assert out.date.value == "2022-02-10" and out.date.prov.rule == "manifest.date"  # the text had no date


def test_add_finds_the_quote_in_the_normalised_text_and_maps_it_back(tmp_path):
    ex, meta = hunan()
    text = "坚持雙輪驅動 強化協同管理\n全省推行安全生產包保責任制度，層層壓實責任。\n"  # traditional: normalised to simplified
    path = tmp_path / meta.file
    path.write_text(text, encoding="utf-8")
    toml = ('[[add]]\ndoc = "000_hunan"\ntype = "Mechanism"\nname = "安全生产包保责任制度"\nquote = "安全生產包保責任制度"\n'
            '[[add]]\ndoc = "000_hunan"\ntype = "Mechanism"\nname = "无此机制"\nquote = "不在文中的话"\n')
    exs, metas = corpus()
    docs = [(path if m.id == meta.id else NOWHERE, m) for m in metas]
    cur = compile_corrections(parse_corrections(toml), docs)
    state = build_state(exs, metas, cur)
    kg = state.builder.finish()
    node = "Mechanism:安全生产包保责任制度"
    assert kg.graph.has_edge("Region:湖南省", node, "adopts")
    (p,) = kg.evidence[node]
    assert p.rule == CURATED and p.quote == "安全生產包保責任制度" == text[p.orig_start:p.orig_end]
    assert p.sentence.startswith("全省推行安全生产包保责任制度")
    assert _report(state, cur)[1] == ("add", False, "quote not found in document 000_hunan")


def test_corrections_pointing_at_nothing_are_stale():
    _, state, cur = _build('[[reject]]\nnode = "Mechanism:没有的机制"\n[[relabel]]\nnode = "Official:某人"\nlabel = "x"\n'
                           '[[region]]\ndoc = "no_such_doc"\nregion = "湖南省"\n'
                           '[[merge]]\nnodes = ["Official:李大剑", "Official:无名"]\n')
    assert _report(state, cur) == [
        ("reject", False, "no node Mechanism:没有的机制"), ("relabel", False, "no node Official:某人"),
        ("region", False, "no document no_such_doc"), ("merge", False, "nothing to merge: not found: Official:无名")]


TOML_ALL = ('[[reject]]\nnode = "Mechanism:双重预防机制"\ndoc = "000_hunan"\n'
            '[[merge]]\nnodes = ["Official:李大剑", "Official:霍云成"]\n'
            '[[relabel]]\nnode = "Region:浙江省"\nlabel = "浙江"\n'
            '[[region]]\ndoc = "002_jilin"\nregion = "吉林市"\n')


@pytest.mark.parametrize("order", [[7, 6, 5, 4, 3, 2, 1, 0], [3, 0, 7, 1, 5, 2, 6, 4]])
def test_the_order_of_documents_does_not_matter(order):
    assert _build(TOML_ALL, order)[0] == _build(TOML_ALL)[0]


@pytest.mark.parametrize("doc", ["000_hunan", "002_jilin", "003_fujian"])
def test_taking_a_document_out_and_back_in_equals_a_fresh_build(doc):
    kg, state, cur = _build(TOML_ALL)
    exs, metas = corpus()
    i = [e.doc_id for e in exs].index(doc)
    pair = (exs[i], metas[i])
    load = {e.doc_id: (e, m) for e, m in zip(exs, metas)}.get
    without = update(state, [pair], [], load=load, max_affected=8, curation=cur)
    assert without is not None
    rest = [(e, m) for e, m in zip(exs, metas) if e.doc_id != doc]
    fresh = build_state([e for e, _ in rest], [m for _, m in rest], cur).builder.finish()
    assert without.graph == fresh
    back = update(state, [], [pair], load=load, max_affected=8, curation=cur)
    assert back is not None and back.graph == kg


def test_an_update_of_a_document_an_add_cites_asks_for_a_fresh_build(tmp_path):
    ex, meta = hunan()
    cur = compile_corrections(parse_corrections('[[add]]\ndoc = "000_hunan"\ntype = "Event"\nname = "x"\nquote = "y"\n'),
                              [(NOWHERE, meta)])
    state = build_state([ex], [meta], cur)
    assert update(state, [(ex, meta)], [(ex, meta)], curation=cur) is None


def test_the_readme_example_builds_on_the_demo_corpus(tmp_path):
    """Every kind the README shows, on the demo corpus: what names a real thing applies, and
    the add entry's quote (written simplified, the text is traditional) is found."""
    import re
    import shutil

    from kg.build import build
    from tests.paths import ROOT, SOURCES

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"## Correcting the graph.*?```toml\n(.*?)```", readme, re.S).group(1)
    src = tmp_path / "src"
    shutil.copytree(SOURCES, src)
    (src / "corrections.toml").write_text(example, encoding="utf-8")
    report = build(src, tmp_path / "out", views=False, cache=False)
    applied = {c.op: c.applied for c in report.corrections if c.op in ("split", "relabel", "alias", "region", "add")}
    assert applied == dict.fromkeys(("split", "relabel", "alias", "region", "add"), True)
    nodes = (tmp_path / "out" / "nodes.csv").read_text(encoding="utf-8")
    assert "Mechanism:领导干部包保责任制," in nodes and "Organization:省应急管理厅," in nodes


def test_an_entry_written_twice_is_reported_once_applied():
    _, state, cur = _build('[[reject]]\nnode = "Mechanism:双重预防机制"\n\n[[reject]]\nnode = "Mechanism:双重预防机制"\n')
    assert [r[:2] for r in _report(state, cur)] == [("reject", True), ("reject", False)]
    assert _report(state, cur)[1][2] == "the same as line 1"

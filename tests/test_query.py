"""The query API (kg.query) against the demo corpus, built once for the module."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

import kg
from kg.build import build
from kg.errors import KgError
from kg.export.graphml import read_graphml, write_graphml
from kg.export.nodelink import read_node_link, write_node_link
from kg.graph.model import KnowledgeGraph, edge_key
from kg.query import (
    EVIDENCE_COLUMNS,
    Explorer,
    QueryError,
    UnknownEdgeError,
    UnknownNodeError,
    UnknownRegionError,
    load,
    subgraph,
)
from tests.paths import SOURCES, seed

HUNAN_PAIRS = {"防": ("综合防", "具体防"), "抗": ("协同抗", "为主抗"), "救": ("主导救", "支撑救"),
               "助": ("统筹助", "分工助")}
HUNAN_DOC = seed("000").stem


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "out"
    build(SOURCES, out, views=False)
    return out


@pytest.fixture(scope="module")
def ex(out) -> Explorer:
    return load(out)


def source_text(ex: Explorer, doc_id: str) -> str:
    return (SOURCES / ex.kg.documents[doc_id]["file"]).read_text(encoding="utf-8")


# --------------------------------------------------------------------------- loading
def test_import_kg_stays_light_and_exports_the_api_lazily():
    code = ("import sys, kg; assert 'pandas' not in sys.modules and 'spacy' not in sys.modules; "
            "import kg.build; assert kg.build.__name__ == 'kg.build'; "
            "assert kg.load.__module__ == 'kg.query' and kg.Explorer.__name__ == 'Explorer'; "
            "assert {'load', 'from_sources', 'Explorer'} <= set(dir(kg))")
    subprocess.run([sys.executable, "-c", code], check=True)
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        kg.nope  # noqa: B018


def test_load_takes_the_output_dir_its_graph_json_or_a_graph(out, ex):
    assert kg.load(out / "graph.json").kg == ex.kg
    assert load(ex.kg).kg is ex.kg
    assert ex.kg == read_node_link(out / "graph.json")
    assert "5 documents" in repr(ex)


def test_load_names_what_is_missing(tmp_path):
    with pytest.raises(QueryError, match="no kg.sqlite or graph.json here; build it with: kg build SOURCES --out") as e:
        load(tmp_path)
    assert str(tmp_path) in str(e.value)
    with pytest.raises(QueryError, match="no such file or directory") as e:
        load(tmp_path / "nowhere")
    assert "nowhere" in str(e.value)


def test_from_sources_without_out_leaves_nothing_behind(tmp_path, monkeypatch):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(seed("000"), src / seed("000").name)  # one document keeps this fast
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    ex = kg.from_sources(src)
    assert ex.report.built == 1
    assert "Region:湖南省" in ex.graph
    assert list(scratch.iterdir()) == []  # the temporary build directory is gone
    assert sorted(p.name for p in src.iterdir()) == [seed("000").name]  # nothing written next to the sources


def test_from_sources_with_out_keeps_the_build(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(seed("000"), src / seed("000").name)
    ex = kg.from_sources(src, tmp_path / "out")
    assert (tmp_path / "out" / "graph.json").is_file() and (tmp_path / "out" / "index.html").is_file()
    assert ex.kg == read_node_link(tmp_path / "out" / "graph.json")


# --------------------------------------------------------------------------- names
@pytest.mark.parametrize("name", ["湖南", "湖南省", "Region:湖南省", " 湖南省 "])
def test_regions_are_named_short_full_or_by_id(ex, name):
    assert ex.region(name) == "Region:湖南省"


def test_unknown_region_is_a_kg_error_naming_it_and_the_known_ones(ex):
    with pytest.raises(UnknownRegionError) as e:
        ex.statistics("广东")
    message = str(e.value)
    assert message.startswith("[E082] unknown region '广东'")
    assert "湖南省" in message and "浙江省" in message
    assert isinstance(e.value, KgError) and isinstance(e.value, LookupError)
    with pytest.raises(UnknownRegionError, match="'双重预防机制'"):
        ex.region("双重预防机制")  # a node, but not a region


def test_unknown_node_suggests_nodes_containing_it(ex):
    with pytest.raises(UnknownNodeError, match=r"no node '双重预防'; nodes containing it: Mechanism:双重预防机制"):
        ex.evidence("双重预防")
    with pytest.raises(UnknownNodeError, match=r"no Mechanism node '不存在'; try find\(\)"):
        ex.node("不存在", type="Mechanism")
    with pytest.raises(QueryError, match="unknown node type 'Mech'"):
        ex.node("双重预防机制", type="Mech")


def test_ambiguous_names_ask_for_an_id_and_tables_tell_them_apart():
    kgraph = KnowledgeGraph(documents={"a": {"region": "X市"}, "b": {"region": "X市"}})
    for doc in ("a", "b"):
        kgraph.graph.add_node(f"Region:X市@{doc}", type="Region", label="X市", aliases=[], docs=[doc], count=1)
        kgraph.graph.add_node(f"Document:{doc}", type="Document", label=doc, aliases=[], docs=[doc], count=1)
        kgraph.graph.add_edge(f"Document:{doc}", f"Region:X市@{doc}", key="about", relation="about", docs=[doc],
                              count=1)
    ex = Explorer(kgraph)
    with pytest.raises(QueryError, match=r"'X市' names 2 nodes: Region:X市@a, Region:X市@b; pass one of these ids"):
        ex.region("X市")
    assert ex.region("Region:X市@b") == "Region:X市@b"
    assert ex.regions()["region"].tolist() == ["X市@a", "X市@b"]


# --------------------------------------------------------------------------- duty formulas
def test_duty_table_puts_hunans_four_pairs_in_their_columns(ex):
    table = ex.duty_table()
    assert list(table.columns.get_level_values(0).unique()) == ["防", "抗", "救", "助", "formula", "holder", "note"]
    assert list(table.columns.get_level_values(1).unique()) == ["lead", "support", ""]
    hunan = table.loc["湖南省"]
    for phase, (lead, support) in HUNAN_PAIRS.items():
        assert (hunan[(phase, "lead")], hunan[(phase, "support")]) == (lead, support)
    assert hunan[("formula", "lead")] == "综合防、协同抗、主导救、统筹助"
    assert hunan[("formula", "support")] == "具体防、为主抗、支撑救、分工助"
    assert hunan[("holder", "support")] == "相关部门"
    assert pd.isna(hunan[("holder", "lead")])


def test_duty_table_has_a_row_per_document_region_and_the_city_formula_on_the_lead_side(ex):
    table = ex.duty_table()
    assert table.index.tolist() == ["X市", "吉林省", "浙江省", "湖南省", "福建省"]
    city = table.loc["X市"]
    # 综合防、牵头救、统筹助: 牵头救 has no pair of its own; its formula's other duties are lead duties
    assert (city[("防", "lead")], city[("救", "lead")], city[("助", "lead")]) == ("综合防", "牵头救", "统筹助")
    assert city[[(p, "support") for p in HUNAN_PAIRS]].isna().all()
    assert city[("holder", "lead")] == "应急管理部门"
    jilin = table.loc["吉林省"]
    assert jilin.drop(("note", "")).isna().all() and pd.isna(city[("note", "")])
    assert jilin[("note", "")].startswith("no duty formula; numbered formulas “")


def test_duty_table_says_what_a_region_without_a_formula_has_instead(ex):
    notes = ex.duty_table(flat=True)["note"]
    assert pd.isna(notes["湖南省"])  # it states formulas: no note
    zhejiang = notes["浙江省"]
    pairs = ex.principle_pairs("浙江")["pair"].tolist()
    assert pairs and f"principle pairs {'、'.join(pairs)}" in zhejiang
    n = len(ex.mechanisms(region="浙江"))
    assert n > 3 and f"; {n} mechanisms (" in zhejiang and zhejiang.endswith("…)")
    for region, note in notes.items():
        assert pd.isna(note) == (region in ("X市", "湖南省")), region


def test_flat_duty_table_has_the_same_cells(ex):
    nested, flat = ex.duty_table(), ex.duty_table(flat=True)
    assert flat.columns[:2].tolist() == ["防_lead", "防_support"]
    assert flat.loc["湖南省", "救_support"] == "支撑救"
    assert flat.fillna("").values.tolist() == nested.fillna("").values.tolist()


def test_duty_pairs_come_in_phase_order(ex):
    pairs = ex.duty_pairs("湖南")
    assert [tuple(r) for r in pairs[["phase", "lead", "support"]].values] == [
        (p, *HUNAN_PAIRS[p]) for p in ("防", "抗", "救", "助")]
    assert ex.duty_pairs("浙江").empty


# --------------------------------------------------------------------------- mechanisms, officials, ...
def test_mechanisms_lists_adopting_regions_most_shared_first(ex):
    table = ex.mechanisms()
    assert table["n_regions"].is_monotonic_decreasing
    row = table.set_index("mechanism").loc["双重预防机制"]
    assert row["regions"] == ["湖南省", "福建省"] and row["n_regions"] == 2
    assert row["head"] == "机制" and row["id"] == "Mechanism:双重预防机制"
    assert len(table) == sum(1 for _, t in ex.graph.nodes(data="type") if t == "Mechanism")
    shared = ex.mechanisms(min_regions=2)
    assert "双重预防机制" in shared["mechanism"].tolist() and (shared["n_regions"] >= 2).all()
    zhejiang = ex.mechanisms(region="浙江")
    assert len(zhejiang) > 0 and all("浙江省" in r for r in zhejiang["regions"])


def test_officials_have_titles_organisation_and_documents(ex):
    table = ex.officials().set_index("official")
    row = table.loc["李大剑"]
    assert row["organization"] == "湖南省应急管理厅"
    assert row["post_titles"] == ["党委书记", "厅长"] and row["region"] == "湖南省"
    assert row["docs"] == [HUNAN_DOC] and row["documents"] == ["坚持双轮驱动 强化协同管理"]
    assert set(table.index) == {ex.graph.nodes[n]["label"] for n, t in ex.graph.nodes(data="type") if t == "Official"}


def test_statistics_per_region(ex):
    hunan = ex.statistics("湖南")
    assert (hunan["region"] == "湖南省").all()
    assert hunan.equals(ex.statistics("湖南省"))
    row = hunan.set_index("subject").loc["自然灾害受灾人口"]
    assert (row["value"], row["unit"], row["direction"], row["baseline"]) == (44.81, "%", "下降", "近五年均值")
    assert row["docs"] == [HUNAN_DOC] and row["document"] == "坚持双轮驱动 强化协同管理"
    everything = ex.statistics()
    assert set(everything["region"]) >= {"湖南省", "X市"}
    assert len(everything) >= len(hunan) + len(ex.statistics("X市"))


def test_principle_pairs_and_numbered_formulas_per_region(ex):
    pairs = ex.principle_pairs()
    regions_of = pairs.groupby("pair")["region"].apply(list)
    assert regions_of["防与救"] == ["X市", "浙江省", "湖南省"]
    assert set(ex.principle_pairs("湖南")["pair"]) == {"防与救", "统与分"}
    hunan = ex.numbered_formulas("湖南").set_index("formula")
    assert hunan.loc["两个至上", "parts"] == 2
    zhejiang = ex.numbered_formulas("浙江")
    assert {"五个导向", "六个一", "八个化、八个一", "两个两千"} <= set(zhejiang["formula"])
    assert all(isinstance(e, list) for e in zhejiang["expansion"])
    assert str(zhejiang["parts"].dtype) == "Int64"  # whole numbers, missing where the numeral counts nothing


def test_regions_table(ex):
    table = ex.regions().set_index("region")
    assert table.loc["湖南省", "documents"] == [HUNAN_DOC] and table.loc["湖南省", "level"] == "province"
    assert len(ex.regions(include_mentioned=True)) > len(table)  # 松原市, 福州市 … are only mentioned


# --------------------------------------------------------------------------- evidence
def test_evidence_of_an_edge_names_its_sentence_and_document(ex):
    rows = ex.evidence(("湖南", "adopts", "双重预防机制"))
    assert list(rows.columns) == list(EVIDENCE_COLUMNS)
    assert len(rows) >= 1
    row = rows.iloc[0]
    assert row["doc_id"] == HUNAN_DOC and row["title"] == "坚持双轮驱动 强化协同管理"
    assert row["quote"] == "双重预防机制" and row["rule"].startswith("mechanism")
    assert "构建双重预防机制" in row["sentence"]
    assert source_text(ex, HUNAN_DOC)[row["orig_start"]:row["orig_end"]] == "双重预防机制"


def test_every_node_and_edge_points_back_to_its_sentence(ex):
    g = ex.graph
    refs = [*g.nodes, *((h, k, t) for h, t, k in g.edges(keys=True))]
    for ref in refs:
        rows = ex.evidence(ref)
        assert len(rows) > 0, ref
        for quote, sentence in zip(rows["quote"], rows["sentence"]):
            assert quote in sentence, ref


def test_evidence_of_a_shared_node_covers_both_documents(ex):
    rows = ex.evidence("双重预防机制")
    assert set(rows["doc_id"]) == {HUNAN_DOC, seed("003").stem}
    for doc, start, end, quote in rows[["doc_id", "orig_start", "orig_end", "quote"]].values:
        assert source_text(ex, doc)[start:end] == quote  # offsets into the file as written (traditional too)


def test_unknown_edges_are_named(ex):
    with pytest.raises(UnknownEdgeError, match=r"no edge Region:湖南省 -adopts-> Mechanism:自然灾害防治重点工程; "
                                               r"they are not linked"):
        ex.evidence(("湖南", "adopts", "自然灾害防治重点工程"))
    with pytest.raises(UnknownEdgeError, match=r"edges between them: Region:湖南省 -states-> DutyFormula"):
        ex.evidence(("湖南", "adopts", "综合防、协同抗、主导救、统筹助"))
    with pytest.raises(QueryError, match="unknown relation 'adopt'"):
        ex.evidence(("湖南", "adopt", "双重预防机制"))
    with pytest.raises(QueryError, match=r"an edge is \(head, relation, tail\)"):
        ex.evidence(("湖南", "adopts"))


# --------------------------------------------------------------------------- ego graphs
def test_ego_of_a_region_keeps_its_formulas_parts_and_evidence(ex):
    ego = ex.ego("湖南")
    g = ego.graph
    assert "Region:湖南省" in g and "Mechanism:双重预防机制" in g
    assert {f"Duty:{d}" for pair in HUNAN_PAIRS.values() for d in pair} <= set(g)  # parts of its formulas
    assert "Region:福建省" not in g and "Official:李大剑" not in g  # two links away
    for n in g:
        assert ego.node_evidence(n) == ex.kg.node_evidence(n)
        assert g.nodes[n] == ex.graph.nodes[n]
    for h, t, k in g.edges(keys=True):
        assert ego.evidence[edge_key(h, k, t)] == ex.kg.edge_evidence(h, k, t)
    assert HUNAN_DOC in ego.documents
    assert set(ex.ego("湖南", 2).graph) >= {"Region:福建省", "Official:李大剑"}
    assert set(ex.ego("湖南", 0, parts=False).graph) == {"Region:湖南省"}


def test_ego_of_a_mechanism_shows_the_regions_sharing_it(ex):
    assert {"Region:湖南省", "Region:福建省"} <= set(ex.ego("双重预防机制").graph)


def test_ego_is_a_copy_that_exports_and_reads_back(ex, tmp_path):
    ego = ex.ego("浙江")
    ego.graph.nodes["Region:浙江省"]["aliases"].append("changed")
    assert "changed" not in ex.graph.nodes["Region:浙江省"]["aliases"]
    ego = ex.ego("浙江")
    assert read_node_link(write_node_link(ego, tmp_path / "ego.json")) == ego  # validated against the ontology
    back = read_graphml(write_graphml(ego, tmp_path / "ego.graphml"))
    assert sorted(back.graph.nodes) == sorted(ego.graph.nodes)
    assert sorted(back.graph.edges(keys=True)) == sorted(ego.graph.edges(keys=True))


def test_ego_rejects_a_bad_radius(ex):
    for radius in (-1, 1.5, True):
        with pytest.raises(QueryError, match="radius must be a whole number"):
            ex.ego("湖南", radius)


def test_subgraph_names_missing_nodes(ex):
    with pytest.raises(UnknownNodeError, match="not in the graph: 'Region:广东省'"):
        subgraph(ex.kg, ["Region:湖南省", "Region:广东省"])


# --------------------------------------------------------------------------- find, show
def test_find_matches_labels_and_aliases_exact_first(ex):
    assert ex.find("浙江")["id"].iloc[0] == "Region:浙江省"  # its alias, exactly
    found = ex.find("预防", type="Mechanism")
    assert "Mechanism:双重预防机制" in found["id"].tolist() and (found["type"] == "Mechanism").all()
    assert ex.find("不存在的东西").empty
    with pytest.raises(QueryError, match="needs some text"):
        ex.find("  ")
    with pytest.raises(QueryError, match="unknown node type 'Place'"):
        ex.find("浙江", type="Place")


def test_find_also_searches_the_evidence_sentences(ex):
    found = ex.find("叫应")
    assert found.columns.tolist()[-2:] == ["match", "sentences"]
    by_name = found[found["match"] == "name"]
    assert "Mechanism:预警叫应机制" in by_name["id"].tolist()
    assert found["match"].tolist() == sorted(found["match"].tolist())  # names first, then sentence matches
    via = found[found["match"] == "sentence"]
    assert len(via) and all("叫应" not in label for label in via["label"])
    assert via["sentences"].tolist() == sorted(via["sentences"], reverse=True)
    # exactly the nodes the sentences holding the term support, with how many
    supported = Counter(n for nodes in ex.sentences("叫应")["nodes"] for n in nodes)
    assert dict(zip(found["id"], found["sentences"])) == {n: supported[n] for n in found["id"]}
    assert set(supported) <= set(found["id"])
    assert ex.find("叫应", in_sentences=False)["id"].tolist() == by_name["id"].tolist()
    assert (ex.find("叫应", type="Organization")["type"] == "Organization").all()


def test_find_searches_the_store_when_loaded_from_a_build_and_memory_otherwise(ex, monkeypatch):
    import kg.store

    calls = []
    real = kg.store.search
    monkeypatch.setattr(kg.store, "search", lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    from_store = ex.find("叫应")
    assert calls == ["叫应"]
    in_memory = Explorer(ex.kg).find("叫应")
    assert calls == ["叫应"]  # no store behind it: the evidence in memory
    pd.testing.assert_frame_equal(from_store, in_memory)


def test_show_draws_the_ego_graph_with_the_node_highlighted(ex):
    from IPython.display import HTML

    from tests.test_views_inline import srcdoc_of

    shown = ex.show("湖南")
    assert isinstance(shown, HTML)
    page = srcdoc_of(shown.data)
    assert "湖南省: links within 1" in page and "The large node with a dark outline is 湖南省" in page
    assert page.count('"id":"Region:湖南省"') == 1
    assert "Region:福建省" not in page
    whole = srcdoc_of(ex.show(height=500).data)
    assert "Region:福建省" in whole
    assert 'height: 500px' in ex.show(["湖南", "双重预防机制"], height=500).data


# --------------------------------------------------------------------------- corrections
def test_explorer_corrections_write_to_the_sources_it_was_built_from(tmp_path):
    from kg.errors import CorrectionTargetError, UnknownNodeError
    from kg.io.corrections import read_corrections

    src = tmp_path / "src"
    shutil.copytree(SOURCES, src)
    build(src, tmp_path / "out", views=False, cache=False)
    ex = load(tmp_path / "out")  # the build report names the sources
    first = ex.reject("双重预防机制", note="test")  # by label, as everywhere in the Explorer
    assert (first.op, first.node, first.line) == ("reject", "Mechanism:双重预防机制", 1)
    ex.merge("伍斌", "凌志峰", label="两位厅长")
    ex.relabel("Official:李大剑", "李大剑厅长")
    ex.alias("Region:湖南省", "湘")
    ex.set_region("001_dee7a70e350022e0", "X市")
    ex.set_date("001_dee7a70e350022e0", "2020")
    ex.reject(edge=("湖南省", "adopts", "Mechanism:互联网+监管一体化平台"))
    with pytest.raises(UnknownNodeError):
        ex.relabel("没有这个名字", "x")
    with pytest.raises(CorrectionTargetError, match="no document nope"):
        ex.set_title("nope", "x")
    entries = read_corrections(src).entries
    assert [e.op for e in entries] == ["reject", "merge", "relabel", "alias", "region", "date", "reject"]
    assert entries[-1].edge == ("Region:湖南省", "adopts", "Mechanism:互联网+监管一体化平台")
    report = build(src, tmp_path / "out", views=False)
    assert [c.applied for c in report.corrections] == [True] * 7
    again = load(tmp_path / "out")
    assert "Mechanism:双重预防机制" not in again.graph
    assert again.graph.nodes["Official:伍斌"]["label"] == "两位厅长"


# --------------------------------------------------------------------------- timeline and figures
TIMELINE_COLUMNS = ["region", "mechanism", "date", "document", "first", "doc_id", "mentions", "sentence",
                    "mechanism_id"]


def test_timeline_has_a_row_per_region_mechanism_and_document(ex):
    t = ex.timeline()
    assert list(t.columns) == TIMELINE_COLUMNS and t["first"].dtype == bool
    # the same region-mechanism pairs as the adoption table
    adopted = {(r, row.mechanism) for row in ex.mechanisms().itertuples() for r in row.regions}
    assert set(zip(t["region"], t["mechanism"])) == adopted
    shared = t[t["mechanism"] == "双重预防机制"]
    assert sorted(shared["region"]) == ["湖南省", "福建省"] and shared["first"].all()
    assert shared["date"].notna().all()
    # the city's document states no date: its rows stay undated and none is a first
    x = t[t["region"] == "X市"]
    assert len(x) > 0 and x["date"].isna().all() and not x["first"].any()
    assert (t["mentions"] >= 1).all() and (t["sentence"].str.len() > 0).all()
    assert ex.timeline(region="湖南").equals(t[t["region"] == "湖南省"].reset_index(drop=True))
    assert ex.timeline(mechanism="双重预防机制")["region"].tolist() == ["湖南省", "福建省"]
    with pytest.raises(UnknownRegionError):
        ex.timeline(region="广东")


def test_timeline_orders_dates_across_precisions_undated_after():
    from tests.test_views_timeline import timeline_graph

    t = Explorer(timeline_graph()).timeline(region="甲省", mechanism="风险会商机制")
    assert t["date"].tolist()[:3] == ["2021", "2021-06-15", "2022-03"] and pd.isna(t["date"].iloc[3])
    assert t["first"].tolist() == [True, True, False, False]  # a year and a day in it may both be first
    assert t["document"].tolist() == ["甲省二〇二一年工作总结", "甲省汛期工作部署", "甲省工作要点", "甲省讲话提纲"]


def test_figures_carry_normalised_values_from_the_graph(ex):
    f = ex.figures()
    assert list(f.columns) == ["region", "subject", "year", "value", "unit", "normalized_value", "normalized_unit",
                               "direction", "baseline", "document", "date", "sentence", "doc_id", "id"]
    g = ex.graph
    for row in f.itertuples():
        a = g.nodes[row.id]
        assert (pd.isna(row.normalized_value) and a.get("normalized_value") is None) or \
            row.normalized_value == a["normalized_value"]
        assert row.normalized_unit == a.get("normalized_unit") or pd.isna(row.normalized_unit)
    rescuers = f[(f["region"] == "吉林省") & (f["subject"] == "抢险人员")]
    assert rescuers[["value", "unit", "normalized_value", "normalized_unit", "year"]].values.tolist() == [
        [12.3, "万人", 123000.0, "人", 2019]]
    assert f["year"].dtype == "Int64" and f.loc[f["region"] == "X市", "year"].isna().all()  # an undated document
    assert set(ex.figures(region="吉林")["region"]) == {"吉林省"}
    assert (ex.figures(subject="人员")["subject"].str.contains("人员")).all()


def test_figures_across_regions_compare_in_base_units():
    from tests.test_views_timeline import timeline_graph

    f = Explorer(timeline_graph()).figures(subject="转移群众")
    assert dict(zip(f["region"], f["normalized_value"])) == {"丙县": 15000.0, "乙市": 8000.0, "甲省": 123000.0}
    assert set(f["normalized_unit"]) == {"人"} and f["year"].tolist()[1:] == [2020, 2021]

import io
import math
import xml.etree.ElementTree as ET
from collections import defaultdict

import igraph
import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.errors import ExportError
from kg.export.graphml import (
    SENTENCE_CHARS,
    join_list,
    read_graphml,
    render_graphml,
    split_list,
    write_graphml,
)
from kg.graph.build import build_graph
from kg.graph.ontology import node_attributes
from kg.models import DocumentExtraction, MechanismMention
from tests.graph_fixtures import DOCUMENTS, Text, corpus

NS = {"g": "http://graphml.graphdrawing.org/xmlns"}


@pytest.fixture(scope="module")
def kg():
    return build_graph(*corpus())


@pytest.fixture(scope="module")
def path(kg, tmp_path_factory):
    return write_graphml(kg, tmp_path_factory.mktemp("graphml") / "graph.graphml")


def _structure(kg):
    data = kg.as_data()
    return data["nodes"], data["edges"], data["documents"]


def test_networkx_round_trip_restores_nodes_edges_and_attributes(kg, path):
    back = read_graphml(path)
    assert _structure(back) == _structure(kg)
    assert back.evidence == {} and back.merges == []


def test_igraph_reads_the_same_graph(kg, path):
    ig = igraph.Graph.Read_GraphML(str(path))
    assert (ig.vcount(), ig.ecount()) == (kg.graph.number_of_nodes(), kg.graph.number_of_edges())
    assert ig.is_directed()
    for v in ig.vs:
        attrs = kg.graph.nodes[v["id"]]
        assert (v["label"], v["type"], int(v["count"])) == (attrs["label"], attrs["type"], attrs["count"])
        assert split_list(v["aliases"]) == attrs["aliases"] and split_list(v["docs"]) == attrs["docs"]
        if attrs["type"] == "Statistic":
            assert (math.isnan(v["value"]) if attrs["value"] is None else v["value"] == attrs["value"])
        if attrs["type"] == "Region":
            assert v["anonymized"] == attrs["anonymized"]
    got = defaultdict(int)
    for e in ig.es:
        head, tail = ig.vs[e.source]["id"], ig.vs[e.target]["id"]
        a = kg.graph.edges[head, tail, e["relation"]]
        assert (int(e["count"]), split_list(e["docs"]), e["label"]) == (a["count"], a["docs"], e["relation"])
        got[e["relation"]] += 1
    want = defaultdict(int)
    for _, _, k in kg.graph.edges(keys=True):
        want[k] += 1
    assert got == want


def test_every_node_has_label_and_type_and_one_type_per_attribute(path):
    root = ET.parse(path).getroot()
    keys = root.findall("g:key", NS)
    declared = defaultdict(set)
    for k in keys:
        declared[(k.get("for"), k.get("attr.name"))].add(k.get("attr.type"))
    assert all(len(types) == 1 for types in declared.values()), declared
    assert declared[("node", "count")] == {"long"} and declared[("node", "value")] == {"double"}
    assert declared[("node", "anonymized")] == {"boolean"}
    ids = {k.get("id"): k.get("attr.name") for k in keys}
    for node in root.iter("{%s}node" % NS["g"]):
        names = {ids[d.get("key")] for d in node.findall("g:data", NS)}
        assert {"label", "type", "count", "docs", "evidence_quote"} <= names, node.get("id")
    edge_ids = [e.get("id") for e in root.iter("{%s}edge" % NS["g"])]
    assert len(edge_ids) == len(set(edge_ids))  # GraphML wants unique edge ids


def test_only_scalars_are_written(kg):
    g = nx.read_graphml(io.BytesIO(render_graphml(kg)), force_multigraph=True)
    for _, attrs in g.nodes(data=True):
        assert all(isinstance(v, (str, int, float, bool)) for v in attrs.values())
    n = g.nodes["DutyFormula:综合防、协同抗、主导救、统筹助"]
    assert n["items"] == "综合防|协同抗|主导救|统筹助"
    assert "value" not in g.nodes["Statistic:吉林省/死亡人数/下降//同比"]  # unknown: omitted, not faked


def test_evidence_is_summarised_by_id_and_the_sentence_only_inline(kg):
    g = nx.read_graphml(io.BytesIO(render_graphml(kg)), force_multigraph=True, edge_key_type=str)
    e = g.edges["Region:福建省", "Mechanism:双重预防机制", "Region:福建省|adopts|Mechanism:双重预防机制"]
    assert (e["evidence_doc"], e["evidence_quote"]) == ("003_fujian", "双重预防机制")
    assert e["evidence_id"].startswith("003_fujian#") and "evidence_sentence" not in e  # the sentence is in the store
    assert e["evidence_rule"] == "mechanism.head" and e["count"] == 1
    g = nx.read_graphml(io.BytesIO(render_graphml(kg, inline=True)), force_multigraph=True, edge_key_type=str)
    e = g.edges["Region:福建省", "Mechanism:双重预防机制", "Region:福建省|adopts|Mechanism:双重预防机制"]
    assert e["evidence_sentence"] == "健全双重预防机制。"


def test_long_sentences_are_cut_and_control_characters_dropped():
    body = "健全双重预防机制" + "，强化源头管控" * 60 + "。"
    t = Text("long", "\x0c" + body)
    ex = DocumentExtraction(doc_id="long", file="long.txt", mechanisms=[
        MechanismMention(prov=t.prov("双重预防机制", "mechanism.head"), name="双重预防机制", head="机制")])
    data = render_graphml(build_graph([ex]), inline=True)
    g = nx.read_graphml(io.BytesIO(data))
    sentence = g.nodes["Mechanism:双重预防机制"]["evidence_sentence"]
    assert len(sentence) == SENTENCE_CHARS + 1 and sentence.endswith("…") and "\x0c" not in sentence


@pytest.mark.parametrize("order", [[7, 6, 5, 4, 3, 2, 1, 0], [3, 1, 4, 0, 5, 2, 6, 7]])
def test_bytes_do_not_depend_on_document_order(kg, order):
    assert render_graphml(build_graph(*corpus(order))) == render_graphml(kg)
    assert len(order) == len(DOCUMENTS)


@given(st.lists(st.text(alphabet="a|\\b中", max_size=6), max_size=5))
def test_join_split_round_trip(values):
    back = split_list(join_list(values))
    assert back == ([] if values == [""] else values)


def test_unreadable_file_is_named(tmp_path):
    bad = tmp_path / "bad.graphml"
    bad.write_text("<graphml", encoding="utf-8")
    with pytest.raises(ExportError, match="bad.graphml: cannot read GraphML"):
        read_graphml(bad)


def test_attribute_outside_the_ontology_is_refused(tmp_path, kg):
    text = render_graphml(kg).decode("utf-8").replace('attr.name="head"', 'attr.name="colour"')
    p = tmp_path / "g.graphml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ExportError, match="colour"):
        read_graphml(p)
    assert "head" in node_attributes("Mechanism")


def test_markup_characters_and_separators_survive(tmp_path):
    name = "“安全&应急”<一体化>|平台\r体系"
    t = Text("odd", f"建设{name}。")
    ex = DocumentExtraction(doc_id="odd", file="odd.txt", mechanisms=[
        MechanismMention(prov=t.prov(name, "mechanism.head"), name=name, head="体系"),
        MechanismMention(prov=t.prov(f"建设{name}", "mechanism.head"), name=f"全省{name}", head="体系")])
    kg = build_graph([ex])
    back = read_graphml(write_graphml(kg, tmp_path / "odd.graphml"))
    assert _structure(back) == _structure(kg)
    node = back.graph.nodes["Mechanism:安全&应急<一体化>|平台\r体系"]
    assert node["label"] == name and node["aliases"] == ["全省" + name]
    assert igraph.Graph.Read_GraphML(str(tmp_path / "odd.graphml")).vcount() == 2

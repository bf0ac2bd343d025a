import json

import jsonschema
import networkx as nx
import pytest

from kg.errors import ExportError
from kg.export.nodelink import node_link_data, node_link_to_graph, read_node_link, render_node_link, write_node_link
from kg.graph.build import build_graph
from kg.graph.ontology import graph_json_schema
from tests.graph_fixtures import corpus
from tests.paths import ROOT


@pytest.fixture(scope="module")
def kg():
    return build_graph(*corpus())


@pytest.fixture(scope="module")
def data(kg):
    return json.loads(render_node_link(kg))


@pytest.fixture(scope="module")
def validator():
    schema = json.loads((ROOT / "schemas" / "graph.schema.json").read_text(encoding="utf-8"))
    assert schema == graph_json_schema(), "run `python -m kg.graph.ontology schemas`"
    return jsonschema.Draft202012Validator(schema)


def test_export_validates_against_the_committed_schema(data, validator):
    validator.validate(data)


@pytest.mark.parametrize("mutate,where", [
    (lambda d: d["edges"].append({**d["edges"][0], "relation": "has_item", "key": "has_item", "position": 1}), "edges"),
    (lambda d: d["nodes"][0].update(type="Province"), "nodes"),
    (lambda d: d["nodes"][0].update(colour="red"), "nodes"),
    (lambda d: d["provenance"][0].pop("quote"), "provenance"),
    (lambda d: d["nodes"][0]["evidence"].append(3), "nodes"),
    (lambda d: d["nodes"][0]["evidence"].append("000_hunan"), "nodes"),
    (lambda d: d.update(multigraph=False), "multigraph"),
])
def test_schema_and_reader_refuse_what_the_ontology_refuses(data, validator, tmp_path, mutate, where):
    bad = json.loads(json.dumps(data))
    mutate(bad)
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(bad)
    p = tmp_path / "bad.json"
    p.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ExportError, match=f"bad.json: {where}"):
        read_node_link(p)


def test_round_trip_gives_an_equal_graph(kg, tmp_path):
    back = read_node_link(write_node_link(kg, tmp_path / "graph.json"))
    assert back == kg
    assert render_node_link(back) == render_node_link(kg)


def test_an_edge_names_its_document_and_sentence(data):
    (edge,) = [e for e in data["edges"]
               if (e["source"], e["relation"], e["target"]) == ("Region:福建省", "adopts", "Mechanism:双重预防机制")]
    (i,) = edge["evidence"]
    p = {q["id"]: q for q in data["provenance"]}[i]
    assert (p["id"].split("#")[0], p["doc_id"], p["sentence_quote"], p["quote"], p["rule"]) == (
        "003_fujian", "003_fujian", "健全双重预防机制。", "双重预防机制", "mechanism.head")
    assert data["graph"]["documents"][p["doc_id"]]["file"] == "003_fujian.txt"


def test_each_mention_is_listed_once_and_cited_by_every_element_it_backs(kg, data):
    keys = [(p["doc_id"], p["start"], p["end"], p["rule"]) for p in data["provenance"]]
    assert len(keys) == len(set(keys))
    assert keys == sorted(keys, key=lambda k: (k[0], k[1], k[2]))
    ids = [p["id"] for p in data["provenance"]]
    assert ids == [f"{p['doc_id']}#{sum(1 for q in data['provenance'][:i] if q['doc_id'] == p['doc_id'])}"
                   for i, p in enumerate(data["provenance"])]
    cited = {i for element in data["nodes"] + data["edges"] for i in element["evidence"]}
    assert cited == set(ids)
    (i,) = [p["id"] for p in data["provenance"] if p["doc_id"] == "003_fujian" and p["quote"] == "双重预防机制"]
    backs = {e["source"] for e in data["edges"] if i in e["evidence"]} | {n["id"] for n in data["nodes"] if i in n["evidence"]}
    assert backs == {"Region:福建省", "Document:003_fujian", "Mechanism:双重预防机制"}


def test_a_citation_missing_from_the_provenance_list_is_refused(data):
    bad = json.loads(json.dumps(data))
    bad["edges"][0]["evidence"] = ["003_fujian#9999"]
    with pytest.raises(ExportError, match="cites evidence '003_fujian#9999'"):
        node_link_to_graph(bad, "bad.json")


def test_a_provenance_id_out_of_its_place_is_refused(data):
    bad = json.loads(json.dumps(data))
    first, second = bad["provenance"][0]["id"], bad["provenance"][1]["id"]
    bad["provenance"][0]["id"], bad["provenance"][1]["id"] = second, first
    with pytest.raises(ExportError, match="provenance/0: id is"):
        node_link_to_graph(bad, "bad.json")


def test_citations_survive_a_change_to_another_document(data):
    """Ids are local to their document: dropping one document leaves every other id as it was."""
    extractions, metas = corpus()
    smaller = json.loads(render_node_link(build_graph([ex for ex in extractions if ex.doc_id != "000_hunan"], metas)))

    def mentions(d):
        return {p["id"]: (p["doc_id"], p["start"], p["end"], p["rule"], p["quote"]) for p in d["provenance"]}

    before, after = mentions(data), mentions(smaller)
    assert any(v[0] == "000_hunan" for v in before.values())
    assert after == {k: v for k, v in before.items() if v[0] != "000_hunan"}


def test_merges_and_documents_travel_with_the_graph(data):
    merges = {(m["node"], m["alias"], m["rule"]) for m in data["graph"]["merges"]}
    assert ("Organization:安全生产委员会", "安委会", "organization.abbreviation") in merges
    assert set(data["graph"]["documents"]) == {f"00{i}_{n}" for i, n in enumerate(
        ["hunan", "xcity", "jilin", "fujian", "zhejiang", "zhejiang", "xcity", "noregion"])}


def test_networkx_reads_it_as_node_link(kg, data):
    g = nx.node_link_graph(data, edges="edges")
    assert isinstance(g, nx.MultiDiGraph)
    assert (g.number_of_nodes(), g.number_of_edges()) == (kg.graph.number_of_nodes(), kg.graph.number_of_edges())
    assert g.nodes["Region:浙江省"]["aliases"] == ["浙江"]


def test_text_is_utf8_sorted_and_stable(kg):
    text = render_node_link(kg)
    assert "湖南省" in text and "\\u" not in text
    data = json.loads(text)
    assert list(data) == sorted(data)
    lines = text.splitlines()
    assert len(lines) == 9 + len(data["nodes"]) + len(data["edges"]) + len(data["provenance"])  # one per line
    for line in lines[1:]:
        if line.startswith('{"'):
            element = json.loads(line.rstrip(","))
            assert json.dumps(element, ensure_ascii=False, sort_keys=True) == line.rstrip(",")
    data = node_link_data(kg)
    assert [n["id"] for n in data["nodes"]] == sorted(n["id"] for n in data["nodes"])
    keys = [(e["source"], e["relation"], e["target"]) for e in data["edges"]]
    assert keys == sorted(keys)


@pytest.mark.parametrize("order", [[7, 6, 5, 4, 3, 2, 1, 0], [2, 0, 6, 4, 1, 7, 3, 5]])
def test_bytes_do_not_depend_on_document_order(kg, order):
    assert render_node_link(build_graph(*corpus(order))) == render_node_link(kg)


def test_unreadable_file_is_named(tmp_path):
    p = tmp_path / "graph.json"
    p.write_text("{", encoding="utf-8")
    with pytest.raises(ExportError, match="graph.json: cannot read node-link JSON"):
        read_node_link(p)

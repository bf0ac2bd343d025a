import json

import networkx as nx
import pytest

from kg.errors import OntologyError
from kg.graph import ontology
from kg.graph.ontology import (
    NODE_TYPES,
    PATTERNS,
    RELATIONS,
    AttrSpec,
    check_edge,
    check_edge_attrs,
    check_node,
    node_attributes,
    render_graph_schemas,
    validate_graph,
)
from tests.paths import ROOT

# (head, relation, tail) the brief and the views rely on
ALLOWED = [
    ("Official", "holds_post_in", "Organization"),
    ("Organization", "located_in", "Region"),
    ("Region", "adopts", "Mechanism"),
    ("Region", "states", "DutyFormula"),
    ("DutyFormula", "has_item", "Duty"),
    ("Duty", "paired_with", "Duty"),
    ("DutyFormula", "paired_with", "DutyFormula"),
    ("Region", "balances", "PrinciplePair"),
    ("PrinciplePair", "has_pole", "Principle"),
    ("Region", "reports", "Statistic"),
    ("Region", "experienced", "Event"),
    ("Region", "cites", "NumberedFormula"),
    ("Document", "about", "Region"),
    ("Document", "adopts", "Mechanism"),
    ("Region", "part_of", "Region"),
] + [("Document", "mentions", t) for t in NODE_TYPES if t != "Document"]

REFUSED = [
    ("Region", "has_item", "Duty"),
    ("Duty", "paired_with", "DutyFormula"),
    ("Mechanism", "adopts", "Region"),
    ("Official", "located_in", "Region"),
    ("Document", "mentions", "Document"),
    ("Statistic", "reports", "Region"),
]


def test_committed_graph_schemas_are_current():
    stale = [name for name, text in render_graph_schemas().items()
             if not (ROOT / "schemas" / name).exists() or (ROOT / "schemas" / name).read_text(encoding="utf-8") != text]
    assert stale == [], f"run `python -m kg.graph.ontology schemas` to refresh {stale}"


def test_ontology_json_lists_every_type_relation_and_pattern():
    data = json.loads((ROOT / "schemas" / "ontology.json").read_text(encoding="utf-8"))
    assert set(data["node_types"]) == set(NODE_TYPES)
    assert set(data["relations"]) == set(RELATIONS)
    assert {tuple(p) for p in data["patterns"]} == PATTERNS
    assert data["node_types"]["Statistic"]["attributes"]["value"]["type"] == "float"
    assert data["node_types"]["Duty"]["attributes"]["role"]["choices"] == ["lead", "support"]
    assert data["relations"]["has_item"]["attributes"]["position"]["type"] == "int"


def test_patterns_only_use_declared_node_types():
    assert {h for h, _, _ in PATTERNS} | {t for _, _, t in PATTERNS} <= set(NODE_TYPES)


@pytest.mark.parametrize("head,relation,tail", ALLOWED)
def test_allowed_patterns(head, relation, tail):
    assert check_edge(head, relation, tail).name == relation


@pytest.mark.parametrize("head,relation,tail", REFUSED)
def test_refused_patterns_raise_naming_the_triple(head, relation, tail):
    with pytest.raises(OntologyError, match=f"{head} -{relation}-> {tail} is not in the ontology"):
        check_edge(head, relation, tail)


def test_unknown_relation_is_named():
    with pytest.raises(OntologyError, match="unknown relation 'governs'"):
        check_edge("Region", "governs", "Organization")


def test_one_kind_per_attribute_name():
    kinds = ontology.all_node_attributes()
    for t in NODE_TYPES:
        for name, spec in node_attributes(t).items():
            assert kinds[name].kind == spec.kind, (t, name)
    assert kinds["region"].kind == "str" and kinds["count"].kind == "int"
    assert ontology.all_edge_attributes()["position"].kind == "int"


def test_conflicting_attribute_kinds_are_refused():
    tables = [{"x": AttrSpec("x", "int", False)}, {"x": AttrSpec("x", "str", False)}]
    with pytest.raises(OntologyError, match="attribute 'x' is declared as int and as str"):
        ontology._union(tables, "node")


def test_every_node_type_has_label_and_type():
    for t in NODE_TYPES:
        assert {"type", "label", "aliases", "docs", "count"} <= set(node_attributes(t))


def _region(**over):
    attrs = dict(type="Region", label="湖南省", aliases=[], docs=["d"], count=1, level="province",
                 adcode="430000", anonymized=False, province=None)
    attrs.update(over)
    return attrs


def test_check_node_accepts_and_orders_attributes():
    out = check_node("Region:湖南省", _region())
    assert list(out)[:5] == ["type", "label", "aliases", "docs", "count"]


@pytest.mark.parametrize("node,attrs,message", [
    ("Region:湖南省", _region(type="Province"), "unknown node type 'Province'"),
    ("Mechanism:湖南省", _region(), "id must start with 'Region:'"),
    ("Region:湖南省", _region(level="nation"), "node 'Region:湖南省': level"),
    ("Region:湖南省", _region(label=""), "label"),
    ("Region:湖南省", _region(colour="red"), "colour"),
])
def test_check_node_refuses(node, attrs, message):
    with pytest.raises(OntologyError, match=message):
        check_node(node, attrs)


def test_check_edge_attrs_requires_relation_specific_attributes():
    base = {"relation": "has_item", "docs": ["d"], "count": 1}
    with pytest.raises(OntologyError, match="position"):
        check_edge_attrs("DutyFormula:a、b", "has_item", "Duty:a", base)
    assert check_edge_attrs("DutyFormula:a、b", "has_item", "Duty:a", {**base, "position": 1})["position"] == 1


def test_validate_graph_catches_an_edge_written_behind_its_back():
    g = nx.MultiDiGraph()
    g.add_node("Region:湖南省", **_region())
    g.add_node("Mechanism:双重预防机制", type="Mechanism", label="双重预防机制", aliases=[], docs=["d"], count=1,
               head="机制")
    g.add_edge("Region:湖南省", "Mechanism:双重预防机制", key="adopts", relation="adopts", docs=["d"], count=1)
    validate_graph(g)
    g.add_edge("Mechanism:双重预防机制", "Region:湖南省", key="adopts", relation="adopts", docs=["d"], count=1)
    with pytest.raises(OntologyError, match="Mechanism -adopts-> Region"):
        validate_graph(g)


def test_validate_graph_catches_a_type_that_contradicts_the_id():
    g = nx.MultiDiGraph()
    g.add_node("Official:湖南省", **_region())
    with pytest.raises(OntologyError, match="does not match its id"):
        validate_graph(g)

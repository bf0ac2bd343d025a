import itertools
import random

import pytest

from kg.errors import OntologyError
from kg.graph.build import Snapshot, add_edge, build_graph, prov_sort_key
from kg.graph.model import edge_key, node_key
from kg.graph.ontology import validate_graph
from kg.models import DocumentExtraction, OrganizationMention, RegionMention, SourceMeta
from tests.graph_fixtures import DOCUMENTS, Text, corpus


@pytest.fixture(scope="module")
def kg():
    return build_graph(*corpus())


def _edges(kg, relation):
    return {(h, t) for h, t, k in kg.graph.edges(keys=True) if k == relation}


def test_graph_fits_the_ontology(kg):
    validate_graph(kg.graph)


def test_region_short_form_is_one_node(kg):
    assert "Region:浙江" not in kg.graph
    z = kg.graph.nodes["Region:浙江省"]
    assert z["aliases"] == ["浙江"]  # 全省 is deictic: evidence, not an alias
    assert z["docs"] == ["004_zhejiang", "005_zhejiang"]
    assert (z["level"], z["adcode"], z["anonymized"]) == ("province", "330000", False)


def test_anonymized_regions_never_merge(kg):
    xs = sorted(n for n, a in kg.graph.nodes(data=True) if a["type"] == "Region" and a["label"] == "X市")
    assert xs == ["Region:X市@001_xcity", "Region:X市@006_xcity"]
    assert all(kg.graph.nodes[x]["anonymized"] for x in xs)
    assert "Organization:X市应急管理局@001_xcity" in kg.graph and "Organization:X市应急管理局@006_xcity" in kg.graph


def test_official_in_two_documents_is_one_node(kg):
    o = kg.graph.nodes["Official:凌志峰"]
    assert o["docs"] == ["004_zhejiang", "005_zhejiang"]
    assert o["titles"] == ["党委书记", "厅长"]
    post = kg.graph.edges["Official:凌志峰", "Organization:浙江省应急管理厅", "holds_post_in"]
    assert post["docs"] == ["004_zhejiang", "005_zhejiang"] and post["titles"] == ["党委书记", "厅长"]


def test_organization_abbreviation_and_region_prefix(kg):
    g = kg.graph
    assert g.nodes["Organization:安全生产委员会"]["aliases"] == ["安委会"]
    assert g.nodes["Organization:安全生产委员会"]["docs"] == ["003_fujian", "004_zhejiang"]
    assert g.nodes["Organization:浙江省应急管理厅"]["aliases"] == ["浙江应急管理厅"]
    assert g.nodes["Organization:吉林省防汛抗旱指挥部办公室"]["aliases"] == ["省防办"]
    assert ("Organization:湖南省应急管理厅", "Region:湖南省") in _edges(kg, "located_in")
    assert ("Organization:吉林省应急管理厅", "Region:吉林省") in _edges(kg, "located_in")
    assert ("Organization:吉林市应急管理局", "Region:吉林市") in _edges(kg, "located_in")
    assert "Organization:安全生产委员会" not in {h for h, _ in _edges(kg, "located_in")}


def test_same_mechanism_in_two_regions_is_one_node(kg):
    adopters = {h for h, t in _edges(kg, "adopts") if t == "Mechanism:双重预防机制"}
    assert adopters == {"Region:湖南省", "Region:福建省", "Document:007_noregion"}
    assert "Mechanism:安全生产双重预防工作机制" in kg.graph  # another name, not merged
    m = kg.graph.nodes["Mechanism:预警叫应机制"]
    assert (m["label"], m["aliases"]) == ("预警“叫应”机制", ["预警叫应机制"])
    assert {h for h, t in _edges(kg, "adopts") if t == "Mechanism:预警叫应机制"} == {"Region:福建省", "Region:浙江省"}
    assert {h for h, t in _edges(kg, "adopts") if t == "Mechanism:驻企服务制度"} == {"Region:吉林省", "Region:浙江省"}


def test_duty_formulas_pairs_and_roles(kg):
    g = kg.graph
    lead, support = "DutyFormula:综合防、协同抗、主导救、统筹助", "DutyFormula:具体防、为主抗、支撑救、分工助"
    assert ("Region:湖南省", lead) in _edges(kg, "states") and ("Region:湖南省", support) in _edges(kg, "states")
    assert g.edges[lead, support, "paired_with"]["phase"] is None
    pairs = {(h.split(":")[1], t.split(":")[1], a["phase"])
             for h, t, k, a in g.edges(keys=True, data=True) if k == "paired_with" and h.startswith("Duty:")}
    assert pairs == {("综合防", "具体防", "防"), ("协同抗", "为主抗", "抗"), ("主导救", "支撑救", "救"), ("统筹助", "分工助", "助")}
    positions = {t: g.edges[lead, t, "has_item"]["position"] for h, t in _edges(kg, "has_item") if h == lead}
    assert positions == {"Duty:综合防": 1, "Duty:协同抗": 2, "Duty:主导救": 3, "Duty:统筹助": 4}
    assert g.nodes[support]["holders"] == ["相关部门"]
    # X市's three-item formula shares 综合防 and 统筹助 with Hunan's; 牵头救 has no counterpart
    assert g.nodes["Duty:综合防"]["docs"] == ["000_hunan", "001_xcity"]
    assert (g.nodes["Duty:综合防"]["role"], g.nodes["Duty:具体防"]["role"]) == ("lead", "support")
    assert (g.nodes["Duty:牵头救"]["role"], g.nodes["Duty:牵头救"]["phase"]) == (None, "救")


def test_principle_pairs_link_regions(kg):
    for pair in ("PrinciplePair:防与救", "PrinciplePair:统与分"):
        regions = {h for h, t in _edges(kg, "balances") if t == pair}
        assert {"Region:吉林省", "Region:浙江省"} <= regions
    assert kg.graph.nodes["PrinciplePair:防与救"]["aliases"] == ["救与防"]
    assert "PrinciplePair:救与防" not in kg.graph
    poles = {(t, kg.graph.edges["PrinciplePair:防与救", t, "has_pole"]["position"])
             for h, t in _edges(kg, "has_pole") if h == "PrinciplePair:防与救"}
    assert poles == {("Principle:防", 1), ("Principle:救", 2)}


def test_statistics_stay_apart_per_region(kg):
    deaths = sorted(n for n, a in kg.graph.nodes(data=True) if a["type"] == "Statistic" and a["subject"] == "死亡人数")
    assert deaths == ["Statistic:X市@001_xcity/死亡人数/下降//", "Statistic:X市@006_xcity/死亡人数/下降//",
                      "Statistic:吉林省/死亡人数/下降//同比", "Statistic:湖南省/死亡人数/下降//同比"]
    s = kg.graph.nodes["Statistic:湖南省/自然灾害受灾人口/下降/44.81%/近五年均值"]
    assert (s["value"], s["unit"], s["direction"], s["baseline"], s["region"]) == (44.81, "%", "下降", "近五年均值", "湖南省")
    assert ("Region:湖南省", "Statistic:湖南省/自然灾害受灾人口/下降/44.81%/近五年均值") in _edges(kg, "reports")


def test_events_numbered_formulas_and_parts_of(kg):
    assert {h for h, t in _edges(kg, "experienced") if t == "Event:利奇马"} == {"Region:吉林省", "Region:浙江省"}
    assert kg.graph.nodes["Event:利奇马"]["event_type"] == "台风"
    assert {h for h, t in _edges(kg, "cites") if t == "NumberedFormula:两个至上"} == {"Region:湖南省", "Region:福建省"}
    assert kg.graph.nodes["NumberedFormula:两个至上"]["parts"] == 2
    assert ("Region:吉林市", "Region:吉林省") in _edges(kg, "part_of")


def test_documents_and_their_regions(kg):
    assert ("Document:000_hunan", "Region:湖南省") in _edges(kg, "about")
    assert not [t for h, t in _edges(kg, "about") if h == "Document:007_noregion"]
    assert kg.documents["002_jilin"] == {"file": "002_jilin.txt", "title": "2019年吉林省应急管理工作综述",
                                         "date": "2019", "region": "吉林省"}
    # title from the manifest when the text gave none; the file name is the label of last resort
    assert kg.documents["005_zhejiang"]["title"] == "凌志峰在全省应急管理工作会议上的讲话"
    assert kg.graph.nodes["Document:006_xcity"]["label"] == "006_xcity.txt"


def test_every_node_and_edge_has_evidence_matching_docs_and_count(kg):
    elements = [(node_key(n), a) for n, a in kg.graph.nodes(data=True)]
    elements += [(edge_key(h, k, t), a) for h, t, k, a in kg.graph.edges(keys=True, data=True)]
    for key, attrs in elements:
        ev = kg.evidence[key]
        assert ev, key
        assert ev == sorted(ev, key=prov_sort_key)
        assert attrs["count"] == len(ev) == len(set(ev)), key
        assert attrs["docs"] == sorted({p.doc_id for p in ev}), key


def test_evidence_quotes_come_from_their_sentence(kg):
    for key, ev in kg.evidence.items():
        for p in ev:
            if p.end > p.start:
                assert p.quote in p.sentence_quote, (key, p)


def test_merges_name_their_rule_and_existing_nodes(kg):
    assert all(m.node in kg.graph for m in kg.merges)
    got = {(m.node, m.alias, m.rule) for m in kg.merges}
    assert ("Organization:安全生产委员会", "安委会", "organization.abbreviation") in got
    assert ("Region:浙江省", "浙江", "region.canonical_name") in got
    assert ("Official:凌志峰", "凌志峰", "official.same_name") in got
    assert ("Mechanism:预警叫应机制", "预警“叫应”机制", "mechanism.quotes") in got
    assert ("PrinciplePair:防与救", "救与防", "principle.reversed") in got
    assert ("Event:利奇马", "台风“利奇马”", "event.quotes+event.type_prefix") in got
    assert not [m for m in kg.merges if "X市" in m.node and m.node.endswith("@006_xcity")]


PERMUTATIONS = [list(p) for p in itertools.islice(itertools.permutations(range(len(DOCUMENTS))), 1, 3)]
PERMUTATIONS.append(random.Random(7).sample(range(len(DOCUMENTS)), len(DOCUMENTS)))
PERMUTATIONS.append(list(range(len(DOCUMENTS)))[::-1])


@pytest.mark.parametrize("order", PERMUTATIONS)
def test_document_order_does_not_matter(kg, order):
    other = build_graph(*corpus(order))
    assert other == kg
    assert list(other.graph.nodes) == list(kg.graph.nodes)
    assert list(other.graph.edges(keys=True)) == list(kg.graph.edges(keys=True))
    assert other.merges == kg.merges


def test_metas_as_mapping_or_list_give_the_same_graph(kg):
    exs, metas = corpus()
    assert build_graph(exs, {m.id: m for m in metas}) == kg
    assert build_graph(exs, iter(metas)) == kg


def test_duplicate_document_ids_are_refused():
    ex = DocumentExtraction(doc_id="d", file="d.txt")
    with pytest.raises(ValueError, match="'d' occurs twice"):
        build_graph([ex, ex])


def test_document_without_meta_or_region_still_has_evidence():
    kg = build_graph([DocumentExtraction(doc_id="lonely", file="lonely.txt")])
    assert list(kg.graph.nodes) == ["Document:lonely"]
    (p,) = kg.evidence["Document:lonely"]
    assert (p.rule, p.quote) == ("source.file", "lonely.txt")


def test_add_edge_checks_the_ontology_and_leaves_the_graph_alone(kg):
    kg = build_graph(*corpus())
    before = kg.as_data()
    with pytest.raises(OntologyError, match="Region -has_item-> Duty is not in the ontology"):
        add_edge(kg, "Region:湖南省", "has_item", "Duty:综合防")
    with pytest.raises(OntologyError, match="no node 'Mechanism:无此机制'"):
        add_edge(kg, "Region:湖南省", "adopts", "Mechanism:无此机制")
    with pytest.raises(OntologyError, match="position"):
        add_edge(kg, "DutyFormula:综合防、牵头救、统筹助", "has_item", "Duty:具体防")
    assert kg.as_data() == before


def test_add_edge_reinforces_an_existing_edge():
    kg = build_graph(*corpus())
    t = Text("008_more", "湖南省推进双重预防机制。")
    p = t.prov("双重预防机制", "mechanism.head")
    add_edge(kg, "Region:湖南省", "adopts", "Mechanism:双重预防机制", [p])
    e = kg.graph.edges["Region:湖南省", "Mechanism:双重预防机制", "adopts"]
    assert (e["docs"], e["count"]) == (["000_hunan", "008_more"], 2)
    assert kg.edge_evidence("Region:湖南省", "adopts", "Mechanism:双重预防机制")[-1] == p
    add_edge(kg, "Region:福建省", "adopts", "Mechanism:安全生产双重预防工作机制", [p])
    assert kg.graph.edges["Region:福建省", "Mechanism:安全生产双重预防工作机制", "adopts"]["count"] == 1


def test_region_from_manifest_only_gets_synthetic_evidence():
    kg = build_graph([DocumentExtraction(doc_id="m", file="m.txt")], [SourceMeta(id="m", file="m.txt", region="X县")])
    assert "Region:X县@m" in kg.graph
    (p,) = kg.edge_evidence("Document:m", "about", "Region:X县@m")
    assert (p.rule, p.quote, p.start, p.end) == ("manifest.region", "X县", 0, 0)


def _county_doc(doc_id: str, province: str):
    t = Text(doc_id, f"{province}鼓楼区应急管理局召开会议。鼓楼区推进双重预防机制。")
    ex = DocumentExtraction(
        doc_id=doc_id, file=f"{doc_id}.txt",
        regions=[
            RegionMention(prov=t.prov(province, "region.gazetteer"), surface=province, name=province, level="province"),
            RegionMention(prov=t.prov("鼓楼区", "region.gazetteer", 1), surface="鼓楼区", name="鼓楼区", level="county",
                          province=province),
        ],
        organizations=[OrganizationMention(prov=t.prov("鼓楼区应急管理局", "org.suffix"), name="鼓楼区应急管理局",
                                           surface="鼓楼区应急管理局", kind="emergency")])
    return ex, SourceMeta(id=doc_id, file=f"{doc_id}.txt")


def test_same_county_name_in_two_provinces_stays_two_regions():
    pairs = [_county_doc("gz", "福建省"), _county_doc("nj", "江苏省")]
    kg = build_graph([e for e, _ in pairs], [m for _, m in pairs])
    regions = sorted(n for n, a in kg.graph.nodes(data=True) if a["type"] == "Region" and "鼓楼区" in n)
    assert regions == ["Region:江苏省鼓楼区", "Region:福建省鼓楼区"]
    assert ("Region:福建省鼓楼区", "Region:福建省") in _edges(kg, "part_of")
    # their bureaus keep their own county
    assert ("Organization:福建省鼓楼区应急管理局", "Region:福建省鼓楼区") in _edges(kg, "located_in")
    assert ("Organization:江苏省鼓楼区应急管理局", "Region:江苏省鼓楼区") in _edges(kg, "located_in")
    # alone in the corpus, the name needs no qualifier
    alone = build_graph([pairs[0][0]])
    assert "Region:鼓楼区" in alone.graph


def test_build_leaves_the_garbage_collector_as_it_found_it():
    import gc

    assert gc.isenabled()
    build_graph(*corpus())
    assert gc.isenabled()
    gc.disable()
    try:
        build_graph(*corpus())
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_snapshot_lists_each_mention_once_in_order(kg):
    snap = Snapshot.of(kg)
    assert snap.provenance == sorted(set(snap.provenance), key=prov_sort_key)
    assert [n for n, _ in snap.nodes] == sorted(kg.graph.nodes)
    for key, ev in kg.evidence.items():
        for p in ev:
            assert snap.provenance[snap.position(p)] == p
            assert snap.prov_id(p).startswith(p.doc_id + "#")
    copy = kg.evidence["Mechanism:双重预防机制"][0].model_copy()  # equal, but not the graph's object
    assert snap.prov_id(copy) == snap.prov_id(kg.evidence["Mechanism:双重预防机制"][0])


def test_a_frozen_pause_leaves_what_it_made_to_the_permanent_generation():
    import gc

    from kg.graph.build import paused_gc

    was = gc.isenabled()
    gc.enable()
    try:
        frozen = gc.get_freeze_count()
        with paused_gc(freeze=True):
            assert not gc.isenabled()
            made = [{"n": i} for i in range(1000)]
        assert gc.isenabled() and gc.get_freeze_count() >= frozen + len(made)
        with paused_gc():
            pass
        assert gc.isenabled()
    finally:
        gc.unfreeze()
        if not was:
            gc.disable()

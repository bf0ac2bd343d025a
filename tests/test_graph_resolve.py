import pytest

from kg.graph.resolve import (
    Resolver,
    bare_marker,
    is_anonymized,
    is_deictic,
    majority,
    short_forms,
    strip_quotes,
)
from kg.models import (
    DocumentExtraction,
    DocumentRegion,
    OrganizationMention,
    PrinciplePair,
    RegionMention,
    SourceMeta,
)
from tests.graph_fixtures import Text, corpus

SHORT_FORMS = [
    ("湖南省", ("湖南",)),
    ("北京市", ("北京",)),
    ("广西壮族自治区", ("广西",)),
    ("新疆维吾尔自治区", ("新疆",)),
    ("宁夏回族自治区", ("宁夏",)),
    ("内蒙古自治区", ("内蒙古",)),
    ("延边朝鲜族自治州", ("延边",)),
    ("黔东南苗族侗族自治州", ("黔东南",)),
    ("香港特别行政区", ("香港",)),
    ("X市", ()),
    ("县", ()),
]

BARE = [
    ("省防汛抗旱指挥部办公室", "省"),
    ("市应急管理局", "市"),
    ("自治区应急管理厅", "自治区"),
    ("县应急管理局", "县"),
    ("市场监督管理局", None),
    ("区域应急救援中心", None),
    ("省级应急物资储备库", None),
    ("应急管理厅", None),
    ("省", None),
]


@pytest.mark.parametrize("name,expected", SHORT_FORMS)
def test_short_forms(name, expected):
    assert short_forms(name) == expected


@pytest.mark.parametrize("name,expected", BARE)
def test_bare_marker_uses_jieba_words(name, expected):
    assert bare_marker(name) == expected


@pytest.mark.parametrize("form,anonymized,deictic", [
    ("X市", True, False), ("XX省", True, False), ("某县", True, False), ("Ｘ区", True, False),
    ("我省", False, True), ("全市", False, True), ("本区", False, True), ("省", False, True),
    ("湖南省", False, False), ("浙江", False, False), ("X市应急管理局", False, False),
])
def test_anonymized_and_deictic_forms(form, anonymized, deictic):
    assert is_anonymized(form) is anonymized
    assert is_deictic(form) is deictic


def test_strip_quotes_removes_every_quote_style():
    assert strip_quotes("“互联网+监管”一体化平台") == "互联网+监管一体化平台"
    assert strip_quotes("\"大宣传\"格局") == "大宣传格局"
    assert strip_quotes("「两个至上」") == "两个至上"


def test_majority_is_order_free():
    from collections import Counter

    assert majority(Counter({"b": 2, "a": 2, None: 5})) == "a"
    assert majority(Counter({"b": 3, "a": 2})) == "b"
    assert majority(Counter({None: 1})) is None


@pytest.fixture(scope="module")
def resolver():
    exs, metas = corpus()
    return Resolver(list(zip(exs, metas)))


ORGANIZATIONS = [
    # (document, name as the extractor gives it, canonical, rule, region)
    ("004_zhejiang", "浙江应急管理厅", "浙江省应急管理厅", "organization.region_name", "浙江省"),
    ("004_zhejiang", "浙江省应急管理厅", "浙江省应急管理厅", "organization.same_name", "浙江省"),
    ("000_hunan", "省应急管理厅", "湖南省应急管理厅", "organization.bare_region_prefix", "湖南省"),
    ("002_jilin", "省应急管理厅", "吉林省应急管理厅", "organization.bare_region_prefix", "吉林省"),
    ("007_noregion", "省应急管理厅", "省应急管理厅@007_noregion", "organization.bare_prefix_in_document", None),
    ("000_hunan", "市场监督管理局", "市场监督管理局", "organization.same_name", None),
    ("002_jilin", "吉林市应急管理局", "吉林市应急管理局", "organization.same_name", "吉林市"),
    ("001_xcity", "X市应急管理局", "X市应急管理局@001_xcity", "organization.same_name", "X市@001_xcity"),
    ("006_xcity", "X市应急管理局", "X市应急管理局@006_xcity", "organization.same_name", "X市@006_xcity"),
    ("000_hunan", "气象部门", "气象部门", "organization.same_name", None),
]


@pytest.mark.parametrize("doc,name,canonical,rule,region", ORGANIZATIONS)
def test_organization_resolution(resolver, doc, name, canonical, rule, region):
    r = resolver.organization(name, doc)
    assert (r.canonical, r.rule, r.region) == (canonical, rule, region)


def test_abbreviation_resolves_to_full_name(resolver):
    m = OrganizationMention(prov=Text("003_fujian", "安委会").prov("安委会", "org"), name="安委会", surface="安委会",
                            kind="committee", construction="abbreviation", full_name="安全生产委员会")
    r = resolver.organization(m, "003_fujian")
    assert (r.canonical, r.display, r.rule) == ("安全生产委员会", "安全生产委员会", "organization.abbreviation")
    assert r.written == ("安委会",)


def test_abbreviation_with_bare_prefix_keeps_the_region(resolver):
    m = OrganizationMention(prov=Text("002_jilin", "省防办").prov("省防办", "org"), name="吉林省防汛抗旱指挥部办公室",
                            surface="省防办", kind="office", construction="abbreviation",
                            full_name="省防汛抗旱指挥部办公室")
    r = resolver.organization(m, "002_jilin")
    assert r.canonical == "吉林省防汛抗旱指挥部办公室" and r.region == "吉林省"
    assert set(r.written) == {"省防办", "吉林省防汛抗旱指挥部办公室"}


def test_nested_region_prefix_gives_the_innermost_region(resolver):
    r = resolver.organization("吉林省吉林市应急管理局", "002_jilin")
    assert (r.canonical, r.region, r.rule) == ("吉林市应急管理局", "吉林市", "organization.region_name")


def test_short_form_followed_by_a_division_word_is_another_region():
    # only 吉林省 is known: 吉林 + 市应急管理局 must not become 吉林省's bureau
    t = Text("d", "吉林省。吉林市应急管理局。")
    ex = DocumentExtraction(doc_id="d", file="d.txt", regions=[
        RegionMention(prov=t.prov("吉林省", "r"), surface="吉林省", name="吉林省", level="province")])
    res = Resolver([(ex, SourceMeta(id="d", file="d.txt"))])
    assert res.split_region_prefix("吉林应急管理厅", "d") == ("吉林省", "吉林", "应急管理厅")
    assert res.split_region_prefix("吉林市应急管理局", "d") is None
    assert res.organization("吉林市应急管理局", "d").region is None


MECHANISMS = [
    ("000_hunan", "双重预防机制", "双重预防机制", "双重预防机制", "mechanism.same_name"),
    ("000_hunan", "全省双重预防机制", "双重预防机制", "双重预防机制", "mechanism.scope_prefix"),
    ("003_fujian", "预警“叫应”机制", "预警叫应机制", "预警“叫应”机制", "mechanism.quotes"),
    ("002_jilin", "吉林省驻企服务制度", "驻企服务制度", "驻企服务制度", "mechanism.region_prefix"),
    # nobody writes the bare form: the region prefix is part of the name
    ("003_fujian", "福建省应急管理责任体系", "福建省应急管理责任体系", "福建省应急管理责任体系", "mechanism.same_name"),
    # a different name, not a prefix variant
    ("001_xcity", "安全生产双重预防工作机制", "安全生产双重预防工作机制", "安全生产双重预防工作机制", "mechanism.same_name"),
    ("000_hunan", "各级“互联网+监管”一体化平台", "互联网+监管一体化平台", "“互联网+监管”一体化平台",
     "mechanism.scope_prefix+mechanism.quotes"),
]


@pytest.mark.parametrize("doc,name,canonical,display,rule", MECHANISMS)
def test_mechanism_resolution(resolver, doc, name, canonical, display, rule):
    r = resolver.mechanism(name, doc)
    assert (r.canonical, r.display, r.rule) == (canonical, display, rule)


def test_events_and_numbered_formulas(resolver):
    assert resolver.event("台风“利奇马”", "台风").canonical == "利奇马"
    assert resolver.event("台风“利奇马”", "台风").rule == "event.quotes+event.type_prefix"
    assert resolver.event("松原5.1级地震", "地震").canonical == "松原5.1级地震"
    r = resolver.numbered("“两个至上”")
    assert (r.canonical, r.display) == ("两个至上", "两个至上")


def test_principle_pairs_take_the_majority_orientation(resolver):
    r, a, b = resolver.principle_pair("救", "防")
    assert (r.canonical, a, b, r.rule, r.written) == ("防与救", "防", "救", "principle.reversed", ("救与防",))
    r, a, b = resolver.principle_pair("“统”", "“分”")
    assert (r.canonical, r.rule) == ("统与分", "principle.same_pair")


def test_principle_orientation_tie_is_order_free():
    def doc(i, a, b):
        t = Text(f"d{i}", f"{a}与{b}")
        return (DocumentExtraction(doc_id=f"d{i}", file=f"d{i}.txt",
                                   principle_pairs=[PrinciplePair(prov=t.prov(f"{a}与{b}", "p"), a=a, b=b)]),
                SourceMeta(id=f"d{i}", file=f"d{i}.txt"))

    docs = [doc(1, "上", "下"), doc(2, "下", "上")]
    assert Resolver(docs).principle_pair("上", "下")[0].canonical == Resolver(docs[::-1]).principle_pair("上", "下")[0].canonical


def test_anonymized_regions_are_scoped_to_their_document(resolver):
    exs, _ = corpus()
    x1 = next(ex for ex in exs if ex.doc_id == "001_xcity")
    r = resolver.region(x1.regions[0], "001_xcity")
    assert (r.canonical, r.display) == ("X市@001_xcity", "X市")
    assert resolver.doc_region("001_xcity").canonical == "X市@001_xcity"
    assert resolver.doc_region("006_xcity").canonical == "X市@006_xcity"
    assert resolver.region_canonical("X市", "006_xcity") == "X市@006_xcity"


def test_region_surfaces_resolve_to_canonical_names(resolver):
    assert resolver.region_canonical("浙江", "004_zhejiang") == "浙江省"
    assert resolver.region_canonical("浙江", "000_hunan") == "浙江省"  # corpus-wide, unambiguous
    assert resolver.region_canonical("全省", "000_hunan") is None  # deictic, never a name


def test_document_region_from_the_manifest_alone():
    t = Text("m", "长春市应急管理局。")
    ex = DocumentExtraction(doc_id="m", file="m.txt", regions=[
        RegionMention(prov=t.prov("长春市", "r"), surface="长春市", name="长春市", level="city", adcode="220100",
                      province="吉林省")])
    other = DocumentExtraction(doc_id="n", file="n.txt")
    res = Resolver([(ex, SourceMeta(id="m", file="m.txt", region="长春市")),
                    (other, SourceMeta(id="n", file="n.txt", region="XX省"))])
    dr = res.doc_region("m")
    assert (dr.canonical, dr.level, dr.adcode, dr.method, dr.evidence) == ("长春市", "city", "220100", "manifest", ())
    dr = res.doc_region("n")
    assert (dr.canonical, dr.anonymized, dr.level) == ("XX省@n", True, "province")


def test_document_region_short_form_is_canonicalised():
    t = Text("z", "浙江省。浙江。")
    ex = DocumentExtraction(
        doc_id="z", file="z.txt",
        region=DocumentRegion(name="浙江", level="province", method="title"),
        regions=[RegionMention(prov=t.prov("浙江省", "r"), surface="浙江省", name="浙江省", level="province")])
    assert Resolver([(ex, SourceMeta(id="z", file="z.txt"))]).doc_region("z").canonical == "浙江省"


CONSTRUCTIONS = [
    # (name, surface, construction, full name, canonical, rules per written form)
    ("吉林省应急管理厅", "省应急管理厅", "region_prefix", None, "吉林省应急管理厅",
     ("organization.same_name", "organization.region_prefix")),
    ("气象部门", "气象", "distributed_head", None, "气象部门", ("organization.same_name", "organization.distributed_head")),
    ("吉林省防汛抗旱指挥部办公室", "省防办", "abbreviation", "省防汛抗旱指挥部办公室", "吉林省防汛抗旱指挥部办公室",
     ("organization.same_name", "organization.abbreviation")),
    # an "expansion" that only repeats the name is no abbreviation
    ("吉林省应急管理厅", "吉林省应急管理厅", "literal", "吉林省应急管理厅", "吉林省应急管理厅", ("organization.same_name",)),
]


@pytest.mark.parametrize("name,surface,construction,full_name,canonical,rules", CONSTRUCTIONS)
def test_rules_follow_the_extractors_construction(resolver, name, surface, construction, full_name, canonical, rules):
    m = OrganizationMention(prov=Text("002_jilin", surface).prov(surface, "org"), name=name, surface=surface,
                            kind="emergency", construction=construction, full_name=full_name)
    r = resolver.organization(m, "002_jilin")
    assert (r.canonical, r.rules) == (canonical, rules)


def test_bare_body_of_a_higher_level_belongs_to_the_division_containing_the_document_region():
    # a prefecture's text keeps 省安委会 as written; resolution binds it to the province it lies in
    from kg.graph.resolve import DocFacts
    from kg.models import DocumentRegion

    region = DocumentRegion(name="甘南藏族自治州", level="city", adcode="623000", method="mentions")
    facts = DocFacts("gannan", (("甘南", "甘南藏族自治州", False, "甘肃省", "city", "623000"),), region, None, (), ())
    res = Resolver(facts=[facts])
    upper = res.organization("省安委会", "gannan")
    own = res.organization("州安委会", "gannan")
    assert (upper.canonical, upper.rule, upper.region) == ("甘肃省安委会", "organization.parent_region_prefix", "甘肃省")
    assert (own.canonical, own.rule, own.region) == ("甘南藏族自治州安委会", "organization.bare_region_prefix",
                                                     "甘南藏族自治州")


def test_short_forms_come_from_the_division_table():
    from kg.extract.lexicon import divisions_by_name
    from kg.graph.resolve import short_forms

    assert short_forms("延边朝鲜族自治州") == (divisions_by_name()["延边朝鲜族自治州"][0].short,) == ("延边",)
    assert short_forms("清新区") == ("清新",) and short_forms("福建省鼓楼区") == ("福建省鼓楼",)


def test_a_full_region_name_before_a_one_character_body_is_not_split_at_its_short_form():
    from kg.graph.resolve import DocFacts
    from kg.models import DocumentRegion

    region = DocumentRegion(name="东胜区", level="county", adcode="150602", method="title")
    facts = DocFacts("d", (("东胜区", "东胜区", False, "内蒙古自治区", "county", "150602"),), region, None, (), ())
    r = Resolver(facts=[facts]).organization("东胜区委", "d")
    assert (r.canonical, r.region) == ("东胜区委", "东胜区")

import json

import pytest

import kg.nlp.factories  # noqa: F401  (registers doc._.kg)
from kg.evaluate import norm
from kg.extract import meta, regions
from kg.io.loader import load_document
from kg.models import LoadedDocument, SourceMeta
from kg.nlp.context import DocContext
from kg.text.normalize import normalise
from tests.paths import GOLD, SEEDS


def run(nlp, ctx: DocContext) -> DocContext:
    doc = nlp.make_doc(ctx.text)
    doc._.kg = ctx
    meta.extract(ctx, doc)
    regions.extract(ctx, doc)
    return ctx


def run_text(nlp, text: str) -> DocContext:
    doc_in = LoadedDocument(meta=SourceMeta(id="t", file="t.txt"), path="t.txt", text=text, encoding="utf-8",
                            format="txt", sha256="")
    ctx = DocContext(normalise(doc_in))
    assert ctx.text.strip(), "normalisation dropped the whole test text"
    return run(nlp, ctx)


def mentions(ctx):
    return [(m.surface, m.name) for m in ctx.extraction.regions]


MENTIONS = [
    ("广西壮族自治区应急管理厅召开全区安全生产会议，广西各地要压实责任。",
     [("广西壮族自治区", "广西壮族自治区"), ("广西", "广西壮族自治区")]),
    ("内蒙古自治区、新疆维吾尔自治区和香港特别行政区代表参加会议，内蒙古、新疆、香港分别发言。",
     [("内蒙古自治区", "内蒙古自治区"), ("新疆维吾尔自治区", "新疆维吾尔自治区"), ("香港特别行政区", "香港特别行政区"),
      ("内蒙古", "内蒙古自治区"), ("新疆", "新疆维吾尔自治区"), ("香港", "香港特别行政区")]),
    ("四川省应急管理厅赴凉山州西昌市和甘孜藏族自治州调研。", [("四川省", "四川省"), ("凉山州", "凉山彝族自治州"),
                                             ("西昌市", "西昌市"), ("甘孜藏族自治州", "甘孜藏族自治州")]),
    # 吉林 is the province; 吉林市 the city; 吉林市场 is not the city
    ("吉林市场监管部门和吉林市应急管理局联合检查，吉林应急人守正创新。",
     [("吉林", "吉林省"), ("吉林市", "吉林市"), ("吉林", "吉林省")]),
    # a full province name inside a longer jieba word (湖南省委, 浙江省政府)
    ("湖南省委书记、浙江省政府办公厅负责同志出席应急管理工作会议。", [("湖南省", "湖南省"), ("浙江省", "浙江省")]),
    # a short form right after its province, even inside one jieba word
    ("湖南长沙、吉林长春两地应急管理部门开展联合演练。", [("湖南", "湖南省"), ("长沙", "长沙市"), ("吉林", "吉林省"), ("长春", "长春市")]),
    # anonymised regions as written
    ("X市应急管理局与XX省应急管理厅、X区政府座谈。", [("X市", "X市"), ("XX省", "XX省"), ("X区", "X区")]),
]


@pytest.mark.parametrize("text,expected", MENTIONS, ids=[m[0][:8] for m in MENTIONS])
def test_mentions(nlp, text, expected):
    ctx = run_text(nlp, text)
    assert mentions(ctx) == expected
    for m in ctx.extraction.regions:
        assert ctx.text[m.prov.start:m.prov.end] == m.surface == m.prov.quote


@pytest.mark.parametrize("text", [
    "确保社会长治久安，维护和平稳定，推动城区、郊区和矿区协调发展。",  # 长治, 和平, 城区 are words here
    "创建示范县、示范社区，保护洞庭湖北岸湿地，推动黄河南岸治理。",  # 范县, 湖北, 河南 inside other words
    "复兴路上，大名鼎鼎的正定人保定了主意，安全工作不放松。",  # county short forms jieba knows as ordinary words
])
def test_no_false_regions(nlp, text):
    ctx = run_text(nlp, text)
    assert ctx.text.strip() == text
    assert mentions(ctx) == []


def test_short_forms_are_accepted_inside_the_documents_province(nlp):
    text = ("2019年吉林省应急管理工作综述\n成功处置了长春万达广场爆炸、松原5.1级地震、白城10·14楼房坍塌等突发事件，"
            "成功将珲春俄方17公里林火堵截在国境之外。")
    got = {m.surface: (m.name, m.prov.rule) for m in run_text(nlp, text).extraction.regions}
    assert got["松原"] == ("松原市", "regions.short_in_province")
    assert got["珲春"] == ("珲春市", "regions.short_in_province")


def test_short_forms_of_another_province_are_not_accepted_without_context(nlp):
    text = "2020年X市应急管理工作总结\n全市应急管理系统对东城、西城等11个区开展安全生产督察，全市安全形势稳定。"
    assert [m.surface for m in run_text(nlp, text).extraction.regions] == ["X市"]


DOC_REGIONS = [
    # title
    ("扎实做好新时代福建特色应急管理工作\n全省应急管理系统将坚持人民至上，全面提升应急能力。", ("福建省", "province", False, "title")),
    # byline / post of the author beats other mentions
    ("坚持改革创新\n湖南省应急管理厅党委书记、厅长 李大剑\n全省应急管理系统学习浙江、江苏、广东、上海的经验，全省安全形势稳定。",
     ("湖南省", "province", False, "byline")),
    # a city document
    ("在全市安全生产工作会议上的讲话\n同志们：今年全市安全生产形势稳定，长沙市应急管理局要认真履职，湖南省委要求我们再接再厉。",
     ("长沙市", "city", False, "byline")),
    # anonymised city
    ("在全市应急管理系统工作会上发言提纲\nX市应急管理工作总目标已经明确，全市上下要抓好落实，市局要带好头。",
     ("X市", "city", True, "mentions")),
    # an anonymised province names real ones only as others (an earthquake elsewhere, twice over)
    ("在全省应急管理工作会议上的讲话\n2022年，XX省应急管理事业发展极不平凡。全省上下要吸取教训，"
     "四川泸定地震和四川甘孜山洪也警示我们，我省风险依然突出。",
     ("XX省", "province", True, "mentions")),
    # a municipality speaks of itself as 全市/市委: still the provincial-level unit
    ("重庆市应急管理局党委书记、局长 冉进红\n坚持防住为王 筑牢安全屏障\n全市应急管理系统认真落实市委、市政府部署，万州区、綦江区等区县应急管理局全力救援。",
     ("重庆市", "province", False, "byline")),
    # a district document
    ("淮安市洪泽区应急管理局2021年工作总结\n2021年，在区委、区政府的正确领导下，区应急管理局紧紧围绕全区中心工作扎实推进安全生产。",
     ("洪泽区", "county", False, "title")),
    # an autonomous region speaks of itself as 全区/自治区
    ("自治区党委书记作出批示\n广西壮族自治区应急管理厅召开会议，全区应急管理系统要压实责任，广西各地抓好落实。",
     ("广西壮族自治区", "province", False, "byline")),
    # below the province (made-up texts): a county-level city whose meeting the title reports is its own
    # unit, not its prefecture; its 市 bodies are its own
    ("义乌市召开安全生产委员会全体会议\n会议要求，全市上下压实责任。市安委办通报了情况，金华市有关部门负责人参加会议。",
     ("义乌市", "county", False, "title")),
    # a prefecture 州 speaks of itself as 全州/州应急管理局
    ("全州森林防灭火工作会议召开\n州应急管理局通报了近期火情，泸水市、福贡县作了发言，全州各县市要抓好落实。",
     ("怒江傈僳族自治州", "city", False, "mentions")),
    # levels spoken of equally: the unit named itself wins (the province only through an expert group)
    ("平遥县三防办组织开展培训\n全县各乡镇参加培训，山西省应急管理专家给予指导，平遥县将继续推进工作。",
     ("平遥县", "county", False, "title")),
    # provinces listed as others (学习借鉴) and a province never named itself: the city's text
    ("2023年，在市委、市政府的正确领导下，我们持续推进安全生产。相关做法在全省推广，被河南、湖北等地学习借鉴。"
     "《常州市危险化学品安全管理规范》上升为地方标准。", ("常州市", "city", False, "mentions")),
    # a district of an autonomous region that never names the region: 区委/区政府 are the district's
    ("赛罕区政府召开常务会议\n区委常委、副区长王建华主持会议，研究全区安全生产工作。", ("赛罕区", "county", False, "title")),
    # a region written before an incident is where it happened, not the document's
    ("旗应急管理局召开安全生产警示教育会\n会上通报了湖南长沙居民自建房倒塌事故，要求各单位吸取教训。", None),
]


@pytest.mark.parametrize("text,expected", DOC_REGIONS, ids=[d[1][0] + d[1][3] if d[1] else "none" for d in DOC_REGIONS])
def test_document_region(nlp, text, expected):
    r = run_text(nlp, text).extraction.region
    if expected is None:
        assert r is None
        return
    assert (r.name, r.level, r.anonymized, r.method) == expected
    assert r.evidence and all(e.quote for e in r.evidence)


def test_adcode_of_document_region(nlp):
    r = run_text(nlp, "2019年吉林省应急管理工作综述\n全省应急管理系统砥砺奋进。").extraction.region
    assert r.adcode == "220000"


def test_deictic_mentions_refer_to_the_document_region(nlp):
    ctx = run_text(nlp, "2021年浙江省应急管理工作综述\n我省应急管理系统砥砺奋进，本省安全形势稳定，我市不是本文的层级。")
    deictic = [(m.surface, m.name) for m in ctx.extraction.regions if m.prov.rule == "regions.deictic"]
    assert deictic == [("我省", "浙江省"), ("本省", "浙江省")]


def test_no_region_in_a_text_without_one(nlp):
    assert run_text(nlp, "要坚持人民至上、生命至上，统筹发展和安全。").extraction.region is None


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_seed_region_matches_gold(nlp, path):
    gold = json.loads((GOLD / (path.stem + ".json")).read_text(encoding="utf-8"))
    ctx = run(nlp, DocContext(normalise(load_document(path))))
    r = ctx.extraction.region
    assert {"name": r.name, "level": r.level, "anonymized": r.anonymized} == gold["region"]
    for m in ctx.extraction.regions:
        p = m.prov
        assert p.quote == ctx.norm.original[p.orig_start:p.orig_end]
        assert norm(p.quote) == norm(ctx.text[p.start:p.end])


WRITTEN = [
    # the summary reports the region as the text writes it: the full name when written, else its longest form
    ("辽宁省应急管理厅召开会议\n全省应急系统要抓好落实，为辽宁振兴保驾护航。", "辽宁省"),
    ("省应急管理厅召开会议\n全省应急系统要抓好落实，为辽宁振兴保驾护航。", "辽宁"),
    ("州应急管理局召开会议\n全州各县市要压实责任，建设具有怒江特色的安全生产体系。泸水市作了发言。", "怒江"),
]


@pytest.mark.parametrize("text,expected", WRITTEN)
def test_written_name_of_the_document_region(nlp, text, expected):
    ctx = run_text(nlp, text)
    assert regions.written_name(ctx.extraction.region, ctx.extraction.regions) == expected

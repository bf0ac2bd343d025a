import json

import pytest

import kg.nlp.factories  # noqa: F401  (registers doc._.kg)
from kg.evaluate import norm, score_sets
from kg.extract import meta, organizations, regions
from kg.io.loader import load_document
from kg.models import LoadedDocument, SourceMeta
from kg.nlp.context import DocContext
from kg.summary import summarise
from kg.text.normalize import normalise
from tests.paths import GOLD, SEEDS


def run(nlp, ctx: DocContext) -> DocContext:
    doc = nlp.make_doc(ctx.text)
    doc._.kg = ctx
    for module in (meta, regions, organizations):
        module.extract(ctx, doc)
    return ctx


def run_text(nlp, text: str) -> DocContext:
    doc_in = LoadedDocument(meta=SourceMeta(id="t", file="t.txt"), path="t.txt", text=text, encoding="utf-8",
                            format="txt", sha256="")
    ctx = DocContext(normalise(doc_in))
    assert ctx.text.strip(), "normalisation dropped the whole test text"
    return run(nlp, ctx)


def names(ctx) -> list[str]:
    return list(dict.fromkeys(o.name for o in ctx.extraction.organizations))


PROVINCE = "2021年四川省应急管理工作综述\n"
CITY = "在全市应急管理工作会议上的讲话\n同志们：全市安全形势稳定，X市应急管理局要认真履职。\n"

ORGS = [
    # the document's own bodies written bare get the region; other regions are kept as written
    (PROVINCE + "省应急管理厅会同省森林草原防灭火指挥部办公室和省防汛抗旱指挥部开展检查，重庆市应急管理局派员参加。",
     ["四川省应急管理厅", "四川省森林草原防灭火指挥部办公室", "四川省防汛抗旱指挥部", "重庆市应急管理局"]),
    # abbreviations: named by the full form only when the text writes it
    (CITY + "市应急局和市应急办要发挥作用，市森防指、市安委会、市减灾委各司其职。",
     ["X市应急管理局", "X市应急办", "X市森防指", "X市安委会", "X市减灾委"]),
    # own-level 市局 is the city's own bureau, lower-level 区局 an actor type
    (CITY + "市局与各区局建立会商机制，区局要主动沟通。", ["X市应急管理局", "区局"]),
    # distributed head over a list; 和 inside a department's own name stays
    (PROVINCE + "建立与气象、水利、自然资源和住建等部门的会商制度，会同规划和自然资源、粮食和物资储备等部门开展调查。",
     ["气象部门", "水利部门", "自然资源部门", "住建部门", "规划和自然资源部门", "粮食和物资储备部门"]),
    # 应急管理 heading a list gives the actor type; 省防总; 各级防指 is safe without a region
    (PROVINCE + "全省应急管理、水利、气象等部门密切配合，省防总统筹调度，发挥各级防指牵头抓总作用，做好预防指导。",
     ["应急管理部门", "水利部门", "气象部门", "四川省防总", "防指"]),
    # levels listed before a body: a kind of body at every level, left bare
    (PROVINCE + "组建省、市、县应急指挥中心，市县两级应急管理部门全部组建到位，全省应急管理部门克服困难。",
     ["应急指挥中心", "应急管理部门"]),
    # national bodies (应急部 is named 应急管理部, which the text also writes)
    (PROVINCE + "认真落实应急管理部、国务院安委会和国家减灾委的部署，与应急部内设机构逐一对口。",
     ["应急管理部", "国务院安委会", "国家减灾委"]),
    (PROVINCE + "与应急部内设机构逐一对口，国家防总办公室和省防指统筹协调。", ["应急部", "国家防总", "四川省防指"]),
    ("近日，应急管理部召开视频会议，国家消防救援局、国家矿山安全监察局、中国地震局有关负责同志参加。",
     ["应急管理部", "国家消防救援局", "国家矿山安全监察局", "中国地震局"]),
    # a municipality: 市 is the provincial-level unit; two sector words run together name one department;
    # the word for its lower units (区县) is kept as written: a kind of body, not the municipality's own
    ("重庆市应急管理局党委书记、局长 冉进红\n全市应急管理系统认真落实部署，市应急局、市减灾委办公室协同作战，"
     "区县应急管理局全力救援，与规划自然资源、城市管理等部门联动。",
     ["重庆市应急管理局", "重庆市减灾委办公室", "区县应急管理局", "规划自然资源部门", "城市管理部门"]),
    # sector body with a level word and a partner body
    (PROVINCE + "省气象局、省水利厅派员参加，会同省军区战备建设局建立军地协调机制。",
     ["四川省气象局", "四川省水利厅", "四川省军区战备建设局"]),
    # a lower level named with 级 is the document's own units; the 人民政府总值班室 with its abbreviation
    (CITY + "部分区级预警中心管理体制不顺，市政府总值班室和X市人民政府总值班室合署。",
     ["X市应急管理局", "区级预警中心", "X市人民政府总值班室"]),
    # in a city's speech a bare 省 body is its province's; lower levels with their peers in brackets
    ("在2023年全市安全生产工作会议上的讲话\n绵阳市应急管理局党委书记、局长 王建平\n同志们：过去一年，全市应急管理"
     "系统在省应急管理厅的指导下取得新成效，各县（市、区）应急管理局要压实责任。",
     ["绵阳市应急管理局", "四川省应急管理厅", "县（市、区）应急管理局"]),
    # a prefix written once before a list of bodies: 防指 is a body there, named as written
    (PROVINCE + "省安委会、减灾委、防指、森防指四个议事协调机构实体化运转。", ["四川省安委会", "减灾委", "防指", "森防指"]),
    # 森防指 stands for the renamed 森林草原防灭火指挥部 (the older 森林防火指挥部 is still matched)
    (PROVINCE + "省森林草原防灭火指挥部统筹调度，省森防指各成员单位密切配合。", ["四川省森林草原防灭火指挥部"]),
    # ... or for 森林防灭火指挥部 where a province's body keeps that name
    (PROVINCE + "省森林防灭火指挥部（以下简称省森防指）印发通知，省森防指督导检查。", ["四川省森林防灭火指挥部"]),
    # a level word after a word ending in a level character (坐镇) is still the level: not a list of levels
    (CITY + "分管副市长坐镇市防指督导，市防指成员单位到岗。", ["X市应急管理局", "X市防指"]),
    # Guangdong-style 三防 (防汛防旱防风) headquarters and its office are two bodies
    (CITY + "市三防办作交流发言，市领导坐镇市三防指挥部调度。", ["X市应急管理局", "X市三防办", "X市三防指挥部"]),
    # bodies of townships and street offices keep their level word; a bare office is named as written
    (CITY + "推动街道应急管理办公室规范运行，每个乡镇设应急管理办公室。", ["X市应急管理局", "街道应急管理办公室",
                                                         "应急管理办公室"]),
    # the Production and Construction Corps and its divisions before a body
    ("2022年新疆维吾尔自治区应急管理工作综述\n自治区应急管理厅会同新疆生产建设兵团应急管理局开展演练，"
     "兵团第三师应急管理局参加。",
     ["新疆维吾尔自治区应急管理厅", "新疆生产建设兵团应急管理局", "兵团第三师应急管理局"]),
    # a national bureau's branch in a region is one body
    (PROVINCE + "会同国家矿山安全监察局四川局开展执法检查。", ["国家矿山安全监察局四川局"]),
    # a short region name before a body the text also writes with the full name: one body, the fullest form
    (PROVINCE + "四川应急管理厅发布预警，四川省应急管理厅派出工作组。", ["四川省应急管理厅"]),
    # a department named with a qualifier of its sector (公安交管) closes a list of sector words
    (PROVINCE + "与交通运输、公安交管部门建立联动机制。", ["交通运输部门", "公安交管部门"]),
    # the office of an abbreviated headquarters is a body of its own
    (PROVINCE + "省防指办公室会同水利、气象部门滚动会商。", ["四川省防指办公室", "水利部门", "气象部门"]),
    # a township level with its peers in brackets; a bare office whose clause names that level is the same body
    (CITY + "全市50个乡（镇）均已设立应急管理办公室，推动乡（镇）应急管理办公室规范运行。",
     ["X市应急管理局", "乡（镇）应急管理办公室"]),
    # departments named with 委; 规划资源 is a short name; 统战 and 民族宗教 distribute 部门
    (PROVINCE + "省应急管理厅会同省卫生健康委、省规划资源局开展调查，与统战、民族宗教等部门建立联络机制。",
     ["四川省应急管理厅", "四川省卫生健康委", "四川省规划资源局", "统战部门", "民族宗教部门"]),
    # a partner body of the autonomous region's own level is named with the region
    ("2022年广西壮族自治区应急管理工作综述\n我们会同自治区地震局开展抗震设防检查。", ["广西壮族自治区地震局"]),
    # a level word ending the previous clause does not make a list of levels with the next one
    (CITY + "开发区内涝严重，市防指启动应急响应。", ["X市应急管理局", "X市防指"]),
    # 各 + a level below the document's: the kind of body every lower unit has
    ("2023年北京市应急管理工作总结\n指导各区应急管理局规范执法程序。", ["区应急管理局"]),
    (PROVINCE + "各市县防汛抗旱指挥部启动应急响应。", ["市县防汛抗旱指挥部"]),
    # a partner with whom a mechanism is built, also a foreign one with a long name
    (PROVINCE + "与邻国紧急情况部边境州总局完善森林火灾联防机制。", ["邻国紧急情况部边境州总局"]),
    # the fire-safety committee's abbreviation beside the work-safety one
    (CITY + "市安委会和市消安委联合开展检查，市消安办督办整改。", ["X市应急管理局", "X市安委会", "X市消安委", "X市消安办"]),
    # a two-level word for the lower units with its peers in brackets
    (CITY + "区县（市）应急管理局要发挥属地作用。", ["X市应急管理局", "区县（市）应急管理局"]),
    # a township's emergency station; 站位 is a stance
    (PROVINCE + "全省乡镇全部设立应急管理站，不断提高应急管理站位。", ["应急管理站"]),
    # a short name the text introduces names the body everywhere by its fullest form
    (PROVINCE + "省防汛防台防旱指挥部（以下简称省三防指挥部）启动应急响应，省三防指挥部派出工作组。",
     ["四川省防汛防台防旱指挥部"]),
    # a river basin's body with the ministry it belongs to
    (PROVINCE + "水利部黄河水利委员会实施联合调度，省水利厅配合。", ["水利部黄河水利委员会", "四川省水利厅"]),
    # one entry per kind of body: a level-qualified kind is the bare kind the text also names
    (PROVINCE + "各级三防指挥部加强值守，县级三防指挥部提前转移群众，县级应急管理部门负责人参加轮训，"
     "应急管理部门压实责任。", ["三防指挥部", "应急管理部门"]),
    # a scope reference to bodies of which the document's own is named adds no body
    (PROVINCE + "省防指启动应急响应，各级防指坚持值守。", ["四川省防指"]),
    # a government between region and body names it in full; the shorter form the text also writes is that body
    ("绵阳市人民政府防汛抗旱指挥部关于启动应急响应的通知\n绵阳市人民政府防汛抗旱指挥部决定启动应急响应，"
     "市防汛抗旱指挥部各成员单位按职责行动。", ["绵阳市人民政府防汛抗旱指挥部"]),
    # a higher level's government office in a district's text: the office of the city it lies in; in a
    # municipality's district there is no city between, and it stays as written
    ("龙泉驿区召开应急管理工作会议\n区应急委各成员单位参加，工作得到市政府应急办的肯定。",
     ["龙泉驿区应急委", "成都市政府应急办"]),
    ("巴南区召开应急管理工作会议\n区应急委各成员单位参加，工作得到市政府应急办的肯定。",
     ["巴南区应急委", "市政府应急办"]),
    # a single sector department after the own level word is the region's own; 据市 is jieba's join
    ("绵阳市启动防汛应急响应\n据市气象部门预报，全市将出现强降雨。", ["绵阳市气象部门"]),
    # a page that writes its region only in short form keeps bare bodies as written (州…, 省…)
    ("州安委会召开全体会议\n州应急局通报情况，州林草局作了发言，会议传达了省安委会会议精神，推动全州工作。"
     "泸水市参加会议。", ["州安委会", "州应急局", "州林草局", "省安委会"]),
    # a short form that keeps its level word (大理州 of 大理白族自治州) prefixes the bare bodies
    ("大理州应急管理局召开会议\n州安委办通报情况，州防指作了部署。", ["大理州应急管理局", "大理州安委办", "大理州防指"]),
    # 安全生产 is one morpheme of the field (安全生产委员会 is a body); 应急委 inside 应急委员会 is no abbreviation
    ("南宁市召开安全生产会议\n南宁市突发事件应急委员会和南宁市安全生产委员会作了部署。",
     ["南宁市突发事件应急委员会", "南宁市安全生产委员会"]),
    # merged and abbreviated bureaus; a bare bureau is the region's own one the text also names
    ("德阳市召开防汛会商会\n德阳市应急管理局召集水利局、自然资源和规划局、教体局等部门会商。会上，市水利局作了通报。",
     ["德阳市应急管理局", "德阳市水利局", "自然资源和规划局", "教体局"]),
    # the fire and rescue service's body of a level, the science committee, the coal-mine safety regulator
    ("南宁市应急管理局会同市消防救援支队、市科委研究答复。市应急局和广西煤矿安全监察局合署办公。",
     ["南宁市应急管理局", "南宁市消防救援支队", "南宁市科委", "广西煤矿安全监察局"]),
    # a village's emergency room
    ("某县应急管理工作规划\n乡镇成立应急管理办公室，村级设置应急管理室。", ["应急管理办公室", "应急管理室"]),
    # 省厅 in a city's text: the provincial department, named as written (its full name for the graph)
    ("2023年，在市委、市政府的正确领导下，常州市持续推进安全生产，相关做法被省厅转发推广。", ["省厅"]),
    # N个市…: a count of lower units gives the kind of body each has
    (PROVINCE + "成都等6个市应急局作了交流发言。", ["市应急局"]),
    # a level word ending a place's name lists no levels with the next body
    ("州安委会召开会议\n泸水市、州应急局作了发言。全州各县市要抓好落实。", ["州安委会", "州应急局"]),
    # a sub-unit written right after a sector bureau is named with it; a bureau named by its sector alone
    ("义乌市召开安全生产会议\n煤炭局、市公安局交警大队负责人作了发言。", ["煤炭局", "义乌市公安局交警大队"]),
    # 城乡建委 (城乡建设委员会) before 分别 is a body, 委分 is no word
    ("巴南区召开应急管理工作会议\n区城乡建委分别作了交流发言。", ["巴南区城乡建委"]),
]


@pytest.mark.parametrize("text,expected", ORGS, ids=[o[1][0] for o in ORGS])
def test_organizations(nlp, text, expected):
    ctx = run_text(nlp, text)
    assert names(ctx) == expected
    for o in ctx.extraction.organizations:
        span = ctx.text[o.prov.start:o.prov.end]
        assert o.surface in span and o.prov.quote == span


@pytest.mark.parametrize("text", [
    # leadership organs, relational and generic references
    PROVINCE + "在省委、省政府坚强领导下，党中央、国务院决策部署得到落实，相关部门、有关部门、各部门、行业部门、涉灾部门密切配合。",
    # peers in other provinces, a title, forces, facilities, media, meetings, document titles
    PROVINCE + "邀请部分省级应急管理厅（局）负责同志座谈，对应急管理局长开展培训，综合行政执法队伍、全省应急管理大数据中心、"
               "省应急管理科创中心和《中国应急管理报》参加全国应急管理工作会议，制定《四川省应急管理厅工作规则》。",
    # internal units and bare headquarters
    PROVINCE + "厅党组检视问题，设立处室25个和8个工作组，加强对分指挥部的指导，开发区管理委员会配合。",
    # words that contain body abbreviations
    PROVINCE + "做好应急部署，预防指导到位，城市局部地区出现内涝。",
    # 格局 ends in 局 without being a bureau
    PROVINCE + "形成各负其责、协同配合的工作格局，联合推进的大局。",
    # a sector word after a qualifier of the field is part of a longer name (a force here), not a 消防局
    PROVINCE + "驻地部队和国家森林消防局某总队参加演练。",
    # units listed among a department's internal units (…处) are internal units too
    PROVINCE + "厅机关下设办公室、人事处、应急指挥调度中心、减灾处等处室。",
])
def test_excluded(nlp, text):
    ctx = run_text(nlp, text)
    assert text.split("\n")[1] in ctx.text
    assert names(ctx) == []


def test_constructions_and_full_names(nlp):
    ctx = run_text(nlp, CITY + "市应急局负责具体工作，气象、水利等部门配合，各级安委会压实责任。")
    got = {o.surface: (o.name, o.construction, o.full_name) for o in ctx.extraction.organizations}
    assert got["市应急局"] == ("X市应急管理局", "abbreviation", "X市应急管理局")
    assert got["气象"][:2] == ("气象部门", "distributed_head")
    assert got["安委会"] == ("安委会", "literal", "安全生产委员会")


def test_bare_body_is_named_like_the_documents_own(nlp):
    ctx = run_text(nlp, CITY + "市应急办负责值守，应急办要加强值班。")
    assert names(ctx) == ["X市应急管理局", "X市应急办"]


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_seed_provenance(nlp, path):
    ctx = run(nlp, DocContext(normalise(load_document(path))))
    for o in ctx.extraction.organizations:
        p = o.prov
        assert p.quote == ctx.norm.original[p.orig_start:p.orig_end]
        assert norm(p.quote) == norm(ctx.text[p.start:p.end])
        if o.construction == "literal":
            assert norm(o.name) in norm(ctx.text[p.start:p.end])


def test_seeds_against_gold(nlp):
    strict = lenient = None
    for path in SEEDS:
        gold = json.loads((GOLD / (path.stem + ".json")).read_text(encoding="utf-8"))
        pred = summarise(run(nlp, DocContext(normalise(load_document(path)))).extraction).organizations
        s, le = score_sets(pred, gold["organizations"]), score_sets(pred, gold["organizations"], lenient=True)
        if strict is None:
            strict, lenient = s, le
        else:
            strict.add(s)
            lenient.add(le)
    assert strict.f1 >= 0.7 and lenient.f1 >= 0.85, (strict.missed, strict.extra)

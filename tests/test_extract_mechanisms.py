"""kg.extract.mechanisms: where a mechanism's name starts, what is generic, offsets, seeds."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract import mechanisms
from tests.extract_helpers import context, extract, f1, gold, norm, seed_context
from tests.paths import SEEDS


# --------------------------------------------------------------------------- names
NAMES = [
    # seeds
    ("完善动态研判机制", ["动态研判机制"]),
    ("推动建立健全安全防控体系和源头严控、过程严管、事故严惩机制。", ["安全防控体系", "源头严控、过程严管、事故严惩机制"]),
    ("健全完善基层应急管理组织、责任和保障体系", ["基层应急管理组织、责任和保障体系"]),
    ("自觉把自然灾害防治“九大重点工程”作为全面提升能力的重要保障", ["自然灾害防治“九大重点工程”"]),
    ("大力推进“互联网+监管”一体化平台无缝对接", ["“互联网+监管”一体化平台"]),
    ("努力构建应急管理责任制度体系、风险防控体系和治理能力体系，", ["应急管理责任制度体系", "风险防控体系", "治理能力体系"]),
    ("实行与气象、水利、自然资源和住建等部门每日会商制度。", ["每日会商制度"]),
    ("建立起部门之间、各区与部门之间的会商和协同制度，", ["会商和协同制度"]),
    ("完善落实习近平总书记关于安全生产重要指示“一批示一报告一台账”制度", ["“一批示一报告一台账”制度"]),
    ("建立行业监督管理与综合监管融合常态化机制，", ["行业监督管理与综合监管融合常态化机制"]),
    ("落细直达基层责任人的预警“叫应”机制", ["预警“叫应”机制"]),
    ("加快构建防汛防台识别一张图、研判一张表、管控一张单、应急一指南、案例一个库、指挥一平台“六个一”工作体系",
     ["“六个一”工作体系"]),
    ("在9月底前建立企业安全生产、自然灾害风险防控和应急救援两大平台", ["企业安全生产、自然灾害风险防控和应急救援两大平台"]),
    ("以新安全格局保障新发展格局。", ["新安全格局", "新发展格局"]),
    ("建立应急管理系统驻企服务制度", ["驻企服务制度"]),
    ("实施应急队伍能力提升工程，强化应急处置和救援能力。", ["应急队伍能力提升工程"]),
    ("推行“标准化+双重预防机制+监管执法+信息化监管”模式", ["双重预防机制"]),
    # other provinces (made up in the genre)
    ("全面推行安全生产风险分级管控和隐患排查治理双重预防机制。", ["安全生产风险分级管控和隐患排查治理双重预防机制"]),
    # a list of levels before "N级" starts no name: the number of levels names the system
    ("建立健全省市县三级应急指挥体系和应急物资保障体系", ["三级应急指挥体系", "应急物资保障体系"]),
    ("我省建立了灾害信息员队伍管理制度、应急值守制度和信息报送制度。",
     ["灾害信息员队伍管理制度", "应急值守制度", "信息报送制度"]),
    ("健全应急管理部门与公安、消防等部门的信息共享机制", ["信息共享机制"]),
    ("建立安全生产“黑名单”制度和联合惩戒机制", ["安全生产“黑名单”制度", "联合惩戒机制"]),
    ("加快建设全省应急管理综合应用平台，推进“智慧应急”平台建设。", ["应急管理综合应用平台", "“智慧应急”平台"]),
    # a plain qualifier before a quoted numbered formula stays; a verb or a list item does not
    ("全面推行山洪预警“两个必达”机制。", ["山洪预警“两个必达”机制"]),
    ("完善危化企业装卸安全“四查四改”工作机制，推动", ["危化企业装卸安全“四查四改”工作机制"]),
    ("优化提升“两个必达”预警机制。", ["“两个必达”预警机制"]),
    # bilateral qualifiers, verbs jieba tags d, single characters jieba cut apart (约 | 谈)
    ("健全中俄界河应急联动机制。", ["中俄界河应急联动机制"]),
    ("建立灾情信息动态更新制度。", ["灾情信息动态更新制度"]),
    ("落实企业约谈通报制度。", ["企业约谈通报制度"]),
    # level words and bare bodies start no name
    ("建立省级部门地质灾害联合巡查机制，", ["地质灾害联合巡查机制"]),
    ("完善省、市、县、乡四级指挥调度平台，", ["四级指挥调度平台"]),
    ("建立盟市、旗县两级联合值守制度。", ["两级联合值守制度"]),
    ("建设省应急资源管理平台。", ["应急资源管理平台"]),
    ("实施农村公路安全生命防护工程、地质灾害综合治理工程。", ["农村公路安全生命防护工程", "地质灾害综合治理工程"]),
    ("健全防汛抗旱指挥部成员单位联席会议制度", ["防汛抗旱指挥部成员单位联席会议制度"]),
    ("进一步完善灾害事故信息报告制度和应急值班值守制度", ["灾害事故信息报告制度", "应急值班值守制度"]),
    ("大力实施防灾减灾救灾“八大工程”", ["防灾减灾救灾“八大工程”"]),
    ("强化省应急指挥中心、省级应急救援队伍和应急物资储备库“三位一体”保障体系建设", ["“三位一体”保障体系"]),
    # compounds jieba cuts apart (军 | 地), verbal nouns inside the name, more governing verbs
    ("与驻军部队建立军地联合救援指挥机制，全年", ["军地联合救援指挥机制"]),
    ("健全地震灾害情景构建和应急预案动态修订制度。", ["地震灾害情景构建和应急预案动态修订制度"]),
    ("与相邻省份共建跨区域森林火灾联防联控机制，", ["跨区域森林火灾联防联控机制"]),
    ("推广应用危险化学品安全生产执法监管平台，", ["危险化学品安全生产执法监管平台"]),
    ("全省化工园区全部接入安全风险智能化管控平台。", ["安全风险智能化管控平台"]),
    ("会同水利、气象等部门完善洪涝灾害联合会商机制。", ["洪涝灾害联合会商机制"]),
    ("构建共建共治共享安全治理大格局。", ["共建共治共享安全治理大格局"]),
    ("不断完善修订制度。", []),
    # an unquoted 的-phrase describing a generic responsibility system names nothing
    ("着力构建党政同责、一岗双责、齐抓共管的安全生产责任体系。", []),
    ("构建“企业自查、部门督查”的隐患排查治理体系", ["隐患排查治理体系"]),
    ("健全“党委领导、政府负责”的防灾减灾工作格局，形成防减救一体化工作格局", ["防减救一体化工作格局"]),
    # locatives jieba tags f qualify a name; a body before an ambiguous verb is its subject
    ("完善渔船回港和渔排人员上岸核查制度，建立上下联动机制。", ["渔船回港和渔排人员上岸核查制度", "上下联动机制"]),
    ("会同地震局、住建部门推进农房安居工程抗震加固。", ["农房安居工程"]),
    ("在两个城市试点建设城市安全风险综合监测预警平台。", ["城市安全风险综合监测预警平台"]),
    ("一是建强应急指挥体系。", ["应急指挥体系"]),
    ("在一个县试行烟花爆竹企业安全“专家会诊”制度。", ["烟花爆竹企业安全“专家会诊”制度"]),
    # kinds of projects in a list, and supporting rules (配套制度), are no named mechanisms
    ("督促落实水库、山塘、在建工程和隐患点巡查，推进矿山、重点工程安全监管。", []),
    ("出台森林防火配套制度5项，建立分类整治、专项整治、重点治理机制。", ["分类整治、专项整治、重点治理机制"]),
    ("完成瓦斯、水害等重大灾害治理工程86项。", ["重大灾害治理工程"]),
    # a short qualifier of the field still makes a name (by the guideline, not by length)
    ("进一步健全防汛体系，完善应急预案体系，建强救援队伍体系。", ["防汛体系", "应急预案体系", "救援队伍体系"]),
    ("指挥体系重塑以来，统筹调度能力持续提升。", ["指挥体系"]),
    # a count before the name is no part of it
    ("“一中心”就是建成一个应急管理综合应用平台，汇聚各部门的监测数据。", ["应急管理综合应用平台"]),
    # a name followed by more of its listed item does not share the head with the item before it
    ("隐患台账管理、双重预防机制数字化建设、重点企业视频联网建设在全市铺开。", ["双重预防机制"]),
    # a count that sums up a quoted enumeration stays
    ("建立“周调度、月通报、季考核”三项制度", ["“周调度、月通报、季考核”三项制度"]),
    # quoted terms coordinated under one head are one item, like 会商和协同制度
    ("推动“党政同责”、“一岗双责”和“三个必须”制度全面落地。", ["“党政同责”、“一岗双责”和“三个必须”制度"]),
    # a quoted count of works with a qualifier of its own names them inside the quote
    ("明确推进“六大防汛工程”建设。", ["六大防汛工程"]),
    # a presenting verb governs the name
    ("培训班上专家解读了应急值守制度。", ["应急值守制度"]),
]

NOT_NAMES = [
    "应急管理工作在“十四五”开局之年迈出新步伐，努力破解体制机制中的难点问题",
    "大力推进应急管理体系和能力现代化",
    "发挥社会主义集中力量办大事的制度优势，坚持技术和制度创新双轮驱动",
    "形成衔接有序、指导有力、集约高效的工作机制。",
    "加快形成具有X特色的应急管理格局",
    "我们既要注重借助这些议事协调决策平台",
    "进一步健全完善巡查工作流程和工作机制",
    "建立规范化的工作机制、立体化的固定平台、常态化的活动载体",
    "全面完成应急体系重构再造",
    "抓落实、破难题、建机制，砥砺奋进。",
    "推进统筹协调机制化，完善“一个口子”统筹",
    "建立信息化灾情报送系统，建立应急物资储备“一张图”",
    "推进安全监管和执法体制改革",
    "完善以党委领导、政府负责为核心的应急管理体系",
    "这一机制有效运转。建立了一套行之有效的工作机制。",
    "持续推进责任跟进督促等7项机制。",
    "推进“十四五”应急体系规划实施",
    "着力构建统一指挥、专常兼备、反应灵敏、上下联动的中国特色应急管理体系。",
    # a verb phrase with a bare head is no name (着力 is an adverb jieba tags n)
    "坚持人民至上，着力完善体系、预防为主、专项整治。",
    # general two-character qualifiers, the guideline's generic terms behind a domain
    "压实责任体系，健全重大平台，完善自然灾害应急工作机制和突发事件应对机制。",
    # a quoted numbered formula alone is a formula, not a mechanism; 平台保障 is a head used as a modifier
    "打造“一屏一网一平台”的数字底座，为上下贯通提供平台保障。",
    # the head qualifies what follows
    "不断推动应急管理能力和体系现代化",
    "开展“五查五看”执法检查，即查制度看落实。",
    # a head inside a longer noun: an architecture, engineering works, projects, a company
    "会上讲解了防汛预案体系架构和响应流程。",
    "开展滑坡隐患监测及工程治理，明确重点任务和工程项目。",
    "一家矿山工程有限公司参加了检查。",
    # a bare counted placeholder in quotes stays a formula (九大重点工程 without its domain)
    "建设“六大体系”，实施“九大重点工程”。",
    # quality grades of building works
    "精心打造优质工程、精品工程、样板工程。",
]


@pytest.mark.parametrize("text,expected", NAMES)
def test_names(text, expected):
    ctx = extract(mechanisms, text)
    assert [m.name for m in ctx.extraction.mechanisms] == expected


@pytest.mark.parametrize("text", NOT_NAMES)
def test_generic_and_out_of_class_terms_are_not_names(text):
    assert [m.name for m in extract(mechanisms, text).extraction.mechanisms] == []


@pytest.mark.parametrize("text,expected", NAMES[:8])
def test_offsets_cover_the_name(text, expected):
    ctx = extract(mechanisms, text)
    for m in ctx.extraction.mechanisms:
        assert ctx.text[m.prov.start:m.prov.end] == m.name
        assert m.prov.quote == m.name
        assert m.name.endswith(mechanisms.HEADS + ("”",))
        assert m.prov.rule.startswith("mechanisms.")


@pytest.mark.parametrize("name,generic", [
    ("应急管理体系", True), ("国家应急管理体系", True), ("应急工作机制", True), ("应急管理工作新机制", True),
    ("治理体系", True), ("省域治理体系", True), ("应急救援体制机制", True), ("工作责任体系", True),
    ("主流媒体平台", True), ("指挥平台", True), ("责任体系", True), ("重大平台", True), ("3项工程", True),
    ("自然灾害应急工作机制", True), ("应对机制", True),
    ("防汛体系", False), ("预案体系", False), ("指挥体系", False), ("队伍体系", False), ("“叫应”机制", False),
    ("隐患排查治理体系", False), ("全周期应急体系", False), ("大应急体系", False), ("安责险制度", False),
    ("“大宣传”格局", False), ("重大突发事件应急指挥工作机制", False),
])
def test_is_generic(name, generic):
    assert mechanisms.is_generic(name) is generic


def test_quotes_in_traditional_seed_point_to_the_original():
    path = [p for p in SEEDS if p.name.startswith("003")][0]
    ctx, doc = seed_context(path)
    mechanisms.extract(ctx, doc)
    m = next(m for m in ctx.extraction.mechanisms if m.name == "预警“叫应”机制")
    assert ctx.text[m.prov.start:m.prov.end] == m.name
    assert m.prov.quote == ctx.norm.quote(m.prov.start, m.prov.end)
    assert "機制" in m.prov.quote  # the source is in traditional characters


def test_seeds_against_gold():
    tp = npred = ngold = ltp_p = ltp_g = 0
    for path in SEEDS:
        ctx, doc = seed_context(path)
        mechanisms.extract(ctx, doc)
        pred = {norm(m.name) for m in ctx.extraction.mechanisms}
        want = {norm(g) for g in gold(path)["mechanisms"]}
        tp += len(pred & want)
        npred += len(pred)
        ngold += len(want)
        ltp_p += sum(any(p in g or g in p for g in want) for p in pred)
        ltp_g += sum(any(p in g or g in p for p in pred) for g in want)
    assert f1(tp, npred, ngold) >= 0.7
    lp, lr = ltp_p / npred, ltp_g / ngold
    assert 2 * lp * lr / (lp + lr) >= 0.85


# --------------------------------------------------------------------------- robustness
_ALPHABET = list("建立健全双重预防机制体系制度平台工程格局“”‘’、，。；：与和的等全省部门应急管理1234.5%万个人起同比下降分别连续零三两一十")


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(_ALPHABET), max_size=60))
def test_extractors_of_this_group_keep_spans_inside_the_text(text):
    from kg.extract import duties, numbered, principles, statistics

    ctx, doc = context(text)
    for module in (mechanisms, duties, principles, numbered, statistics):
        module.extract(ctx, doc)
    ex = ctx.extraction
    for item in ex.mechanisms + ex.duty_formulas + ex.duty_pairs + ex.principle_pairs + ex.numbered_formulas + ex.statistics:
        assert 0 <= item.prov.start < item.prov.end <= len(text)
        assert item.prov.quote == text[item.prov.start:item.prov.end]
    for m in ex.mechanisms:
        assert text[m.prov.start:m.prov.end] == m.name


def test_a_region_before_the_name_owns_it():
    # the region extractor runs first in the pipeline (jieba may cut a district's name apart)
    from kg.extract import regions

    ctx, doc = context("2024年大连市应急管理工作总结\n推广甘井子区“社区吹哨、部门报到”网格化监管体系经验，"
                       "学习铁西区企业安全“三查三改”制度。")
    regions.extract(ctx, doc)
    mechanisms.extract(ctx, doc)
    assert [m.name for m in ctx.extraction.mechanisms] == ["“社区吹哨、部门报到”网格化监管体系", "企业安全“三查三改”制度"]

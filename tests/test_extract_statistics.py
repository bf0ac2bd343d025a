"""kg.extract.statistics: figures with subject, unit, direction and baseline; what is not one."""

import re

import pytest

from kg.extract import statistics
from tests.paths import SEEDS
from tests.extract_helpers import extract, f1, gold, norm, seed_context

S = statistics
STATS = [
    # seeds
    ("全省自然灾害受灾人口、因灾死亡失踪人口、倒塌房屋数量和直接经济损失与近五年均值相比，分别下降44.81%87.12%77.94%67.91%向党和人民交上了一份满意答卷。",
     [("自然灾害受灾人口", 44.81, "%", "下降", "近五年均值"), ("因灾死亡失踪人口", 87.12, "%", "下降", "近五年均值"),
      ("倒塌房屋数量", 77.94, "%", "下降", "近五年均值"), ("直接经济损失", 67.91, "%", "下降", "近五年均值")]),
    ("呈现新气象全省生产安全事故起数、死亡人数同比均下降，",
     [("生产安全事故起数", None, None, "下降", "同比"), ("死亡人数", None, None, "下降", "同比")]),
    ("杜绝了重特大事故实现了自1967年有完整事故统计数据以来首次年度重特大事故零发生。",
     [("年度重特大事故", 0, None, None, "自1967年有完整事故统计数据以来")]),
    ("事故起数和死亡人数实现“双下降”，连续46个月未发生重特大事故，创历史最长安全周期；",
     [("事故起数", None, None, "下降", None), ("死亡人数", None, None, "下降", None),
      ("未发生重特大事故", 46, "个月", None, None)]),
    ("当前，全市安全生产形势总体稳定，连续三年实现生产安全事故起数、死亡人数“双下降”。",
     [("生产安全事故起数、死亡人数“双下降”", 3, "年", None, None),
      ("生产安全事故起数", None, None, "下降", None), ("死亡人数", None, None, "下降", None)]),
    ("全省各地出动查险人员11.98万人、排查各类风险点1.38万个，出动抢险人员12.3万人，转移受洪水威胁群众5.9万人次，抢救被困人员67人。",
     [("查险人员", 11.98, "万人", None, None), ("风险点", 1.38, "万个", None, None), ("抢险人员", 12.3, "万人", None, None),
      ("受洪水威胁群众", 5.9, "万人次", None, None), ("被困人员", 67, "人", None, None)]),
    ("完成了9个部门、5个议事协调机构职能划转和人员转隶工作，",
     [("职能划转和人员转隶", 9, "个部门", None, None), ("职能划转和人员转隶", 5, "个议事协调机构", None, None)]),
    ("在清明、十一等重点时段组织200余名森防队员对长白山等重点林区靠前驻防。", [("森防队员", 200, "余名", None, None)]),
    ("全局行政、事业编制达到了534个，这是很不容易的。", [("事业编制", 534, "个", None, None)]),
    ("六个议事协调机构和市政府总值班室就是我们履行职责的有效载体。", [("议事协调机构", 6, "个", None, None)]),
    ("市局“三定”方案印发等在新组建单位中实现三个“第一家”，", [("第一家", 3, "个", None, None)]),
    ("建立52项“厅规禁令”，并根据新情况不断完善。", [("厅规禁令", 52, "项", None, None)]),
    ("生产安全事故控制指标持续大幅度下降，", [("生产安全事故控制指标", None, None, "下降", None)]),
    # other provinces (made up in the genre)
    ("2021年，全省共发生各类生产安全事故1234起、死亡567人，同比分别下降10.5%和8.2%。",
     [("生产安全事故", 1234, "起", None, None), ("生产安全事故", 10.5, "%", "下降", "同比"),
      ("死亡", 567, "人", None, None), ("死亡", 8.2, "%", "下降", "同比")]),
    ("全市较大事故起数同比下降20%，连续5年未发生重大以上事故。",
     [("较大事故起数", 20, "%", "下降", "同比"), ("未发生重大以上事故", 5, "年", None, None)]),
    ("全年开展执法检查3456次，查处违法行为789起，罚款1200万元。",
     [("执法检查", 3456, "次", None, None), ("违法行为", 789, "起", None, None), ("罚款", 1200, "万元", None, None)]),
    ("截至目前，全市共有专兼职救援队伍126支、队员8000余人。",
     [("专兼职救援队伍", 126, "支", None, None), ("队员", 8000, "余人", None, None)]),
    ("其中较大事故12起，同比减少3起。",
     [("较大事故", 12, "起", None, None), ("较大事故", 3, "起", "减少", "同比")]),
    ("全年组织开展应急演练1.2万场次，新建应急避难场所320处。",
     [("应急演练", 1.2, "万场次", None, None), ("应急避难场所", 320, "处", None, None)]),
    ("全省安全生产形势持续稳定向好，实现事故起数、死亡人数、较大事故“三下降”。",
     [("事故起数", None, None, "下降", None), ("死亡人数", None, None, "下降", None), ("较大事故", None, None, "下降", None)]),
    # a change to a value, a second figure about one subject, an action counted before its verb
    ("全省重大事故隐患数量由2020年的860项减少至310项。",
     [("重大事故隐患数量", 310, "项", "减少", "2020年的860项")]),
    ("全市建成专业救援队伍12支、480人。",
     [("专业救援队伍", 12, "支", None, None), ("专业救援队伍", 480, "人", None, None)]),
    ("市防指先后3次启动防汛应急响应，", [("启动防汛应急响应", 3, "次", None, None)]),
    # a rate without a measure word; rates and shares whose noun jieba cuts apart (整改 | 率, 占 | 比)
    ("全省道路交通万车死亡率降至1.58，", [("道路交通万车死亡率", 1.58, None, "下降", None)]),
    ("整改率达到97.5%，信息化执法检查占比达到64%。",
     [("整改率", 97.5, "%", None, None), ("信息化执法检查占比", 64, "%", None, None)]),
    # 重点 before a noun belongs to the subject; measure words of relief goods; 余 before 万
    ("全省重点企业隐患数量同比下降12%。", [("重点企业隐患数量", 12, "%", "下降", "同比")]),
    ("储备帐篷1.2万顶、折叠床3.5万张，完成调查对象120余万个。",
     [("帐篷", 1.2, "万顶", None, None), ("折叠床", 3.5, "万张", None, None), ("调查对象", 120, "余万个", None, None)]),
    # 分别为 with values of different measures; a change written 降至; "为零"
    ("全省森林火灾起数、受害森林面积分别为83起、215公顷。",
     [("森林火灾起数", 83, "起", None, None), ("受害森林面积", 215, "公顷", None, None)]),
    ("较大事故起数由上年的9起降至4起，全年因灾死亡失踪人数为零。",
     [("较大事故起数", 4, "起", "降", "上年的9起"), ("因灾死亡失踪人数", 0, None, None, None)]),
    # 重点 qualifying the noun counted after the figure; lengths of work done; more measure words
    # a rate changed from one value to another; an enumeration marker before the indicator
    ("亿元地区生产总值生产安全事故死亡率由0.0112降至0.0097。",
     [("地区生产总值生产安全事故死亡率", 0.0097, None, "下降", "0.0112")]),
    ("一是事故总量、死亡人数实现“双下降”。", [("事故总量", None, None, "下降", None), ("死亡人数", None, None, "下降", None)]),
    # a baseline before a quoted claim; a rate raised to a percentage; rounds of inspection; boxes seized
    ("全省森林火灾起数和受害森林面积同比“双下降”。",
     [("森林火灾起数", None, None, "下降", "同比"), ("受害森林面积", None, None, "下降", "同比")]),
    ("全年组织防汛防台风演练1.2万场次，调度应急送水车辆460台次。",
     [("防汛防台风演练", 1.2, "万场次", None, None), ("应急送水车辆", 460, "台次", None, None)]),
    ("涉药工序机械化率提高到78.5%，开展安全生产巡查2轮，收缴非法烟花爆竹3.2万箱。",
     [("涉药工序机械化率", 78.5, "%", "提高", None), ("安全生产巡查", 2, "轮", None, None),
      ("非法烟花爆竹", 3.2, "万箱", None, None)]),
    # 争取 of funds obtained is no plan; measure words of houses, pipes, vehicles
    ("去年争取中央救灾资金4.7亿元，排查自建房9.8万幢，更换老化燃气软管38.6万根，清理电动自行车2.3万辆次。",
     [("中央救灾资金", 4.7, "亿元", None, None), ("自建房", 9.8, "万幢", None, None), ("老化燃气软管", 38.6, "万根", None, None),
      ("电动自行车", 2.3, "万辆次", None, None)]),
    ("推动1.3万家重点企业建立风险分级管控制度，新开设防火隔离带1260公里，建成消防水池412口，发布预警信息1.8亿条次。",
     [("重点企业", 1.3, "万家", None, None), ("防火隔离带", 1260, "公里", None, None), ("消防水池", 412, "口", None, None),
      ("预警信息", 1.8, "亿条次", None, None)]),
]

NOT_STATS = [
    "下面，我讲三个方面意见：",
    "向党和人民答好了10道大题：",
    "压茬开展“冬春会战”和“迎大庆、保安全、严监管、促平安”30天大决战。精准组织10大领域专项战役。",
    "制定颁布了《推进“放管服”改革加强事中事后监管深化“一站式”服务27项保障措施》。",
    "没有辜负2700万吉林人民的期待！",
    "成功处置了长春万达广场爆炸、松原5.1级地震、白城10·14楼房坍塌等突发应急事件。",
    "4个区局分别做了典型发言，讲的都很好。",
    "归纳整理为四类42条问题逐一进行了详细的书面解答。",
    "街道、乡镇机构改革后，应急管理职能分散于四、五个部门，",
    "两个部门要主动沟通，形成共识。",
    "指导7个区在创建首批国家安全发展示范城市中实现预期目标。",
    "严密组织落实灾害综合风险普查、重点生态功能区生态修复、自然灾害监测预警信息化等3项工程。",
    "“我们将把‘最多跑一次’改革运用到应急管理，实施‘两个两千’，即全省组织2000名干部入驻2000家企业。”",
    "力争到2025年，全省生产安全事故死亡人数下降15%。",
    "确保生产安全事故起数和死亡人数继续“双下降”，坚决遏制较大事故。",
    "每户明确1名包保干部，每个村确定2名信息员。",
    "今年先后有8个台风影响我省，争取到2025年全省事故起数下降10%。",
    "全年经历17轮强降雨过程，先后开展三轮座谈。",
    # a hazard's measurements (a water level held for days), not work against it
    "鄱阳湖区高水位持续时间长达29天，嫩江在齐齐哈尔段持续超警戒水位11天。",
    "坚持24小时在岗、在职、在责，保证通信联络畅通。",
    "以百分百的努力，应对百分之一的可能。",
    "重点抓好以下10项工作：",
    "我省发生4.8级地震，震源深度10公里。",
    "2023年是全面贯彻党的二十大精神的开局之年。",
    "安全风险明显加大，极端天气灾害增多增强。",
    # hazards and economic background are not outcomes or work
    "全年先后经历11次强降雨过程。",
    "全省原煤产量9.6亿吨。",
    # a paragraph of tasks: the figures in it are targets
    "今年要重点抓好六个方面工作。第一，健全责任体系。第二，建设50个综合减灾示范社区。第三，举办培训班10期。",
]


def _tuple(s):
    return (s.subject, s.value, s.unit, s.direction, s.baseline)


@pytest.mark.parametrize("text,expected", STATS)
def test_statistics(text, expected):
    ctx = extract(statistics, text)
    assert [_tuple(s) for s in ctx.extraction.statistics] == expected
    for s in ctx.extraction.statistics:
        span = ctx.text[s.prov.start:s.prov.end]
        assert s.prov.quote == span
        if s.value and s.prov.rule != "statistics.streak":
            written = re.match(S.CN_NUM, span)
            assert f"{s.value:g}" in span or written and S.chinese_number(written.group(0)) == s.value


@pytest.mark.parametrize("text", NOT_STATS)
def test_not_statistics(text):
    assert [_tuple(s) for s in extract(statistics, text).extraction.statistics] == []


@pytest.mark.parametrize("s,q", [
    ("11.98万人、", (11.98, "万人", 7)), ("5.9万人次，", (5.9, "万人次", 6)), ("200余名", (200.0, "余名", 5)),
    ("10个方面的", (10.0, "个方面", 5)), ("44.81%87.12%", (44.81, "%", 6)), ("2019年", (2019.0, None, 5)),
    ("2700万吉林人民", None), ("28中国应急管理报", None),
    ("120余万个", (120.0, "余万个", 6)), ("2.9万家次", (2.9, "万家次", 6)), ("1.2万顶", (1.2, "万顶", 5)),
    ("42部", (42.0, "部", 3)), ("12部门", (12.0, None, 4)),
])
def test_parse_quantity(s, q):
    assert S.parse_quantity(s) == q


def test_seeds_against_gold():
    """Per-document deduplicated statistics, matched by value and unit (direction-only items,
    which have neither, by subject)."""
    tp = npred = ngold = 0
    for path in SEEDS:
        ctx, doc = seed_context(path)
        statistics.extract(ctx, doc)
        pred = list({(norm(s.subject), s.value, s.unit): s for s in ctx.extraction.statistics})
        want = [(norm(g["subject"]), g["value"], g["unit"]) for g in gold(path)["statistics"]]
        free = list(pred)
        for g in want:
            hit = next((p for p in free if (p[1], p[2]) == (g[1], g[2]) and (g[1] is not None or p[0] == g[0])), None)
            if hit is not None:
                free.remove(hit)
                tp += 1
        npred, ngold = npred + len(pred), ngold + len(want)
    assert f1(tp, npred, ngold) >= 0.8


# --------------------------------------------------------------------------- issue #14: figures of real pages
COORDINATED = [
    # coordinated values without 分别, over a list of indicators
    ("受灾人口和直接经济损失同比下降21.3%、18.7%。",
     [("受灾人口", 21.3, "%", "下降", "同比"), ("直接经济损失", 18.7, "%", "下降", "同比")]),
    # the baseline after 分别, over counts stated before
    ("全年发生较大事故5起、死亡18人，分别比上年减少2起、9人。",
     [("较大事故", 5, "起", None, None), ("较大事故", 2, "起", "减少", "上年"),
      ("死亡", 18, "人", None, None), ("死亡", 9, "人", "减少", "上年")]),
    # a change stated between the counts and the 分别 list is no indicator of it
    ("全市发生较大事故12起，死亡40人，同比减少3起、9人，分别下降20%和18.4%。",
     [("较大事故", 12, "起", None, None), ("较大事故", 3, "起", "减少", "同比"), ("较大事故", 20, "%", "下降", "同比"),
      ("死亡", 40, "人", None, None), ("死亡", 9, "人", "减少", "同比"), ("死亡", 18.4, "%", "下降", "同比")]),
    # the baseline written before the list, and a plan period as baseline
    ("同比事故起数和死亡人数分别下降21.5%、17.2%。",
     [("事故起数", 21.5, "%", "下降", "同比"), ("死亡人数", 17.2, "%", "下降", "同比")]),
    ("事故起数和死亡人数比“十三五”末分别下降40.1%和35.2%。",
     [("事故起数", 40.1, "%", "下降", "“十三五”末"), ("死亡人数", 35.2, "%", "下降", "“十三五”末")]),
    ("全年共发生各类事故210起、死亡198人、受伤85人，同比分别下降11.2%、5.1%、13.0%。",
     [("事故", 210, "起", None, None), ("事故", 11.2, "%", "下降", "同比"), ("死亡", 198, "人", None, None),
      ("死亡", 5.1, "%", "下降", "同比"), ("受伤", 85, "人", None, None), ("受伤", 13.0, "%", "下降", "同比")]),
    # units with 余/以上 and a count type in brackets; a space before the unit; Chinese numerals with 万/亿
    ("今年以来共发生火灾1.2万余起、死亡30余人。", [("火灾", 1.2, "万余起", None, None), ("死亡", 30, "余人", None, None)]),
    ("检查企业1000家以上，排查隐患近3000项。", [("企业", 1000, "家以上", None, None), ("隐患", 3000, "项", None, None)]),
    ("指导各地开展应急演练1800 余次，转移安置人口3099人(次)。",
     [("应急演练", 1800, "余次", None, None), ("安置人口", 3099, "人(次)", None, None)]),
    ("争取并下拨中央救灾资金二十三亿元，调拨物资三万余件。",
     [("中央救灾资金", 23, "亿元", None, None), ("物资", 3, "万余件", None, None)]),
    # hazards handled are operations; nobody hurt is a zero; units achieving a claim are counted with it
    ("汛期成功应对强降雨过程6次、台风影响2次。", [("强降雨过程", 6, "次", None, None), ("台风影响", 2, "次", None, None)]),
    ("全县无一人因灾死亡，未发生群死群伤事件。", [("因灾死亡", 0, None, None, None)]),
    ("全省14个市中，11个市实现事故起数和死亡人数“双下降”，重点行业平稳。",
     [("实现事故起数和死亡人数“双下降”", 11, "个市", None, None)]),
    # a count summing up a list: the action is the subject, the counted noun goes into the unit
    ("撤销市安全生产监察支队、市减灾中心2个事业单位。", [("撤销", 2, "个事业单位", None, None)]),
]

NOT_FIGURES = [
    "全市12个县区全部参加了会议，5个部门作了交流发言。",  # attendance is meeting procedure
    "因灾死亡人数0.3人，远低于1人的目标值要求。",  # (the 0.3 is kept; the target is not)
    "我市是全国54个重要防洪城市之一。",  # a national category
    "年产9万吨以下小煤矿全部关闭退出。",  # a threshold naming a class
    "全县平均海拔3500米以上，灾种多。",  # a length with 以上 still describes
]


@pytest.mark.parametrize("text,expected", COORDINATED)
def test_statistics_of_real_page_constructions(text, expected):
    ctx = extract(statistics, text)
    assert [_tuple(s) for s in ctx.extraction.statistics] == expected


def test_targets_categories_and_attendance_are_no_figures():
    values = [[s.value for s in extract(statistics, t).extraction.statistics] for t in NOT_FIGURES]
    assert values == [[], [0.3], [], [], []]


@pytest.mark.parametrize("text,normalized", [
    ("转移受威胁群众12.3万人。", (123000, "人")),
    ("下拨救灾资金二十三亿元。", (2300000000, "元")),
    ("紧急转移安置群众3.5万余人。", (35000, "人")),
    ("较大事故起数同比下降15%。", (15, "%")),
    ("农作物受灾面积2.6万亩。", (26000, "亩")),
    ("森林受害面积320公顷。", (320, "公顷")),
    ("检查企业1000家以上。", (1000, "家")),
    ("安置人口3099人(次)。", (3099, "人次")),
    ("道路交通万车死亡率降至1.58。", (1.58, None)),
    ("事故起数和死亡人数实现“双下降”。", (None, None)),
])
def test_every_statistic_carries_its_value_in_base_units(text, normalized):
    st = extract(statistics, text).extraction.statistics[0]
    assert (st.normalized_value, st.normalized_unit) == normalized


def test_a_unit_word_added_to_the_data_file_is_extracted(tmp_path):
    from importlib import resources

    text = "配备应急广播终端860盏。"
    assert extract(statistics, text).extraction.statistics == []
    words_file = tmp_path / "statistics_words.txt"
    packaged = (resources.files("kg") / "data" / "statistics_words.txt").read_text(encoding="utf-8")
    words_file.write_text(packaged.replace("[measures]\n", "[measures]\n盏\n", 1), encoding="utf-8")
    try:
        statistics.reload_words(words_file)
        assert [_tuple(s) for s in extract(statistics, text).extraction.statistics] == \
            [("应急广播终端", 860, "盏", None, None)]
    finally:
        statistics.reload_words()
    assert extract(statistics, text).extraction.statistics == []


def test_a_long_list_of_figures_in_one_clause_is_extracted_whole():
    text = "某市应急管理局2023年检查情况：" + "检查企业5个、" * 400 + "检查企业5个。"
    stats = extract(statistics, text).extraction.statistics
    assert len(stats) == 401 and {(s.subject, s.value, s.unit) for s in stats} == {("企业", 5, "个")}


def test_normalised_values_reach_the_graph_and_every_export(tmp_path):
    """The figure as written and in base units, side by side, in graph.json, GraphML and nodes.csv."""
    import csv
    import json

    import networkx as nx

    from kg.build import build

    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("某省应急管理厅2023年工作总结\n全年紧急转移安置受灾群众12.3万人，下拨救灾资金二十三亿元。\n",
                               encoding="utf-8")
    build(src, tmp_path / "out")
    out = tmp_path / "out"
    expected = {("受灾群众", "万人"): (123000, "人"), ("救灾资金", "亿元"): (2300000000, "元")}

    nodes = [n for n in json.loads((out / "graph.json").read_text(encoding="utf-8"))["nodes"] if n["type"] == "Statistic"]
    assert {(n["subject"], n["unit"]): (n["normalized_value"], n["normalized_unit"]) for n in nodes} == expected
    g = nx.read_graphml(out / "graph.graphml")
    stats = [a for _, a in g.nodes(data=True) if a.get("type") == "Statistic"]
    assert {(a["subject"], a["unit"]): (a["normalized_value"], a["normalized_unit"]) for a in stats} == expected
    with open(out / "nodes.csv", encoding="utf-8-sig", newline="") as f:  # (Neo4j headers: name:type)
        rows = [{k.split(":")[0]: v for k, v in r.items()} for r in csv.DictReader(f) if r[":LABEL"] == "Statistic"]
    assert {(r["subject"], r["unit"]): (float(r["normalized_value"]), r["normalized_unit"]) for r in rows} == expected
    summary = json.loads((out / "summaries.json").read_text(encoding="utf-8"))[0]
    assert {(s["subject"], s["unit"]): (s["normalized_value"], s["normalized_unit"]) for s in summary["statistics"]} == expected


@pytest.mark.parametrize("text,expected", [
    # figures reported at a press conference are the text's statistics, not the meeting's procedure
    ("某厅负责人在新闻发布会上介绍，2021年，全区事故起数与上年同期相比下降4.5%。", [("事故起数", 4.5, "%", "下降")]),
    # 均有 + a degree word before the direction of an indicator list
    ("今年1月至4月，事故起数、受伤人数、经济损失均有较大幅度下降。",
     [("事故起数", None, None, "下降"), ("受伤人数", None, None, "下降"), ("经济损失", None, None, "下降")]),
    # a connector jieba glued to the indicator's last character (整改 | 率为)
    ("排查隐患300条，整改率为93%。", [("隐患", 300, "条", None), ("整改率", 93, "%", None)]),
])
def test_reported_figures_and_glued_connectors(text, expected):
    ctx = extract(statistics, text)
    assert [(s.subject, s.value, s.unit, s.direction) for s in ctx.extraction.statistics] == expected


def test_meeting_procedure_stays_out():
    ctx = extract(statistics, "会上，5个单位作了交流发言，12个部门负责人参加了会议。")
    assert ctx.extraction.statistics == []


def test_a_list_of_titles_summed_up_by_a_chinese_count():
    ctx = extract(statistics, "修订《某市防汛条例》《某市应急预案管理办法》两部地方法规，建成一批避难场所。")
    assert [(s.subject, s.value, s.unit) for s in ctx.extraction.statistics] == [("地方法规", 2, "部")]
    # a count that is not the number of titles listed sums up something else
    assert extract(statistics, "学习《某条例》《某办法》三项内容。").extraction.statistics == []

"""kg.extract.numbered: numeral-led quoted slogans, counts, expansions, misspelt repeats."""

import pytest

from kg.extract import numbered
from tests.paths import SEEDS
from tests.extract_helpers import extract, f1, gold, norm, seed_context

FORMULAS = [
    # seeds
    ("锚定“三坚决两确保”目标着力防范化解安全风险", [("三坚决两确保", 3)]),
    ("始终坚持“两个至上”胸怀“两个大局”，统筹“两件大事”", [("两个至上", 2), ("两个大局", 2), ("两件大事", 2)]),
    ("坚持疫情防控与应急管理工作“两手抓、两不误”，", [("两手抓、两不误", 2)]),
    ("实施‘两个两千’，即全省组织2000名干部入驻2000家企业", [("两个两千", 2)]),
    ("全面推进基层防汛能力“十个有”标准化建设。", [("十个有", 10)]),
    ("加强“一案三制”建设", [("一案三制", 1)]),
    ("完善“一批示一报告一台账”制度", [("一批示一报告一台账", 1)]),
    ("接续推进——“五个一百”公共安全保障提升工程", [("五个一百", 5)]),
    # other provinces (made up in the genre)
    ("严格落实“一岗双责”，推行“四不两直”检查方式", [("一岗双责", 1), ("四不两直", 4)]),
    ("紧盯“两客一危”重点车辆", [("两客一危", 2)]),
    # not numbered formulas
    ("与区局“一把手”座谈，牢固树立全市“一盘棋”思想，研究建设应急指挥“一张图”", []),
    ("深化“一站式”服务，践行“一线工作法”，由“一对一”变成了“一对多”", []),
    ("应急管理工作在“十四五”开局之年迈出新步伐", []),
    ("破除以往应急管理“九龙治水”的工作格局，打破“一亩三分地”的狭隘思路", []),
    ("事故起数和死亡人数实现“双下降”，全省“双微”矩阵形成", []),
    ("聚焦“1+3+9”专项整治工作体系，跑好“第一棒”", []),
    ("开展“三年行动”和“百日攻坚”，“十分”重要", []),
    # one counted thing in a series of numbered formulas (like 一个中心、两个基本点); alone, or after a comma, lexical
    ("坚持“一个中心”、守住“两条底线”，建设“一个平台”，推行“一张图”", [("一个中心", 1), ("两条底线", 2)]),
    # 个 + 年 is no duration (a year takes no 个): five campaign years; 三个月 is a duration
    ("开展“四个年”活动，用“三个月”完成整治", [("四个年", 4)]),
    # place names and their literary names, rating words (a numeral inside a word)
    ("开展“八闽安全卫士”评选，推进“五星级”站所和“三峡”库区建设，“四川应急”发布", []),
    ("严格执行“三重一大”决策制度", [("三重一大", 3)]),
    ("各区局的“三定”方案专门对职责进行了切分，“一是”不算", [("三定", 3)]),
    # a common noun of the dictionary that starts with a numeral
    ("不能只当“二传手”", []),
    # sayings: a proverb's measure, one party against N
    ("实现了“一方有难、八方支援”的快速响应，约定“一处有险、多处驰援”，谨记“千里之堤、溃于蚁穴”", []),
    # parts listed each as 一 + measure word
    ("推行“一个中心管调度、一个平台管预警”工作法", [("一个中心管调度、一个平台管预警", 1)]),
    # one per unit, however many (一企一策); a count of 百分之百s
    ("推行“一车一登记、一路一巡查”，实现“四个百分之百”“四个百分百”", [("四个百分之百", 4), ("四个百分百", 4)]),
]


@pytest.mark.parametrize("text,expected", FORMULAS)
def test_formulas(text, expected):
    ctx = extract(numbered, text)
    assert [(f.name, f.count) for f in ctx.extraction.numbered_formulas] == expected
    for f in ctx.extraction.numbered_formulas:
        assert ctx.text[f.prov.start:f.prov.end] == f.name
        assert ctx.text[f.prov.start - 1] in "“‘" and ctx.text[f.prov.end] in "”’"


def test_rejected_counted_list_is_still_a_formula():
    # 力戒“两个主义”: a count of parts (形式主义、官僚主义), even when the text rejects it
    ctx = extract(numbered, "力戒“两个主义”做到“两个维护”")
    assert [f.name for f in ctx.extraction.numbered_formulas] == ["两个主义", "两个维护"]


EXPANSIONS = [
    ("建立企业自查、行业检查、联合抽查、明督暗查“四位一体”模式", "四位一体", ["企业自查", "行业检查", "联合抽查", "明督暗查"]),
    ("加快构建防汛防台识别一张图、研判一张表、管控一张单、应急一指南、案例一个库、指挥一平台“六个一”工作体系",
     "六个一", ["识别一张图", "研判一张表", "管控一张单", "应急一指南", "案例一个库", "指挥一平台"]),
    ("必须突出“不统筹、无应急”“不系统、小应急”“不数字、难应急”“不到底、伪应急”“不冲锋、不应急”等五个导向。突出“五个导向”",
     "五个导向", ["不统筹、无应急", "不系统、小应急", "不数字、难应急", "不到底、伪应急", "不冲锋、不应急"]),
    ("积极推进应急管理的法治化、协同化、智能化、社会化进程。也就是“四化三体系双基”总任务。",
     "四化三体系双基", ["法治化", "协同化", "智能化", "社会化"]),
    ("谋划了“两项举措”，即强化风险防控；提升救援能力。", "两项举措", ["强化风险防控", "提升救援能力"]),
    ("坚持“两手抓、两不误”，不断创新思路、务实举措", "两手抓、两不误", []),
]


@pytest.mark.parametrize("text,name,parts", EXPANSIONS)
def test_expansion(text, name, parts):
    ctx = extract(numbered, text)
    (f,) = [f for f in ctx.extraction.numbered_formulas if f.name == name][:1]
    assert f.expansion == parts


def test_misspelt_repeat_takes_the_frequent_form():
    text = "“四化三体系双基”总任务。安全生产“四化三体双基”总任务。形成“四化三体系双基”总任务。"
    ctx = extract(numbered, text)
    got = [(f.name, ctx.text[f.prov.start:f.prov.end], f.prov.rule) for f in ctx.extraction.numbered_formulas]
    assert got[1] == ("四化三体系双基", "四化三体双基", "numbered.misspelt_repeat")
    assert {g[0] for g in got} == {"四化三体系双基"}


@pytest.mark.parametrize("s,n", [("十个有", 10), ("两个两千", 2), ("五个一百", 5), ("一百个村", 100), ("三十六计", 36)])
def test_leading_count(s, n):
    assert numbered.leading_count(s) == n


def test_seeds_against_gold():
    tp = npred = ngold = 0
    for path in SEEDS:
        ctx, doc = seed_context(path)
        numbered.extract(ctx, doc)
        pred = {norm(f.name) for f in ctx.extraction.numbered_formulas}
        want = {norm(n) for n in gold(path)["numbered_formulas"]}
        tp, npred, ngold = tp + len(pred & want), npred + len(pred), ngold + len(want)
    assert f1(tp, npred, ngold) >= 0.85

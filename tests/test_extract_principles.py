"""kg.extract.principles: “X”与“Y” and X与Y…的关系 pairs, lists of pairs, false friends."""

import pytest

from kg.extract import principles
from tests.paths import SEEDS
from tests.extract_helpers import extract, f1, gold, seed_context

PAIRS = [
    # seeds
    ("一是正确处理好“防”与“救”的关系，做好职能切分。", [("防", "救")]),
    ("浙江省应急管理系统在2020年将全面把握“统”与“分”“防”与“救”的关系；", [("统", "分"), ("防", "救")]),
    ("必须正确把握处理好点与面、面与线、一般与重点、局部与整体的关系，",
     [("点", "面"), ("面", "线"), ("一般", "重点"), ("局部", "整体")]),
    ("提升监测预警能力衔接好防与救、统与分的责任链条，实现综合监测预警", [("防", "救"), ("统", "分")]),
    ("进一步实现“统”与“分”的协调一致、齐头并进、共赢发展。", [("统", "分")]),
    # other provinces (made up in the genre)
    ("正确处理安全与发展的关系", [("安全", "发展")]),
    ("处理好改革发展与安全稳定之间的关系", [("改革发展", "安全稳定")]),
    ("把握好‘防’与‘救’的辩证关系", [("防", "救")]),
    # Y is the negation of X
    ("要处理好发展与安全、传统与非传统、条与块的关系", [("发展", "安全"), ("传统", "非传统"), ("条", "块")]),
    ("把握“常规”与“非常规”的关系", [("常规", "非常规")]),
    # other connectors inside a relation frame (的…关系, 的…链条)
    ("进一步理顺“统”和“分”的职责关系。", [("统", "分")]),
    ("压紧压实“防”和“救”的责任链条，", [("防", "救")]),
    ("处理好“管”同“治”之间的关系", [("管", "治")]),
    ("统筹好安全和发展的关系", [("安全", "发展")]),
    ("正确处理“破”与“立”的关系，机构改革全面完成", [("破", "立")]),
    ("明确防与救的责任链条", [("防", "救")]),
    # not pairs
    ("厘清应急管理部门与行业部门之间的责任链条", []),
    ("把“防”和“救”结合起来", []),
    ("改革创新的过程，实质就是破与立的过程。", []),
    ("坚持“防”与“救”相结合，", []),
    ("坚持预防与救援并重", []),
    ("建立与气象、水利、林草等部门会商研判机制", []),
    ("破解部门监管力度不大与职责不明确问题", []),
    ("建立行业监督管理与综合监管融合常态化机制", []),
    ("把握好“立”和“破”的承接顺序和辩证关系", []),
    ("统筹发展和安全", []),
    ("坚持常态与非常态相结合", []),
]


@pytest.mark.parametrize("text,expected", PAIRS)
def test_pairs(text, expected):
    ctx = extract(principles, text)
    assert [(p.a, p.b) for p in ctx.extraction.principle_pairs] == expected
    for p in ctx.extraction.principle_pairs:
        span = ctx.text[p.prov.start:p.prov.end]
        assert span.startswith(("“" + p.a, "‘" + p.a, p.a)) and span.rstrip("”’").endswith(p.b)
        assert p.prov.quote == span


def test_seeds_against_gold():
    tp = npred = ngold = 0
    for path in SEEDS:
        ctx, doc = seed_context(path)
        principles.extract(ctx, doc)
        pred = {(p.a, p.b) for p in ctx.extraction.principle_pairs}
        want = {(p["a"], p["b"]) for p in gold(path)["principle_pairs"]}
        tp, npred, ngold = tp + len(pred & want), npred + len(pred), ngold + len(want)
    assert f1(tp, npred, ngold) >= 0.95

"""kg.extract.duties: quoted duty formulas, their holders, and pairs by phase."""

import pytest

from kg.extract import duties
from tests.paths import SEEDS
from tests.extract_helpers import extract, f1, gold, norm, seed_context

FORMULAS = [
    # seeds
    ("推动相关部门“具体防、为主抗、支撑救、分工助”", [("相关部门", ["具体防", "为主抗", "支撑救", "分工助"])]),
    ("总目标着眼履行好应急管理部门“综合防、牵头救、统筹助”的职责",
     [("应急管理部门", ["综合防", "牵头救", "统筹助"])]),
    ("立足“综合防、协同抗、主导救、统筹助”推动相关部门“具体防、为主抗、支撑救、分工助”，",
     [(None, ["综合防", "协同抗", "主导救", "统筹助"]), ("相关部门", ["具体防", "为主抗", "支撑救", "分工助"])]),
    # other provinces (made up in the genre)
    ("应急管理部门负责“统筹防、牵头抗、主导救”，", [("应急管理部门", ["统筹防", "牵头抗", "主导救"])]),
    ("行业部门要“具体防、配合救”；应急管理部门要‘综合防、统筹救’。",
     [("行业部门", ["具体防", "配合救"]), ("应急管理部门", ["综合防", "统筹救"])]),
    # link verbs, modals and adverbs between holder and formula; a pronoun is no part of the holder
    ("督促各涉灾部门履行“具体防、分类减、配合救”职责", [("各涉灾部门", ["具体防", "分类减", "配合救"])]),
    ("我们应急管理部门要全面扛起“统筹防、综合减、牵头救、协调助、系统建”的责任",
     [("应急管理部门", ["统筹防", "综合减", "牵头救", "协调助", "系统建"])]),
    # a formula whose clause has no subject of its own belongs to the body the sentence starts with
    ("应急管理部门是防灾减灾救灾的主力军，要切实履行好“统筹防、指挥救、兜底助”的职责；",
     [("应急管理部门", ["统筹防", "指挥救", "兜底助"])]),
    ("今年以来，全省上下要切实履行好“统筹防、指挥救、兜底助”的职责", [(None, ["统筹防", "指挥救", "兜底助"])]),
    ("这里，我再强调一下：市应急管理局要当好综合协调者，履行“综合防、统筹抗、牵头救”的职责；",
     [("市应急管理局", ["综合防", "统筹抗", "牵头救"])]),
    ("应急管理部门要立足“统筹防、综合救、协调助”的职责定位，当好综合监管者。",
     [("应急管理部门", ["统筹防", "综合救", "协调助"])]),
    ("坚持“人防、技防、物防”相结合", []),  # one phase: means of prevention, not roles
    ("打造“单兵数字化、战场网络化、作战可视化”的新型应急救援模式", []),
    ("实现“不死人、少伤人、减损失”目标", []),
    ("真正实现防抗救一体化", []),
]


@pytest.mark.parametrize("text,expected", FORMULAS)
def test_formulas_and_holders(text, expected):
    ctx = extract(duties, text)
    got = [(f.holder, f.items) for f in ctx.extraction.duty_formulas]
    assert got == expected
    for f in ctx.extraction.duty_formulas:
        span = ctx.text[f.prov.start:f.prov.end]
        assert "、".join(f.items) in span
        assert f.holder is None or span.startswith(f.holder)


PAIRS = [
    ("立足“综合防、协同抗、主导救、统筹助”推动相关部门“具体防、为主抗、支撑救、分工助”，",
     [("防", "综合防", "具体防"), ("抗", "协同抗", "为主抗"), ("救", "主导救", "支撑救"), ("助", "统筹助", "分工助")]),
    # the support formula first, and one phase missing on each side: pair by phase, not position
    ("行业部门要“具体防、配合救”；应急管理部门要‘综合防、统筹抗、统筹救’。",
     [("防", "综合防", "具体防"), ("救", "统筹救", "配合救")]),
    ("履行好应急管理部门“综合防、牵头救、统筹助”的职责", []),
]


@pytest.mark.parametrize("text,expected", PAIRS)
def test_pairs_by_phase(text, expected):
    ctx = extract(duties, text)
    assert [(p.phase, p.lead, p.support) for p in ctx.extraction.duty_pairs] == expected
    for p in ctx.extraction.duty_pairs:
        span = ctx.text[p.prov.start:p.prov.end]
        assert p.lead in span and p.support in span


def test_formulas_apart_are_not_paired():
    text = "应急管理部门要“综合防、统筹救”。\n这是第一段的结尾。\n行业部门要“具体防、配合救”。"
    assert extract(duties, text).extraction.duty_pairs == []


@pytest.mark.parametrize("items,ok", [
    ("综合防、协同抗、主导救、统筹助", True), ("综合防、牵头救", True), ("人防、技防、物防", False),
    ("综合防", False), ("提本质、遏重大、降较大、减总量、保安全", False), ("统筹防、牵头抗、主导救、统筹助、综合减、统筹建", False),
])
def test_formula_items(items, ok):
    assert (duties.formula_items(items) is not None) is ok


def test_seeds_against_gold():
    scores = {"duty_formulas": [0, 0, 0], "duty_pairs": [0, 0, 0]}
    for path in SEEDS:
        ctx, doc = seed_context(path)
        duties.extract(ctx, doc)
        g = gold(path)
        pred = {(norm(f.holder), tuple(f.items)) for f in ctx.extraction.duty_formulas}
        want = {(norm(f["holder"]), tuple(f["items"])) for f in g["duty_formulas"]}
        pp = {(p.phase, p.lead, p.support) for p in ctx.extraction.duty_pairs}
        wp = {(p["phase"], p["lead"], p["support"]) for p in g["duty_pairs"]}
        for key, (a, b) in {"duty_formulas": (pred, want), "duty_pairs": (pp, wp)}.items():
            s = scores[key]
            s[0] += len(a & b)
            s[1] += len(a)
            s[2] += len(b)
    for key, s in scores.items():
        assert f1(*s) >= 0.95, key

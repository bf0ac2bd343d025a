"""Duty formulas and duty pairs: “统筹防、协调抗、牵头救、综合助” and its counterpart.

Input: a :class:`~kg.nlp.context.DocContext` and its spaCy ``Doc``. Output:
:class:`~kg.models.DutyFormula` items (``ctx.extraction.duty_formulas``), one per quoted
occurrence, items in text order and the holder as written before the quote (None when
only implicit); and :class:`~kg.models.DutyPair` items (``ctx.extraction.duty_pairs``)
when two formulas stand side by side in one sentence, paired by the shared phase
character (the items' last character), the coordinating department's formula as lead.

A duty formula is a quoted list of 2 to 5 short items (2–4 characters), each ending in a
phase of the disaster cycle (防 prevention, 抗 resistance, 救 rescue, 助 relief, and the
neighbouring 减 备 控 治 建 援), with at least two different phases.

>>> formula_items("统筹防、协调抗、牵头救、综合助")
['统筹防', '协调抗', '牵头救', '综合助']
>>> formula_items("人防、技防、物防") is None, formula_items("单兵数字化、战场网络化") is None
(True, True)
"""

from __future__ import annotations

import re
from typing import Optional

from kg.extract.mechanisms import endings, is_governing, is_org, units_left, word_tag, words
from kg.models import DutyFormula, DutyPair
from kg.nlp.context import DocContext

PHASES = "防抗救助减备控治建援"
_QUOTED = (re.compile(r"“([^“”\n]{4,30})”"), re.compile(r"‘([^‘’\n]{4,30})’"))
_ITEM = re.compile(rf"[\u4e00-\u9fff]{{1,3}}[{PHASES}]")
# Words that mark the coordinating role (lead) or the sector departments' role (support).
_LEAD_WORDS = ("综合", "统筹", "协同", "主导", "牵头", "指导", "协调", "组织")
_SUPPORT_WORDS = ("具体", "为主", "支撑", "分工", "配合", "负责", "落实", "参与", "主责")
# Relational / sector holders take the specific role; the emergency department the lead.
_SUPPORT_HOLDER = re.compile(r"相关|有关|行业|各部门|涉灾|职能部门|成员单位|主管部门|" + "|".join(
    ("水利", "气象", "林草", "自然资源", "住建", "交通", "公安", "民政", "消防")))
_LINK = re.compile(r"(?:的|要|要做到|做到|负责|承担|履行|实现)$")
# Verbs that link a holder to its formula (各涉灾部门履行“…”职责, 应急管理部门要全面扛起“…”的责任):
# skipped, with modals and adverbs, between the holder and the quote.
_LINK_VERBS = frozenset({"立足", "落实", "担起", "扛起", "担负", "担负起", "扛牢", "履行", "履行好", "承担", "承担起", "负责",
                         "做到", "实现", "发挥", "发挥好", "当好", "坚持", "突出"})
_MODALS = frozenset({"要", "应", "应当", "须", "必须", "需", "需要", "将", "要求"})
MAX_GAP = 40  # characters between two formulas set side by side


def formula_items(content: str) -> Optional[list[str]]:
    """The items of a quoted duty formula, or None if ``content`` is not one."""
    items = re.split(r"[、，,]", content)
    if not 2 <= len(items) <= 5 or not all(_ITEM.fullmatch(i) for i in items):
        return None
    if len({i[-1] for i in items}) < 2:  # 人防、技防、物防: means of one phase, not a role formula
        return None
    return items


# a body's name starting a clause, before its verb (not a pronoun: 我们局要…)
_SUBJECT = re.compile(r"(?!我|你|他|这|那|其)[\u4e00-\u9fff]{2,16}?(?:部门|厅|局|委员会|委|办公室|办|指挥部)"
                      r"(?=是|要|应|作为|必须|，|,)")


def _sentence_subject(ctx: DocContext, ss: int, end: int) -> Optional[tuple[int, int]]:
    """Span of the body that starts the nearest clause of the sentence before ``end`` (the
    sentence at ``ss``; clauses after ，or ：), or None."""
    text = ctx.text
    starts = [ss] + [i + 1 for i in range(ss, end) if text[i] in "，,：:"]
    for cs in reversed(starts):
        m = _SUBJECT.match(text, cs, end)
        if m is not None:
            return m.start(), m.end()
    return None


def holder(ctx: DocContext, doc, qstart: int) -> Optional[tuple[int, int]]:
    """Span of the body written right before the opening quote (督促相关部门“…”,
    扛起应急管理部门“…”的职责, 应急管理部门要全面扛起“…”), or None."""
    text = ctx.text
    ss, _ = ctx.sentence_of(qstart)
    end = qstart
    m = _LINK.search(text, max(ss, end - 3), end)
    if m:
        end = m.start()
    for u in units_left(ctx, doc, ss, end):  # 要全面扛起: the link between holder and formula
        if u.kind == "word" and (u.text in _LINK_VERBS or u.text in _MODALS or u.text in words("adverbs")
                                 or u.text in words("complements")):
            end = u.start
            continue
        if u.kind == "punct" and u.text in "，," and end < qstart:
            # the formula's clause has no subject of its own (应急管理部门是…的“主心骨”，要切实
            #履行好“…”的职责): the holder is the body the sentence starts with
            return _sentence_subject(ctx, ss, u.start)
        break
    start = end
    for u in units_left(ctx, doc, ss, end):
        w = u.text
        if u.kind != "word" or is_governing(w) or w in words("complements") or w in words("adverbs"):
            break
        if w in ("的", "之", "等") or end - u.start > 16:
            break
        tag = word_tag(w) or ""
        if tag in ("p", "d", "ad", "c") or tag.startswith("u") or tag == "r" and w != "各":
            break  # 我们…部门: a pronoun is no part of the holder (各 of 各行业部门 is)
        if tag == "v" and w not in ("相关", "有关", "涉灾"):
            break
        start = u.start
    if start == end:
        return None
    name = text[start:end]
    if not (is_org(name) or name.endswith(endings("org_heads"))):
        return None
    return start, end


def _role(f: DutyFormula) -> int:
    """+1 for the coordinating role, -1 for the specific role, 0 when unknown."""
    if f.holder:
        if "应急" in f.holder:
            return 1
        if _SUPPORT_HOLDER.search(f.holder):
            return -1
    score = sum(w in i for i in f.items for w in _LEAD_WORDS) - sum(w in i for i in f.items for w in _SUPPORT_WORDS)
    return (score > 0) - (score < 0)


def pairs(a: DutyFormula, b: DutyFormula) -> list[tuple[str, str, str]]:
    """(phase, lead, support) for every phase both formulas name; ``a`` comes first in the text."""
    ra, rb = _role(a), _role(b)
    lead, support = (b, a) if rb > ra else (a, b)
    by_phase = {i[-1]: i for i in support.items}
    return [(i[-1], i, by_phase[i[-1]]) for i in lead.items if i[-1] in by_phase]


def extract(ctx: DocContext, doc) -> None:
    """Append duty formulas and, for formulas side by side, duty pairs to ``ctx.extraction``."""
    text = ctx.text
    found: list[tuple[int, int, DutyFormula]] = []
    for pat in _QUOTED:
        for m in pat.finditer(text):
            items = formula_items(m.group(1))
            if items is None:
                continue
            h = holder(ctx, doc, m.start())
            start = h[0] if h else m.start(1)
            end = m.end(1)
            f = DutyFormula(
                prov=ctx.prov(start, end, "duties.quoted_formula"),
                holder=text[h[0]:h[1]] if h else None,
                items=items,
            )
            found.append((m.start(), m.end(), f))
    found.sort(key=lambda t: t[0])
    ctx.extraction.duty_formulas.extend(f for _, _, f in found)
    for (s1, e1, a), (s2, e2, b) in zip(found, found[1:]):
        if s2 - e1 > MAX_GAP or re.search(r"[。！？\n]", text[e1:s2]):
            continue
        if set(a.items) == set(b.items):
            continue
        for phase, lead, support in pairs(a, b):
            ctx.extraction.duty_pairs.append(
                DutyPair(prov=ctx.prov(a.prov.start, b.prov.end, "duties.side_by_side"),
                         phase=phase, lead=lead, support=support)
            )

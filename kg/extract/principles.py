"""Principle pairs: relations a text asks to balance, framed as “X”与“Y” or X与Y…的关系.

Input: a :class:`~kg.nlp.context.DocContext` (the spaCy ``Doc`` is not needed: the
frames are fixed strings). Output: one :class:`~kg.models.PrinciplePair` per pair
occurrence, appended to ``ctx.extraction.principle_pairs``, in text order, with the span
from X to Y.

Kept: “防”与“救” (quoted, wherever it stands: 把握好“管”与“治”“防”与“救”的关系); X与Y
followed by (之间)的…关系 or …链条 (安全与发展的关系); a 、-list of two or more X与Y followed by 的
(把握好条与块、点与线、当前与长远的关系; 统筹好防与救、管与治的工作链条); X和Y (同, 及) only in
such a frame (“统”和“分”的职责关系, “防”和“救”的责任链条, 安全和发展的关系). The frame words are
in ``kg/data/principle_words.txt``.
X and Y are terms of one to four characters of the same length (or Y is 非X: 传统与非传统).
Not kept: a lone X与Y before another noun (收与放的过程), "A与B相结合/相统一", and X和Y.

>>> text = "把握好条与块、点与线、当前与长远、传统与非传统的关系"
>>> [(a, b) for _, _, a, b in find_pairs(text)]
[('条', '块'), ('点', '线'), ('当前', '长远'), ('传统', '非传统')]
>>> find_pairs("实质就是收与放的过程"), find_pairs("坚持预防与救援相结合的原则")
([], [])
>>> [(a, b) for _, _, a, b in find_pairs("理顺“统”和“分”的职责关系，压实“防”和“救”的责任链条")]
[('统', '分'), ('防', '救')]
>>> find_pairs("统筹发展和安全")
[]
"""

from __future__ import annotations

import re

from kg.datafiles import entries
from kg.models import PrinciplePair
from kg.nlp.context import DocContext

_QUOTED = re.compile(r"“([^“”\n]{1,6})”与“([^“”\n]{1,6})”|‘([^‘’\n]{1,6})’与‘([^‘’\n]{1,6})’")
_CONNECT = "".join(entries("principle_words.txt", "framed_connectors"))
# “统”和“分” (quoted, another connector): a pair only when a relation frame follows
_QUOTED_FRAMED = re.compile(rf"“([^“”\n]{{1,6}})”[{_CONNECT}]“([^“”\n]{{1,6}})”|‘([^‘’\n]{{1,6}})’[{_CONNECT}]‘([^‘’\n]{{1,6}})’")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_BODIES = tuple(entries("principle_words.txt", "body_endings"))
# After Y: where the term ends (、 to the next pair, 的 to the relation noun, punctuation)
_Y = re.compile(r"[\u4e00-\u9fff]{1,4}?(?=[、的，。；：！？\s]|之间|关系|$)")
_HEADS = "|".join(entries("principle_words.txt", "relation_heads"))
_RELATION = re.compile(rf"(?:之间)?的?[\u4e00-\u9fff]{{0,4}}?(?:{_HEADS})")
# the frame a pair with another connector needs: 的 (or 之间的) and one relation noun of up to four characters
# before the head (的职责关系, 的责任链条; not 的承接顺序和辩证关系, where the pair qualifies a list of nouns)
_FRAME = re.compile(rf"(?:之间)?的[\u4e00-\u9fff]{{0,4}}?(?:{_HEADS})")
# "A与B相结合 / 并重 / 相统一": a method, not a relation to balance
_COMBINED = re.compile(r"(?:[”’])?(?:" + "|".join(sorted(entries("principle_words.txt", "combined"), key=len, reverse=True)) + ")")
_STOP_X = set("的了在和与及、，。；：！？“”‘’（）")


def _unquoted_pairs(text: str, connector: str = "与") -> list[tuple[int, int, int, str, str]]:
    """(x_start, y_end, y_stop, X, Y) for every X与Y (X + ``connector`` + Y) with terms of equal length."""
    out = []
    for m in re.finditer(connector, text):
        i = m.start()
        if i == 0 or text[i - 1] in "”’":
            continue
        y = _Y.match(text, i + 1)
        if not y:
            continue
        n = len(y.group(0))
        if y.group(0)[0] == "非" and n >= 2 and text[i - n + 1:i] == y.group(0)[1:]:
            n -= 1  # 传统与非传统, 常规与非常规: Y is the negation of X
        x = text[i - n:i]
        if len(x) != n or any(c in _STOP_X or not _HAN.match(c) for c in x) or y.group(0).endswith(_BODIES):
            continue
        out.append((i - n, y.end(), y.end(), x, y.group(0)))
    return out


def find_pairs(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, a, b) of every principle pair of ``text``, in text order."""
    found: list[tuple[int, int, str, str]] = []
    for m in _QUOTED.finditer(text):
        if _COMBINED.match(text, m.end()):
            continue
        a, b = (m.group(1), m.group(2)) if m.group(1) is not None else (m.group(3), m.group(4))
        found.append((m.start(), m.end(), a, b))
    for m in _QUOTED_FRAMED.finditer(text):
        if _FRAME.match(text, m.end()):
            a, b = (m.group(1), m.group(2)) if m.group(1) is not None else (m.group(3), m.group(4))
            found.append((m.start(), m.end(), a, b))
    for c in _CONNECT:  # 安全和发展的关系: unquoted, only with the frame right after Y
        found.extend((s, e, x, y) for s, e, _, x, y in _unquoted_pairs(text, c) if _FRAME.match(text, e))
    pairs = _unquoted_pairs(text)
    groups: list[list[tuple[int, int, int, str, str]]] = []
    for p in pairs:
        if groups and text[groups[-1][-1][1]:p[0]] == "、":
            groups[-1].append(p)
        else:
            groups.append([p])
    for g in groups:
        after = g[-1][1]
        if _COMBINED.match(text, after):
            continue
        if _RELATION.match(text, after) or len(g) >= 2 and text.startswith("的", after):
            found.extend((s, e, x, y) for s, e, _, x, y in g)
    found.sort()
    return found


def extract(ctx: DocContext, doc) -> None:
    """Append every principle pair of ``ctx.text`` to ``ctx.extraction.principle_pairs``."""
    for start, end, a, b in find_pairs(ctx.text):
        rule = "principles.quoted" if ctx.text[start] in "“‘" else "principles.relation"
        ctx.extraction.principle_pairs.append(PrinciplePair(prov=ctx.prov(start, end, rule), a=a, b=b))

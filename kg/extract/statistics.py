"""Statistics: stated past/present quantities about safety, disasters and emergency work.

Input: a :class:`~kg.nlp.context.DocContext` and its spaCy ``Doc`` (jieba tokens).
Output: one :class:`~kg.models.Statistic` per stated quantity, appended to
``ctx.extraction.statistics``: ``subject`` (the shortest literal span naming what is
counted), ``value`` (a number; 0 for 零; None for a direction-only claim), ``unit`` as
written with 万/余 (``万人次``, ``余名``; ``个部门`` when the subject is an action),
``direction`` (下降/上升/减少/增长 …) and ``baseline`` (同比, 近五年均值, 自…以来), and beside the
figure as written its value in base units (``normalized_value``/``normalized_unit``: 12.3万人 ->
123000 人, 二十三亿元 -> 2300000000 元; see :mod:`kg.extract.numbers`). The genre's words
(measure words, magnitudes, approximation markers, directions …) are in
``kg/data/statistics_words.txt``.

Rules, sentence by sentence (a figure is used by one rule only):

* 分别: "A、B和C(与X相比，)分别下降1%2%3%" distributes the values over the indicators, as do
  coordinated values without 分别 ("A和B同比下降1%、2%") and a baseline after 分别
  ("发生较大事故5起、死亡18人，分别比上年减少2起、9人");
* changes: "隐患数量由2020年的860项减少至310项" -> value 310, the starting point as baseline;
* rates without a measure word: "万车死亡率降至1.58" -> value 1.58, unit None;
* streaks: "连续30个月未发生较大以上事故" -> value 30, unit 个月;
* zero: "全年较大事故零发生" -> value 0;
* direction only: "事故起数、死亡人数同比均下降", "警情起数、出动人次“双下降”" -> one item per
  named indicator (it must end like an indicator: 起数, 人数, 面积, 损失, 指标 …);
* counts: an Arabic number with a measure word, the subject before it (巡查人员3.72万人) or
  after it (86条意见建议), or a second figure about the same subject (队伍12支、480人), or an
  action counted before its verb (3次启动应急响应); Chinese numerals only in fixed frames
  (五个议事协调机构, 实现两个“全覆盖”) or with a magnitude word (二十三亿元, 三万余件) because most
  of them structure the text (三个方面, 四类问题);
* a count summing up a list takes the action as subject (撤销A、B3个事业单位 -> 撤销, 个事业单位),
  and so do units counted with what they achieved (11个市实现…“双下降”); nobody hurt is a zero
  (无一人因灾死亡); hazards handled (成功应对29次强降水) are operations.

Every rule looks at a bounded window around its figure (one clause index per sentence), so the
cost is linear in the text however long its clauses and lists are.

Not statistics: dates, ordinals (第2版), figures inside titles 《…》 or quoted slogans,
named sets (6大行动, 60天攻坚战), magnitudes (4.6级), approximations (三、四个部门), bare 万
(800万群众), hazards (11次强降雨过程), figures in sentences of plans or instructions
(将/要/力争/预期目标), of meeting procedure (5个单位发言, 22个镇街参加了会议), "等N项…"
summaries of a list not marked as done, targets compared with (小于1%的目标值), national
categories (全国54个重要防洪城市) and wholes before their parts (14个地市中，…).

>>> parse_quantity("3.72万人、排查")
(3.72, '万人', 6)
>>> parse_quantity("300余名护林员"), parse_quantity("27.5%62.08%")
((300.0, '余名', 5), (27.5, '%', 5))
>>> parse_quantity("800万群众") is None, parse_quantity("4.6级地震")
(True, (4.6, None, 4))
>>> parse_quantity("120余万个监测点"), parse_quantity("2.9万家次")
((120.0, '余万个', 6), (2.9, '万家次', 6))
>>> chinese_number("三"), chinese_number("二十一"), chinese_number("两")
(3, 21, 2)
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from pathlib import Path
from typing import Iterator, NamedTuple, Optional

from kg import datafiles
from kg.extract.mechanisms import is_governing, pieces, pieces_left, token_starts, units_left, word_tag
from kg.extract.mechanisms import words as mechanism_words
from kg.extract.numbers import chinese_value, magnitude_words, normalize
from kg.models import Statistic
from kg.nlp.context import DocContext

_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_NUM = "[零〇一二两三四五六七八九十百千]+"
NUM = r"\d+(?:\.\d+)?"
_NUMBER = re.compile(NUM)
# A Chinese numeral with a magnitude word (二十三亿, 三万, 一万二千): an amount, where a bare
# Chinese numeral (三个方面, 四类问题) mostly structures the text.
_CN_FIGURE = re.compile(r"(?<![零〇一二两三四五六七八九十百千万亿])[一二两三四五六七八九十][零〇一二两三四五六七八九十百千]*"
                        r"(?:[万亿][零〇一二两三四五六七八九十百千]*)+")
_FIGURE = re.compile(f"{NUM}|{_CN_FIGURE.pattern}")


_WORDS_PATH: Optional[Path] = None  # None: the packaged kg/data/statistics_words.txt


def reload_words(path: Optional[str | Path] = None) -> None:
    """Read the word lists again, from ``path`` or (None) the packaged file, and drop every
    pattern compiled from them (for trying a changed list without restarting)."""
    global _WORDS_PATH
    _WORDS_PATH = None if path is None else Path(path)
    from kg.extract import numbers

    for f in (_sections, _alt, _patterns, _measure_re, _after_figure_re, _words_re, _rate_verbs, _first_chars,
              numbers.magnitudes, numbers.magnitude_words):
        f.cache_clear()


@lru_cache(maxsize=None)
def _sections() -> dict[str, tuple[str, ...]]:
    out = datafiles.read_sections(_WORDS_PATH) if _WORDS_PATH else datafiles.sections("statistics_words.txt")
    # longest first, so that alternations and prefix tests take the longest entry
    return {k: tuple(sorted(v, key=lambda w: (-len(w), w))) for k, v in out.items()}


def words(section: str) -> tuple[str, ...]:
    """An entry list of ``kg/data/statistics_words.txt``, longest first."""
    return _sections()[section]


@lru_cache(maxsize=None)
def _alt(section: str) -> str:
    return "(?:" + "|".join(re.escape(w) for w in words(section)) + ")"


def chinese_number(s: str) -> Optional[int]:
    """Value of a Chinese numeral written out (三 -> 3, 二十一 -> 21, 一百二十 -> 120)."""
    total, digit = 0, None
    units = {"十": 10, "百": 100, "千": 1000}
    for ch in s:
        if ch in _CN_DIGIT:
            digit = _CN_DIGIT[ch]
        elif ch in units:
            total += (digit if digit is not None else 1) * units[ch]
            digit = None
        else:
            return None
    return total + (digit or 0) if s else None


def parse_quantity(s: str) -> Optional[tuple[float, Optional[str], int]]:
    """(value, unit as written, length) of the figure that starts ``s``; None when the figure
    counts nothing (no measure word) and unit None when it is not a count (5.1级, 2019年)."""
    m = _NUMBER.match(s)
    if m:
        value = float(m.group(0))
        pos = m.end()
        if s[pos:pos + 1] == " " and _after_figure_re().match(s, pos + 1):
            pos += 1  # 1800 余次: a space copied from a web page between figure and unit
    else:
        m = _CN_FIGURE.match(s)
        if not m:
            return None
        run = m.group(0)
        # 二十三亿元 -> 23 亿元, like 23亿元: a trailing magnitude word is written with the unit
        mag = next((w for w in magnitude_words() if run.endswith(w) and len(run) > len(w)), "")
        v = chinese_value(run[:len(run) - len(mag)])
        if v is None:
            return None
        value, pos = float(v), m.end() - len(mag)
    approx_words = words("approximations")
    starts = _first_chars()  # (most figures have none of these words: test their first character)
    # 120余万个: 余 may stand before 万 as well as after it (300余人, 1.6万余人)
    approx_first = "" if s[pos:pos + 1] not in starts["approximations"] else \
        next((w for w in approx_words if s.startswith(w, pos)
              and any(s.startswith(g, pos + len(w)) for g in magnitude_words())), "")
    pos += len(approx_first)
    mult = "" if s[pos:pos + 1] not in starts["magnitudes"] else \
        next((w for w in magnitude_words() if s.startswith(w, pos)), "")
    pos += len(mult)
    approx = "" if approx_first or s[pos:pos + 1] not in starts["approximations"] else \
        next((w for w in approx_words if s.startswith(w, pos)), "")
    pos += len(approx)
    mm = _measure_re().match(s, pos)
    measure = mm.group(0) if mm else ""
    if not measure and not approx:
        return None  # 800万群众: a bare 万 counts nothing
    pos += len(measure)
    if measure in words("not_counts"):
        return value, None, pos
    # 3099人(次), 1000家以上: what the text writes after the measure word belongs to the unit
    # (a duration's 以上 is left to the rules: 30天以上 is no count)
    tail = "" if s[pos:pos + 1] not in starts["unit_suffixes"] else \
        next((w for w in words("unit_suffixes") if s.startswith(w, pos)), "")
    if tail in words("approximations_after") and (not measure or measure.endswith(words("durations"))):
        tail = ""
    pos += len(tail)
    tail = tail.replace("（", "(").replace("）", ")")  # (the normalised text writes brackets full width)
    return value, approx_first + mult + approx + measure + tail, pos


@lru_cache(maxsize=1)
def _first_chars() -> dict[str, frozenset[str]]:
    """First characters of the words :func:`parse_quantity` looks for after a figure."""
    return {"approximations": frozenset(w[0] for w in words("approximations")),
            "magnitudes": frozenset(w[0] for w in magnitude_words()),
            "unit_suffixes": frozenset(w[0] for w in words("unit_suffixes"))}


@lru_cache(maxsize=1)
def _after_figure_re() -> re.Pattern:
    """What may follow a figure as its unit (an approximation, a magnitude or a measure word)."""
    return re.compile("|".join((_alt("approximations"), _alt("measures"),
                                "(?:" + "|".join(map(re.escape, magnitude_words())) + ")")))


@lru_cache(maxsize=1)
def _measure_re() -> re.Pattern:
    return re.compile(_alt("measures"))  # longest first: the longest measure word wins


class Found(NamedTuple):
    start: int
    end: int
    subject: str
    value: Optional[float]
    unit: Optional[str]
    direction: Optional[str]
    baseline: Optional[str]
    rule: str


# --------------------------------------------------------------------------- spans to skip
_TITLE = re.compile(r"《[^《》\n]*》")
_SHORT_QUOTE = re.compile(r"“[^“”\n]{1,24}”|‘[^‘’\n]{1,24}’")


def _protected(text: str) -> list[tuple[int, int]]:
    """Titles and quoted slogans: figures inside them are names, not statistics."""
    spans = [m.span() for m in _TITLE.finditer(text)]
    spans += [(m.start() + 1, m.end() - 1) for m in _SHORT_QUOTE.finditer(text)]
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):  # a quote inside a title: keep one span
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def _inside(spans: list[tuple[int, int]], pos: int) -> bool:
    """``pos`` lies in one of the sorted, non-overlapping ``spans``."""
    i = bisect_right(spans, (pos, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


# --------------------------------------------------------------------------- linear time
# Every rule looks at a bounded window around a figure or a match, never at the whole clause
# or sentence from its start: a 、-list of 4,000 figures in one clause must cost 4,000 times
# one figure, not 4,000 times the clause (issue #19).
WINDOW = 64  # characters left of a figure that its subject, direction and baseline may use
LIST_WINDOW = 100  # characters left of a 分别/direction claim that its list of indicators may use


class _Marks:
    """Positions of clause marks in ``text[ss:se]``, for the clause start before a position
    and a search confined to one clause, without scanning the clause again for every figure."""

    def __init__(self, text: str, ss: int, se: int, chars: str):
        self.text, self.ss, self.se = text, ss, se
        self.pos = [m.start() for m in re.finditer(f"[{chars}]", text[ss:se])]
        self.pos = [ss + p for p in self.pos]
        self._first: dict[tuple[int, int], Optional[int]] = {}

    def start(self, pos: int) -> int:
        """Start of the clause that ``pos`` lies in (just after the last mark before ``pos``)."""
        i = bisect_right(self.pos, pos - 1) - 1
        return self.pos[i] + 1 if i >= 0 else self.ss

    def end(self, pos: int) -> int:
        """The next mark at or after ``pos`` (or the sentence end)."""
        i = bisect_right(self.pos, pos - 1)
        return self.pos[i] if i < len(self.pos) else self.se

    def found_before(self, pattern: re.Pattern, pos: int) -> bool:
        """``pattern`` matches in the clause of ``pos`` and ends at or before ``pos``
        (the leftmost match ends first, as the patterns are alternations of short words)."""
        cs = self.start(pos)
        key = (id(pattern), cs)
        if key not in self._first:
            m = pattern.search(self.text, cs, self.end(pos))
            self._first[key] = m.end() if m else None
        end = self._first[key]
        return end is not None and end <= pos


def _ends_with(pattern: re.Pattern, text: str, lo: int, pos: int, width: int = WINDOW) -> Optional[re.Match]:
    """``pattern`` (anchored with ``$``) searched in the last ``width`` characters before ``pos``."""
    return pattern.search(text[max(lo, pos - width):pos])


# --------------------------------------------------------------------------- noun phrases
_NUMERAL_WORD = re.compile(r"[零〇一二两三四五六七八九十百千万亿0-9首半几多数每]")


_ENUMERATOR = re.compile(r"[一二三四五六七八九十]+是|其[一二三四五六七八九十]|首先|其次|再次|最后")


def _stop_word(w: str, right: bool = False) -> bool:
    """Words that end a subject noun phrase: verbs taking it as object, particles, adverbs.
    Other verbs stay inside (因灾死亡失踪人口, 倒塌房屋数量, 火灾事故控制指标); going
    right, the governing and counting verbs and the adverbs end it (28个问题全部销号)."""
    if w in words("stat_verbs"):
        return False
    if w in words("count_verbs") or w in words("connectors") or w in words("handling_verbs"):
        return True
    if is_governing(w) or w in mechanism_words("mostly_governing"):
        return True
    if w in mechanism_words("adverbs") or w in mechanism_words("complements"):
        return True
    if w in words("baseline_words"):
        return True  # 同比事故起数和死亡人数分别下降…: the baseline is no part of the indicator
    if w in ("的", "了", "之", "等", "地", "并", "而", "和", "及", "与") or _ENUMERATOR.fullmatch(w):
        return True  # (一是事故总量…: the enumeration marker is no part of the indicator)
    tag = word_tag(w) or ""
    if tag == "m" and not _NUMERAL_WORD.search(w):  # 风险点: jieba tags 点 m
        tag = "n"
    if w.isdigit() or tag in ("p", "d", "ad", "c", "r", "m", "f", "y", "o", "e"):
        return True
    if right and tag in ("vd", "vi"):
        return True
    if not right and tag == "t":
        return True
    return tag.startswith("u")


def np_left(ctx: DocContext, doc, lo: int, pos: int) -> int:
    """Start of the noun phrase that ends at ``pos`` (scope words such as 全省 are left out)."""
    text = ctx.text
    start = pos
    for u in units_left(ctx, doc, max(lo, pos - WINDOW), pos):  # (a subject is at most 20 characters)
        if u.kind == "quote":
            start = u.start
            continue
        if u.kind == "punct" or u.text in mechanism_words("scope"):
            break
        # right before the figure a counting verb is the thing counted (执法检查3456次, 会商7次)
        nominal = (start == pos or text[start:pos] in words("indicator_suffixes")) and \
            u.text in words("count_verbs") and len(u.text) > 1  # 覆盖率, 整改率 before the figure
        if _stop_word(u.text) and not nominal and not (u.text == "重点" and start < pos):
            break  # 重点企业隐患数量: 重点 before a noun qualifies it
        if pos - u.start > 20:
            break
        start = u.start
    return start


_WORD_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")


class _PiecesRight:
    """The pieces of :func:`~kg.extract.mechanisms.pieces` from left to right, cut token by
    token as a walk asks for them (walks stop after a few words)."""

    def __init__(self, text: str, start: int, end: int, doc):
        self._text, self._start, self._end, self._doc = text, start, end, doc
        self._starts = token_starts(doc)
        self._i = max(0, bisect_right(self._starts, start) - 1)
        self._buf: list[tuple[int, int]] = []

    def get(self, k: int) -> Optional[tuple[int, int]]:
        starts, n = self._starts, len(self._starts)
        while len(self._buf) <= k and self._i < n and starts[self._i] < self._end:
            s = max(starts[self._i], self._start)
            e = min(starts[self._i + 1] if self._i + 1 < n else len(self._text), self._end)
            self._i += 1
            if s < e:
                self._buf.extend(pieces(self._text, s, e, self._doc))
        return self._buf[k] if k < len(self._buf) else None


def np_right(ctx: DocContext, doc, pos: int, hi: int) -> int:
    """End of the noun phrase that starts at ``pos`` (a leading 的 is skipped by the caller)."""
    text = ctx.text
    end = pos
    spans = _PiecesRight(text, pos, hi, doc)
    i = 0
    while (span := spans.get(i)) is not None:
        s, e = span
        w = text[s:e]
        if w == "“":
            close = text.find("”", e, hi)
            if close < 0 or close - s > 24:
                break
            end = close + 1
            while (span := spans.get(i)) is not None and span[0] <= close:
                i += 1
            continue
        after = spans.get(i + 1) if w == "重点" else None
        qualifier = after is not None and (word_tag(text[after[0]:after[1]]) or "").startswith("n")  # 1.3万家重点企业
        if len(w) == 1 and not _WORD_CHAR.match(w) or _stop_word(w, right=True) and not qualifier:
            break
        if e - pos > 16:
            break
        end = e
        i += 1
    return end


def _strip_quotes(s: str) -> str:
    return s[1:-1] if len(s) > 2 and s[0] == "“" and s[-1] == "”" and s.count("“") == 1 else s


# --------------------------------------------------------------------------- baselines
_THAN = (r"上年同期|去年同期|上年|去年|同期|近[一二三四五六七八九十\d]+年(?:均值|平均值|平均)?|"
         r"(?:19|20)\d{2}年(?:同期|底|末)?|[^，。；：、“”]{1,8}?(?:均值|平均值|同期|水平)|"
         r"“[^“”，。]{1,8}”(?:末|初|期末|期间|时期)")  # 比“十三五”末: a plan period
_BASELINE = re.compile(rf"与(?P<with>[^，。；：、]{{1,16}}?)相比|同比|环比|较(?P<than>{_THAN})|比(?P<than2>{_THAN})")
_SINCE = re.compile(r"自[^，。；：]{1,30}?以来")


def _baseline(s: str) -> Optional[str]:
    """The baseline written nearest the end of ``s`` (同比, 近五年均值, 自…以来)."""
    found = [(m.end(), m.group("with") or m.group("than") or m.group("than2") or m.group(0))
             for m in _BASELINE.finditer(s)]
    found += [(m.end(), m.group(0)) for m in _SINCE.finditer(s)]
    return max(found)[1] if found else None


# --------------------------------------------------------------------------- sentence tests
_FUTURE_JIANG = re.compile(
    r"将(?=把|要|会|在|于|继续|持续|进一步|全面|加快|大力|着力|重点|坚持|推进|推动|开展|实施|建立|构建|完善|深化|"
    r"以|按照|围绕|依托|力争|聚焦|努力|不断|认真|切实|深入|积极|组织|启动|编制|研究|全力|逐步)")


# 争取 of a target (争取到2025年…, 争取实现…), not of funds obtained (争取中央资金4.7亿元)
_STRIVE = re.compile(r"争取(?=到?(?:19|20)\d{2}|在|实现|完成|达到|做到|年底|年内|明年|今年|早日|尽快|更大)")


def _plan_sentence(ctx: DocContext, doc, ss: int, se: int) -> bool:
    """A sentence of plans, targets or instructions (将…, 要…, 力争…, 预期目标)."""
    sent = _SHORT_QUOTE.sub("", ctx.text[ss:se])  # a slogan's 必须 is no instruction
    if _FUTURE_JIANG.search(sent) or _STRIVE.search(sent) or any(w in sent for w in words("future")):
        return True
    return any(_is_token(doc, m.start(), m.end()) for m in _MODAL.finditer(ctx.text, ss, se))


_MODAL = re.compile("要")


def _is_token(doc, start: int, end: int) -> bool:
    """``[start, end)`` is exactly one jieba token (要 as a modal, not inside 主要/要求)."""
    starts = token_starts(doc)
    i = bisect_right(starts, start) - 1
    return i >= 0 and starts[i] == start and (starts[i + 1] if i + 1 < len(starts) else len(doc.text)) == end


def _list_bounds(text: str, lo: int, end: int) -> list[tuple[int, int]]:
    """Spans of the 、/和/及 list of noun phrases that ends at ``end``, as written; callers
    cut each by :func:`np_left` from the right, as far as they need (the sentence may have
    lost its punctuation before the first item: 迈出新步伐全省事故起数、死亡人数同比均下降)."""
    lo = max(lo, end - LIST_WINDOW)
    seg_start = lo
    for m in re.finditer(r"[，。；：！？（）\n]", text[lo:end]):
        seg_start = lo + m.end()
    seg = text[seg_start:end]
    bounds, pos = [], seg_start
    for m in re.finditer(r"、|和|及|以及", seg):
        bounds.append((pos, seg_start + m.start()))
        pos = seg_start + m.end()
    bounds.append((pos, end))
    return [(s, e) for s, e in bounds if e > s]


# --------------------------------------------------------------------------- rules
@lru_cache(maxsize=1)
def _rate_verbs() -> dict[str, Optional[str]]:
    """Verb before a rate's value -> the direction it states (降至 -> 下降; 为 -> None), longest first."""
    out: dict[str, Optional[str]] = {}
    for line in words("rate_verbs"):
        verb, *direction = line.split()
        out[verb] = direction[0] if direction else None
    return out


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    directions = _alt("directions")
    measures = _alt("measures")
    value = rf"{NUM}[万亿千]?[余多]?{measures}?"
    return {
        "distributed": re.compile(
            rf"(?:，?(?:与[^，。；：]{{1,16}}?相比|同比|环比|[较比](?:{_THAN}))，?)?[均都]?分别"
            rf"(?:[较比](?:{_THAN}))?(?:为|是|达到|达)?"
            rf"(?P<dir>{directions})?了?"
            rf"(?P<vals>(?:{value}[、，和及]?){{2,}})"),
        # 受灾人口和直接经济损失同比下降21.3%、18.7%: coordinated values without 分别 (written
        # with 、/和 between them) distribute over the indicators just as well
        "coordinated": re.compile(
            rf"(?:(?:与[^，。；：]{{1,16}}?相比|同比|环比|[较比](?:{_THAN}))，?)?[均都]?"
            rf"(?P<dir>{directions})了?"
            rf"(?P<vals>{value}(?:(?:、|和|及)(?:{value}))+)(?![\d.])"),
        "streak": re.compile(
            rf"连续(?:保持|实现)?(?P<n>{NUM}|{CN_NUM})(?P<unit>{_alt('streak_units')})(?:以上)?(?:来)?"
            rf"(?P<rest>[^，。；！？\n]{{2,40}})"),
        "agenda": re.compile(_alt("agenda")),
        "direction_before": re.compile(rf"({directions})(?:到|至)?了?$"),
        "baseline_before": re.compile(rf"(?:同比|环比|与[^，。；：]{{1,16}}?相比，?|[较比](?:{_THAN}))(?:分别|均)?$"),
        "zero": re.compile(r"零(?P<what>发生|死亡|伤亡|事故|失误|投诉|事件)|(?<=[数量])为零(?=[，。；！？]|$)|"
                           rf"无一人(?P<people>[\u4e00-\u9fff]{{0,8}}?{_alt('people_outcomes')})"),
        "rate": re.compile(rf"(?P<ind>[\u4e00-\u9fff]率)(?:由(?P<from>{NUM}))?"
                           rf"(?P<verb>{'|'.join(map(re.escape, _rate_verbs()))})(?P<v>{NUM})(?![\d.])"),
        "change": re.compile(
            rf"[由从](?P<from>[^，。；：、]{{0,12}}?)(?P<from_value>{NUM})[万亿千]?[余多]?{measures}"
            rf"(?P<dir>{directions}|降|升|减)(?:至|到|为)(?P<to>{NUM})"),
        "direction_only": re.compile(
            rf"(?P<adv>(?:同比|环比|{_alt('adverbs')}){{0,4}})(?P<dir>{_alt('direction_only')})(?!\s*{NUM})"
            rf"|“?(?P<n>[双两三四五])(?P<dir2>下降|减少|上升|增长|降)”?"),
        "achievement": re.compile(rf"(?:实现|取得|创下|获得|创造)了?(?P<n>{CN_NUM})个“(?P<what>[^“”\n]{{1,10}})”"),
        "bodies": re.compile(
            rf"(?<![{CN_NUM[1:-2]}、])(?P<n>[二两三四五六七八九十]+)个(?P<what>[\u4e00-\u9fff]{{1,10}}?"
            rf"(?:机构|部门|指挥部|委员会|中心|单位))"),
        "action_list": re.compile(
            rf"(?<![、\d.])(?P<list>(?:{NUM}个[\u4e00-\u9fff]{{0,8}}?(?:部门|机构|单位)、)*{NUM}个[\u4e00-\u9fff]{{0,8}}?(?:部门|机构|单位))"
            rf"(?P<action>[\u4e00-\u9fff]{{2,16}}?)(?:工作|任务)"),
    }


def _count_items(ctx: DocContext, doc, spans: list[tuple[int, int]], n: int) -> list[tuple[int, int]]:
    """The last ``n`` (or fewer) indicators of counts (发生事故1234起 -> 事故): the noun phrase
    before each figure."""
    out: list[tuple[int, int]] = []
    for s, e in reversed(spans):
        if len(out) == n:
            break
        c = _first_count(ctx.text, s, e)
        if c is not None and c > s and not _ends_with(_patterns()["direction_before"], ctx.text, s, c):
            out.insert(0, (np_left(ctx, doc, s, c), c))  # (同比减少3起: a change, not an indicator)
    return out


def _first_count(text: str, s: int, e: int) -> Optional[int]:
    """Offset of the first figure with a measure word in ``text[s:e]`` (not 1967年)."""
    for m in _NUMBER.finditer(text, s, e):
        q = parse_quantity(text[m.start():min(e + 6, m.end() + 8)])
        if q and q[1] is not None:
            return m.start()
    return None


def _distributed_items(ctx: DocContext, doc, ss: int, end: int, n: int) -> Optional[list[tuple[int, int]]]:
    """The ``n`` indicators a 分别 list of values refers to: the list right before it
    (A、B和C分别下降…), or the counts stated before it in the sentence (发生事故1234起、死亡567人，
    同比分别下降10.5%和8.2%)."""
    text = ctx.text
    ss = max(ss, end - LIST_WINDOW)
    while end > ss and text[end - 1] == "，":
        end -= 1  # 死亡18人，分别比上年减少…: the counts end before the comma
    raw = _list_bounds(text, ss, end)
    if any(_first_count(text, s, e) is not None for s, e in raw):
        items = _count_items(ctx, doc, raw, n)
        if len(items) < n:
            spans, pos = [], ss
            for m in re.finditer(r"[，、；和及]", text[ss:end]):
                spans.append((pos, ss + m.start()))
                pos = ss + m.end()
            spans.append((pos, end))
            if [sp for sp in spans if sp[1] > sp[0]] != raw:  # (the same items again find nothing new)
                items = _count_items(ctx, doc, spans, n)
    else:
        items = []
        for s, e in reversed(raw):
            if len(items) == n:
                break
            s = np_left(ctx, doc, s, e)
            if e > s:
                items.insert(0, (s, e))
    return items if len(items) >= n else None


def _distributed(ctx: DocContext, doc, ss: int, se: int, taken: set[int]) -> Iterator[Found]:
    text = ctx.text
    pats = _patterns()
    tried: set[int] = set()
    for m in (*pats["distributed"].finditer(text, ss, se), *pats["coordinated"].finditer(text, ss, se)):
        if m.start("vals") in tried:
            continue  # (a 分别 list the first pattern read already)
        tried.add(m.start("vals"))
        vals = []
        pos = m.start("vals")
        while pos < m.end("vals"):
            q = parse_quantity(text[pos:min(m.end("vals") + 4, pos + 40)])
            if not q or q[1] is None:
                break
            vals.append((pos, pos + q[2], q[0], q[1]))
            pos += q[2]
            while pos < m.end("vals") and text[pos] in "、，和及":
                pos += 1
        if len(vals) < 2:
            continue
        items = _distributed_items(ctx, doc, ss, m.start(), len(vals))
        if items is None:
            continue
        items = items[-len(vals):]
        base = _baseline(text[max(ss, items[0][0] - 20):m.end("vals")]) or _baseline(m.group(0))
        for (s, e), (vs, ve, v, unit) in zip(items, vals):
            taken.add(vs)
            yield Found(s, ve, text[s:e], v, unit, m.group("dir"), base, "statistics.distributed")


def _streaks(ctx: DocContext, doc, ss: int, se: int, taken: set[int]) -> Iterator[Found]:
    text = ctx.text
    for m in _patterns()["streak"].finditer(text, ss, se):
        n = m.group("n")
        value = float(n) if n[0].isdigit() else chinese_number(n)
        rest = re.sub(r"^(?:实现了?|保持了?|做到|达到)", "", m.group("rest"))
        if value is None or not rest:
            continue
        taken.add(m.start("n"))
        rs = m.end("rest") - len(rest)
        yield Found(m.start(), m.end("rest"), text[rs:m.end("rest")], float(value), m.group("unit"), None,
                    None, "statistics.streak")


def _zeros(ctx: DocContext, doc, ss: int, se: int, taken: set[int]) -> Iterator[Found]:
    text = ctx.text
    marks = _Marks(text, ss, se, "，；：")
    for m in _patterns()["zero"].finditer(text, ss, se):
        if m.group("people"):  # 无一人因洪涝灾害伤亡: nobody, written without 零 or a figure
            clause = max(marks.start(m.start()), m.start() - WINDOW)
            yield Found(m.start(), m.end(), m.group("people"), 0.0, None, None,
                        _baseline(text[clause:m.start()]), "statistics.zero")
            continue
        left = m.start() - 1 if text[m.start() - 1:m.start()] in ("“", '"') else m.start()  # 事故“零发生”
        s = np_left(ctx, doc, ss, left)
        subject = text[s:left] if s < left else m.group("what")  # (人数为零: the indicator before it)
        if not subject:
            continue
        clause = max(marks.start(m.start()), m.start() - WINDOW)
        base = _baseline(text[clause:m.start()])
        yield Found(s, m.end(), subject, 0.0, None, None, base, "statistics.zero")


_BEFORE_CLAIM = re.compile(r"(?:实现了?|保持|呈现|同比|环比|继续|持续|均|都|也)$")
_TARGET = re.compile(r"确保(?!了)|力争|争取|努力实现")
_COUNTED_UNITS = re.compile(rf"{NUM}个")


def _is_indicator(s: str) -> bool:
    return s.endswith(words("indicator_suffixes"))


def _direction_only(ctx: DocContext, doc, ss: int, se: int, taken: set[int]) -> Iterator[Found]:
    text = ctx.text
    marks = _Marks(text, ss, se, "，；：")
    for m in _patterns()["direction_only"].finditer(text, ss, se):
        end = m.start()
        # 警情起数和出动人次实现“双下降”: the verb before the claim is not part of the list
        # (and a baseline or adverb written before a quoted claim: 面积同比“双下降”, 人数继续“双下降”)
        while (v := _ends_with(_BEFORE_CLAIM, text, ss, end, 8)):
            end -= len(v.group(0))
        if end <= ss or not re.match(r"[\u4e00-\u9fff”]", text[end - 1]):
            continue
        if marks.found_before(_TARGET, end):
            continue  # 确保事故起数和死亡人数继续“双下降”: a target, not a result
        if marks.found_before(_COUNTED_UNITS, end):
            continue  # 11个市实现事故起数和死亡人数“双下降”: a claim about the units counted, not the region
        bounds = _list_bounds(text, ss, end)
        count = {"双": 2, "两": 2, "三": 3, "四": 4, "五": 5}.get(m.group("n") or "", 0)
        named: list[tuple[int, int]] = []
        if count and len(bounds) >= count:  # “三下降” names its indicators by their number
            named = [(s, e) for s, e in ((np_left(ctx, doc, s, e), e) for s, e in bounds[-count:]) if e > s]
        else:
            for s, e in reversed(bounds):  # the run of indicators before the claim
                s = np_left(ctx, doc, s, e)
                if s >= e or not _is_indicator(text[s:e]):
                    break
                named.insert(0, (s, e))
        if not named:
            continue
        direction = m.group("dir") or m.group("dir2")
        base = _baseline(text[named[0][0]:m.end()])
        for s, e in named:
            yield Found(s, e, text[s:e], None, None, direction, base, "statistics.direction_only")


def _changes(ctx: DocContext, doc, ss: int, se: int, taken: set[int]) -> Iterator[Found]:
    """隐患数量由2020年的860项减少至310项: the value reached, the starting point as baseline."""
    text = ctx.text
    for m in _patterns()["change"].finditer(text, ss, se):
        q = parse_quantity(text[m.start("to"):min(se, m.end() + 8)])
        if not q or q[1] is None:
            continue
        s = np_left(ctx, doc, ss, m.start())
        if s >= m.start():
            continue
        taken.update((m.start("from_value"), m.start("to")))
        yield Found(s, m.start("to") + q[2], text[s:m.start()], q[0], q[1], m.group("dir"),
                    text[m.start("from"):m.start("dir")], "statistics.change")


def _rates(ctx: DocContext, doc, ss: int, se: int, taken: set[int]) -> Iterator[Found]:
    """道路交通万车死亡率降至1.58: a rate written without a measure word."""
    text = ctx.text
    for m in _patterns()["rate"].finditer(text, ss, se):
        if m.start("v") in taken or parse_quantity(text[m.start("v"):min(se, m.end("v") + 8)]) is not None:
            continue  # a figure with a measure word is a count (…率达到98%)
        s = np_left(ctx, doc, ss, m.end("ind"))
        if s >= m.end("ind"):
            continue
        taken.add(m.start("v"))
        direction = _rate_verbs()[m.group("verb")]
        if m.group("from"):
            taken.add(m.start("from"))  # 死亡率由0.0112降至0.0097: the starting value is the baseline
        yield Found(s, m.end("v"), text[s:m.end("ind")], float(m.group("v")), None, direction, m.group("from"),
                    "statistics.rate")


def _achievements(ctx: DocContext, doc, ss: int, se: int, taken: set[int]) -> Iterator[Found]:
    text = ctx.text
    pats = _patterns()
    for m in pats["achievement"].finditer(text, ss, se):
        n = chinese_number(m.group("n"))
        if n:
            taken.add(m.start("n"))
            yield Found(m.start("n"), m.end(), m.group("what"), float(n), "个", None, None, "statistics.achievement")
    for m in pats["bodies"].finditer(text, ss, se):
        n = chinese_number(m.group("n"))
        if n and n >= 2 and m.start("n") not in taken:
            taken.add(m.start("n"))
            yield Found(m.start("n"), m.end(), m.group("what"), float(n), "个", None, None, "statistics.bodies")


# A list of document titles summed up by a count in Chinese numerals (修订《A条例》《B条例》两部地方法规):
# the count is the number of titles listed, the measure word and noun name what they are
_TITLE_LIST = re.compile(
    r"(?P<titles>(?:《[^《》\n]{2,40}》[、和及]?){2,})(?P<n>[两二三四五六七八九十])(?P<unit>部|项|个|件)"
    r"(?P<what>[\u4e00-\u9fff]{2,8}?)(?=[，。；,;]|$)")


def _title_lists(ctx: DocContext, doc, ss: int, se: int, taken: set[int]) -> Iterator[Found]:
    text = ctx.text
    for m in _TITLE_LIST.finditer(text, ss, se):
        n = chinese_number(m.group("n"))
        if n is None or m.start("n") in taken or n != m.group("titles").count("《"):
            continue  # (a count that does not match the titles listed sums up something else)
        taken.add(m.start("n"))
        yield Found(m.start("n"), m.end(), m.group("what"), float(n), m.group("unit"), None, None,
                    "statistics.title_list")


def _action_lists(ctx: DocContext, doc, ss: int, se: int, taken: set[int]) -> Iterator[Found]:
    """完成了6个部门、3个议事协调机构职能整合和人员划转工作: the subject is the action and
    the counted noun goes into the unit."""
    text = ctx.text
    for m in _patterns()["action_list"].finditer(text, ss, se):
        action = m.group("action")
        for part in re.finditer(rf"({NUM})个([\u4e00-\u9fff]*?(?:部门|机构|单位))", m.group("list")):
            start = m.start("list") + part.start()
            taken.add(start)
            yield Found(start, m.end("action"), action, float(part.group(1)), "个" + part.group(2), None, None,
                        "statistics.action_list")


_SUMMARY = re.compile(r"等$")
# what a figure may stand before without counting anything (3天时间, 5年左右)
_NOT_SUBJECTS = frozenset({"时间", "左右", "以上", "以下", "以内", "之内", "多", "来", "之间"})
@lru_cache(maxsize=None)
def _words_re(section: str) -> re.Pattern:
    """Any entry of a section of ``kg/data/statistics_words.txt``, longest first."""
    return re.compile(_alt(section))


def _is_hazard(subject: str) -> bool:
    """The subject names a hazard or a measurement of one (11次强降雨过程, 8个台风, 超警戒水位),
    not work against it (防汛防台风演练)."""
    return any(h in subject for h in words("hazards")) and not _AGAINST.search(subject)


_AGAINST = re.compile(r"防|抗|演练|培训|宣传|检查|巡查|排查|应对|处置|救援|预警")


_STRUCTURE_BEFORE = re.compile(r"(?:以下|如下|下列|下面)$")
_LABEL_AFTER = re.compile(r"[\u4e00-\u9fff]{0,6}[：:]")
_WORK_DONE = re.compile(r"建|修|治理|改造|清理|清除|整治|排查|开设|开辟|铺设|疏浚|加固|新增|更换|抢通|疏通")
_PER_UNIT = re.compile(r"每[\u4e00-\u9fff]{1,6}$")
_RELATIVE = re.compile(r"[\u4e00-\u9fff]{1,8}?的([\u4e00-\u9fff]{2,6}?)(?=[\u4e00-\u9fff]{0,2}(?:在|于|，|。|；|$))")


def _counts(ctx: DocContext, doc, ss: int, se: int, taken: set[int], protected) -> Iterator[Found]:
    text = ctx.text
    marks = _Marks(text, ss, se, "，。；：！？")
    last: Optional[str] = None
    last_end = -1
    for m in _FIGURE.finditer(text, ss, se):
        ns = m.start()
        if ns in taken or _inside(protected, ns):
            continue
        if ns > 0 and (text[ns - 1] in "第.·:：/-+" or text[ns - 1].isdigit()):
            continue
        q = parse_quantity(text[ns:min(se, m.end() + 8)])
        if not q or q[1] is None:
            continue
        value, unit, length = q
        ue = ns + length
        nxt = text[ue:ue + 1]
        tail = next((w for w in words("approximations_after") if unit.endswith(w)), "")
        if tail and re.match(r"[\u4e00-\u9fff]", nxt):
            continue  # 30万吨以下小煤矿: a threshold naming a class of what follows, not a count
        core = unit[:len(unit) - len(tail)]  # (the measure word without 以上: 海拔4000米以上 is a length)
        if nxt in ("大", "·") or text[m.end():m.end() + 1] in ("年", "月", "日", "时", "号", "·", "版"):
            continue  # 6大行动, 60天攻坚战, dates
        if core.endswith(words("length_measures")) and re.match(r"[\u4e00-\u9fff]", nxt):
            continue  # 8公里火线: a length describing what follows
        if core.endswith(words("durations")) and re.match(r"内|后|前|以内|以上", nxt):
            continue
        clause_start = marks.start(ns)
        pre_start = max(clause_start, ns - WINDOW)  # the anchored tests read the window before the figure
        pre = text[pre_start:ns]
        if _STRUCTURE_BEFORE.search(pre) or _LABEL_AFTER.match(text, ue, se):
            continue  # 以下10项工作：document structure
        if core.endswith(words("length_measures")) and not marks.found_before(_WORK_DONE, ns):
            continue  # 震源深度10公里: a length describes, it counts no work done
        if _PER_UNIT.search(pre):
            continue  # 每户明确1名包保干部: a ratio per unit, not a count
        # "等4项工程": a count summarising a list is a statistic only when the clause says it was done
        if _SUMMARY.search(pre) and not marks.found_before(_words_re("done_markers"), ns):
            continue
        if pre.endswith(words("outside_scope")):
            continue  # 全国54个重要防洪城市: a national category the region belongs to, not its figure
        if text.startswith(words("target_after"), ue):
            continue  # 小于1%的目标值要求: the target compared with, not a result
        direction = baseline = None
        anchor = ns
        d = _patterns()["direction_before"].search(pre)
        if d:
            direction = d.group(1)
            anchor = pre_start + d.start()
            bl = _ends_with(_patterns()["baseline_before"], text, clause_start, anchor)
            baseline = _baseline(bl.group(0)) if bl else None
            if bl:
                anchor -= len(bl.group(0))
        else:
            # 队员达到了260名: a connector word (a token of its own) between indicator and figure
            tail = []
            for piece in pieces_left(text, clause_start, ns, doc):
                tail.insert(0, piece)
                if len(tail) == 2:
                    break
            if tail and text[tail[-1][0]:tail[-1][1]] == "了":
                tail = tail[:-1]
            if tail and text[tail[-1][0]:tail[-1][1]] in words("connectors") and tail[-1][0] > clause_start:
                anchor = tail[-1][0]
            elif tail:
                # 整改 | 率为 | 85%: jieba glued the connector to the indicator's last character
                w = text[tail[-1][0]:tail[-1][1]]
                c = next((c for c in ("为", "达", "是") if w.endswith(c)), None)
                if c and len(w) > len(c) and w[:-len(c)] in words("indicator_suffixes"):
                    anchor = tail[-1][1] - len(c)
        # parenthetical before the figure: 审批事项（含委托下放）12个
        if text[anchor - 1:anchor] == "）":
            op = text.rfind("（", max(clause_start, anchor - WINDOW), anchor)
            if op >= 0:
                anchor = op
        subject_span = None
        if direction is None:
            ps = ue + (1 if text[ue:ue + 1] == "的" else 0)
            pe = np_right(ctx, doc, ps, min(se, ps + 24))
            if pe > ps:
                subject_span = (ps, pe)
        if subject_span is None:
            s = np_left(ctx, doc, clause_start, anchor)
            if s < anchor:
                subject_span = (s, anchor)
        if subject_span is None and direction is None:
            # 3次启动应急响应: a figure before a verb counts the action and its object
            verb = next(iter(pieces(text, ue, min(se, ue + 6), doc)), None)
            if verb and (text[verb[0]:verb[1]] in words("count_verbs") or is_governing(text[verb[0]:verb[1]])):
                pe = np_right(ctx, doc, verb[1], min(se, verb[1] + 24))
                if pe > verb[1]:
                    subject_span = (ue, pe)
        # 可供6万人转移安置的帐篷: a verb before, a relative clause after; the subject is
        # the phrase with the quantity removed
        relative = _RELATIVE.match(text, ue, se)
        prefix = ""
        if relative and (subject_span is None or word_tag(text[subject_span[0]:subject_span[1]]) == "v"):
            prefix = text[subject_span[0]:subject_span[1]] if subject_span else ""
            subject_span = (subject_span[0] if subject_span else ue, relative.end())
        if subject_span is None:
            if direction and last is not None:  # 较大事故5起，同比减少2起: the count just stated
                yield Found(ns, ue, last, value, unit, direction, baseline, "statistics.count_change")
                taken.add(ns)
            elif last is not None and last_end == ns - 1 and text[ns - 1] == "、":
                # 专业救援队伍12支、480人: a second figure about the subject just counted
                yield Found(ns, ue, last, value, unit, None, None, "statistics.count_more")
                taken.add(ns)
                last_end = ue
            continue
        s, e = subject_span
        subject = _strip_quotes(prefix + text[ue:e] if prefix else text[s:e])
        handled = marks.found_before(_words_re("handling_verbs"), ns)  # 成功应对29次强降水: operations
        if not subject or subject in _NOT_SUBJECTS or (_is_hazard(subject) and not handled) \
                or subject.endswith(words("background")):
            continue  # 11次强降雨过程, 原煤产量9.6亿吨: the hazard or the economy, not an outcome or work
        if s >= ue and text[e:e + 1] == "中" and text[e + 1:e + 2] in "，：有":
            continue  # 14个地市中，11个市…: the whole the next figure is part of
        if s >= ue and subject in words("unit_nouns") and text.startswith(words("claim_verbs"), e):
            # 11个市实现事故起数和死亡人数“双下降”: the units that achieved it are counted; the
            # achievement is the subject and the counted noun goes into the unit
            ce = marks.end(e)
            taken.add(ns)
            last, last_end = subject, ue
            yield Found(ns, ce, text[e:ce], value, unit + subject, None, None, "statistics.units_achieving")
            continue
        if s >= ue and ("、" in pre or "和" in pre):
            verb = _PiecesRight(text, clause_start, ns, doc).get(0)
            if verb and text[verb[0]:verb[1]] in words("list_verbs"):
                # 撤销A、B、C3个事业单位: the figure sums up the list; the action is the subject
                # and the counted noun goes into the unit (as 完成了6个部门…工作)
                taken.add(ns)
                last, last_end = subject, ue
                yield Found(verb[0], e, text[verb[0]:verb[1]], value, unit + subject, None, None,
                            "statistics.list_sum")
                continue
        taken.add(ns)
        last, last_end = subject, ue
        yield Found(min(s, ns), max(e, ue), subject, value, unit, direction, baseline, "statistics.count")


# a sentence any rule can fire on (most have no figure: skip them cheaply)
_CANDIDATE = re.compile(r"\d|零|连续|下降|减少|上升|增长|增加|降低|[二两三四五六七八九十]个|[万亿]|无一人|》[二两三四五六七八九十]")


def _procedure(sent: str) -> bool:
    """The sentence is about a meeting's procedure (5个单位发言, 会上审议…), not a report made at
    it: a procedure word followed by a verb of reporting (在新闻发布会上介绍, 会上通报) does not count."""
    report = _words_re("report_verbs")
    for w in words("procedure"):
        for m in re.finditer(re.escape(w), sent):
            if not re.match(rf"[^，。；]{{0,6}}?{report.pattern}", sent[m.end():]):
                return True
    return False


def find(ctx: DocContext, doc) -> Iterator[Found]:
    """Every statistic of ``ctx.text``, sentence by sentence."""
    text = ctx.text
    protected = _protected(text)
    agenda_until = -1  # end of the paragraph an agenda marker opened
    for ss, se in ctx.sentences:
        sent = text[ss:se]
        if se > agenda_until and _patterns()["agenda"].search(sent):
            line_end = text.find("\n", se)
            agenda_until = len(text) if line_end < 0 else line_end
        if ss < agenda_until or not _CANDIDATE.search(sent):
            continue
        if _plan_sentence(ctx, doc, ss, se):
            continue
        procedure = _procedure(sent)
        taken: set[int] = set()
        out: list[Found] = []
        out += _distributed(ctx, doc, ss, se, taken)
        out += _changes(ctx, doc, ss, se, taken)
        out += _rates(ctx, doc, ss, se, taken)
        out += _streaks(ctx, doc, ss, se, taken)
        out += _zeros(ctx, doc, ss, se, taken)
        out += _direction_only(ctx, doc, ss, se, taken)
        if not procedure:
            out += _achievements(ctx, doc, ss, se, taken)
            out += _action_lists(ctx, doc, ss, se, taken)
            out += _title_lists(ctx, doc, ss, se, taken)
            out += _counts(ctx, doc, ss, se, taken, protected)
        yield from sorted(out, key=lambda f: (f.start, f.end))


def extract(ctx: DocContext, doc) -> None:
    """Append every statistic of ``ctx.text`` to ``ctx.extraction.statistics``."""
    for f in find(ctx, doc):
        normalized_value, normalized_unit = normalize(f.value, f.unit)
        ctx.extraction.statistics.append(Statistic(
            prov=ctx.prov(f.start, f.end, f.rule), subject=f.subject, value=f.value, unit=f.unit,
            direction=f.direction, baseline=f.baseline,
            normalized_value=normalized_value, normalized_unit=normalized_unit,
        ))

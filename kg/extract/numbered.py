"""Numbered formulas: quoted slogans led by a numeral that counts their parts.

Input: a :class:`~kg.nlp.context.DocContext` (normalised text, curly quotes) and its
spaCy ``Doc``. Output: one :class:`~kg.models.NumberedFormula` per quoted occurrence,
appended to ``ctx.extraction.numbered_formulas``; ``name`` is written without the outer
quotes, ``count`` is the value of the leading numeral, ``expansion`` lists the parts
where the text spells them out. The provenance span is the quoted content.

Kept: “三清单两机制”, “两查两改、两不放过”, ‘两个一千’, “一案三制”, “十个到位”.
Dropped: lexical 一 (一把手, 一盘棋: an initial 一 needs a second counted part), place names and
their literary names (四川, 八闽), rating words (五星级),
plan periods (十四五), periods of the year (七下八上: late July, early August), durations (三年行动),
fractions and degree words (十分, 一亩三分地),
sayings the text rejects (摒弃“七拼八凑”), 双-/第-initial and Arabic-numeral strings.
A one-character-missing repeat of a formula is named after its more frequent form.

>>> [c for c in ("三清单两机制", "一把手", "一案三制", "十四五", "三年行动", "十分重要", "七下八上") if is_numbered(c)]
['三清单两机制', '一案三制']
>>> leading_count("十个到位"), leading_count("两个一千"), leading_count("一百个村")
(10, 2, 100)
"""

from __future__ import annotations

import re
from functools import lru_cache
from collections import Counter
from typing import Optional

from kg.models import NumberedFormula
from kg.nlp.context import DocContext

NUMERALS = "一二两三四五六七八九十百千"
_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNIT = {"十": 10, "百": 100, "千": 1000}
_NUM_RUN = re.compile(r"[零〇一二两三四五六七八九十百千]+")

# Quoted strings; ‘’ nest inside “” in interviews, so each kind is searched on its own.
QUOTES = (re.compile(r"“([^“”\n]{1,24})”"), re.compile(r"‘([^‘’\n]{1,24})’"))
# A slogan is short and phrase-like: no sentence punctuation, no digits or Latin letters.
_BAD_CHARS = re.compile(r"[。：:；;？！!?《》（）()A-Za-z0-9%]")
_PLAN_PERIOD = re.compile(r"^十[一二三四五六七八九]?五")
# Months with their third (上/中/下旬) in a row name a period of the year, not parts: the flood
# season's “七下八上” (late July, early August)
_TEN_DAYS = re.compile(r"^(?:(?:十[一二]?|[一二三四五六七八九])[上中下]){2,}$")
# numeral + time unit is a duration (三年行动, 百日会战); numeral + 分 a fraction or degree
# (个 goes only with the units that take it: 三个月 is a duration, “五个年” counts five campaign years)
_DURATION = re.compile(r"^[零一二两三四五六七八九十百千]+(?:(?:个)?(?:月|周|季度|小时|星期)|年|天|日|分钟|秒|届)")
_FRACTION = re.compile(r"[一二两三四五六七八九十百千]分(?!之?百)")  # (四个百分之百, 四个百分百 count their parts)
# Other counted parts after an initial 一 (一案三制, 一队多能); 双 counts inside a formula.
_SECOND_NUMERAL = re.compile(r"[二两三四五六七八九十百千双]")
# Measure words of a counted list (两个极端, 三大能力, 四项制度): such a formula counts
# parts even when the text rejects it (力戒“两个极端”).
_COUNT_MEASURE = re.compile(r"^[一二两三四五六七八九十百千]+(?:个|大|项|种|条|类|件|方面)")
# Verbs of rejection: a quoted saying governed by them is criticised, not adopted
# (摒弃“七拼八凑”的做法, 杜绝“三天打鱼两天晒网”的作风).
_REJECT = re.compile(r"(?:破除|打破|摒弃|杜绝|避免|防止|克服|摆脱|改变|消除|反对|纠正|根除|不搞|不能搞)[^，。；！？\n]{0,8}$")


def leading_count(s: str) -> Optional[int]:
    """Value of the numeral that starts ``s`` (十个到位 -> 10, 五个一千 -> 5, 一百个村 -> 100)."""
    m = _NUM_RUN.match(s)
    if not m:
        return None
    run = m.group(0)
    total, digit = 0, None
    for ch in run:
        if ch in _DIGIT:
            if digit is not None:  # 一一, 两两: a repeated digit is a new number, stop at the first
                break
            digit = _DIGIT[ch]
        else:
            total += (digit if digit is not None else 1) * _UNIT[ch]
            digit = None
    return total + (digit or 0) if total or digit is not None else None


@lru_cache(maxsize=1)
def _place_prefixes() -> tuple[str, ...]:
    from kg.extract.lexicon import numeral_place_names

    return tuple(sorted(numeral_place_names()))


def _lexical_start(content: str) -> bool:
    """The numeral belongs to a word: a place name (四川, 八闽; jieba's dictionary tags the whole
    string ns: 三峡) or a distinguishing adjective of jieba's dictionary (tag b: 五星级, 三星级),
    not a count of parts."""
    from kg.extract.lexicon import jieba_tags

    if content.startswith(_place_prefixes()):
        return True
    tags = jieba_tags()
    if tags.get(content) in ("ns", "n"):  # a region's name as a whole (三北 = 华北、东北、西北), a common noun (二传手)
        return True
    return any(tags.get(content[:k]) == "b" for k in range(3, min(5, len(content)) + 1))


def is_numbered(content: str) -> bool:
    """True when a quoted string is a numbered formula (without looking at its context)."""
    if len(content) < 2 or content[0] not in NUMERALS or _BAD_CHARS.search(content):
        return False
    if _lexical_start(content):
        return False
    if all(ch in NUMERALS for ch in content):
        return False
    if _PLAN_PERIOD.match(content) or _DURATION.match(content) or _FRACTION.search(content) \
            or _TEN_DAYS.match(content):
        return False
    if _PROVERB.match(content) or _PARTIES.match(content):
        return False
    if all(_DISTRIBUTIVE.fullmatch(part) for part in re.split(r"[、，,]", content)):
        return False  # 一车一登记、一路一巡查 (like 一企一策): one per unit, not counted parts
    if content[0] == "一":
        # 一 alone is lexical (一把手, 一盘棋, 一站式, 一对一); a formula counts another part
        # (一案三制), repeats 一 three times or more (一清单一台账一销号), or lists its parts
        # each as 一 + measure (一个漏斗管进出、一个闭环管落实).
        if not _SECOND_NUMERAL.search(content, 1) and content.count("一") < 3 \
                and not _ONE_EACH.fullmatch(content):
            return False
        if content[1:2] == "是":  # 一是…: an enumeration, not a slogan
            return False
    return True


# Sayings with numerals that count no parts of a formula: a proverb's measure of length or
# height (千里之堤、溃于蚁穴; 九层之台), and one party against N (一方有难、八方支援).
_PROVERB = re.compile(r"^[一二两三四五六七八九十百千万]+[里丈尺寸层]之")
_PARTIES = re.compile(r"^一([方处家地])[^、，,]+[、，,][二两三四五六七八九十百千万多]\1")
# One thing per unit: 一企一策, 一车一登记 (a list of them counts no parts either)
_DISTRIBUTIVE = re.compile(r"一[^一、，,]{1,2}一[^一、，,]{1,4}")
# Parts listed each as 一 + measure word (一个漏斗管进出、一个闭环管落实)
_ONE_EACH = re.compile(r"一(个|张|套|支|条|项|本|份)[^、，,]+(?:[、，,]一\1[^、，,]+)+")


def _rejected(text: str, qstart: int, content: str) -> bool:
    if _COUNT_MEASURE.match(content):
        return False
    return bool(_REJECT.search(text, max(0, qstart - 12), qstart))


def _one_deletion(long: str, short: str) -> bool:
    """``short`` is ``long`` with one character missing."""
    if len(long) != len(short) + 1:
        return False
    for i in range(len(long)):
        if long[:i] + long[i + 1:] == short:
            return True
    return False


def canonical_names(names: list[str]) -> dict[str, str]:
    """Map a misspelt repeat (one character missing or extra) to the more frequent form.

    >>> canonical_names(["三化两体系一平台", "三化两体系一平台", "三化两体一平台"])["三化两体一平台"]
    '三化两体系一平台'
    """
    freq = Counter(names)
    out = {n: n for n in freq}
    forms = sorted(freq, key=lambda n: (-freq[n], -len(n), n))
    for i, a in enumerate(forms):
        for b in forms[i + 1:]:
            if freq[a] > freq[b] and len(b) >= 4 and (_one_deletion(a, b) or _one_deletion(b, a)):
                if out[b] == b:
                    out[b] = a
    return out


# --------------------------------------------------------------------------- expansion
def _trim_items(items: list[str]) -> list[str]:
    """The first item of a list found by regex may carry the words before it: cut it to the
    length of the others (parallel items of a slogan have one length)."""
    if len(items) < 2:
        return items
    rest = [len(i) for i in items[1:]]
    n = sorted(rest)[len(rest) // 2]
    first = items[0][-n:] if len(items[0]) > n + 2 or (len(items[0]) > n and len(set(rest)) == 1) else items[0]
    return [first] + items[1:]


def _parallel(items: list[str], max_len: int = 10) -> Optional[list[str]]:
    """Items of a spelled-out slogan: Han phrases of (almost) one length after trimming."""
    items = _trim_items(items)
    if not all(re.fullmatch(rf"[\u4e00-\u9fff“”]{{2,{max_len}}}", i) for i in items):
        return None
    lens = [len(i) for i in items]
    return items if max(lens) - min(lens) <= 2 else None


def _list_before(text: str, pos: int, n: int) -> Optional[list[str]]:
    """Exactly ``n`` 、-separated items ending right before ``pos`` (…调度一张网“四个一”)."""
    window = re.split(r"[，。；：！？\n]", text[max(0, pos - 12 * n): pos])[-1]
    parts = re.split(r"、|和|及", window)
    if len(parts) < n or not parts[-1]:
        return None
    return _parallel(parts[-n:])


# what introduces the parts: “…”(举措)，即 / 就是 / 包括 / ：
_INTRO = re.compile(r"[”’]?[\u4e00-\u9fff]{0,4}?[，：,:]?\s*(?:即|就是|也就是|包括)[：:，]?|[”’]?[：:]")


def _list_after(text: str, pos: int, n: int) -> Optional[list[str]]:
    """``n`` parts spelled out after the formula: “…”，即A；B；… / “…”：A、B、…"""
    m = _INTRO.match(text, pos)
    if not m:
        return None
    seg = re.split(r"[。！？\n]", text[m.end():m.end() + 40 * n])[0]
    clauses = [p for p in seg.split("；") if p]
    if len(clauses) == n and all(len(c) <= 30 for c in clauses):
        return clauses
    parts = [p for p in re.split(r"[、，]", seg.split("；")[0]) if p]
    return _parallel(parts[:n]) if len(parts) >= n else None


def _quoted_run_before(text: str, pos: int, n: int) -> Optional[list[str]]:
    """``n`` quoted strings in a row ending at ``pos`` (“不会商、不调度”…“不闭环、不销号”等四个环节)."""
    items: list[str] = []
    end = pos
    while len(items) < n:
        m = re.search(r"“([^“”\n]{1,16})”$", text[max(0, end - 20):end])
        if not m:
            return None
        items.insert(0, m.group(1))
        end = end - len(m.group(0))
    return items


def _signature_list(text: str, lo: int, hi: int, n: int, sig: str) -> Optional[list[str]]:
    """``n`` 、-separated items all ending in ``sig`` within ``text[lo:hi]`` (三化: 标准化、信息化…)."""
    item = rf"[\u4e00-\u9fff]{{1,6}}?{re.escape(sig)}"
    pat = re.compile(rf"(?:{item}[、和及]){{{n - 1}}}{item}")
    for m in pat.finditer(text, lo, hi):
        items = re.split(r"[、和及]", m.group(0))
        if len(items) == n:
            return _trim_items(items)
    return None


def expansion(ctx: DocContext, name: str, count: int, spans: list[tuple[int, int]]) -> list[str]:
    """Parts of ``name`` where the text spells them out near one of its occurrences."""
    text = ctx.text
    if count < 2 or count > 12:
        return []
    # unquoted occurrences count too (“A”“B”…等四个环节)
    occurrences = list(spans) + [(m.start(), m.end()) for m in re.finditer(re.escape(name), text)]
    for s, e in occurrences:
        qs = s - 1 if s > 0 and text[s - 1] in "“‘" else s
        qe = e + 1 if e < len(text) and text[e] in "”’" else e
        before = qs
        if text[max(0, qs - 1):qs] == "等":
            before = qs - 1
        for found in (_quoted_run_before(text, before, count), _list_before(text, before, count),
                      _list_after(text, qe, count)):
            if found:
                return found
        # a part of a compound formula spelled out nearby: “三化…” <- 标准化、信息化、专业化
        m = re.match(r"[一二两三四五六七八九十]([\u4e00-\u9fff])", name)
        if m and m.group(1) not in "个大项种条类件":
            ss, se = ctx.sentence_of(s)
            lo = ctx.sentence_of(max(0, ss - 2))[0]
            found = _signature_list(text, lo, se, count, m.group(1))
            if found:
                return found
    return []


# --------------------------------------------------------------------------- extract
# One counted thing (一个中心, 一张网): lexical alone, a part of a formula series beside other counted quotes
_ONE_COUNTED = re.compile(r"一(?:个|大|项|条|套)[^、，,一二两三四五六七八九十]{1,4}")  # (一张图 stays lexical)
# The gap between two quoted items of one series (坚持“一个中心”、实现“三大目标”)
_SERIES_GAP = re.compile(r"[”’][、和及][\u4e00-\u9fff]{0,3}[“‘]")


def candidates(text: str) -> list[tuple[int, int, str]]:
    """(start, end, content) of every quoted numbered formula, in text order. A quoted 一 + measure
    word + noun (“一个中心”) is one when it stands in a series with other numbered formulas
    (“一个中心”、“三大目标”, like 一个中心、两个基本点)."""
    out = []
    ones = []
    for pat in QUOTES:
        for m in pat.finditer(text):
            c = m.group(1)
            if _rejected(text, m.start(), c):
                continue
            if is_numbered(c):
                out.append((m.start(1), m.end(1), c))
            elif _ONE_COUNTED.fullmatch(c) and not _lexical_start(c):
                ones.append((m.start(1), m.end(1), c))
    for s, e, c in ones:
        if any(_SERIES_GAP.fullmatch(text, e, os) or _SERIES_GAP.fullmatch(text, oe, s) for os, oe, _ in out):
            out.append((s, e, c))
    out.sort()
    return out


def extract(ctx: DocContext, doc) -> None:
    """Append every quoted numbered formula of ``ctx.text`` to ``ctx.extraction``."""
    found = candidates(ctx.text)
    canon = canonical_names([c for _, _, c in found])
    spans: dict[str, list[tuple[int, int]]] = {}
    for s, e, c in found:
        spans.setdefault(canon[c], []).append((s, e))
    parts = {name: expansion(ctx, name, leading_count(name) or 0, sp) for name, sp in spans.items()}
    for s, e, c in found:
        name = canon[c]
        rule = "numbered.quoted" if name == c else "numbered.misspelt_repeat"
        ctx.extraction.numbered_formulas.append(
            NumberedFormula(prov=ctx.prov(s, e, rule), name=name, count=leading_count(name), expansion=parts[name])
        )

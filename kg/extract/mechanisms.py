"""Mechanisms: named items ending in 机制, 体系, 制度, 平台, 工程 or 格局.

Input: a :class:`~kg.nlp.context.DocContext` and its spaCy ``Doc`` (jieba tokens).
Output: one :class:`~kg.models.MechanismMention` per occurrence, appended to
``ctx.extraction.mechanisms``, with the exact character span of the name.

The name is found by going back from the head word over jieba's tokens (split at the
head and at quotes, so offsets never depend on where jieba put a boundary) and stopping
at what cannot be part of a name: punctuation, a governing verb (建立, 健全, 完善 …), a
preposition (以…, 关于…), a 的-phrase, 等, a scope word (全省, 各级), a body (与…部门), or a
coordinated item with its own head (A体系和B机制 -> two names). Qualifiers attached
without 的 and shared-head coordinations stay in (隐患排查、整改、销号闭环机制). A
quoted numbered formula before the head starts the name with its plain qualifier (…调度一张网
“四个一”工作体系 -> “四个一”工作体系; 山洪预警“两个必达”机制 keeps 山洪预警); a head inside
such a quote keeps its domain (地质灾害防治“三大工程”), a quoted count with a qualifier of its own is a
name (“九大防灾工程”), and quoted terms coordinated under one head are one item (“一岗双责”和“三管三必须”制度).
A head inside a longer noun (体系架构, 工程治理, 工程项目, …工程有限公司) names nothing.
Generic terms are dropped by the guideline, not by length: 应急管理体系, 工作机制, 体制机制, names
ending in a generic term (…应急工作机制), a one-character or general two-character qualifier (新机制,
责任体系, 重大平台), a count (3项工程); a two-character qualifier of the field makes a name (预案体系,
指挥体系, 防汛体系). A count before a name (建设一个…平台) is no part of it, a quoted numbered formula
alone is a formula (“一网一池一平台”), and a name followed by more of a listed item (…机制数字化建设)
shares no head across the item before it (…管理、).

The word classes live in ``kg/data/mechanism_words.txt``; POS tags come from jieba's
dictionary (``jieba.posseg`` is never run). The helpers :func:`word_tag`, :func:`words`
and :func:`units_left` are shared with the duty and statistics extractors.

>>> is_generic("应急管理体系"), is_generic("应急工作机制"), is_generic("双重预防机制")
(True, True, False)
>>> is_generic("指挥平台"), is_generic("“大安全”格局"), is_generic("工作责任体系")
(True, False, True)
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from typing import Iterator, NamedTuple, Optional

from kg.datafiles import sections
from kg.extract.numbered import is_numbered
from kg.models import MechanismMention
from kg.nlp.context import DocContext

HEADS = ("机制", "体系", "制度", "平台", "工程", "格局")
HEAD_RE = re.compile("|".join(HEADS))
NUMERAL_START = re.compile(r"[一二两三四五六七八九十百千0-9]")
_HAN_OR_ALNUM = re.compile(r"[\u3400-\u9fff\uf900-\ufaffA-Za-z0-9]+|.", re.S)
# One-character prepositions jieba's HMM glues to the next word (以新 安全 格局).
_PREP_CHARS = "以与对在从把将为向由被给按经"
# Prepositions whose object runs up to the name: 关于防汛工作重要批示“一清单一台账一销号”制度.
_LONG_PREPS = ("关于", "对于", "围绕", "按照", "根据", "依据", "依照", "针对")
COORDINATORS = frozenset({"、", "和", "及", "以及", "与", "或", "并", "同"})
MAX_NAME = 32
_LEVEL_COUNT = re.compile(r"[、，]?[^，。；]{0,12}?[两二三四五六]级")  # a list of levels closed by N级
MAX_QUALIFIER = 10  # a qualifier before a quoted formula is short (山洪预警, 危化企业装卸安全)
# One-character names of China's neighbours in bilateral compounds (中越, 中俄, 中蒙, 中哈 …).
NEIGHBOURS = frozenset("俄蒙朝越老缅哈吉塔巴印尼阿日韩")


# --------------------------------------------------------------------------- word classes
def _sections(resource: str = "mechanism_words.txt") -> dict[str, frozenset[str]]:
    return {k: frozenset(v) for k, v in sections(resource).items()}


_WORDS = _sections()  # a small file, read once at import


def words(section: str) -> frozenset[str]:
    """A word class of ``kg/data/mechanism_words.txt`` (governing, adverbs, scope …)."""
    return _WORDS[section]


@lru_cache(maxsize=1)
def _tag_tables() -> tuple[dict[str, str], dict[str, str]]:
    import jieba

    from kg.extract.lexicon import jieba_tags

    return jieba.dt.user_word_tag_tab, jieba_tags()


def word_tag(word: str) -> Optional[str]:
    """jieba's POS tag of ``word`` (user words first, then the main dictionary), or None."""
    user, main = _tag_tables()
    return user.get(word) or main.get(word)


@lru_cache(maxsize=None)
def endings(section: str) -> tuple[str, ...]:
    """A word class as a tuple, for ``str.endswith``."""
    return tuple(sorted(words(section)))


# --------------------------------------------------------------------------- units
class Unit(NamedTuple):
    start: int
    end: int
    text: str
    kind: str  # "word" | "punct" | "quote"


def token_starts(doc) -> list[int]:
    """Character offsets of the Doc's tokens (cached on the Doc)."""
    cached = doc.user_data.get("kg.token_starts")
    if cached is None or len(cached) != len(doc):
        from spacy.attrs import IDX

        cached = doc.to_array(IDX).tolist()  # C-fast; iterating Token objects costs as much as extracting
        doc.user_data["kg.token_starts"] = cached
    return cached


def _split(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """One token clipped to ``[s, e)``, split so that every punctuation mark is a piece of
    its own and an unknown word led by a preposition loses it (以新 -> 以 | 新)."""
    if e - s == 1:
        return [(s, e)]
    out = []
    for m in _HAN_OR_ALNUM.finditer(text, s, e):
        ps, pe = m.span()
        w = m.group(0)
        if pe - ps > 1 and w[0] in _PREP_CHARS and word_tag(w) is None:
            out.extend([(ps, ps + 1), (ps + 1, pe)])
        else:
            out.append((ps, pe))
    return out


def pieces(text: str, start: int, end: int, doc) -> list[tuple[int, int]]:
    """Token spans clipped to ``[start, end)`` (see :func:`_split`), left to right."""
    starts = token_starts(doc)
    n = len(starts)
    i = max(0, bisect_right(starts, start) - 1)
    out: list[tuple[int, int]] = []
    while i < n and starts[i] < end:
        s = max(starts[i], start)
        e = min(starts[i + 1] if i + 1 < n else len(text), end)
        i += 1
        if s < e:
            out.extend(_split(text, s, e))
    return out


def pieces_left(text: str, start: int, end: int, doc) -> Iterator[tuple[int, int]]:
    """The pieces of :func:`pieces`, right to left, computed lazily (walks stop early)."""
    starts = token_starts(doc)
    n = len(starts)
    i = bisect_right(starts, end - 1) - 1
    while i >= 0 and end > start:
        s = max(starts[i], start)
        e = min(starts[i + 1] if i + 1 < n else len(text), end)
        i -= 1
        if s < e:
            yield from reversed(_split(text, s, e))
        if s <= start:
            break


_WORD_CHAR = re.compile(r"[\u3400-\u9fff\uf900-\ufaffA-Za-z0-9]")


def _is_punct(w: str) -> bool:
    return len(w) == 1 and not _WORD_CHAR.match(w)


def units_left(ctx: DocContext, doc, lo: int, pos: int) -> Iterator[Unit]:
    """Units of ``ctx.text[lo:pos]`` from right to left: words, punctuation, and quoted
    segments “…” taken whole."""
    text = ctx.text
    skip_to = None  # inside a quoted segment already yielded: skip pieces right of its opener
    for s, e in pieces_left(text, lo, pos, doc):
        if skip_to is not None:
            if s >= skip_to:
                continue
            skip_to = None
        w = text[s:e]
        if w == "”" or w == "’":
            opener = "“" if w == "”" else "‘"
            q = text.rfind(opener, lo, s)
            if q >= 0 and w not in text[q + 1:s]:
                yield Unit(q, e, text[q:e], "quote")
                skip_to = q  # the opener and the pieces inside are done
                continue
        yield Unit(s, e, w, "punct" if _is_punct(w) else "word")


# --------------------------------------------------------------------------- boundaries
def ends_with_head(w: str) -> bool:
    return w.endswith(HEADS) or w.endswith(endings("other_endings"))


def is_org(w: str) -> bool:
    if word_tag(w) == "nt":
        return True
    return w.endswith(endings("org_heads")) and not w.endswith(HEADS)


def _split_adverb(w: str) -> tuple[str, str]:
    """不断完善 -> (不断, 完善): jieba keeps some adverb + verb pairs as one word."""
    for k in range(1, len(w)):
        if w[:k] in words("adverbs"):
            return w[:k], w[k:]
    return "", w


def is_governing(w: str) -> bool:
    """A verb after which a name starts (建立, 健全完善, 不断完善 …)."""
    if w in words("governing"):
        return True
    adv, rest = _split_adverb(w)
    return bool(adv) and (rest in words("governing") or rest in words("ambiguous"))


def _is_ambiguous(w: str) -> bool:
    return w in words("ambiguous")


def _closes_phrase(u: Optional[Unit]) -> bool:
    """``u`` (the unit left of an ambiguous verb) ends a clause or a phrase before it."""
    if u is None or u.kind == "punct":
        return True
    w = u.text
    if u.kind == "quote":
        return False
    if w in words("adverbs") or is_governing(w) or w in words("mostly_governing") or w in words("complements"):
        return True
    if w in words("scope") or w in ("的", "地", "之", "等") or ends_with_head(w):
        return True
    if is_org(w) or w in words("adverbial_nouns"):  # 住建部门推进…工程: a body before the verb is its subject
        return True
    tag = word_tag(w) or ""
    return tag in ("d", "ad", "p", "r") or tag.startswith("u")


def _coordinates_items(left: Optional[Unit], right: str) -> bool:
    """A coordinator joins two complete items (A体系和B机制, 与…部门) rather than the
    qualifiers of one head (研判和联动制度): the item on its left has a head of its own, is a
    body, or the part on its right is already a generic whole (工作规则和工作机制)."""
    if left is None or left.kind == "punct":
        return True
    if ends_with_head(_bare(left.text)) or is_org(left.text):
        return True
    return bool(right) and (_only_generic(right) or right in words("generic_alone"))


def _org_closes(text: str, lo: int, u: Unit, left: Optional[Unit]) -> bool:
    """A body before a name ends it when it is the object of a preposition (与水文、气象等部门
    联合值班制度) or the system the name belongs to (应急管理系统挂点联系制度); a body that
    qualifies the name stays (抗震救灾指挥部成员单位联络员制度)."""
    if u.text.endswith("系统") or left is not None and left.text in ("等", "等等"):
        return True
    clause = max(text.rfind(c, lo, u.start) for c in "，。；：！？")
    return bool(re.search(r"与|同|会同|联合|协调", text[max(lo, clause + 1):u.start]))


def _qualifier_before(ctx: DocContext, doc, lo: int, qs: int) -> int:
    """Start of the plain qualifier written right before a quoted numbered formula
    (山洪预警“两个必达”机制, 危化企业装卸安全“四查四改”工作机制), else ``qs``. An
    enumeration that spells the formula out (…调度一张网“四个一”工作体系) or the object of a
    preposition (关于…重要批示“一清单一台账一销号”制度) is no qualifier of the name."""
    s = walk_left(ctx, doc, lo, qs)
    if s is None or s >= qs or qs - s > MAX_QUALIFIER:
        return qs
    qualifier = ctx.text[s:qs]
    if re.search(r"[、，,“”]", qualifier) or ends_with_head(qualifier) or is_org(qualifier):
        return qs
    if any(_is_ambiguous(u.text) or is_governing(u.text) for u in units_left(ctx, doc, s, qs)):
        return qs  # 优化提升“两个必达”机制: a verb governs the formula
    before = next(units_left(ctx, doc, lo, s), None)
    if before is not None and (before.text in _LONG_PREPS or word_tag(before.text) == "p"
                               or before.text in COORDINATORS):
        return qs  # the last item of a list (A、B和C“三位一体”体系) or a preposition's object
    return s


_QUOTED_ITEM = re.compile(r"“[^“”，。；：！？]{1,12}”$")


def _quoted_coordination(text: str, lo: int, qs: int) -> int:
    """Start of a run of quoted terms coordinated under one head (“一岗双责”和“三管三必须”制度:
    one item, like 会商和协同制度), else ``qs``."""
    start = qs
    while start - 1 > lo and text[start - 1] in "和、及与":
        m = _QUOTED_ITEM.search(text, max(lo, start - 15), start - 1)
        if m is None:
            break
        start = m.start()
    return start


def _single(text: str, start: int, pos: int, doc) -> bool:
    """The piece at ``start`` (inside the name ending at ``pos``) is one character long."""
    first = next(iter(pieces(text, start, pos, doc)), None)
    return first is not None and first[1] - first[0] == 1


def _verb_in_name(text: str, u: Unit, left: Optional[Unit], start: int, pos: int) -> bool:
    """A governing verb that is part of the name rather than before it: right before a
    coordinator (巨灾情景构建和应急预案动态修订制度), inside the slogan 共建共治共享, or a
    verbal noun between a noun and the head (动态修订制度; 完善修订制度 stays a verb)."""
    if start < pos and text[u.end:u.end + 1] in ("和", "、", "及"):
        return True
    if u.text[0] == "共" and text[u.end:u.end + 1] == "共":
        return True
    return (start == pos and left is not None and left.kind == "word" and left.end == u.start
            and (word_tag(left.text) or "")[:1] == "n" and not is_governing(left.text)
            and left.text not in words("adverbs"))  # 着力完善体系: an adverb jieba tags n, then the verb


def _region_ends(ctx: DocContext, doc) -> set[int]:
    """Where the region mentions (extracted before the mechanisms) end, cached on the Doc
    (jieba may cut a district's name apart, leaving no token boundary where it starts)."""
    regions = ctx.extraction.regions
    cached = doc.user_data.get("kg.region_ends")
    if cached is None or cached[0] != len(regions):
        cached = (len(regions), {r.prov.end for r in regions if r.prov.end > r.prov.start})
        doc.user_data["kg.region_ends"] = cached
    return cached[1]


def walk_left(ctx: DocContext, doc, lo: int, pos: int, in_item: bool = False) -> Optional[int]:
    """Start of the name that ends at ``pos`` (its head starts there), or None when the name
    is a back-reference (这些…平台). ``lo`` bounds the search (sentence or quote start).
    ``in_item``: the name is followed by more of a listed item (…机制数字化建设), so a 、 after an
    item's head word ([item_heads]: …管理、) separates items."""
    text = ctx.text
    start = pos
    it = units_left(ctx, doc, lo, pos)
    nxt = next(it, None)
    while nxt is not None:
        u, nxt = nxt, next(it, None)
        left = nxt
        w = u.text
        if pos - u.start > MAX_NAME:
            return None
        if u.kind == "quote":
            start = u.start
            if NUMERAL_START.match(w[1:2]):
                # a numbered formula before the head starts the name, with its plain qualifier
                start = _qualifier_before(ctx, doc, lo, u.start)
                if start == u.start:
                    start = _quoted_coordination(text, lo, start)
                break
            continue
        if u.kind == "punct":
            if w in COORDINATORS:
                if _coordinates_items(left, text[u.end:pos]) or (
                        in_item and left is not None and left.text.endswith(endings("item_heads"))):
                    break
                start = u.start
                continue
            if w in "+·-" and left is not None and left.kind == "word" and left.text.isascii():
                start = u.start
                continue
            break
        if w in words("demonstratives"):
            return None
        if start < pos and u.end in _region_ends(ctx, doc):
            break  # 推广某某区“…”网格化监管体系经验: the region owns the name, it is no part of it
        if w in COORDINATORS:
            if _coordinates_items(left, text[u.end:pos]):
                break
            start = u.start
            continue
        if w == "地" and left is not None and len(left.text) == 1 and left.end == u.start \
                and (word_tag(left.text + w) or "").startswith("n") and left.text + w not in words("scope"):
            start, nxt = left.start, next(it, None)  # 军地, 兵地: a compound jieba cut apart, not the particle
            continue
        if w in ("的", "之", "地", "等", "等等") or w in words("scope") or w in words("complements"):
            break
        if w in words("levels") or w in words("level_compounds") and _LEVEL_COUNT.match(text, u.end):
            break  # 省、市、县、乡四级指挥调度平台, 完善省…平台, 市县两级…: a level word starts no name
        if w in words("bare_bodies") and (left is None or left.kind == "punct" or left.text in words("scope")):
            break  # 省级部门地质灾害联合巡查机制 (成员单位联络员制度 goes on)
        if len(w) == 1 and start == u.end and pos - start >= 2 and word_tag(w + text[start]) is not None \
                and _single(text, start, pos, doc):
            start = u.start  # two single characters jieba cut apart make a dictionary word (约 | 谈…制度)
            continue
        if w in NEIGHBOURS and left is not None and left.text == "中":
            start, nxt = left.start, next(it, None)  # 中俄界河, 中缅边境: a bilateral qualifier
            continue
        if w.endswith("是") and len(w) <= 3:  # 四是, 就是, 也是: a copula before the object
            break
        if _COUNT.fullmatch(w) and not (left is not None and left.kind == "quote"):
            break  # 建设一个…平台: a count before the name is no part of it (“…”四项制度 counts the quote)
        if is_governing(w) and not _verb_in_name(text, u, left, start, pos):
            break
        if is_org(w) and _org_closes(ctx.text, lo, u, left):
            break
        if _is_ambiguous(w) and _closes_phrase(left):
            break
        tag = word_tag(w) or ""
        if tag == "v" and len(w) == 1 and start == pos:  # 建机制: a one-character verb qualifies no name
            break
        if start == pos and tag in ("d", "ad") and len(w) >= 2 and w not in words("adverbs"):
            start = u.start  # …更新制度: jieba tags some verbs d; next to the head it qualifies
            continue
        if start != pos and w.endswith(HEADS):  # 大安全格局支撑大发展格局: another name ends here
            break
        if tag == "p" or w in _LONG_PREPS:
            if w in _LONG_PREPS:
                q = text.find("“", u.end, pos)
                if q >= 0:
                    return q
            break
        if tag.startswith("u") or tag in ("r", "c", "d", "ad") and w not in ("每日", "各", "定期") \
                or tag == "f" and (len(w) == 1 or w in _POSITIONAL):
            break  # (locative nouns jieba tags f qualify names: 上下联动机制, 渔排人员上岸核查制度)
        start = u.start
    return start


# Positional words that end a phrase rather than qualify a name (…期间, …以来, 其中)
_POSITIONAL = frozenset({"以上", "以下", "之间", "之中", "当中", "期间", "以来", "中间", "里面", "上面", "下面",
                         "前后", "其中", "之后", "之前", "以后", "以前"})


def _bare(w: str) -> str:
    return w.strip("“”‘’")


# --------------------------------------------------------------------------- filters
_GENERIC_RUN = re.compile("(?:" + "|".join(sorted(_WORDS["generic_modifiers"], key=lambda w: (-len(w), w))) + ")+")


def _only_generic(s: str) -> bool:
    """``s`` is made only of generic qualifiers (应急管理 + 工作 + 新)."""
    return bool(_GENERIC_RUN.fullmatch(s))


# A count (3项, 一个, 两套): numerals and a measure word of [count_classifiers]
_COUNT = re.compile("[0-9一二两三四五六七八九十百千]+(?:" + "|".join(sorted(_WORDS["count_classifiers"])) + ")")
# Tags of two-character words that qualify no name alone: adjectives, distinguishers, adverbs, numerals, pronouns
# (None: a word jieba's dictionary does not know, a fragment such as 即查 of 即查制度看落实)
_GENERIC_SHORT_TAGS = frozenset({None, "a", "ad", "an", "b", "z", "d", "m", "q", "r"})


def is_generic(name: str) -> bool:
    """Generic terms of the genre, not named mechanisms (see the module docstring)."""
    modifier = name[:-2]
    core = re.sub(r"[“”‘’\"]", "", modifier)
    if len(core) < 2 or _COUNT.fullmatch(core):
        return True  # a one-character qualifier (新机制) or a count (3项工程)
    if name in words("generic_names"):
        return True
    if len(core) == 2 and "“" not in modifier and (core in words("generic_short") or word_tag(core) in _GENERIC_SHORT_TAGS):
        return True  # a general qualifier (责任体系, 重大平台, 即查制度); 预案体系, 指挥体系, 防汛体系 are names
    if name.endswith(endings("generic_suffixes")) or name.startswith("工作"):
        return True
    if name.endswith("治理体系") and len(core) <= 4 or core in words("generic_alone"):
        return True
    return _only_generic(core)


def _head_is_modifier(text: str, he: int) -> bool:
    """制度优势, 制度创新, 体系标准: the head word modifies the noun after it."""
    if he < len(text) and (text[he] == "化" or HEAD_RE.match(text, he)):
        return True
    if text[he:he + 1] == "“":
        close = text.find("”", he + 1, he + 26)
        if close > 0 and is_numbered(text[he + 1:close]):
            return True  # 调度一张网“四个一”: an element spelled out before a numbered formula
    return text.startswith(endings("post_head_nouns"), he)


def _continues_item(text: str, he: int, doc) -> bool:
    """The head is followed by a noun or verbal noun of the same phrase (双重预防机制数字化建设)."""
    if he >= len(text) or not _WORD_CHAR.match(text[he]):
        return False
    nxt = next(iter(pieces(text, he, min(len(text), he + 6), doc)), None)
    if nxt is None:
        return False
    w = text[nxt[0]:nxt[1]]
    return len(w) >= 2 and (word_tag(w) or "") in ("n", "vn", "nz")


_COUNT_HEAD = re.compile(r"[一二两三四五六七八九十]+(?:大|项|个)")


def _counted_name(content: str) -> bool:
    """A quoted count of works or systems with a qualifier of its own (九大防灾工程), not a bare
    counted placeholder (六大体系, 九大重点工程 without its domain) or a slogan of several parts."""
    m = _COUNT_HEAD.match(content)
    if m is None or not content.endswith(HEADS):
        return False
    rest = content[m.end():]
    return len(rest) >= 4 and not re.search(r"[一二两三四五六七八九十、]", rest) and not is_generic(rest)


def _open_quote(text: str, lo: int, pos: int) -> Optional[int]:
    """Offset of the “ that ``pos`` is inside of (within ``[lo, pos)``), if any."""
    q = text.rfind("“", lo, pos)
    if q < 0 or "”" in text[q + 1:pos]:
        return None
    # a quoted term is short; a quoted speech (“下一步我们将……”) is plain text for this purpose
    if pos - q > 24 or re.search(r"[，。；！？：]", text[q + 1:pos]):
        return None
    return q


def find(ctx: DocContext, doc) -> Iterator[tuple[int, int, str, str, str]]:
    """(start, end, name, head, rule) of every named mechanism, in text order."""
    text = ctx.text
    for m in HEAD_RE.finditer(text):
        hs, he = m.span()
        if _head_is_modifier(text, he):
            continue
        ss, _ = ctx.sentence_of(hs)
        ss = max(ss, hs - 2 * MAX_NAME)  # names are short: never walk a whole run-on sentence
        lo, walk_from, end, rule = ss, hs, he, "mechanisms.head"
        q = _open_quote(text, ss, hs)
        if q is not None:
            if text[he:he + 1] == "”" and NUMERAL_START.match(text, q + 1):
                walk_from, end, rule = q, he + 1, "mechanisms.quoted_head"  # 地质灾害防治“三大工程”
            else:
                if text[he:he + 1] not in "”和、及与，+":  # “三化两体系一平台”: a slogan, not a name
                    continue
                lo = q + 1
        start = walk_left(ctx, doc, lo, walk_from, in_item=_continues_item(text, he, doc))
        if start is None:
            continue
        if walk_from == q:
            if start >= q:
                if not _counted_name(text[q + 1:hs + len(m.group(0))]):
                    continue  # “一网一池一平台”: a numbered formula and nothing else (kept as a formula)
                start, end = q + 1, he  # “九大防灾工程”: a count of named works, named inside the quote
                yield start, end, text[start:end], m.group(0), "mechanisms.counted_name"
                continue
            start = min(start, q)
        name = text[start:end]
        # a name that is wholly a quotation: “隐患治理体系” -> 隐患治理体系
        if name.startswith("“") and name.endswith("”") and name.count("“") == 1:
            start, end, name = start + 1, end - 1, name[1:-1]
        if not name.endswith(HEADS) and not name.endswith("”") or is_generic(name.rstrip("”")):
            continue
        if text[start - 1:start] == "的" and name.endswith(endings("generic_after_de")):
            continue  # 党政同责…的安全生产责任体系: a description of a generic system, not a name
        yield start, end, name, m.group(0), rule


def extract(ctx: DocContext, doc) -> None:
    """Append every named mechanism of ``ctx.text`` to ``ctx.extraction.mechanisms``."""
    for start, end, name, head, rule in find(ctx, doc):
        ctx.extraction.mechanisms.append(MechanismMention(prov=ctx.prov(start, end, rule), name=name, head=head))

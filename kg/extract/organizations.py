"""Organizations: DocContext + Doc -> ``ctx.extraction.organizations`` (OrganizationMention).

Bodies with an emergency-management role, one item per mention:

* emergency departments and bureaus (应急管理厅/局, 应急厅/局), the Ministry (应急管理部/应急部),
  the actor type 应急管理部门 and the own system's lower bureaus (区局, 县局);
* headquarters, committees, offices and centres named by the field's morphemes
  (防汛抗旱指挥部(办公室), 森林草原防灭火指挥部, 专项指挥部, 安全生产委员会, 应急指挥中心, 预警中心,
  人民政府总值班室) and their abbreviations (安委会, 应急委, 应急办, 减灾委, 森防指, 防指, 防办);
* sector departments named as co-responsible: "水利部门", a list with one head word
  "气象、水利、林草等部门" -> 气象部门, 水利部门, 林草部门 (``distributed_head``), "省水利厅";
* specific partner bodies a text works with ("会同省煤矿安全监察局"; "与…总局完善…机制", "与…局的应急协作").

The region before a body decides its name: a region as written is kept (江西省应急管理厅, X市应急委);
a bare level word for the document's own level gets the document region (省应急管理厅 ->
江西省应急管理厅, ``region_prefix``); a scope word (全省, 各级) or a list of levels
(省、市、县应急指挥中心, 市县两级应急管理部门) leaves the bare body; "省级…" names peers of other
regions and is dropped unless it is below the document's level (县级预警中心 in a city text); a bare
level word above the document's level names the division that contains its region (省应急管理厅 in
a city's speech -> the department of its province); a lower level written with its peers in
brackets is kept as the kind of body (各县（市、区）应急管理局), and so is a lower level after 各 (各区应急管理局
in a municipality's text -> 区应急管理局; 各市县三防指挥部 in a province's -> 市县三防指挥部); a bare body whose
clause names a township level (96个镇（街道）全部设立应急管理办公室) is named like that level's body when the
text writes it (镇（街道）应急管理办公室).
An abbreviation is named by its full form when the text also writes that (市应急局 ->
X市应急管理局), else as written; a bare body is named like the document's own body of the same
kind when the text has one (应急办 -> X市应急办).
The region is written into a bare body's name only where the text writes its own region's full
name (a page that says only 甘南 or 重庆 keeps 州安委会, 市应急管理局, 省安委会 as written; resolution
still binds them). A government between region and body names the body with it (哈尔滨市人民政府防汛抗旱
指挥部, 市政府应急办), and the shorter form the text also writes is that body; one sector department
after the own level word is the region's (市气象部门); a sub-unit after a sector bureau is named with
it (市公安局交警大队); bodies listed among internal units (…处、…中心、…处) are internal units;
"6个市应急局" is the kind of body of the counted units. The genre words of these rules are in
``kg/data/bodies.txt``.
A short name the text introduces ("（以下简称…）") names its body by the full form everywhere; a
level-qualified kind (县级应急管理部门) is the bare kind when the text also names that (应急管理部门), and a
scope reference (各级防指) adds no body when the document's own body of that kind is named (省防指).
A river basin's body is named with the river and its ministry (水利部黄河水利委员会).

Not extracted: leadership organs (党中央, 国务院, 省委/省政府), relational and generic references
(相关部门, 有关部门, 各部门, 行业部门, 涉灾部门), internal units, forces, facilities (大数据中心,
科创中心), media, meetings, companies, and anything inside 《》 (titles of documents).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple, Optional

from kg.datafiles import entries
from kg.extract.lexicon import (
    ABBREVIATION_VARIANTS,
    ABBREVIATIONS,
    BODY_MORPHEMES,
    DOC_RANK,
    HAN,
    LEVEL_RANK,
    SECTORS,
    divisions,
    divisions_by_name,
    is_own_level,
    jieba_tags,
    level_rank,
    token_bounds,
)
from kg.extract.spans import last_ending_at
from kg.models import OrganizationMention
from kg.nlp.context import DocContext

# Patterns are flat literal alternations (fast in ``re``); context is checked in Python.
_NOT_AFTER = set("门署分长面势队属件位")  # 部署, 局长, 局面, 部分 are words, not bodies
# Bodies written with a fixed word, longest first where one is a prefix of another.
_LITERAL_KIND = {
    "应急管理部门": "actor", "应急部门": "actor",
    "应急管理部": "ministry", "应急部": "ministry",
    "应急管理厅": "emergency", "应急管理局": "emergency", "应急厅": "emergency", "应急局": "emergency",
    "应急管理办公室": "office", "应急办公室": "office", "应急办": "office", "三防办": "office",
    # a township's emergency station (乡镇设立应急管理站); not 应急管理站位 (a stance)
    "应急管理站": "office",
    # a village's emergency room (村级设置应急管理室)
    "应急管理室": "office",
    "安委办": "office", "消安办": "office", "减灾办": "office", "森防办": "office",
    "安委会办公室": "office", "减灾委办公室": "office", "应急委办公室": "office",
    "应急委": "committee", "安委会": "committee", "消安委": "committee", "减灾委": "committee", "国家防总": "headquarters",
    "森防指": "headquarters", "防指": "headquarters", "防办": "office", "防总": "headquarters",
    # the office of an abbreviated headquarters is a body of its own (省防指办公室, as 省防办)
    "防指办公室": "office", "森防指办公室": "office",
}
_LITERAL = re.compile("|".join(sorted(_LITERAL_KIND, key=lambda w: (-len(w), w))))
_CHECK_AFTER = {"ministry", "emergency"}
_NOT_AFTER_STATION = set("位点在稳上")
_NEEDS_PREFIX = {"防指", "防办", "防总", "防指办公室"}  # alone they are parts of other words (预防指导)
# Heads of bodies named by the field's morphemes, read backwards from the head.
_HEAD_KIND = {"指挥部": "headquarters", "委员会": "committee", "指挥中心": "emergency", "预警中心": "emergency",
              "调度中心": "emergency", "值班中心": "emergency", "总值班室": "office"}
_HEAD = re.compile("|".join(sorted(_HEAD_KIND, key=lambda w: (-len(w), w))))
_MORPH_BACK = re.compile(
    "(?:" + "|".join(re.escape(m[::-1]) for m in sorted(BODY_MORPHEMES, key=lambda t: (-len(t), t))) + "){1,6}")
_BUREAU = re.compile("省厅|市局|县局|区局|州局|旗局")
# 应急管理 heads such lists too ("应急管理、水利、气象等部门"): it gives the actor 应急管理部门
_SECTOR_WORD = re.compile("|".join(sorted(set(SECTORS) | {"应急管理"}, key=lambda t: (-len(t), t))))
_SECTOR_OK_BEFORE = set("省市县区州旗、与和及同对向由等")
_SECTOR_SEP = {"、", "和", "及", "与", "以及"}
_SECTOR_DEPT = re.compile(r"(等)?(?:有关|相关)?部门")
# 委 closes a department's name as often as 委员会 (卫生健康委, 交通运输委, 发展改革委)
_SECTOR_BODY = re.compile(r"厅|局|委员会|委(?![托派屈任])")
_PARTNER = re.compile("会同|联合|协同|配合|商请")
_PARTNER_BODY = re.compile(rf"(?:省|市|县|区)?[{HAN}]{{2,10}}?(?:局|厅|委员会|办公室|指挥部)")
# "与 + body + 建立/完善/的…协作": a partner named with whom a mechanism is built or cooperation deepened
# (与…保安局的应急协作; foreign and cross-border bodies have longer names)
_PARTNER_WITH = re.compile(
    rf"(?<![参给赋])与([{HAN}]{{2,16}}?(?:总局|局|厅))"
    r"(?=的?(?:应急)?(?:协作|合作|联动|共建|签订|建立|完善|健全|深化|加强|开展))")
_GENERIC = re.compile(r"有关|相关|各|等|其他|其它|行业|主管|职能|成员|涉灾|政府组成|内设|所属|直属|下属|上级")
# What ends in 局 without being a bureau, and a 的 no body name has (协同配合的工作格局)
_NOT_BODY = re.compile(r"的|(?:格|布|大|全|开|结|破|时|危|残|定|骗|变)局$")
_BOOK = re.compile(r"《[^《》\n]*》")
_LEVEL = re.compile(r"(自治区|自治州|自治县|省|市|县|区|州|旗|盟)$")
_LEVEL_LIST = re.compile(r"(?:[省市县区乡镇州][、和及与]?){2,}(?:两级|三级|四级|五级)?$|(?:两|三|四|五)级$")
_SCOPE_BEFORE = "全各本我该两每多"
# Level words a partner body's name begins with (自治区地震局: the sector handler names it)
_LEVEL_HEAD = re.compile(r"^(自治区|自治州|自治县|省|市|县|区|州|旗|盟)")
_LEVEL_HEADS = re.compile(r"^(?:自治区|自治州|自治县|[省市县区州旗盟])+")
_BUREAU_OK_BEFORE = "各与和及、对向同由在从把被"
# A people's government between a region and a body (哈尔滨市人民政府防汛抗旱指挥部), heads of internal
# units (…处), sub-units after a sector bureau (公安局交警大队): kg/data/bodies.txt
_SECTOR_CORPS = tuple(entries("bodies.txt", "sector_corps"))
_GOVERNMENTS = tuple(sorted(entries("bodies.txt", "governments"), key=len, reverse=True))
_INTERNAL_HEADS = tuple(entries("bodies.txt", "internal_unit_heads"))
_SUB_UNIT = re.compile(rf"[{HAN}]{{0,4}}?(?:" + "|".join(entries("bodies.txt", "sub_units")) + r")(?![长员])")
# Morphemes too general to name a headquarters or committee on their own (管理委员会 of a park)
_WEAK_MORPHEMES = {"管理", "综合", "安全", "生产", "指挥", "处置", "防治"}


@dataclass
class _Org:
    start: int  # span of the whole mention (prefix included)
    end: int
    core_start: int
    core: str
    kind: str
    prefix: str  # region prefix as written ("" when bare)
    name: str
    construction: str = "literal"
    full_name: Optional[str] = None
    own: bool = False  # the document's own region's body
    scoped: bool = False  # bare after a scope word or a list of levels
    region_full: str = ""  # the full name of a region written in short form before the body (广西 -> 广西壮族自治区)


def _region_ending_at(ctx: DocContext, pos: int):
    return last_ending_at(ctx.extraction.regions, pos)  # (an index: a walk from the end is quadratic)


class _Prefix(NamedTuple):
    written: Optional[str]  # the prefix as written; "" when bare; None: drop the mention
    start: int
    canon: str  # the prefix to name the body with
    own: bool  # the body is the document region's own
    scoped: bool = False  # bare because of a scope word or a list of levels (全省, 各级, 市县两级)
    parent: bool = False  # a level above the document's: the division that contains its region
    region_full: str = ""  # full name of the region mention written as the prefix


# A level word with the levels of the same rank in brackets: 县（市、区）, 市（州）, 旗县（市、区）
# (市县（区）: a two-level word for the lower units with its peers)
_LEVEL_BRACKET = re.compile(r"([县市区州旗盟]{1,2})(（[县市区州旗盟、]+）)$")


# The Production and Construction Corps (and its divisions), an administration of its own
_CORPS = re.compile(r"(?:生产建设)?兵团(?:第[一二三四五六七八九十0-9]+师)?(?:[（(][^（）()]{2,8}[）)])?$")

# Levels below the county (townships and street offices) written before a body
_SUB_COUNTY = re.compile(r"((?:乡镇|镇街|街道|乡|镇)（[乡镇街道、]{1,6}）|乡镇|街道|镇街)$")


def _region_written(ctx: DocContext) -> Optional[str]:
    """The name of its own region the text writes with a level word, to prefix bare bodies with:
    the full name (江西省, 宣威市), else a short form that keeps its level (楚雄州 of 楚雄彝族自治州:
    its 州安委会 is 楚雄州安委会); None when the text writes only a bare short form (辽宁, 甘南)."""
    region = ctx.extraction.region
    if region is None:
        return None
    if region.anonymized or any(m.surface == region.name for m in ctx.extraction.regions):
        return region.name
    short = [m.surface for m in ctx.extraction.regions
             if m.name == region.name and len(m.surface) >= 3 and _LEVEL.search(m.surface)
             and m.surface[-1] == region.name[-1]]
    return max(sorted(set(short)), key=short.count) if short else None


@lru_cache(maxsize=64)
def _parent(adcode: Optional[str], level: str) -> Optional[str]:
    """Full name of the province (or prefecture) that contains the division ``adcode``."""
    if not adcode:
        return None
    key = adcode[:2] + "0000" if level == "province" else adcode[:4] + "00"
    return next((d.name for d in divisions() if d.adcode == key), None)


def _level_list(text: str, s: int, starts: set[int], ctx: Optional[DocContext] = None) -> Optional[re.Match]:
    """A list of levels ending at ``s`` (省、市、县; 市县两级), not one that begins inside a word (坐镇 + 市防指)."""
    base = max(0, s - 8)
    m = _LEVEL_LIST.search(text[base:s])
    if m is None:
        return None
    ls = base + m.start()
    if ctx is not None and _region_ending_at(ctx, ls + 1) is not None:
        return None  # 夏河县、州林草局: the first level character ends a place's name, it lists no levels
    if ls > 0 and ls not in starts and text[ls - 1:ls + 1] in jieba_tags() and text[ls - 1] not in _SCOPE_BEFORE:
        return None  # the first level character ends a word (坐镇); 各市 is a scope word and a level
    return m


def _prefix(ctx: DocContext, s: int, starts: set[int]) -> _Prefix:
    """What stands left of a body starting at ``s``."""
    text = ctx.text
    region = ctx.extraction.region
    m = _region_ending_at(ctx, s)
    if m is not None:
        if m.prov.rule == "regions.deictic":  # 我省应急管理厅 -> 江西省应急管理厅
            return _Prefix(m.surface, m.prov.start, m.name, True)
        return _Prefix(m.surface, m.prov.start, m.surface, region is not None and m.name == region.name,
                       region_full=m.name)
    for pre in ("国务院", "国家", "中国"):
        if text.startswith(pre, s - len(pre)):
            return _Prefix(pre, s - len(pre), pre, False)
    corps = _CORPS.search(text, max(0, s - 12), s)
    if corps is not None and corps.end() == s:
        # …生产建设兵团应急管理局, 兵团第三师应急管理局: the Corps administers its own territory
        cs = corps.start()
        r = _region_ending_at(ctx, cs)
        if r is not None:
            cs = r.prov.start
        else:  # the region is written inside the Corps' name (one word for the tokenizer)
            table = divisions_by_name()
            cs -= next((n for n in range(8, 1, -1) if text[max(0, cs - n):cs] in table and cs - n >= 0), 0)
        return _Prefix(text[cs:s], cs, text[cs:s], False)
    before = text[max(0, s - 8):s]
    if before.endswith("级"):
        lv = _LEVEL.search(before[:-1])
        if lv is None or _level_list(text, s, starts, ctx) or region is None:
            return _Prefix("", s, "", False, True)  # 各级安委会, 市县两级应急管理部门
        if level_rank(lv.group(1), region) > DOC_RANK[region.level]:
            p = lv.group(1) + "级"  # 县级预警中心 in a city text: the city's own lower units
            return _Prefix(p, s - len(p), p, False)
        return _Prefix(None, s, "", False)  # 省级应急管理厅（局） in a province text: peers elsewhere
    sub = _SUB_COUNTY.search(before)
    if sub is not None and s - len(sub.group(1)) in starts:
        # 街道应急管理办公室: the kind of body every township or street office has, below any document's level
        return _Prefix(sub.group(1), s - len(sub.group(1)), sub.group(1), False)
    br = _LEVEL_BRACKET.search(before)
    if br is not None and region is not None:
        for lead in dict.fromkeys((br.group(1), br.group(1)[-1])):
            if lead in ("旗县", "盟市") or all(c in LEVEL_RANK and level_rank(c, region) > DOC_RANK[region.level]
                                             for c in lead):
                # 各县（市、区）应急管理局 in a city text: the kind of body every lower unit has
                p = lead + br.group(2)
                return _Prefix(p, s - len(p), p, False)
    lv = _LEVEL.search(before)
    if lv is None:
        return _Prefix("", s, "", False)
    ll = _level_list(text, s, starts, ctx)
    if ll is not None:
        levels = re.findall(r"[省市县区乡镇州]", ll.group(0))
        if (region is not None and "级" not in ll.group(0) and not re.search(r"[、，和及与]", ll.group(0))
                and all(lvl in LEVEL_RANK and level_rank(lvl, region) > DOC_RANK[region.level] for lvl in levels)):
            # 区县应急管理局 in a municipality's text: one word for the lower units, the kind of body each has
            return _Prefix(ll.group(0), s - len(ll.group(0)), ll.group(0), False)
        return _Prefix("", s, "", False, True)  # 省、市、县应急指挥中心: a kind of body at every level
    level = lv.group(1)
    ls = s - len(level)
    prev = text[ls - 1] if ls > 0 else "\n"
    if prev == "各" and region is not None and level_rank(level, region) > DOC_RANK[region.level]:
        return _Prefix(level, ls, level, False)  # 各区应急管理局 in a municipality's text: the kind of lower body
    if prev in _SCOPE_BEFORE:
        return _Prefix("", s, "", False, True)  # 全省应急管理部门
    if prev == "个" and region is not None and level_rank(level, region) > DOC_RANK[region.level]:
        return _Prefix(level, ls, level, False)  # 6个市应急局: a count of lower units, the kind of body each has
    if ls not in starts and text[ls - 1:ls + 1] in jieba_tags():
        # the level character inside a word (城市, 社区); jieba's unknown joins (据市, 等市, 个市) still stand for it
        return _Prefix("", s, "", False)
    named = _region_written(ctx)
    if is_own_level(level, region):
        # 省应急管理厅 -> 江西省应急管理厅; a page that writes its region only in short form (甘南, 重庆)
        # keeps the bare form: the guideline's prefix is the region's name as the text has it in full
        # (or in a short form with its level word: 楚雄州)
        return _Prefix(level, ls, named or level, True)
    if named and not region.anonymized and level_rank(level, region) < DOC_RANK[region.level]:
        parent = _parent(region.adcode, "province" if level_rank(level, region) == 0 else "city")
        if parent:  # 省应急管理厅 in a city's speech: the department of the province it lies in
            return _Prefix(level, ls, parent, False, parent=True)
    return _Prefix(level, ls, level, False)


def _candidates(ctx: DocContext, starts: set[int]) -> list[_Org]:
    text = ctx.text
    books = [m.span() for m in _BOOK.finditer(text)]
    book_starts = [bs for bs, _ in books]

    def in_book(s: int, e: int) -> bool:
        i = bisect_left(book_starts, s) - 1  # the titles do not overlap: only the last one opened before s can hold it
        return i >= 0 and e < books[i][1]

    out: list[_Org] = []

    def in_list(s: int, e: int) -> bool:
        """The body is an item of a list of bodies (安委会、减灾委、防指、森防指)."""
        before = text[s - 1:s] == "、" and any(m.end() == s - 1 for m in _LITERAL.finditer(text, max(0, s - 9), s - 1))
        return before or text[e:e + 1] == "、" and _LITERAL.match(text, e + 1) is not None

    def add(s: int, e: int, core: str, kind: str, needs_prefix: bool = False) -> None:
        gov = next((g for g in _GOVERNMENTS if text.startswith(g, s - len(g))), "") if kind != "ministry" else ""
        if gov:
            p = _prefix(ctx, s - len(gov), starts)
            if p.written and "（" not in p.written:  # 哈尔滨市人民政府防汛抗旱指挥部, 市政府应急办: the body of that government, named with it
                pre = (p.canon if p.own or p.parent else p.written) + gov
                out.append(_Org(p.start, e, s, core, kind, p.written + gov, pre + core,
                                "region_prefix" if (p.own or p.parent) and p.canon != p.written else "literal",
                                own=p.own, region_full=p.region_full if p.region_full != p.written else ""))
                return
        p = _prefix(ctx, s, starts)
        if p.written is None or ((needs_prefix or core in _NEEDS_PREFIX) and not p.written and not p.scoped
                                 and not (core in _NEEDS_PREFIX and in_list(s, e))):
            return
        if p.written and kind == "ministry" and p.written not in ("国家", "中国"):
            return  # a region before 应急管理部 is a misreading, the Ministry is national
        name = (p.canon if p.own or p.parent else p.written) + core
        construction = "region_prefix" if (p.own or p.parent) and p.canon != p.written else "literal"
        out.append(_Org(p.start, e, s, core, kind, p.written, name, construction, own=p.own, scoped=p.scoped,
                        region_full=p.region_full if p.region_full != p.written else ""))

    for m in _LITERAL.finditer(text):
        s, e, core = m.start(), m.end(), m.group(0)
        kind = _LITERAL_KIND[core]
        if in_book(s, e) or (kind in _CHECK_AFTER and text[e:e + 1] in _NOT_AFTER):
            continue
        if core.endswith("站") and text[e:e + 1] in _NOT_AFTER_STATION:
            continue  # 站位, 站点, 站在: 站 begins another word
        if core.endswith("委") and text.startswith("员会", e):
            continue  # 应急委员会: the committee's full name (read from its head), not the abbreviation
        add(s, e, core, kind)

    for m in _HEAD.finditer(text):
        s, e, head = m.start(), m.end(), m.group(0)
        if in_book(s, e):
            continue
        kind = _HEAD_KIND[head]
        if head == "总值班室":
            for pre in ("人民政府", "政府"):
                if text.startswith(pre, s - len(pre)):
                    s -= len(pre)
                    break
            add(s, e, text[s:e], kind)
            continue
        if head in ("指挥部", "委员会") and text.startswith("办公室", e):
            e += 3
            kind = "office"
        if head == "指挥部" and text[s - 1:s] == "总":
            s -= 1
        back = _MORPH_BACK.match(text[max(0, s - 24):s][::-1])
        chain = back.group(0)[::-1] if back else ""
        if head in ("指挥部", "委员会") and (not chain or _only_weak(chain)):
            continue  # 分指挥部, bare 指挥部, 管理委员会: no name of the field
        basin = _basin_start(ctx, s - len(chain), starts)
        if basin is not None:  # 黄河水利委员会, 水利部淮河水利委员会: a river basin's body (and its ministry)
            if not in_book(basin, e):
                out.append(_Org(basin, e, basin, text[basin:e], "partner", "", text[basin:e]))
            continue
        # a bare 指挥中心/预警中心 names a body only with a level before it (县级预警中心)
        add(s - len(chain), e, text[s - len(chain):e], kind, needs_prefix=not chain)

    for m in _BUREAU.finditer(text):
        s, e, core = m.start(), m.end(), m.group(0)
        prev = text[s - 1] if s else "\n"
        if in_book(s, e) or prev in "省市县区" or text[e:e + 1] in "长面势部":
            continue
        if not (s in starts or prev in _BUREAU_OK_BEFORE or not ("\u4e00" <= prev <= "\u9fff")):
            continue
        region = ctx.extraction.region
        level = core[0]
        if is_own_level(level, region):
            # 市局 in a city text, 省厅 in a province text: the document's own emergency body
            body = "应急管理厅" if region.level == "province" else "应急管理局"
            out.append(_Org(s, e, s, core, "emergency", "", region.name + body, "abbreviation",
                            region.name + body, own=True))
        elif region is None or level_rank(level, region) > DOC_RANK[region.level]:
            out.append(_Org(s, e, s, core, "actor", "", core))
        elif not region.anonymized:
            # 省厅 in a city's text: the department of the province it lies in, named as written
            parent = _parent(region.adcode, "province" if level_rank(level, region) == 0 else "city")
            body = "应急管理厅" if level_rank(level, region) == 0 else "应急管理局"
            out.append(_Org(s, e, s, core, "emergency", "", core, full_name=parent + body if parent else None))

    # sector words: lists closed by 部门 ("气象、水利、林草等部门"), or one word + 厅/局 ("省水利厅")
    words = [(m.start(), m.end(), m.group(0)) for m in _SECTOR_WORD.finditer(text)]
    k = 0
    while k < len(words):
        run = [words[k]]
        while k + 1 < len(words) and text[run[-1][1]:words[k + 1][0]] in _SECTOR_SEP | {""}:
            k += 1
            if words[k][0] == run[-1][1]:  # 规划自然资源: two sector words make one department's name
                run[-1] = (run[-1][0], words[k][1], run[-1][2] + words[k][2])
            else:
                run.append(words[k])
        k += 1
        s, e = run[0][0], run[-1][1]
        prev = text[s - 1] if s else "\n"
        if in_book(s, e) or not (s in starts or prev in _SECTOR_OK_BEFORE or not ("\u4e00" <= prev <= "\u9fff")
                                 or text[max(0, s - 2):s] in ("国家", "中国")
                                 or len(run) == 1 and _basin_start(ctx, s, starts) is not None):
            continue  # a sector word inside another word
        dept = _SECTOR_DEPT.match(text, e)
        if dept and len(run) == 1 and dept.group(0) == "部门" and run[0][2] != "应急管理" and _LEVEL.search(text[:s]):
            add(s, dept.end(), run[0][2] + "部门", "sector")  # 市气象部门: the region's own department
            continue
        if dept and len(run) > 1 or (dept and run[0][2] != "应急管理"):  # 应急管理部门 alone is a literal body
            cons = "distributed_head" if len(run) > 1 else "literal"
            for _, _, w in run:
                kind = "actor" if w == "应急管理" else "sector"
                out.append(_Org(s, dept.end(), s, w, kind, "", w + "部门", cons))
            continue
        body = _SECTOR_BODY.match(text, e)
        corps = next((c for c in _SECTOR_CORPS if text.startswith(c, s)), None) if len(run) == 1 else None
        if corps is not None:
            add(s, s + len(corps), corps, "sector")  # 市消防救援支队: the service's body of that level
            continue
        if body and len(run) == 1 and run[0][2] != "应急管理" \
                and not (text[body.end():body.end() + 1] in _NOT_AFTER and text[body.end() - 1:body.end() + 1] in jieba_tags()) \
                and not _MORPH_BACK.match(text[max(0, s - 8):s][::-1]):
            # not after a qualifier of the field: 国家森林消防局 is no 消防局
            basin = _basin_start(ctx, s, starts)
            if basin is not None:  # 黄河水利委员会, 水利部淮河水利委员会: a river basin's body (and its ministry)
                out.append(_Org(basin, body.end(), basin, text[basin:body.end()], "partner", "",
                                text[basin:body.end()]))
            else:
                end = body.end()
                sub = _SUB_UNIT.match(text, end) if text[end - 1] == "局" else None
                if sub is not None and sub.end() in starts | {len(text)}:
                    end = sub.end()  # 公安局交警大队: the sub-unit, named with its bureau
                add(s, end, text[s:end], "sector")

    # (start of the trigger, start and end of the body)
    partners = [(m.start(), b.start(), b.end()) for m in _PARTNER.finditer(text)
                if (b := _PARTNER_BODY.match(text, m.end())) is not None]
    partners += [(m.start(), m.start(1), m.end(1)) for m in _PARTNER_WITH.finditer(text)]
    for ts, s, be in sorted(partners):
        body = text[s:be]
        if (_GENERIC.search(body) or _NOT_BODY.search(body) or in_book(ts, be) or "部门" in body
                or _LITERAL.search(body)
                or _HEAD.search(body) or _SECTOR_WORD.match(_LEVEL_HEADS.sub("", body))
                or text[be:be + 1] in _NOT_AFTER):
            continue
        lv = _LEVEL_HEAD.match(body)
        region = ctx.extraction.region
        if lv and is_own_level(lv.group(1), region):
            name, cons, own = region.name + body[lv.end():], "region_prefix", True
        else:
            name, cons, own = body, "literal", False
        out.append(_Org(s, be, s, body, "partner", "", name, cons, own=own))
    out[:] = [o for o in out if not _among_internal_units(text, o.start, o.end)]
    for o in out:  # 国家矿山安全监察局四川局: a national bureau's branch in a region
        e = _branch_end(text, o.end) if o.name.startswith(("国家", "中国")) and o.name.endswith("局") else None
        if e is not None:
            tail = text[o.end:e]
            o.end, o.core, o.name = e, o.core + tail, o.name + tail
    return out


_LIST_ITEM = re.compile(r"[^、，。；：\n]{1,14}")


def _among_internal_units(text: str, s: int, e: int) -> bool:
    """The body is an item of a list of internal units (下设综合科、规划财务科、应急指挥中心、救灾科)."""
    if text[s - 1:s] == "、":
        prev = re.search(r"[^、，。；：\n]{1,14}$", text[max(0, s - 15):s - 1])
        if prev is not None and prev.group(0).endswith(_INTERNAL_HEADS):
            return True
    if text[e:e + 1] == "、":
        nxt = _LIST_ITEM.match(text, e + 1)
        if nxt is not None and nxt.group(0).endswith(_INTERNAL_HEADS):
            return True
    return False


_LEVEL_END = set("省市县区州旗盟乡镇村")
_MINISTRY = re.compile("(?:" + "|".join(sorted(SECTORS, key=lambda t: (-len(t), t))) + ")部$")


def _basin_start(ctx: DocContext, s: int, starts: set[int]) -> Optional[int]:
    """Start of a geographic name (a river, lake or basin: 黄河, 淮河, 太湖) written right before a body
    starting at ``s`` and no region, with the ministry the basin body belongs to (水利部), if any."""
    if _region_ending_at(ctx, s) is not None:
        return None
    text, tags = ctx.text, jieba_tags()
    n = next((n for n in (4, 3, 2) if s - n in starts and tags.get(text[s - n:s]) == "ns"), None)
    if n is None or text[s - 1] in _LEVEL_END or text[s - n:s] in divisions_by_name():
        return None
    b = s - n
    m = _MINISTRY.search(text, max(0, b - 12), b)
    return m.start() if m is not None and m.start() in starts or m is not None and m.start() == 0 else b


def _branch_end(text: str, e: int) -> Optional[int]:
    """End of a region name + 局/分局 written right after a bureau ending at ``e``, if any."""
    table = divisions_by_name()
    for n in range(8, 1, -1):
        if text[e:e + n] in table:
            for tail in ("分局", "局"):
                if text.startswith(tail, e + n) and text[e + n + len(tail):e + n + len(tail) + 1] not in _NOT_AFTER:
                    return e + n + len(tail)
            return None
    return None


_MORPH_FWD = re.compile("|".join(sorted(BODY_MORPHEMES, key=lambda t: (-len(t), t))))


def _only_weak(chain: str) -> bool:
    """The chain is built only of weak morphemes, read as the field's morphemes longest first
    (安全生产 is one morpheme of the field: 安全生产委员会 is a body; 管理委员会 is not)."""
    parts = _MORPH_FWD.findall(chain)
    if "".join(parts) != chain:
        return not re.sub("|".join(sorted(_WEAK_MORPHEMES, key=len, reverse=True)), "", chain)
    return all(p in _WEAK_MORPHEMES for p in parts)


def _canonicalise(orgs: list[_Org]) -> None:
    """Abbreviations by their full form where the text writes it; bare bodies by the own prefixed one."""
    names = {o.name for o in orgs}
    for o in orgs:
        if o.core not in ABBREVIATIONS or o.construction == "abbreviation":
            continue
        pre = o.name[: len(o.name) - len(o.core)]
        forms = [pre + f for f in ABBREVIATION_VARIANTS.get(o.core, ()) + (ABBREVIATIONS[o.core],)]
        full = next((f for f in forms if f in names), forms[0])
        o.full_name = full
        if full in names:
            o.name = full
            o.construction = "abbreviation"
    names = {o.name for o in orgs}
    for o in orgs:  # 广西应急管理厅 is 广西壮族自治区应急管理厅 when the text also writes that: the fullest form
        if o.region_full and o.name.startswith(o.prefix) and o.region_full + o.name[len(o.prefix):] in names:
            o.name = o.region_full + o.name[len(o.prefix):]
            o.construction = "region_prefix"
    names = {o.name for o in orgs}
    for o in orgs:  # 哈尔滨市防汛抗旱指挥部 is 哈尔滨市人民政府防汛抗旱指挥部 when the text writes that: the fullest form
        fuller = next((o.name[:i] + g + o.name[i:] for g in _GOVERNMENTS if g not in o.name
                       for i in range(2, len(o.name) - 1) if o.name[:i] + g + o.name[i:] in names), None)
        if fuller is not None:
            o.name = fuller
    own_by_core: dict[str, str] = {}
    for o in orgs:
        if o.own and o.prefix:
            own_by_core.setdefault(o.core, o.name)
            if o.core in ABBREVIATIONS:
                own_by_core.setdefault(ABBREVIATIONS[o.core], o.name)
    for o in orgs:
        if (not o.prefix and not o.own and not o.scoped and o.kind not in ("actor", "sector", "partner")
                and o.core in own_by_core):
            o.name = own_by_core[o.core]
            o.construction = "region_prefix"
            o.own = True
        elif (not o.prefix and not o.scoped and o.kind == "sector" and o.construction == "literal"
              and o.core.endswith(("局", "厅", "委")) and o.core in own_by_core):
            # 召集水利局… 市水利局通报…: the bare bureau is the region's own one the text also names
            o.name = own_by_core[o.core]
            o.construction = "region_prefix"
            o.own = True


# "市森林防灭火指挥部（以下简称市森防指）": the text defines its own short name for a body
_ALIAS = re.compile(r"[（(](?:以下)?简称[“\"]?")


def _name_by_alias(text: str, orgs: list[_Org]) -> None:
    """A short name the text introduces for a body names that body everywhere (its fullest form)."""
    by_start = {o.start: o for o in orgs}
    alias: dict[str, str] = {}
    for o in orgs:
        m = _ALIAS.match(text, o.end)
        short = by_start.get(m.end()) if m else None
        if short is not None and short is not o and text[short.end:short.end + 2].lstrip("”\"")[:1] in "）)" \
                and short.name != o.name:
            alias.setdefault(short.name, o.name)
    for o in orgs:
        if o.name in alias:
            o.full_name = o.name = alias[o.name]
            o.construction = "abbreviation"


def _merge_level_kinds(orgs: list[_Org]) -> None:
    """One entry per kind of body: a level-qualified kind (县级应急管理部门, 区级预警中心) is the bare kind
    the text also names (应急管理部门, 各级预警中心); a scope reference (各级防指) to bodies of which the
    document's own is named (省防指) adds no body."""
    bare = {o.name for o in orgs if not o.prefix and o.name == o.core}
    for o in orgs:
        if o.prefix.endswith("级") and o.core in bare and o.name == o.prefix + o.core:
            o.name, o.construction = o.core, "literal"
    own = {o.core for o in orgs if o.own and o.prefix}
    orgs[:] = [o for o in orgs if not (o.scoped and o.kind not in ("actor", "sector") and o.core in own
                                       and o.name == o.core)]


_CLAUSE_START = re.compile(r"[，。；：！？,;:!?\n]")


def _name_by_clause_level(text: str, orgs: list[_Org]) -> None:
    """A bare body whose clause names a township level as its holder (96个镇（街道）全部设立应急管理办公室)
    is named like that level's body when the text also writes it (镇（街道）应急管理办公室)."""
    written = {o.name: o for o in orgs if o.prefix and _SUB_COUNTY.fullmatch(o.prefix)}
    if not written:
        return
    for o in orgs:
        if o.prefix or o.own or o.scoped or o.kind not in ("office", "emergency"):
            continue
        clause = text[max(0, o.start - 24):o.start]
        cut = list(_CLAUSE_START.finditer(clause))
        clause = clause[cut[-1].end():] if cut else clause
        level = next((p for p in sorted({w.prefix for w in written.values()}, key=len, reverse=True)
                      if p in clause and p + o.core in written), None)
        if level is not None:
            o.name, o.construction = level + o.core, "region_prefix"


def extract(ctx: DocContext, doc) -> None:
    """Append one OrganizationMention per body mentioned."""
    _, starts, _ = token_bounds(doc, ctx.text)
    orgs = sorted(_candidates(ctx, starts), key=lambda o: (o.core_start, o.start))
    _canonicalise(orgs)
    _name_by_alias(ctx.text, orgs)
    _name_by_clause_level(ctx.text, orgs)
    _merge_level_kinds(orgs)
    for o in orgs:
        # a distributed head's surface is its item as written (气象 of 气象、水利等部门)
        surface = ctx.text[o.start:o.end] if o.construction != "distributed_head" else o.core
        ctx.extraction.organizations.append(OrganizationMention(
            prov=ctx.prov(o.start, o.end, f"organizations.{o.kind}"), name=o.name, surface=surface, kind=o.kind,
            construction=o.construction, full_name=o.full_name))

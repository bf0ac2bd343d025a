"""Events: DocContext + Doc -> ``ctx.extraction.events`` (Event).

Named disasters and incidents, each with a type word taken from the text:

* typhoons by their quoted names: 台风“海葵”, 超强台风‘山竹’, “杜苏芮”台风; a run of
  quoted names after one 台风 (台风“海葵”“苏拉”“杜苏芮”) gives one event per name;
* a place (a region mention of :mod:`kg.extract.regions`) or a date code (10·14, “8·12”),
  then at most a short description, then a type word: 玉树7.1级地震, 丽水城东仓库火灾,
  汉中7·3隧道坍塌, 黄山“6·9”森林火灾; the name runs from the place (with a province or a date
  code written before it) to the type word and an incident noun after it (…爆炸事故, …暴雨灾害);
* an accident named by its place and grade (某市某区重大火灾事故, 某市某县较大道路交通事故);
* quakes named by any division (芦山强烈地震, 九寨沟7.0级地震) and numbered floods (赣江2020年第1号洪水);
* named epidemics: 新冠肺炎疫情, 新型冠状病毒肺炎疫情, 非典疫情 ….

Generic mentions (山洪灾害, 这次疫情, 极端天气灾害, 5.1级地震 with no place, 一起…泄漏) and fields of
work (某省加强森林草原火灾防治) are not events. One event written under two surfaces (“8·8”九寨沟7.0级地震, later 九寨沟地震) is named by
its fullest surface.

>>> from kg.nlp.context import DocContext
>>> from kg.text.normalize import normalise
>>> from kg.models import LoadedDocument, SourceMeta
>>> text = "成功抵御台风“海葵”“苏拉”，新冠肺炎疫情防控有力，这次疫情影响很大。"
>>> ctx = DocContext(normalise(LoadedDocument(meta=SourceMeta(id="d", file="d.txt"), path="d.txt",
...     text=text, encoding="utf-8", format="txt", sha256="")))
>>> extract(ctx, None)
>>> [(e.name, e.type) for e in ctx.extraction.events]
[('海葵', '台风'), ('苏拉', '台风'), ('新冠肺炎疫情', '疫情')]
"""

from __future__ import annotations

import re

from kg.extract.lexicon import HAN, divisions_by_name
from kg.extract.spans import SpanSet
from kg.models import Event
from kg.nlp.context import DocContext

_Q = r"[“‘\"「『]"
_QE = r"[”’\"」』]"
_TYPHOON = re.compile("台风")
_TYPHOON_AFTER = re.compile(rf"(?:{_Q}[{HAN}A-Za-z·]{{1,8}}{_QE}[、和及与]?)+")
_QUOTED_BEFORE = re.compile(rf"{_Q}([{HAN}]{{2,6}}){_QE}(?:号)?(?:超强|强)?$")
_QUOTED = re.compile(rf"{_Q}([{HAN}A-Za-z·]{{1,8}}){_QE}")
# Type words, longest first; the name of an event ends with one of them.
TYPES = ("森林火灾", "草原火灾", "林火", "山火", "火灾", "爆炸", "爆燃", "坍塌", "垮塌", "倒塌", "塌方", "地震",
         "泥石流", "滑坡", "山体滑坡", "洪水", "洪灾", "洪涝", "山洪", "内涝", "暴雨", "透水", "溃坝", "冒顶", "中毒",
         "窒息", "雪崩", "冰湖溃决", "泄漏", "踩踏", "翻沉", "侧翻", "疫情", "台风", "龙卷风", "风暴潮", "冰雹", "雪灾",
         "寒潮", "干旱", "旱灾", "矿难")
_TYPE = "(?:" + "|".join(sorted(TYPES, key=lambda t: (-len(t), t))) + ")"
_DATE_CODE = r"[“\"]?\d{1,2}\s*[·.．•]\s*\d{1,2}[”\"]?"
# A description between the place and the type word: no punctuation, no verb-like break.
_DESC = rf"[{HAN}A-Za-z0-9.·“”\"]{{0,14}}?"
_PLACE_EVENT = re.compile(rf"(?P<desc>{_DESC})(?P<type>{_TYPE})")
_CODE = re.compile(r"\d{1,2}\s*[·.．•]\s*\d{1,2}")
_CODE_EVENT = re.compile(rf"(?P<code>{_DATE_CODE})(?!级)(?P<desc>[{HAN}]{{0,10}}?)(?P<type>{_TYPE})")
_EPIDEMIC = re.compile(
    r"(?:新冠肺炎|新型冠状病毒肺炎|新型冠状病毒感染的肺炎|新型冠状病毒感染|新冠病毒|新冠|非典型肺炎|非典|SARS|甲型H1N1流感|"
    r"甲流|H7N9禽流感|禽流感|非洲猪瘟|鼠疫|霍乱)疫情"
)
# What may stand between a place and 地震: a magnitude and/or a size word (玉树7.1级地震, 海城大地震)
_QUAKE_DESC = re.compile(r"(?:\d+(?:\.\d+)?级)?(?:特大|强烈|大)?")
# Words that show the span is a kind of event or a field of work, not one event
# (江西省安全生产…, 全省森林火灾起数, 各类事故, 一起…泄漏)
_GENERIC_DESC = re.compile(
    r"各类|各种|一般|较大|重大|重特大|此类|这类|这次|此次|该|等|类|的|和|与|、|防范|预防|应对|处置|发生|"
    r"安全|生产|管理|应急|工作|风险|隐患|灾害|监测|预警|救援|防控|治理|防治|重点|领域|行业|企业|系统|全|各|年|"
    r"一起|一场|一次|多起|牧区|山区|林区|农区|灾区|城区|沿海|库区|"
    r"建成|建设|实施|开展|推进|完善|冬春|春季|夏季|秋季|冬季|汛期|[两三四五六七八九十][州市县区盟]"
)
_CODE_GENERIC = re.compile(r"各类|此类|这类|等|的|、")
# Verbs of work before a type word (山西加强森林草原火灾防治): a field of work, not an event
_WORK_VERB = re.compile(r"加强|强化|做好|抓好|抓实|落实|深化|聚焦|围绕|针对|应对|严防")
# Work nouns right after a type word (火灾防治, 地震监测, 洪水预警): the type names a field, not an event
_WORK_AFTER = re.compile(r"防治|防控|防范|防御|防灭火|风险|隐患|监测|预警|预报|治理|工作|应急|救援|处置|科普|宣传")
# An accident named by its place and its grade (某市某区重大火灾事故, 某市某县较大道路交通事故): the
# official naming of an investigated accident; the grade alone before a type is a kind (较大事故)
_COUNTED_AFTER = re.compile(r"起|数|率|总|同比|下降|上升|减少|增加")  # 某市较大火灾事故起数: a statistic
_GRADED = re.compile(rf"(?:特别重大|重大|较大)(?:(?P<type>{_TYPE})事故|(?P<road>道路交通事故|交通事故))")
# An incident noun written right after the type word belongs to the name (…爆炸事故, …暴雨灾害)
_SUFFIX = re.compile(r"事故|灾害|事件")
# Officially numbered floods: 赣江2020年第1号洪水, 珠江流域2022年第2号洪水
_NUMBERED_FLOOD = re.compile(r"(?:(?:19|20)\d{2}年)?第\d{1,2}号洪水")
_RIVER = re.compile(r"(?:江|河|湖|流域|水系|溪)$")
# Quakes named by place: 芦山强烈地震, 海城大地震, 九寨沟7.0级地震 (the place may be any division)
_QUAKE = re.compile(r"(?:\d+(?:\.\d+)?级)?(?:特大|强烈|大)?地震")
# What varies between two surfaces of one event (“8·8”九寨沟7.0级地震 / 九寨沟地震): date codes,
# magnitudes, size and grade words, the incident noun
_SURFACE_NOISE = re.compile(
    r"[“”\"‘’]|\d+(?:\.\d+)?级|\d{1,2}\s*[·.．•]\s*\d{1,2}|特别重大|重特大|特大|重大|较大|强烈|大|事故|灾害|事件")
# The rest of a mechanism's name after an event type word (…林火联防联控机制, …地震应急预案体系)
_INSIDE_MECHANISM = re.compile(rf"[{HAN}]{{0,8}}?(?:机制|体系|制度|平台|工程|格局)")
# Right after a bare "<place><type>" name (舟曲泥石流、…): the end of a name, not a compound word
_NAME_END = re.compile(rf"(?:[^{HAN}]|[、等中后时])")


def _add(ctx: DocContext, seen: set, start: int, end: int, name: str, type_: str, rule: str) -> None:
    key = (start, end)
    if key in seen:
        return
    seen.add(key)
    ctx.extraction.events.append(Event(prov=ctx.prov(start, end, rule), name=name, type=type_))


def _with_suffix(text: str, end: int) -> int:
    """End of the name with the incident noun written after the type word (爆炸事故, 暴雨灾害)."""
    m = _SUFFIX.match(text, end)
    return m.end() if m else end


def _compound_type(text: str, end: int, type_: str) -> tuple[int, str]:
    """A second type word right after the first names the event by the last (火灾爆炸事故 -> 爆炸)."""
    m = _TYPE_AT.match(text, end)
    return (m.end(), m.group(0)) if m else (end, type_)


_TYPE_AT = re.compile(_TYPE)


_CODE_BEFORE = re.compile(rf"{_DATE_CODE}$")


def _division_before(text: str, pos: int) -> int:
    """Start of the division names (full or short forms, one or two in a row: 四川宜宾, 鹤岗)
    written right before ``pos``, with a date code written before them (“8·8”九寨沟);
    ``pos`` if there is none."""
    table = divisions_by_name()
    start = pos
    for _ in range(2):
        k = next((k for k in range(min(8, start), 1, -1) if text[start - k:start] in table), 0)
        if not k:
            break
        start -= k
    if start < pos:
        code = _CODE_BEFORE.search(text, max(0, start - 8), start)
        if code and (code.group(0)[0] in "“\"" or not text[code.start() - 1:code.start()].isdigit()):
            start = code.start()
    return start


def _place_before(text: str, pos: int, doc) -> int:
    """Start of the place written right before a date code: division names, else one token
    jieba does not know as a word or knows as a place (a forest farm, a river)."""
    start = _division_before(text, pos)
    if start < pos:
        return start
    if doc is None:
        return pos
    from kg.extract.mechanisms import pieces, word_tag

    prev = [p for p in pieces(text, max(0, pos - 12), pos, doc)]
    if prev and prev[-1][1] == pos and _is_site(text[prev[-1][0]:pos]):
        # a site: its proper name (某某煤矿, 某某新区, 某某公司), with the divisions before it
        start = prev[-1][0]
        for s, e in reversed(prev[:-1]):
            w = text[s:e]
            if e != start or pos - s > 10 or not re.fullmatch(f"[{HAN}]+", w) \
                    or word_tag(w) not in _NAME_TAGS and (len(w) > 1 or w in _FUNCTION_CHARS):
                break  # (a single character inside a proper name may carry any tag: 山脚 | 树 | 煤矿)
            start = s
            if w in divisions_by_name():
                break  # <city><mine name>煤矿: the division the site lies in starts the name
        if start < prev[-1][0]:
            return _division_before(text, start)
    if prev:  # one token that is a name of its own (天津港, a forest farm)
        s, e = prev[-1]
        w = text[s:e]
        if e == pos and 2 <= len(w) <= 4 and re.fullmatch(f"[{HAN}]+", w) and word_tag(w) in (None, "ns"):
            return s
    return pos


# Sites where an incident happens, after their proper name and before a date code
# (某某煤矿“9·27”…, 某某新区“12·20”…, 某某公司“3·21”…)
_SITES = frozenset({"煤矿", "矿", "矿井", "新区", "园区", "开发区", "化工园区", "工业园", "工业园区", "公司", "化工厂",
                    "工厂", "厂", "小区", "隧道", "水库", "林场", "港", "码头", "大桥", "商场", "广场", "大厦", "酒店",
                    "市场", "镇", "乡", "村", "街道", "景区"})
_FUNCTION_CHARS = frozenset("的在和与及了是对向从等把被将")


def _is_site(w: str) -> bool:
    """A site noun (煤矿, 新区), or a word ending in a kind of premises (烧烤店, 化工厂, 体育馆)."""
    return w in _SITES or len(w) >= 2 and w[-1] in "店厂矿馆楼站港"


# jieba tags of the words a proper name is read over (unknown words, nouns, place and person names)
_NAME_TAGS = frozenset({None, "n", "ns", "nr", "nz", "ng", "zg", "j"})


def _code_of(name: str) -> str:
    m = _CODE.search(name)
    return re.sub(r"[.．•]", "·", re.sub(r"\s+", "", m.group(0))) if m else ""


def _merge_surfaces(ctx: DocContext) -> None:
    """One event written under several surfaces is named by its fullest one; the mentions
    keep their own spans. Surfaces are one event when their type and date code agree
    and one names the place more fully or not at all (河南郑州“7·20”特大暴雨灾害, “7·20”特大暴雨灾害),
    comparing them without codes, magnitudes and grade words; a surface without a code joins
    one with (“8·8”九寨沟7.0级地震, 九寨沟地震). Two different codes are two events (“9·27”重大
    火灾事故, “12·4”重大火灾事故), and so are two places (凉山木里“3·30”森林火灾, 西昌“3·30”森林火灾)."""
    events = ctx.extraction.events
    group = list(range(len(events)))

    def find(i: int) -> int:
        while group[i] != i:
            group[i] = group[group[i]]
            i = group[i]
        return i

    info = [(e.type, _code_of(e.name), _SURFACE_NOISE.sub("", e.name)) for e in events]
    # mentions of one surface are compared once: pairs of distinct surfaces, not of mentions
    # (a long document names its events hundreds of times)
    first: dict[tuple[str, str, str], int] = {}
    for i, key in enumerate(info):
        if key in first:
            group[find(i)] = find(first[key])
        else:
            first[key] = i
    distinct = list(first.values())
    for a, i in enumerate(distinct):
        for j in distinct[:a]:
            (ti, ci, ki), (tj, cj, kj) = info[i], info[j]
            if ti != tj or ci and cj and ci != cj:
                continue
            if ki in kj or kj in ki:  # one names the place more fully, or not at all
                group[find(i)] = find(j)
    fullest: dict[int, str] = {}
    for i, e in enumerate(events):
        g = find(i)
        if len(e.name) > len(fullest.get(g, "")):
            fullest[g] = e.name
    for i, e in enumerate(events):
        e.name = fullest[find(i)]


def extract(ctx: DocContext, doc) -> None:
    """Append one Event per named event mentioned."""
    text = ctx.text
    seen = SpanSet()  # (the containment tests below look at nearby spans only)
    for t in _TYPHOON.finditer(text):
        after = _TYPHOON_AFTER.match(text, t.end())  # 台风“海葵”“苏拉”
        if after is not None:
            for q in _QUOTED.finditer(after.group(0)):
                s = after.start() + q.start(1)
                _add(ctx, seen, s, s + len(q.group(1)), q.group(1), "台风", "events.typhoon")
            continue
        before = _QUOTED_BEFORE.search(text, max(0, t.start() - 12), t.start())  # “杜苏芮”台风
        if before is not None:
            _add(ctx, seen, before.start(1), before.end(1), before.group(1), "台风", "events.typhoon")
    for m in _EPIDEMIC.finditer(text):
        _add(ctx, seen, m.start(), m.end(), m.group(0), "疫情", "events.epidemic")
    # place + description + type word
    for r in ctx.extraction.regions:
        if r.prov.rule == "regions.deictic":
            continue
        m = _PLACE_EVENT.match(text, r.prov.end)
        if seen.holds(r.prov.start):
            continue  # 顺德区 inside 佛山市顺德区火灾 is not a second event
        g = _GRADED.match(text, r.prov.end) if r.level != "province" else None  # (全省较大事故: a kind)
        if g is not None and not _COUNTED_AFTER.match(text, g.end()):
            start = _division_before(text, r.prov.start)
            _add(ctx, seen, start, g.end(), text[start:g.end()], g.group("type") or g.group("road"),
                 "events.graded_accident")
            continue
        if m is None:
            continue
        desc, type_ = m.group("desc"), m.group("type")
        if type_ in ("台风", "疫情") or _GENERIC_DESC.search(desc) or _WORK_VERB.search(desc) \
                or _WORK_AFTER.match(text, m.end()):
            continue  # typhoons and epidemics have their own rules; a field of work is no event
        if type_ == "地震" and desc and not _QUAKE_DESC.fullmatch(desc):
            continue
        if not desc and (r.level == "province" or (m.end() < len(text) and not _NAME_END.match(text, m.end()))
                         or text[m.end():m.end() + 1] in ("：", ":")):
            continue  # 江西森林火灾起数: a statistic of a province; 梅州山洪：…, a section's label
        start = _division_before(text, r.prov.start)  # 四川宜宾: the province written before the city
        code = _CODE_BEFORE.search(text, max(0, start - 8), start)
        if start == r.prov.start and code and code.group(0)[0] in "“\"":
            start = code.start()  # “8·8”九寨沟7.0级地震: a quoted date code before the place
        end, type_ = _compound_type(text, m.end(), type_)
        end = _with_suffix(text, end)
        if _INSIDE_MECHANISM.match(text, end):
            continue  # …山区林火联防联控机制: the type word is inside a mechanism's name
        _add(ctx, seen, start, end, text[start:end], type_, "events.place_type")
    # quakes named by a place the region rules do not take (a county of another province, or
    # a place jieba glued to the size word)
    for m in _QUAKE.finditer(text):
        if m.group(0) == "地震" or seen.holds(m.end(), closed_end=True):
            continue
        start = _division_before(text, m.start())
        if start < m.start():
            _add(ctx, seen, start, m.end(), text[start:m.end()], "地震", "events.quake")
    for m in _NUMBERED_FLOOD.finditer(text):
        river = _river_before(text, m.start(), doc)
        if river < m.start():
            _add(ctx, seen, river, m.end(), text[river:m.end()], "洪水", "events.numbered_flood")
    for c in _CODE.finditer(text):
        q = 1 if c.start() > 0 and text[c.start() - 1] in "“\"" else 0
        if c.start() - q > 0 and text[c.start() - q - 1] in "0123456789.":
            continue
        m = _CODE_EVENT.match(text, c.start() - q)
        if m is None or seen.holds(m.start(), closed_start=True):  # the code of a place-named event
            continue
        if _CODE_GENERIC.search(m.group("desc")):
            continue
        start = _place_before(text, m.start(), doc)  # 鹤岗“5·9”…, a forest farm before “3·15”…
        end, type_ = _compound_type(text, m.end(), m.group("type"))
        end = _with_suffix(text, end)
        _add(ctx, seen, start, end, text[start:end], type_, "events.date_code")
    ctx.extraction.events.sort(key=lambda e: e.prov.start)
    _merge_surfaces(ctx)


def _river_before(text: str, pos: int, doc) -> int:
    """Start of the river or basin named right before a flood number (赣江, 珠江流域)."""
    if doc is None:
        return pos
    from kg.extract.mechanisms import pieces

    prev = pieces(text, max(0, pos - 8), pos, doc)
    start = pos
    for s, e in reversed(prev):
        w = text[s:e]
        if e != start or not re.fullmatch(f"[{HAN}]+", w):
            break
        if start == pos and not _RIVER.search(w):
            break
        start = s
        if w not in ("流域", "水系"):
            break  # 珠江 | 流域: the basin word takes the river before it
    return start


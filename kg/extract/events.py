"""Events: DocContext + Doc -> ``ctx.extraction.events`` (Event).

Named disasters and incidents, each with a type word taken from the text:

* typhoons by their quoted names: 台风“利奇马”, 超强台风‘利奇马’, “利奇马”台风; a run of
  quoted names after one 台风 (台风“利奇马”“罗莎”“玲玲”) gives one event per name;
* a place (a region mention of :mod:`kg.extract.regions`) or a date code (10·14, “8·12”),
  then at most a short description, then a type word: 松原5.1级地震, 长春万达广场爆炸,
  白城10·14楼房坍塌, 珲春俄方17公里林火; the name runs from the place to the type word;
* named epidemics: 新冠肺炎疫情, 新型冠状病毒肺炎疫情, 非典疫情 ….

Generic mentions (山洪灾害, 这次疫情, 极端天气灾害, 5.1级地震 with no place) are not events.

>>> from kg.nlp.context import DocContext
>>> from kg.text.normalize import normalise
>>> from kg.models import LoadedDocument, SourceMeta
>>> text = "成功抵御台风“利奇马”“罗莎”，新冠肺炎疫情防控有力，这次疫情影响很大。"
>>> ctx = DocContext(normalise(LoadedDocument(meta=SourceMeta(id="d", file="d.txt"), path="d.txt",
...     text=text, encoding="utf-8", format="txt", sha256="")))
>>> extract(ctx, None)
>>> [(e.name, e.type) for e in ctx.extraction.events]
[('利奇马', '台风'), ('罗莎', '台风'), ('新冠肺炎疫情', '疫情')]
"""

from __future__ import annotations

import re

from kg.extract.lexicon import HAN
from kg.models import Event
from kg.nlp.context import DocContext

_Q = r"[“‘\"「『]"
_QE = r"[”’\"」』]"
_TYPHOON = re.compile("台风")
_TYPHOON_AFTER = re.compile(rf"(?:{_Q}[{HAN}A-Za-z·]{{1,8}}{_QE}[、和及与]?)+")
_QUOTED_BEFORE = re.compile(rf"{_Q}([{HAN}]{{2,6}}){_QE}(?:号)?(?:超强|强)?$")
_QUOTED = re.compile(rf"{_Q}([{HAN}A-Za-z·]{{1,8}}){_QE}")
# Type words, longest first; the name of an event ends with one of them.
TYPES = ("森林火灾", "草原火灾", "林火", "火灾", "爆炸", "爆燃", "坍塌", "垮塌", "塌方", "地震", "泥石流", "滑坡",
         "山体滑坡", "洪水", "洪灾", "洪涝", "暴雨", "透水", "溃坝", "冒顶", "中毒", "泄漏", "疫情", "台风",
         "风暴潮", "冰雹", "雪灾", "干旱", "旱灾", "矿难")
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
# What may stand between a place and 地震: a magnitude and/or a size word (松原5.1级地震, 汶川特大地震)
_QUAKE_DESC = re.compile(r"(?:\d+(?:\.\d+)?级)?(?:特大|强烈|大)?")
# Words that show the span is a kind of event or a field of work, not one event
# (吉林省安全生产…, 全省森林火灾起数, 各类事故)
_GENERIC_DESC = re.compile(
    r"各类|各种|一般|较大|重大|重特大|此类|这类|这次|此次|该|等|类|的|和|与|、|防范|预防|应对|处置|发生|"
    r"安全|生产|管理|应急|工作|风险|隐患|灾害|监测|预警|救援|防控|治理|防治|重点|领域|行业|企业|系统|全|各|年"
)
_CODE_GENERIC = re.compile(r"各类|此类|这类|等|的|、")
# Right after a bare "<place><type>" name (舟曲泥石流、…): the end of a name, not a compound word
_NAME_END = re.compile(rf"(?:[^{HAN}]|[、等中后时])")


def _add(ctx: DocContext, seen: set, start: int, end: int, name: str, type_: str, rule: str) -> None:
    key = (start, end)
    if key in seen:
        return
    seen.add(key)
    ctx.extraction.events.append(Event(prov=ctx.prov(start, end, rule), name=name, type=type_))


def extract(ctx: DocContext, doc) -> None:
    """Append one Event per named event mentioned."""
    text = ctx.text
    seen: set = set()
    for t in _TYPHOON.finditer(text):
        after = _TYPHOON_AFTER.match(text, t.end())  # 台风“利奇马”“罗莎”
        if after is not None:
            for q in _QUOTED.finditer(after.group(0)):
                s = after.start() + q.start(1)
                _add(ctx, seen, s, s + len(q.group(1)), q.group(1), "台风", "events.typhoon")
            continue
        before = _QUOTED_BEFORE.search(text, max(0, t.start() - 12), t.start())  # “利奇马”台风
        if before is not None:
            _add(ctx, seen, before.start(1), before.end(1), before.group(1), "台风", "events.typhoon")
    for m in _EPIDEMIC.finditer(text):
        _add(ctx, seen, m.start(), m.end(), m.group(0), "疫情", "events.epidemic")
    # place + description + type word
    for r in ctx.extraction.regions:
        if r.prov.rule == "regions.deictic":
            continue
        m = _PLACE_EVENT.match(text, r.prov.end)
        if m is None or any(s < r.prov.start < e for s, e in seen):
            continue  # 顺德区 inside 佛山市顺德区火灾 is not a second event
        desc, type_ = m.group("desc"), m.group("type")
        if type_ in ("台风", "疫情") or _GENERIC_DESC.search(desc):
            continue  # typhoons and epidemics have their own rules
        if type_ == "地震" and desc and not _QUAKE_DESC.fullmatch(desc):
            continue
        if not desc and (r.level == "province" or (m.end() < len(text) and not _NAME_END.match(text, m.end()))):
            continue  # 吉林森林火灾起数: a statistic of a province, not one event
        _add(ctx, seen, r.prov.start, m.end(), text[r.prov.start:m.end()], type_, "events.place_type")
    for c in _CODE.finditer(text):
        q = 1 if c.start() > 0 and text[c.start() - 1] in "“\"" else 0
        if c.start() - q > 0 and text[c.start() - q - 1] in "0123456789.":
            continue
        m = _CODE_EVENT.match(text, c.start() - q)
        if m is None or any(s <= m.start() < e for s, e in seen):  # the code of a place-named event
            continue
        if _CODE_GENERIC.search(m.group("desc")):
            continue
        _add(ctx, seen, m.start(), m.end(), m.group(0), m.group("type"), "events.date_code")
    ctx.extraction.events.sort(key=lambda e: e.prov.start)


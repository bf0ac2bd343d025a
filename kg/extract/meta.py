"""Document title and date: DocContext -> ``ctx.extraction.title`` / ``.date`` (:class:`~kg.models.Attribute`).

Title, by the rules of the genre, first found wins:

1. a model-essay lead-in names it: "下面是小编为大家整理的<title>，供大家参考";
2. a reprint names it: "…题为《<title>》的署名文章", "刊发《<title>》一文" (a "——访…" subtitle is cut);
3. the heading block: one or two short heading lines right before the byline
   ("江西省应急管理厅党委书记、厅长 陶泽民", "■…", "——访…"), issue lines in between allowed;
4. the first heading-like line, without a column prefix ("一席谈 | …"), a byline prefix
   ("…厅长陶泽民：<title>") or a subtitle ("——…").

Date, in the guideline's order of preference: a complete publication date stated in the text
(newspaper issue line "《中国应急管理报》2022年6月8日二版", also when normalisation dropped it
with the page header; a date line of its own in the header or at the end; the reprint note
"2022年9月14日，《中国应急管理报》第3版刊发了…") -> a complete web-page
timestamp (the metadata line normalisation dropped: reason ``page-meta``, or a dropped header
line "发布时间：2022-03-05") -> the year the title names as the document's own ("2021年…综述")
-> none. Values are ``YYYY-MM-DD`` or ``YYYY``.

>>> from kg.nlp.context import DocContext
>>> from kg.text.normalize import normalise
>>> from kg.models import LoadedDocument, SourceMeta
>>> text = "2021年贵州省应急管理工作综述\\n回首2021年，全省应急管理系统攻坚克难，取得了新成效。"
>>> ctx = DocContext(normalise(LoadedDocument(meta=SourceMeta(id="d", file="d.txt"), path="d.txt",
...     text=text, encoding="utf-8", format="txt", sha256="")))
>>> extract(ctx, None)
>>> ctx.extraction.title.value, ctx.extraction.date.value, ctx.extraction.date.prov.rule
('2021年贵州省应急管理工作综述', '2021', 'meta.title_year')
"""

from __future__ import annotations

import re
from typing import Optional

from kg.extract.lexicon import HAN, TITLE
from kg.models import Attribute
from kg.nlp.context import DocContext

HEAD_LINES = 40  # the title block of a page is near its top
HEAD_CHARS = 4000
BYLINE_LINES = 15  # a byline under the heading sits near the top, not after the first sections

_LEADIN = re.compile(
    r"(?:下面|以下)(?:是|为)?(?:小编|本站|笔者|我们)?(?:为大家|为您|给大家|给您)?(?:精心)?"
    r"(?:整理|收集|搜集|推荐|带来|分享|准备)(?:了|的)?(?:一篇|几篇)?(?:关于)?《?"
    r"([^，。！？：\n《》]{4,80}?)》?(?:[，。！]|\s*(?:供|希望|欢迎|仅供))"
)
_TITLED = re.compile(r"题为《([^《》\n]{2,80})》")
_REPRINT = re.compile(r"(?:刊发|刊登|发表|刊载|转发)了?《([^《》\n]{2,80})》(?:一文|的?署名文章)")
_SUBTITLE = re.compile(r"\s*(?:——|--|—)\s*\S.*$")
_COLUMN = re.compile(r"^[^|｜\n]{1,12}[|｜]\s*")
_BULLET = re.compile(r"^[■●◆▲★☆□◇•·\s]+")
# "<org><titles> <name>" (a byline), with an optional 访 of interviews
_BYLINE = re.compile(
    rf"^(?:——|--)?\s*(?:访)?[{HAN}（）()、]{{0,24}}?(?:{TITLE})(?:[、兼](?:{TITLE}))*\s?[{HAN}]{{2,4}}$"
)
_BYLINE_PREFIX = re.compile(rf"^[{HAN}（）()、]{{0,24}}?(?:{TITLE})(?:[、兼](?:{TITLE}))*\s?[{HAN}]{{2,4}}[：:]\s*")
_AUTHOR = re.compile(r"^(?:作者|文|撰文|记者|通讯员)[：:\s]")

_YMD = r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
# not a portal's clock widget ("今天是：2024年11月29日 星期五")
_NOT_CLOCK = "".join(f"(?<!{w}{sep})" for w in ("今天是", "今天", "今日", "当前日期") for sep in ("", ":", "：", " ", "　"))
_ISSUE = re.compile(
    rf"《[^《》\n]{{2,20}}(?:报|刊)》\s*(?:[（(])?{_YMD}"
    rf"|{_NOT_CLOCK}{_YMD}\s*[（(]?\s*(?:第\s*[0-9０-９一二三四五六七八九十]+\s*版|[0-9一二三四五六七八九十]+\s*版"
    rf"|星期[一二三四五六日天](?!\s*(?:农历|\d{{1,2}}:\d{{2}})))"
)
_DATE_LINE = re.compile(
    rf"^\s*[（(]?\s*(?:(?:发布|发表|刊发|更新|印发)?(?:时间|日期)[：:]\s*)?"
    rf"(?:{_YMD}|((?:19|20)\d{{2}})[-/.](\d{{1,2}})[-/.](\d{{1,2}}))\s*[）)]?\s*$"
)
# the reprint statement of an editor's note: "2022年9月14日，《中国应急管理报》第3版刊发了…" or
# "《中国应急管理报》于2022年9月14日刊发…" (the issue date inside running text)
_REPRINT_DATE = re.compile(
    rf"{_YMD}\s*[，,]?\s*《[^《》\n]{{2,20}}(?:报|刊)》\s*(?:第?\s*[0-9一二三四五六七八九十]+\s*版)?\s*"
    rf"(?:“[^“”\n]{{1,10}}”)?(?:栏目|专栏)?\s*(?:刊发|刊登|刊载|发表|登载|头版|发)"
    rf"|《[^《》\n]{{2,20}}(?:报|刊)》\s*(?:于|在)\s*{_YMD}\s*(?:第?\s*[0-9一二三四五六七八九十]+\s*版)?\s*"
    rf"(?:刊发|刊登|刊载|发表|登载)"
)
# the occasion line under a speech or report heading: "——2021年9月28日在…会议上", "——在…会议上的讲话（2021年1月8日）"
_OCCASION = re.compile(rf"^\s*(?:——|--|—)\s*(?!访)(?:{_YMD}|[^\n]{{0,60}}?在[^\n]{{2,60}}上)")
_PAGE_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})")
_META_DATE = re.compile(
    r"(?:发布|发表|更新|印发|成文)?(?:时间|日期)\s*[：:]\s*((?:19|20)\d{2})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})"
)
_YMD_RX = re.compile(_YMD)
_TITLE_YEAR = re.compile(r"((?:19|20)\d{2})年(?!代|以来|至|到|—|-)")
_RANGE = re.compile(r"(?:19|20)\d{2}\s*(?:年)?\s*(?:—|-|–|至|到)\s*(?:19|20)?\d{2}")


def _lines(text: str, limit: int) -> list[tuple[int, int]]:
    """(start, end) of the non-empty lines among the first ``limit`` lines of ``text``."""
    out, pos = [], 0
    for raw in text.split("\n"):
        end = pos + len(raw)
        if raw.strip():
            s = pos + len(raw) - len(raw.lstrip())
            out.append((s, pos + len(raw.rstrip())))
        pos = end + 1
        if len(out) >= limit or pos > HEAD_CHARS:
            break
    return out


def is_byline(line: str) -> bool:
    """A line naming the author by post and name, or an interview subtitle "——访…".

    >>> is_byline("江西省应急管理厅党委书记、厅长 陶泽民"), is_byline("■海南省应急管理厅党委书记、厅长 符海东")
    (True, True)
    >>> is_byline("——访青海省应急管理厅厅长马文涛"), is_byline("守牢安全底线")
    (True, False)
    """
    s = _BULLET.sub("", line.strip())
    if len(s) > 48 or re.search("[。！？；]", s):
        return False
    return bool(_BYLINE.match(s) or _AUTHOR.match(s) or s.startswith(("——访", "--访")))


def _is_issue(line: str) -> bool:
    s = line.strip()
    return len(s) <= 40 and bool(_ISSUE.search(s) or _DATE_LINE.match(s) or re.fullmatch(r"[0-9]*\s*《[^》]+》.*版", s))


def _is_occasion(line: str) -> bool:
    """The occasion (and date) line under a speech's or report's heading, not part of its title.

    >>> _is_occasion("——2021年9月28日在省人民代表大会常务委员会会议上"), _is_occasion("——访应急管理厅厅长马文涛")
    (True, False)
    """
    return bool(_OCCASION.match(line))


def _is_heading(line: str) -> bool:
    s = line.strip()
    if _is_occasion(s):
        return False
    if not 4 <= len(s) <= 60 or re.search("[。！？；]", s) or s.count("，") > 1:
        return False
    if s[0] in "■●◆▲★☆□◇•·" or s.endswith(("：", ":")) or is_byline(s) or _is_issue(s):
        return False
    if re.match(r"^(?:编者按|同志们|摘要|导读|来源|作者|[（(]?[一二三四五六七八九十]+[、）)])", s):
        return False
    if _SITE_NAME.match(s):
        return False  # the publishing body's name over the page (黑龙江省应急管理厅), not a heading
    return bool(re.search(f"[{HAN}]{{4}}", s))


# A line that is nothing but a body's or site's name
_SITE_NAME = re.compile(rf"^[{HAN}]{{2,20}}(?:厅|局|部|委员会|委|办公室|人民政府|政府|门户网站|网站|网|中心|报社|报)$")


def _clean_heading(text: str, s: int, e: int) -> tuple[int, int]:
    """Span of the heading inside a heading line: no column, byline prefix or subtitle."""
    line = text[s:e]
    m = _COLUMN.match(line)
    if m:
        s, line = s + m.end(), line[m.end():]
    m = _BYLINE_PREFIX.match(line)
    if m and len(line) > m.end() + 3:
        s, line = s + m.end(), line[m.end():]
    m = _SUBTITLE.search(line)
    if m and m.start() >= 4:
        line = line[: m.start()]
    line = line.strip().strip("《》")
    s = text.index(line, s) if line else s
    return s, s + len(line)


def _attr(ctx: DocContext, value: str, start: int, end: int, rule: str) -> Attribute:
    return Attribute(value=value, prov=ctx.prov(start, end, rule))


def find_title(ctx: DocContext) -> Optional[Attribute]:
    text = ctx.text
    head = text[:HEAD_CHARS]
    leadin = _LEADIN.search(head)
    for rx, rule in ((_TITLED, "meta.title_named"), (_REPRINT, "meta.title_reprint")):
        m = rx.search(head)
        if m:
            s, e = _clean_heading(text, m.start(1), m.end(1))
            return _attr(ctx, text[s:e], s, e, rule)

    lines = _lines(text, HEAD_LINES)
    # heading block: heading lines, then issue lines, then a byline or interview subtitle (the
    # article's own heading beats the title a model-essay site's lead-in gives it)
    for k, (bs, be) in enumerate(lines[:BYLINE_LINES]):
        if k == 0 or not is_byline(text[bs:be]):
            continue
        j = k - 1
        while j >= 0 and (_is_issue(text[lines[j][0]:lines[j][1]]) or _is_occasion(text[lines[j][0]:lines[j][1]])):
            j -= 1
        run = []
        while j >= 0 and _is_heading(text[lines[j][0]:lines[j][1]]) and len(run) < 3:
            run.insert(0, lines[j])
            j -= 1
        if not run or leadin and run[0][0] < leadin.end():
            continue  # (a site's headline over its lead-in is not the article's own heading)
        spans = [_clean_heading(text, s, e) for s, e in run]
        parts = [text[s:e] for s, e in spans]
        last = parts[-1]
        if len(parts) >= 2 and len(parts[-2]) <= 16 and len(last) <= 16 and parts[-2] != last:
            # a two-line heading printed as two lines ("守牢安全底线" / "护航高质量发展")
            return _attr(ctx, parts[-2] + " " + last, spans[-2][0], spans[-1][1], "meta.title_block")
        return _attr(ctx, last, spans[-1][0], spans[-1][1], "meta.title_block")
    if leadin:
        return _attr(ctx, leadin.group(1), leadin.start(1), leadin.end(1), "meta.title_leadin")
    for s, e in lines[:6]:
        cs, ce = _clean_heading(text, s, e)
        if ce - cs >= 4 and _is_heading(text[cs:ce]) and not is_byline(text[cs:ce]):
            return _attr(ctx, text[cs:ce], cs, ce, "meta.title_first_line")
    return None


def _ymd(y: str, m: str, d: str) -> Optional[str]:
    yy, mm, dd = int(y), int(m), int(d)
    if 1 <= mm <= 12 and 1 <= dd <= 31:
        return f"{yy:04d}-{mm:02d}-{dd:02d}"
    return None


def find_date(ctx: DocContext, title: Optional[Attribute]) -> Optional[Attribute]:
    text = ctx.text
    head_lines = _lines(text, HEAD_LINES)
    # 1. a stated publication date: issue line in the header, or a date line of its own
    #    in the header or among the last lines (the date under a speech or report)
    tail_lines = []
    ends = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text[-600:])]
    base = max(0, len(text) - 600)
    tail_lines = [(base + s, base + e) for s, e in ends[-3:]]
    for s, e in head_lines + tail_lines:
        line = text[s:e]
        m = _ISSUE.search(line) if (s, e) in head_lines else None
        if m and len(line.strip()) <= 60:
            groups = [g for g in m.groups() if g is not None][:3]
            value = _ymd(*groups)
            if value:
                return _attr(ctx, value, s + m.start(), s + m.end(), "meta.date_issue")
        m = _DATE_LINE.match(line) or (_YMD_RX.search(line) if (s, e) in head_lines and _is_occasion(line) else None)
        if m:
            groups = [g for g in m.groups() if g is not None][:3]
            value = _ymd(*groups)
            if value:
                return _attr(ctx, value, s + m.start(), s + m.end(), "meta.date_line")
    # dropped header lines may be the issue line the normaliser took for page chrome
    for r in ctx.norm.removed:
        if r.reason == "footer":
            continue
        line = ctx.norm.original[r.orig_start:r.orig_end]
        m = _ISSUE.search(line)
        if m and len(line.strip()) <= 60:
            value = _ymd(*[g for g in m.groups() if g is not None][:3])
            if value:
                return Attribute(value=value, prov=ctx.prov_removed(r, r.orig_start + m.start(),
                                                                    r.orig_start + m.end(), "meta.date_issue"))
    # ... or stated in the reprint note of the body ("2022年9月14日，《…报》第3版刊发了…")
    m = _REPRINT_DATE.search(text, 0, HEAD_CHARS)
    if m:
        value = _ymd(*[g for g in m.groups() if g is not None][:3])
        if value:
            return _attr(ctx, value, m.start(), m.end(), "meta.date_reprint")
    # 2. the web page's timestamp (a metadata line normalisation dropped from the text)
    for r in ctx.norm.removed:
        line = ctx.norm.original[r.orig_start:r.orig_end]
        # a dropped header line is a timestamp when it is a date line or a labelled one (时间：2021-01-08 10:30 作者：…)
        header = r.reason == "header" and (_DATE_LINE.match(line) or _META_DATE.search(line))
        if r.reason != "page-meta" and not header:
            continue
        m = _PAGE_DATE.search(line)
        if m:
            value = _ymd(*m.groups())
            if value:
                prov = ctx.prov_removed(r, r.orig_start + m.start(), r.orig_start + m.end(), "meta.date_page")
                return Attribute(value=value, prov=prov)
    # ... or a metadata line the normaliser kept ("发布时间：2022-01-20 来源：省应急管理厅")
    for s, e in head_lines:
        m = _META_DATE.search(text, s, e)
        if m:
            value = _ymd(*m.groups())
            if value:
                return _attr(ctx, value, m.start(), m.end(), "meta.date_page")
    # 3. the year the title names as the document's own
    if title is not None and not _RANGE.search(title.value):
        years = {m.group(1) for m in _TITLE_YEAR.finditer(title.value)}
        if len(years) == 1:
            year = years.pop()
            pos = text.find(year + "年", title.prov.start, title.prov.end)
            if pos >= 0:
                return _attr(ctx, year, pos, pos + 5, "meta.title_year")
    return None


def extract(ctx: DocContext, doc) -> None:
    """Fill ``ctx.extraction.title`` and ``ctx.extraction.date`` (``doc`` is not needed)."""
    title = find_title(ctx)
    ctx.extraction.title = title
    ctx.extraction.date = find_date(ctx, title)

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
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from kg.extract.lexicon import HAN, TITLE
from kg.models import Attribute, RemovedSpan
from kg.nlp.context import DocContext
from kg.text import boilerplate
from kg.text.boilerplate import spaced_alt, strip_site_suffix, words_alt
from kg.text.chinese import to_simplified_edits
from kg.text.offsets import TextBuffer
from kg.text.pinyin import strip_pinyin_edits
from kg.text.punctuation import unify_punctuation

HEAD_LINES = 40  # the title block of a page is near its top
HEAD_CHARS = 4000
BYLINE_LINES = 15  # a byline under the heading sits near the top, not after the first sections

_LEADIN = re.compile(
    r"(?:下面|以下)(?:是|为)?(?:小编|本站|笔者|我们)?(?:为大家|为您|给大家|给您)?(?:精心)?"
    r"(?:整理|收集|搜集|推荐|带来|分享|准备)(?:了|的)?(?:一篇|几篇)?(?:关于)?《?"
    r"([^，。！？：\n《》]{4,80}?)》?(?:[，。！]|\s*(?:供|希望|欢迎|仅供))"
)
_TITLED = re.compile(r"题为《([^《》\n]{2,80})》")
# a plan or scheme that names itself at the end of its preamble ("…，结合实际，编制《某县“十四五”
# 应急体系规划》。"): the title given in the lead-in of a page that prints no heading
_SELF_NAMED = re.compile(
    r"(?:特|现)?(?:编制|制定|制订|修订|编制了|制定了)《([^《》\n]{4,80}(?:规划|方案|预案|办法|细则|计划))》(?:。|\s*$)",
    re.M)
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
# a date written in Chinese numerals, as under an official document: 二〇二三年三月八日
_CN_DIGITS = "〇零○一二三四五六七八九"
_CN_YMD = rf"([{_CN_DIGITS}]{{4}})\s*年\s*([一二三四五六七八九十]{{1,3}})\s*月\s*([一二三四五六七八九十]{{1,3}})\s*日"
_DATE_LINE = re.compile(
    rf"^\s*[（(]?\s*(?:(?:发布|发表|刊发|更新|印发|成文)?(?:时间|日期)[：:]\s*)?"
    rf"(?:{_YMD}|((?:19|20)\d{{2}})[-/.](\d{{1,2}})[-/.](\d{{1,2}})|{_CN_YMD})\s*[）)]?\s*$"
)
# a complete date of any written form, for a list entry that dates the page
_ANY_DATE = re.compile(rf"{_YMD}|((?:19|20)\d{{2}})[-/.](\d{{1,2}})[-/.](\d{{1,2}})")
# a review that opens on its year: "2023年，在市委…" (also after a yearbook entry's topic)
_OPENING_YEAR = re.compile(r"^[•·\s]*(?:【[^【】\n]{2,20}】)?\s*((?:19|20)\d{2})年[，,]")
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


@dataclass(frozen=True)
class _Words:
    """The rules built from ``kg/data/page_words.txt`` (one compile per process)."""

    site_name: re.Pattern  # a line that is only a site's or body's name
    site_word: re.Pattern  # a word only a website calls itself (官网, 门户网站, 客户端), not a body
    welcome: re.Pattern  # a welcome / accessibility bar
    column_only: re.Pattern  # a line that is only a column name
    column_prefix: re.Pattern  # "专访：", "一席谈 " before the title
    column_prefix_bare: re.Pattern  # a line opening with a column word ("专访某某")
    meta_row: re.Pattern  # a line of the metadata block: "<label>：" anywhere, or a timestamp first
    meta_label: re.Pattern  # a metadata-block line ("发布时间：…", "来源：…")
    title_label: re.Pattern  # "名称： | <title> |"
    date_label: re.Pattern  # "<label>：<date>" anywhere in a line
    credit: re.Pattern  # a photo credit glued to the heading
    document_title: re.Pattern  # an official document's own title "…关于…的通知"
    continuation: re.Pattern  # the end of a heading line the page cut short
    report_year: re.Pattern  # a year with the period a report or meeting covers (2025年度, 2025年上半年)


@lru_cache(maxsize=1)
def _words() -> _Words:
    # a label ends at its colon, or at the cell border of a table row written without one
    # ("发布日期 | 2022-12-22 |")
    sep = r"\s*(?:[:：]\s*[|｜]?|[|｜])\s*"
    return _Words(
        site_name=boilerplate.site_rules()[0],
        welcome=re.compile(words_alt("welcome")),
        site_word=boilerplate.site_rules()[1],
        column_only=re.compile(rf"^[【\[]?{words_alt('columns')}[】\]]?$"),
        column_prefix=re.compile(rf"^{words_alt('columns')}\s*[:：]\s*"),
        column_prefix_bare=re.compile(rf"^[【\[]?{words_alt('columns')}"),
        meta_row=re.compile(rf"{spaced_alt('meta_labels')}\s*[:：]|(?:^|[|｜])\s*{spaced_alt('meta_labels')}\s*[|｜]|^\s*(?:19|20)\d{{2}}\s*[-/年.]\s*\d{{1,2}}\s*[-/月.]\s*\d{{1,2}}"),
        meta_label=re.compile(rf"^[•·\s]*{spaced_alt('meta_labels')}\s*[:：]"),
        title_label=re.compile(rf"^{spaced_alt('title_labels')}{sep}([^|｜\s][^|｜]*?)\s*(?:[|｜].*)?$"),
        date_label=re.compile(rf"{spaced_alt('date_labels')}{sep}((?:19|20)\d{{2}})\s*[-/年.]\s*(\d{{1,2}})\s*[-/月.]\s*(\d{{1,2}})"),
        credit=re.compile(rf"\s+{words_alt('credits')}.*$|\s*[|｜]\s*$"),
        continuation=re.compile(rf"{words_alt('title_continuations')}$"),
        report_year=re.compile(rf"(?<![0-9])((?:19|20)\d{{2}})年{words_alt('report_periods')}"),
        document_title=re.compile(rf"^[{HAN}（）()]{{0,30}}关于[^。；\n]{{2,80}}的{words_alt('document_kinds')}$"),
    )


def reset_words() -> None:
    """Forget the word lists and the rules built from them (after editing the data file)."""
    boilerplate.reset_words()
    _words.cache_clear()


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
    if len(s) > 48 or re.search("[。！？；]", s) or _words().column_prefix_bare.match(s):
        return False  # (an interview's heading "专访某厅长…" names the post too)
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
    # a heading may exclaim mid-line ("一起来看！…"), never end a sentence or hold two clauses
    if not 4 <= len(s) <= 60 or re.search("[。；]|[！？]$", s) or s.count("，") > 1:
        return False
    if s[0] in "■●◆▲★☆□◇•·" or s.endswith(("：", ":")) or is_byline(s) or _is_issue(s):
        return False
    if re.match(r"^(?:编者按|同志们|摘要|导读|来源|作者|[（(]?[一二三四五六七八九十]+[、）)])", s):
        return False
    if re.fullmatch(r"[（(][^（）()]*[）)]", s) or s.count(">") >= 2 or _is_entry(s):
        return False  # a bracketed note ("（此件公开发布）"), a breadcrumb, a yearbook entry
    w = _words()
    if _SITE_NAME.match(s) or w.site_name.match(s) or w.welcome.search(s) or w.column_only.match(s) \
            or w.meta_label.match(s):
        return False  # the publishing body's or site's name, its welcome bar, a column, a metadata line
    return bool(re.search(f"[{HAN}]{{4}}", s))


# A line that is nothing but a body's or site's name
_SITE_NAME = re.compile(rf"^[{HAN}]{{2,20}}(?:厅|局|部|委员会|委|办公室|人民政府|政府|门户网站|网站|网|中心|报社|报)$")
# A yearbook entry: a bracketed topic and its running text on one line ("【应急演练】全年组织开展…")
_ENTRY = re.compile(r"^[•·\s]*【([^【】\n]{2,20})】\s*(\S.{19,})")


def _is_entry(line: str) -> bool:
    """A bracketed topic followed by running text, not a heading with its column ("【专访】…")."""
    m = _ENTRY.match(line)
    if not m:
        return False
    body = m.group(2)
    return "。" in body or len(line) > 60 or sum(body.count(c) for c in "、，") >= 3


# A document number line of an official document ("某汛发〔2023〕8号")
_DOC_NUMBER = re.compile(r"^\S{0,20}[〔［\[（(]\s*(?:19|20)\d{2}\s*[〕］\]）)]\s*\d{1,4}\s*号$")


def _clean_heading(text: str, s: int, e: int) -> tuple[int, int]:
    """Span of the heading inside a heading line: no column, subtitle or photo credit, and no
    byline prefix when the page prints the rest again as a heading of its own (a news headline
    "市长某某：…" keeps its speaker)."""
    line = text[s:e]
    m = _COLUMN.match(line) or _words().column_prefix.match(line)
    if m and len(line) > m.end() + 3:
        s, line = s + m.end(), line[m.end():]
    m = _BYLINE_PREFIX.match(line)
    if m and len(line) > m.end() + 3:
        rest = line[m.end():].strip()
        if re.search(rf"(?m)^\s*{re.escape(rest)}\s*$", text[e:e + 400]):
            s, line = s + m.end(), line[m.end():]
    m = _words().credit.search(line)
    if m and m.start() >= 4:
        line = line[: m.start()]
    line = strip_site_suffix(line)
    m = _SUBTITLE.search(line)
    if m and m.start() >= 4:
        line = line[: m.start()]
    line = line.strip()
    if line.startswith("《") and line.endswith("》") and line.count("《") == 1:
        line = line[1:-1]  # a heading printed as a book title, not one that opens with a name in 《》
    s = text.index(line, s) if line else s
    return s, s + len(line)


def _attr(ctx: DocContext, value: str, start: int, end: int, rule: str) -> Attribute:
    return Attribute(value=value, prov=ctx.prov(start, end, rule))


@dataclass
class _HeadLine:
    """A line of the page's head in reading order: kept as text, or dropped by normalisation
    (a menu item, a metadata row) and normalised here the same way for reading."""

    text: str
    start: Optional[int] = None  # kept: its span in the normalised text
    removed: Optional[RemovedSpan] = None  # dropped: what normalisation removed
    buf: Optional[TextBuffer] = None  # dropped: its normalised text with a map into the original line

    def attr(self, ctx: DocContext, a: int, b: int, rule: str, value: Optional[str] = None) -> Attribute:
        """The attribute for ``[a, b)`` of this line's text, quoted from the original."""
        value = self.text[a:b] if value is None else value
        if self.removed is None:
            return _attr(ctx, value, self.start + a, self.start + b, rule)
        base = self.removed.orig_start
        os_, oe = base + int(self.buf.starts[a]), base + int(self.buf.ends[b - 1])
        return Attribute(value=value, prov=ctx.prov_removed(self.removed, os_, oe, rule))


def _normalised_line(line: str) -> TextBuffer:
    """A dropped line read like body text: readings stripped, simplified, punctuation unified."""
    buf = TextBuffer(line)
    for edits in (strip_pinyin_edits, to_simplified_edits):
        e = edits(buf.text)
        if e:
            buf = buf.replace(e)
    return buf.map_same_length(unify_punctuation(buf.text))


def _head(ctx: DocContext) -> list[_HeadLine]:
    """The first lines of the page, kept and dropped alike, in the order of the original."""
    text = ctx.text
    items: list[tuple[int, _HeadLine]] = []
    kept = _lines(text, HEAD_LINES)
    for s, e in kept:
        items.append((ctx.norm.offsets.orig_span(s, e)[0], _HeadLine(text[s:e], start=s)))
    limit = ctx.norm.offsets.orig_span(kept[-1][0], kept[-1][1])[1] if kept else len(ctx.norm.original)
    for r in ctx.norm.removed:
        if r.orig_start > limit or r.reason == "footer":
            continue
        raw = ctx.norm.original[r.orig_start:r.orig_end]
        lead = len(raw) - len(raw.lstrip())
        raw = raw.strip()
        if not raw:
            continue
        buf = _normalised_line(raw)
        shifted = RemovedSpan(orig_start=r.orig_start + lead, orig_end=r.orig_start + lead + len(raw),
                              reason=r.reason, text=r.text)
        items.append((r.orig_start, _HeadLine(buf.text, removed=shifted, buf=buf)))
    items.sort(key=lambda it: it[0])
    return [h for _, h in items][:HEAD_LINES * 2]


def _stripped(line: str) -> tuple[int, int]:
    """``[a, b)`` of a line without its list bullet and blanks."""
    m = _BULLET.match(line)
    a = m.end() if m else 0
    b = len(line.rstrip())
    return a, max(a, b)


def _title_from_head(ctx: DocContext, head: list[_HeadLine]) -> Optional[Attribute]:
    """Titles the page's furniture names: a metadata table's title cell, an official
    document's own title under its number."""
    w = _words()
    for h in head:  # "名称： | <title> |"
        m = w.title_label.match(h.text)
        if m and _is_heading(m.group(1)):
            return h.attr(ctx, m.start(1), m.end(1), "meta.title_label")
    for i, h in enumerate(head):  # "某汛发〔2023〕8号" / issuer / "关于…的通知"
        if h.removed is None and _DOC_NUMBER.match(h.text.strip()):
            for g in head[i + 1:i + 4]:
                if g.removed is None and w.document_title.match(g.text.strip()):
                    a, b = _stripped(g.text)
                    return g.attr(ctx, a, b, "meta.title_document")
    return None


def _title_near_meta(ctx: DocContext, head: list[_HeadLine]) -> Optional[Attribute]:
    """Without a heading block: the line right over the page's metadata row, or a heading the
    page prints twice (its list entry or breadcrumb, then the heading)."""
    w = _words()
    for i, h in enumerate(head[:-1]):  # the heading right over the page's metadata row
        nxt = head[i + 1]
        if not (w.meta_label.match(nxt.text) or w.date_label.search(nxt.text) or w.meta_row.search(nxt.text)) \
                or w.meta_row.search(h.text):
            continue
        k = i  # over a subtitle ("——…综述", "——访…") or a byline, to the heading it belongs to
        while k > 0 and head[k].removed is None and (_SUBTITLE.match(head[k].text) or is_byline(head[k].text)):
            k -= 1
        h = head[k]
        a, b = _stripped(h.text)
        if h.removed is None:  # kept as text: the page's own heading (a slogan may follow the row)
            cs, ce = _clean_heading(ctx.text, h.start + a, h.start + b)
            if ce - cs >= 4 and _is_heading(ctx.text[cs:ce]):
                return _attr(ctx, ctx.text[cs:ce], cs, ce, "meta.title_over_meta")
            continue
        # dropped as the site's furniture: a heading under the row is the article's own
        j = i + 1
        while j < len(head) and (head[j].removed is not None or w.meta_row.search(head[j].text)):
            j += 1
        if j < len(head) and j > i + 1:
            g = head[j]
            ga, gb = _stripped(g.text)
            cs, ce = _clean_heading(ctx.text, g.start + ga, g.start + gb)
            if ce - cs >= 4 and _is_heading(ctx.text[cs:ce]):
                return _attr(ctx, ctx.text[cs:ce], cs, ce, "meta.title_under_meta")
        if _is_heading(h.text[a:b]):
            return h.attr(ctx, a, b, "meta.title_over_meta")
    seen: dict[str, _HeadLine] = {}
    for h in head:  # the page prints its title twice (list entry and heading, breadcrumb and heading)
        if h.removed is not None:
            continue
        t = h.text.strip()
        if t in seen and _is_heading(t):
            first = seen[t]
            a, b = _stripped(first.text)
            return first.attr(ctx, a, b, "meta.title_repeated")
        seen.setdefault(t, h)
    return None


def _entry_title(ctx: DocContext) -> Optional[Attribute]:
    """A yearbook page of one entry: its bracketed topic ("【三防预案编制管理】2020年，…").

    A page of several entries has no one title."""
    text = ctx.text
    lines = _lines(text, HEAD_LINES)
    entries = [(s, _ENTRY.match(text[s:e])) for s, e in lines if _is_entry(text[s:e])]
    if len(entries) == 1 and entries[0][0] == lines[0][0]:
        s, m = entries[0]
        return _attr(ctx, m.group(1), s + m.start(1), s + m.end(1), "meta.title_entry")
    return None


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
    head = _head(ctx)
    found = _title_from_head(ctx, head)
    if found is not None:
        return found
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
    found = _title_near_meta(ctx, head)
    if found is not None:
        return found
    entry = _entry_title(ctx)
    if entry is not None:
        return entry
    # on a yearbook page of several entries every bracketed line is an entry, even one cut short
    many_entries = sum(1 for s, e in lines if _is_entry(text[s:e])) >= 2
    for s, e in lines[:6]:
        if many_entries and _ENTRY.match(text[s:e]):
            continue
        if _words().meta_row.search(text[s:e]):
            continue  # a row of the metadata table ("索引号 | … | 发布机构 | … |") is no heading
        cs, ce = _clean_heading(text, s, e)
        if ce - cs >= 4 and _is_heading(text[cs:ce]) and not is_byline(text[cs:ce]):
            broken = _continued(ctx, lines, (s, e), cs, ce)
            return broken or _attr(ctx, text[cs:ce], cs, ce, "meta.title_first_line")
    m = _SELF_NAMED.search(text, 0, HEAD_CHARS)
    if m:
        return _attr(ctx, m.group(1), m.start(1), m.end(1), "meta.title_self_named")
    return None


def _continued(ctx: DocContext, lines: list[tuple[int, int]], line: tuple[int, int], cs: int, ce: int
               ) -> Optional[Attribute]:
    """A title the page broke over two lines: the first ends cut short (on 的, 和, 召开 …: the data
    file), the next is a short heading line that goes on with it."""
    text = ctx.text
    if not _words().continuation.search(text[cs:ce]):
        return None
    k = lines.index(line)
    if k + 1 >= len(lines):
        return None
    ns, ne = lines[k + 1]
    nxt = text[ns:ne]
    if len(nxt) > 30 or not _is_heading(nxt) or _SUBTITLE.match(nxt) or len(text[cs:ce]) + len(nxt) > 70:
        return None
    return _attr(ctx, text[cs:ce] + nxt, cs, ne, "meta.title_two_lines")


def _cn_int(s: str) -> int:
    """二〇二三 -> 2023 (digit by digit), 十二 -> 12, 二十八 -> 28."""
    digits = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0}
    if "十" not in s:
        return int("".join(str(digits[c]) for c in s))
    tens, _, ones = s.partition("十")
    return (digits[tens] if tens else 1) * 10 + (digits[ones] if ones else 0)


def _ymd(y: str, m: str, d: str) -> Optional[str]:
    if not y.isdigit():
        y, m, d = str(_cn_int(y)), str(_cn_int(m)), str(_cn_int(d))
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
    # ... or a labelled date in the page's metadata block, kept or dropped ("发布日期： | 2024-05-29 |",
    # "时间:2020-01-06 19:44 某某网"), or the page's list entry for the article, dated
    head = _head(ctx)
    w = _words()
    for h in head:
        m = w.date_label.search(h.text)
        if m:
            value = _ymd(*m.groups())
            if value:
                return h.attr(ctx, m.start(1), m.end(), "meta.date_page", value)
    if title is not None:
        for h in head:
            at = h.text.find(title.value)
            if at < 0 or h.text.strip() == title.value:
                continue
            for m in _ANY_DATE.finditer(h.text):
                gap = at - m.end() if m.end() <= at else m.start() - (at + len(title.value))
                if 0 <= gap <= 12:
                    value = _ymd(*[g for g in m.groups() if g is not None][:3])
                    if value:
                        return h.attr(ctx, m.start(), m.end(), "meta.date_listing", value)
    # 3. the year the title names as the document's own
    if title is not None and not _RANGE.search(title.value):
        years = {m.group(1) for m in _TITLE_YEAR.finditer(title.value)}
        if len(years) == 1:
            year = years.pop()
            pos = text.find(year + "年", title.prov.start, title.prov.end)
            if pos >= 0:
                return _attr(ctx, year, pos, pos + 5, "meta.title_year")
    # ... or the year a review opens on, in its first line of running text
    for s, e in head_lines[:3]:
        if title is not None and title.prov.end > title.prov.start and title.prov.rule != "meta.title_entry" \
                and (e <= title.prov.end or s <= title.prov.start < e):
            continue  # (the heading's own line; a yearbook entry's topic opens its running text)
        m = _OPENING_YEAR.match(text[s:e])
        if m:
            return _attr(ctx, m.group(1), s + m.start(1), s + m.end(1), "meta.opening_year")
        m = _SENTENCE_YEAR.search(text, s, e)
        if m:
            return _attr(ctx, m.group(1), m.start(1), m.end(1), "meta.opening_year")
        break  # (only the first line of the body counts)
    # ... or the year of the period the lead sentence reports on or a meeting is named for
    # ("召开2025年度…部署会议", "介绍2025年前三季度…情况"), one year in that sentence
    w = _words()
    body = [(s, e) for s, e in head_lines[:4]
            if title is None or not (title.prov.start < e and s < title.prov.end)][:2]
    for s, e in body:
        lead = re.match(r"[^。！？\n]*", text[s:e]).group(0)
        m = w.report_year.search(lead)
        if m and len(set(re.findall(r"(?<![0-9])((?:19|20)\d{2})年", lead))) == 1:
            return _attr(ctx, m.group(1), s + m.start(1), s + m.end(1), "meta.report_year")
    return None


# a year opening a sentence of the body's first paragraph ("……2025年，面对…"): the year reviewed
_SENTENCE_YEAR = re.compile(r"(?:[。！？]|……)\s*((?:19|20)\d{2})年[，,]")


def extract(ctx: DocContext, doc) -> None:
    """Fill ``ctx.extraction.title`` and ``ctx.extraction.date`` (``doc`` is not needed)."""
    title = find_title(ctx)
    ctx.extraction.title = title
    ctx.extraction.date = find_date(ctx, title)

"""A saved web page's article: main text, title and date, each mapped into the page's source.

Input: the decoded source of an ``.html``/``.htm`` page. Output: :class:`PageText`, a
:class:`~kg.text.offsets.TextBuffer` of lines (the title, the date, then the article's
paragraphs) whose every character points at the characters of the source it came from, and
how it was found (``main`` or ``fallback``).

The main text is trafilatura's (navigation, breadcrumbs, sidebars, notice lists, related
links, share widgets and footers left out). Its output is plain text, so it is *aligned* back
onto the page's visible text (:func:`kg.io.html.visible_text`, which maps every character into
the source): each output line is looked up there, blanks ignored, in reading order; a line
the extractor rewrote is matched piece by piece, and characters found nowhere are left out
(counted in :attr:`PageText.unaligned`), so nothing in the text is without a source.

Title: the page's ``ArticleTitle``/``og:title`` meta, trafilatura's title or ``<title>`` without
the site's name, placed where the page prints it as visible text (its heading), else where the
source holds it (the meta tag's value). Date: a date meta tag (``PubDate``, ``publishdate``,
``article:published_time`` …, see ``kg/data/page_words.txt``), a script variable (WeChat's
``publish_time``), a labelled date on the page ("发布时间：…"), or htmldate's date when the page
prints it. When trafilatura finds no main text, the plain path (:func:`kg.io.html.fallback_text`)
is used and the page says so (``mode == "fallback"``).

>>> src = ('<html><head><meta name="ArticleTitle" content="全市防汛工作会议召开">'
...     '<meta name="PubDate" content="2023-06-12 09:00"></head><body><nav>首页 | 新闻</nav>'
...     '<h1>全市防汛工作会议召开</h1><div class="content"><p>6月11日，市防汛抗旱指挥部召开全市防汛工作会议，'
...     '部署下一阶段防汛工作，要求各地健全预警&ldquo;叫应&rdquo;机制，落实防汛责任制。</p></div></body></html>')
>>> page = read_page(src)
>>> page.mode, page.buffer.text.splitlines()[:2]
('main', ['全市防汛工作会议召开', '2023-06-12'])
>>> i = page.buffer.text.index("“")
>>> src[int(page.buffer.starts[i]):int(page.buffer.ends[i])]
'&ldquo;'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, Optional

import numpy as np

from kg.io.html import _TOKEN, fallback_text, visible_text
from kg.text.boilerplate import page_words, spaced_alt, strip_site_suffix, words_alt
from kg.text.offsets import TextBuffer

_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})(?:\s*日)?")
_META_TAG = re.compile(r"<meta\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.I)
_ATTR = re.compile(r"""([a-zA-Z:_.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_-]+)""", re.I)
_HAN = re.compile(r"[\u3400-\u9fff]")
# What a Chinese page declares and what decodes it: GB2312 and GBK pages use GB18030's characters.
_CODECS = {"gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "x-gbk": "gb18030", "big5": "big5",
           "utf-8": "utf-8", "utf8": "utf-8"}
_FURNITURE = re.compile(r"<(nav|aside|form|select|button)\b.*?</\1\s*>", re.I | re.S)
MIN_MAIN_CHARS = 20  # less than this from trafilatura is no article
WINDOW = 200_000  # how far past the last aligned line the next one is looked for first
MAX_WIDE_SEARCHES = 20  # searches of the whole page for lines not found in the window


@dataclass
class PageText:
    """What :func:`read_page` found."""

    buffer: TextBuffer  # title line, date line, then the article, mapped into the source
    mode: Literal["main", "fallback"]
    title: Optional[str] = None
    date: Optional[str] = None
    unaligned: int = 0  # characters of trafilatura's output found nowhere in the page (left out)


def declared_encoding(data: bytes) -> Optional[str]:
    """The codec of the charset a page declares in its first 4 KB (``<meta charset=…>``).

    >>> declared_encoding(b'<meta http-equiv="Content-Type" content="text/html; charset=gb2312">')
    'gb18030'
    """
    m = _CHARSET.search(data[:4096])
    return _CODECS.get(m.group(1).decode("ascii", "replace").lower()) if m else None


def redecode(data: bytes, text: str, encoding: str) -> tuple[str, str]:
    """Decode with the page's declared charset when it differs from the guess and decodes cleanly."""
    declared = declared_encoding(data)
    if declared is None or declared == encoding.lower().replace("_", "-"):
        return text, encoding
    try:
        return data.decode(declared), declared
    except UnicodeDecodeError:
        return text, encoding


@lru_cache(maxsize=1)
def _lists() -> tuple[tuple[str, ...], tuple[str, ...], re.Pattern, re.Pattern]:
    title_meta = tuple(w.lower() for w in page_words("title_meta"))
    date_meta = tuple(w.lower() for w in page_words("date_meta"))
    script = re.compile(rf"\b{words_alt('date_script')}\s*[=:]\s*[\"']([^\"']{{6,40}})[\"']")
    labelled = re.compile(rf"{spaced_alt('date_labels')}\s*[:：]\s*[|｜]?\s*" + _DATE.pattern)
    return title_meta, date_meta, script, labelled


def _meta_values(source: str) -> dict[str, tuple[str, int]]:
    """``name -> (value, offset of the value in the source)`` of the page's <meta> tags (first wins)."""
    out: dict[str, tuple[str, int]] = {}
    for tag in _META_TAG.finditer(source):
        attrs: dict[str, tuple[str, int]] = {}
        for a in _ATTR.finditer(tag.group()):
            g = 2 if a.group(2) is not None else 3 if a.group(3) is not None else 4
            attrs[a.group(1).lower()] = (a.group(g), tag.start() + a.start(g))
        if "content" not in attrs:
            continue
        for key in ("name", "property", "itemprop", "http-equiv"):
            if key in attrs:
                out.setdefault(attrs[key][0].strip().lower(), attrs["content"])
    return out


class _Aligner:
    """Finds text in the page's visible text, blanks ignored, in reading order."""

    def __init__(self, visible: TextBuffer):
        self.visible = visible
        runs = list(re.finditer(r"\S+", visible.text))
        self.key = "".join(m.group() for m in runs)
        self.index = (np.concatenate([np.arange(m.start(), m.end(), dtype=np.int64) for m in runs])
                      if runs else np.zeros(0, dtype=np.int64))
        self.cursor = 0
        self.searches = 0

    def find(self, text: str, start: int = 0) -> int:
        """Key position of ``text`` (blanks removed) at or after ``start``, or -1."""
        return self.key.find(re.sub(r"\s+", "", text), start)

    def spans(self, key_at: int, n: int) -> tuple[np.ndarray, np.ndarray]:
        v = self.index[key_at:key_at + n]
        return self.visible.starts[v], self.visible.ends[v]

    def line(self, line: str) -> tuple[str, np.ndarray, np.ndarray, int]:
        """``line`` as found in the page: its text, the source span of each character, and
        how many characters were found nowhere (left out)."""
        chars = re.sub(r"\s+", "", line)
        if not chars:
            return "", np.zeros(0, np.int64), np.zeros(0, np.int64), 0
        # near the last line first; the whole page (text the extractor moved) a bounded number of
        # times, so that a page of rewritten lines costs no more than a few passes over it
        at = self.key.find(chars, self.cursor, self.cursor + WINDOW + len(chars))
        if at < 0 and self.searches < MAX_WIDE_SEARCHES:
            self.searches += 1
            at = self.key.find(chars)
        if at >= 0:
            self.cursor = at + len(chars)
            s, e = self.spans(at, len(chars))
            return _with_blanks(line, s, e)
        # rewritten by the extractor: match what can be matched, piece by piece, in order
        texts, starts, ends, lost, i = [], [], [], 0, 0
        while i < len(chars):
            for size in (len(chars) - i, 32, 8, 2):
                piece = chars[i:i + size]
                q = self.key.find(piece, self.cursor, self.cursor + 4000 + size)
                if q >= 0:
                    s, e = self.spans(q, len(piece))
                    texts.append(piece)
                    starts.append(s)
                    ends.append(e)
                    self.cursor = q + len(piece)
                    i += len(piece)
                    break
            else:
                lost += 1
                i += 1
        if not texts:
            return "", np.zeros(0, np.int64), np.zeros(0, np.int64), lost
        return "".join(texts), np.concatenate(starts), np.concatenate(ends), lost


def _with_blanks(line: str, s: np.ndarray, e: np.ndarray) -> tuple[str, np.ndarray, np.ndarray, int]:
    """The line with its single inner blanks kept (each anchored on the character after it)."""
    line = re.sub(r"\s+", " ", line.strip())
    if " " not in line:
        return line, s, e, 0
    blank = np.frombuffer(line.encode("utf-32-le"), dtype=np.uint32) == 32
    where = np.cumsum(~blank) - 1 + blank  # each blank takes the next character's span
    where = np.minimum(where, len(s) - 1)
    starts = s[where].copy()
    ends = e[where].copy()
    ends[blank] = starts[blank]
    return line, starts, ends, 0


def _trafilatura(source: str) -> tuple[str, Optional[str], Optional[str]]:
    import trafilatura

    # Old pages lay out the whole page in tables: trafilatura reads a table as data, so the
    # layout is given to it as blocks (the alignment is on the original source, untouched).
    # HTML5's own furniture elements go first: on a short page trafilatura's baseline reads them all
    source = _FURNITURE.sub(" ", source)
    if re.search(r"<table\b(?:(?!</table>).)*?<(?:table|p)\b", source, re.I | re.S):
        source = re.sub(r"<(/?)(?:table|tbody|thead|tfoot|tr|td|th)\b", r"<\1div", source, flags=re.I)
    doc = trafilatura.bare_extraction(source, with_metadata=True, include_comments=False, include_tables=True,
                                      include_images=False, deduplicate=False)
    if doc is None:
        return "", None, None
    return doc.text or "", doc.title, doc.date


def _unmark(line: str) -> str:
    """A line of trafilatura's text without the marks it writes itself: a list item's "- ", a
    table row's bars (its separator row is no text at all).

    >>> _unmark("- 一是建立制度；"), _unmark("| 指标 | 数值 |"), _unmark("|---|---|")
    ('一是建立制度；', '指标 数值', '')
    """
    s = line.strip()
    if s.startswith("- "):
        return s[2:]
    if s.startswith("|") and s.endswith("|"):
        if re.fullmatch(r"[|\-:\s]+", s):
            return ""
        return " ".join(c.strip() for c in s.strip("|").split("|") if c.strip())
    return line


def _title(source: str, metas: dict[str, tuple[str, int]], extracted: Optional[str],
           aligner: _Aligner, body_at: int) -> tuple[Optional[str], Optional[tuple[np.ndarray, np.ndarray]]]:
    title_meta, *_ = _lists()
    candidates: list[tuple[str, Optional[int]]] = [(metas[n][0], metas[n][1]) for n in title_meta if n in metas]
    if extracted:
        candidates.append((extracted, None))
    m = re.search(r"<title\b[^>]*>(.*?)</title\s*>", source, re.I | re.S)
    if m:
        candidates.append((m.group(1), m.start(1)))
    seen = []
    for raw, at in candidates:
        t = strip_site_suffix(re.sub(r"\s+", " ", raw).strip())
        if len(_HAN.findall(t)) < 4 or t in seen:
            continue
        seen.append(t)
        # the heading the page prints (before the article's text), else the first mention
        k = aligner.key.rfind(re.sub(r"\s+", "", t), 0, max(body_at, 0) + len(t)) if body_at > 0 else -1
        if k < 0:
            k = aligner.find(t)
        if k >= 0:
            s, e = aligner.spans(k, len(re.sub(r"\s+", "", t)))
            text, s, e, _ = _with_blanks(t, s, e)
            return text, (s, e)
    for t in seen:  # not printed: where the source holds it (a meta value, <title>)
        at = source.find(t)
        if at >= 0:
            s = np.arange(at, at + len(t), dtype=np.int64)
            return t, (s, s + 1)
    return None, None


def _date(source: str, metas: dict[str, tuple[str, int]], extracted: Optional[str],
          visible: TextBuffer, body_start: int) -> tuple[Optional[str], Optional[tuple[int, int]]]:
    """The publication date and its span in the source."""
    _, date_meta, script, labelled = _lists()
    for name in date_meta:
        if name in metas:
            value, at = metas[name]
            m = _DATE.search(value)
            if m:
                return _value(m), (at + m.start(), at + m.end())
    for tok in _TOKEN.finditer(source):
        if (tok.group(1) or "").lower() != "script":
            continue
        for m in script.finditer(tok.group()):
            d = _DATE.search(m.group(1))
            if d:
                at = tok.start() + m.start(1)
                return _value(d), (at + d.start(), at + d.end())
    limit = body_start if body_start > 0 else len(visible.text)
    for m in labelled.finditer(visible.text, 0, limit + 200):
        s, e = m.start(1), m.end(3)
        return _value(m, 1), (int(visible.starts[s]), int(visible.ends[e - 1]))
    if extracted:
        for m in _DATE.finditer(visible.text):
            if _value(m) == extracted:
                return extracted, (int(visible.starts[m.start()]), int(visible.ends[m.end() - 1]))
    return None, None


def _value(m: re.Match, first: int = 1) -> Optional[str]:
    y, mo, d = (int(m.group(first + k)) for k in range(3))
    return f"{y:04d}-{mo:02d}-{d:02d}" if 1 <= mo <= 12 and 1 <= d <= 31 else None


def _join(lines: list[tuple[str, np.ndarray, np.ndarray]], orig_len: int) -> TextBuffer:
    texts, starts, ends = [], [], []
    for i, (t, s, e) in enumerate(lines):
        if i:
            anchor = int(s[0]) if len(s) else orig_len
            texts.append("\n")
            starts.append(np.array([anchor], np.int64))
            ends.append(np.array([anchor], np.int64))
        texts.append(t)
        starts.append(s.astype(np.int64))
        ends.append(e.astype(np.int64))
    if not texts:
        z = np.zeros(0, np.int64)
        return TextBuffer("", z, z.copy(), orig_len)
    return TextBuffer("".join(texts), np.concatenate(starts), np.concatenate(ends), orig_len)


def read_page(source: str) -> PageText:
    """The article of a saved page (see the module docstring)."""
    visible = visible_text(source)
    try:
        main, extracted_title, extracted_date = _trafilatura(source)
    except Exception:  # noqa: BLE001 - a library failure on one page is the plain path, never a lost document
        main, extracted_title, extracted_date = "", None, None
    aligner = _Aligner(visible)
    body: list[tuple[str, np.ndarray, np.ndarray]] = []
    lost = 0
    first_at = -1
    for line in main.splitlines():
        line = _unmark(line)
        if not line.strip():
            continue
        before = aligner.cursor
        t, s, e, n = aligner.line(line)
        lost += n
        if t:
            if first_at < 0:
                first_at = max(0, aligner.cursor - len(re.sub(r"\s+", "", t))) if aligner.cursor > before else 0
            body.append((t, s, e))
    if sum(len(t) for t, _, _ in body) < MIN_MAIN_CHARS:
        return PageText(fallback_text(source), "fallback")
    metas = _meta_values(source)
    title, tspan = _title(source, metas, extracted_title, aligner, first_at)
    body_start = int(aligner.index[first_at]) if 0 <= first_at < len(aligner.index) else -1
    date, dspan = _date(source, metas, extracted_date, visible, body_start)
    # the title line (unless the article's text holds it already), then the date line under it
    key = title.replace(" ", "") if title else None
    at = next((k for k, (t, _, _) in enumerate(body[:5]) if t.replace(" ", "") == key), None)
    lines = body
    if date and dspan is not None:
        s = np.arange(dspan[0], dspan[1], dtype=np.int64)
        k = 0 if at is None else at + 1
        lines = lines[:k] + [(source[dspan[0]:dspan[1]], s, s + 1)] + lines[k:]
    if title and tspan is not None and at is None:
        lines = [(title, *tspan)] + lines
    return PageText(_join(lines, len(source)), "main", title, date, lost)

"""Normalise a loaded document: LoadedDocument -> NormalisedDocument.

Steps, in order (each keeps the offset map exact):

1. strip pasted pinyin readings (中新網(wǎng) -> 中新網);
2. convert traditional to simplified characters (OpenCC t2s);
3. unify quotes and punctuation (one character for one);
4. trim indentation and trailing spaces of each line, fold runs of blank lines;
5. drop web boilerplate lines (menus, widgets, footers, next-article links).

>>> from kg.models import SourceMeta, LoadedDocument
>>> doc = LoadedDocument(meta=SourceMeta(id="d", file="d.txt"), path="d.txt",
...     text="回首页\\n  加強部門監(jiān)管,落實責任。\\n", encoding="utf-8", format="txt", sha256="")
>>> n = normalise(doc)
>>> n.text
'加强部门监管，落实责任。\\n'
>>> n.quote(4, 6)
'監(jiān)管'
"""

from __future__ import annotations

import re

from kg.models import LoadedDocument, NormalisedDocument, RemovedSpan
from kg.text.boilerplate import find_boilerplate
from kg.text.chinese import to_simplified_edits
from kg.text.offsets import TextBuffer, apply_regex_edits, buffer_of
from kg.text.pinyin import strip_pinyin_edits
from kg.text.punctuation import unify_punctuation
from kg.text.variants import fold_variants

_BLANKS = re.compile(r"[ \t\u3000\u00a0]+")
_BLANK_RUNS = re.compile(r"\n(?:[ \t]*\n)+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff\u200b-\u200f\u2028\u2029]")


def _whitespace_edits(text: str) -> list[tuple[int, int, str]]:
    """Indentation and trailing blanks go; a run of blanks inside a line becomes one space."""
    edits = []
    n = len(text)
    for m in _BLANKS.finditer(text):
        start, end = m.span()
        starts_line = start == 0 or text[start - 1] == "\n"
        ends_line = end == n or text[end] == "\n"
        if starts_line or ends_line:
            edits.append((start, end, ""))
        elif end - start > 1:  # (a lone CR after it ends a line too)
            edits.append((start, end, "" if text[end] == "\r" else " "))
    return edits


def normalise_text(original: str, start: TextBuffer | None = None) -> tuple[TextBuffer, list[RemovedSpan]]:
    """Normalise a raw string; returns the buffer (text + map) and what was removed.

    ``start``, if given, is the text to normalise already mapped into ``original`` (a web
    page's article, mapped into the page's source)."""
    buf = TextBuffer(original) if start is None else start
    if "\r" in buf.text:  # CRLF / CR become one newline; the map still points into the original
        buf = buf.replace([(m.start(), m.end(), "\n") for m in re.finditer(r"\r\n?", buf.text)])
    buf = apply_regex_edits(buf, [(m.start(), m.end(), "") for m in _CONTROL.finditer(buf.text)])
    buf = apply_regex_edits(buf, strip_pinyin_edits(buf.text))
    buf = buf.map_same_length(fold_variants(buf.text))  # 陜 -> 陕: variants t2s leaves alone
    buf = apply_regex_edits(buf, to_simplified_edits(buf.text))
    buf = buf.map_same_length(unify_punctuation(buf.text))
    buf = apply_regex_edits(buf, _whitespace_edits(buf.text))

    removed: list[RemovedSpan] = []
    drops = find_boilerplate(buf.text)
    if drops:
        for s, e, why in drops:
            os_, oe = int(buf.starts[s]), int(buf.ends[e - 1])
            removed.append(RemovedSpan(orig_start=os_, orig_end=oe, reason=why, text=original[os_:oe].strip()))
        buf = buf.replace([(s, e, "") for s, e, _ in drops])
    buf = apply_regex_edits(buf, [(m.start(), m.end(), "\n") for m in _BLANK_RUNS.finditer(buf.text)])
    lead = len(buf.text) - len(buf.text.lstrip("\n"))
    if lead:
        buf = buf.replace([(0, lead, "")])
    return buf, removed


def normalise(doc: LoadedDocument) -> NormalisedDocument:
    """Normalise one loaded document."""
    start = buffer_of(doc.content, doc.content_map) if doc.content is not None and doc.content_map else None
    buf, removed = normalise_text(doc.text, start)
    return NormalisedDocument(
        meta=doc.meta,
        original=doc.text,
        text=buf.text,
        offsets=buf.freeze(),
        removed=removed,
        sha256=doc.sha256,
        page_starts=doc.page_starts,
    )

"""The visible text of an HTML page, with a map back into the page's source.

Input: the decoded source of a page. Output: a :class:`~kg.text.offsets.TextBuffer` whose
every character points at the characters of the source it was read from (an entity
``&ldquo;`` maps to its six characters, a line break made for a block element to that
element's tag), so provenance can quote the file as written.

:func:`visible_text` keeps all text outside scripts, styles and comments (the text a main-text
extractor's output is aligned against, see :mod:`kg.io.webpage`); :func:`fallback_text` is the
plain path used when no main text is found: navigation, forms and the head dropped, block
elements as line breaks, blanks folded. Both are linear in the page (one regex pass over the
tags, numpy for the per-character map).

>>> html_to_text("<html><head><title>t</title><script>alert(1)</script></head>"
...              "<body><nav>首页</nav><p>加强<b>应急</b>管理。</p><p>第二段</p></body></html>")
'加强应急管理。\\n第二段'
>>> src = "<p>健全&ldquo;双重预防机制&rdquo;</p>"
>>> buf = fallback_text(src)
>>> buf.text, src[int(buf.starts[2]):int(buf.ends[2])]
('健全“双重预防机制”', '&ldquo;')
"""

from __future__ import annotations

import html as _html
import re

import numpy as np

from kg.text.offsets import TextBuffer

# Elements whose content is never text; their whole element is one token.
_RAW = ("script", "style", "textarea", "title", "noscript", "template", "xmp")
_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)"
    rf"|<({'|'.join(_RAW)})\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>.*?(?:</\1\s*>|\Z)"
    r"|<(/?)([a-zA-Z][a-zA-Z0-9:-]*)\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>"
    r"|<![^>]*>|<\?[^>]*>",
    re.S | re.I,
)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});?")
# Containers of page furniture the plain path skips (with their content).
_SKIP = {"head", "nav", "form", "select", "button", "iframe", "svg", "canvas", "object", "embed", "option",
         "map", "audio", "video"}
_BLOCK = {"p", "div", "br", "li", "ul", "ol", "tr", "td", "th", "table", "section", "article",
          "h1", "h2", "h3", "h4", "h5", "h6", "header", "footer", "aside", "blockquote", "pre",
          "dd", "dt", "dl", "hr", "main", "figure", "figcaption", "center", "tbody", "thead", "caption"}
_VOID = {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "source", "track", "wbr"}
_WS = str.maketrans({"\t": " ", "\r": " ", "\n": " ", "\f": " "})


class _Pieces:
    """Text pieces with their source spans, joined once at the end (one numpy pass for the map)."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.starts: list[int] = []  # a literal piece: where it starts; a made one: the span it stands for
        self.ends: list[int] = []  # -1 for a literal piece (each character maps to itself)

    def literal(self, text: str, at: int) -> None:
        if text:
            self.texts.append(text)
            self.starts.append(at)
            self.ends.append(-1)

    def made(self, text: str, start: int, end: int) -> None:
        self.texts.append(text)
        self.starts.append(start)
        self.ends.append(end)

    def data(self, source: str, start: int, end: int) -> None:
        """Character data of the source, entities decoded, whitespace as spaces."""
        pos = start
        for m in _ENTITY.finditer(source, start, end):
            decoded = _html.unescape(m.group())
            if decoded == m.group():
                continue  # not an entity ("&x" in text): stays literal
            self.literal(source[pos:m.start()].translate(_WS), pos)
            self.made(decoded.translate(_WS), m.start(), m.end())
            pos = m.end()
        self.literal(source[pos:end].translate(_WS), pos)

    def buffer(self, orig_len: int) -> TextBuffer:
        text = "".join(self.texts)
        lengths = np.fromiter((len(t) for t in self.texts), dtype=np.int64, count=len(self.texts))
        first = np.repeat(np.asarray(self.starts, dtype=np.int64), lengths)
        end = np.repeat(np.asarray(self.ends, dtype=np.int64), lengths)
        offset = np.arange(len(text), dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        literal = end < 0
        starts = np.where(literal, first + offset, first)
        ends = np.where(literal, starts + 1, end)
        return TextBuffer(text, starts, ends, orig_len)


def _walk(source: str, skip: frozenset[str] | set[str]) -> TextBuffer:
    out = _Pieces()
    pos, depth = 0, 0
    for m in _TOKEN.finditer(source):
        if not depth and m.start() > pos:
            out.data(source, pos, m.start())
        pos = m.end()
        name = (m.group(3) or "").lower()
        if not name:
            continue  # a comment, a doctype or a raw-text element: never text
        closing = m.group(2) == "/"
        if name in skip and name not in _VOID:
            depth = max(0, depth - 1) if closing else depth + 1
        elif name in _BLOCK and not depth:
            out.made("\n", m.start(), m.end())
    if not depth and pos < len(source):
        out.data(source, pos, len(source))
    return out.buffer(len(source))


def visible_text(source: str) -> TextBuffer:
    """All text of the page outside scripts, styles, comments and ``<title>``, with its map."""
    return _walk(source, frozenset())


def _tidy(buf: TextBuffer) -> TextBuffer:
    """Fold blank runs to one space, trim lines, drop empty ones (the map kept)."""
    edits = [(m.start(), m.end(), " ") for m in re.finditer(r" {2,}", buf.text)]
    if edits:
        buf = buf.replace(edits)
    edits = [(m.start(), m.end(), "" if m.start() == 0 or m.end() == len(buf.text) else "\n")
             for m in re.finditer(r"[ \n]*\n[ \n]*|^ +| +$", buf.text)]
    return buf.replace(edits) if edits else buf


def fallback_text(source: str) -> TextBuffer:
    """The page body without navigation, forms and the head, one block per line, with its map."""
    return _tidy(_walk(source, _SKIP))


def html_to_text(html: str) -> str:
    """Visible text of the page body, one block per line."""
    return fallback_text(html).text


def looks_like_html(text: str) -> bool:
    head = text[:2000].lower()
    return "<html" in head or "<!doctype html" in head or ("<body" in head and "</" in head)

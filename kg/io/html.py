"""Reduce an HTML page to its main text (stdlib parser; no network, no JS).

Scripts, styles, templates, forms and navigation elements are dropped; block
elements become line breaks. The result is still full of page furniture, which the
boilerplate stripper removes line by line like in a scraped .txt page.

>>> html_to_text("<html><head><title>t</title><script>alert(1)</script></head>"
...              "<body><nav>首页</nav><p>加强<b>应急</b>管理。</p><p>第二段</p></body></html>")
'加强应急管理。\\n第二段'
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SKIP = {"script", "style", "noscript", "template", "head", "nav", "form", "select", "button",
         "iframe", "svg", "canvas", "object", "embed"}
_BLOCK = {"p", "div", "br", "li", "ul", "ol", "tr", "td", "th", "table", "section", "article",
          "h1", "h2", "h3", "h4", "h5", "h6", "header", "footer", "aside", "blockquote", "pre",
          "dd", "dt", "dl", "hr", "main", "figure", "figcaption", "center"}
_VOID = {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "source", "track", "wbr"}


class _MainText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP and tag not in _VOID:
            self.skip_depth += 1
        elif tag in _BLOCK and not self.skip_depth:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCK and not self.skip_depth:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _SKIP and tag not in _VOID:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag in _BLOCK and not self.skip_depth:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip_depth:
            self.parts.append(re.sub(r"[ \t\r\n]+", " ", data))


def html_to_text(html: str) -> str:
    """Visible text of the page body, one block per line."""
    p = _MainText()
    p.feed(html)
    p.close()
    lines = (ln.strip() for ln in "".join(p.parts).split("\n"))
    return "\n".join(ln for ln in lines if ln)


def looks_like_html(text: str) -> bool:
    head = text[:2000].lower()
    return "<html" in head or "<!doctype html" in head or ("<body" in head and "</" in head)

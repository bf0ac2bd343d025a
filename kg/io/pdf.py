"""Read a PDF's text layer: bytes -> (text, page starts).

pdfminer.six lays out each page (text boxes in reading order, top to bottom, whatever order
the content stream drew them in) and maps CID fonts (STSong-Light, Adobe-GB1) to Unicode
through their CMaps; pypdf reads in content-stream order, which puts a line drawn last at
the top. Pages are joined by a blank line; ``page_starts[i]`` is where page ``i + 1`` begins
in the text, so an offset into the text names its page (:func:`page_of`).

The text built here is the document's "original": provenance quotes are slices of it.
A PDF whose pages hold no text (a scan: images only) has an empty text layer and is
reported ``no-text`` by the loader; a file pdfminer cannot parse raises :class:`PdfError`.
"""

from __future__ import annotations

import io
import re
from bisect import bisect_right

PAGE_BREAK = "\n\n"
#: a line that is only the page's number, as printed at a page's top or bottom ("- 3 -", "— 3 —",
#: "3", "第3页", "第 3 页 共 9 页", "3/9"): dropped there, or every page's evidence would hold one
_PAGE_NUMBER = re.compile(r"\s*(?:[-—–－]\s*\d{1,4}\s*[-—–－]|\d{1,4}(?:\s*/\s*\d{1,4})?|"
                          r"第\s*\d{1,4}\s*页(?:\s*[，,]?\s*共\s*\d{1,4}\s*页)?)\s*")
#: what pdfminer writes for a glyph its font gives no Unicode for (no ToUnicode map, no known CMap)
_UNMAPPED = re.compile(r"\(cid:\d+\)")
#: above this share of unmapped glyphs the text layer is unreadable: treated as no text
UNMAPPED_LIMIT = 0.5


class PdfError(Exception):
    """The bytes are not a PDF pdfminer can read (truncated, damaged, encrypted)."""


def read_pdf(data: bytes) -> tuple[str, list[int]]:
    """The text layer of a PDF and the offset where each page starts in it."""
    # imported here: pdfminer loads its CMaps lazily, and plain-text builds never need it
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextContainer
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    pages: list[str] = []
    try:
        for page in extract_pages(io.BytesIO(data), laparams=LAParams()):
            parts = [_box_text(el) for el in page if isinstance(el, LTTextContainer)]
            pages.append(_without_page_number("\n".join(p for p in parts if p)))
    except (PDFEncryptionError, PDFPasswordIncorrect) as e:
        raise PdfError(f"is an encrypted PDF ({type(e).__name__}): kg reads unencrypted PDFs") from None
    except Exception as e:  # pdfminer raises many types (PSEOF, PDFSyntaxError, KeyError ...) on damage
        raise PdfError(f"is a damaged PDF ({type(e).__name__}: {e or 'no detail'})") from None
    if not pages:
        raise PdfError("is a damaged PDF (no pages found)")
    starts, text = [], ""
    for i, body in enumerate(pages):
        if i:
            text += PAGE_BREAK
        starts.append(len(text))
        text += body
    return text, starts


def _box_text(box) -> str:
    """A text box's lines, a paragraph's wrapped lines joined: a line that fills the box's width
    (to half a character: justified text does, a title or a short line does not)
    and is followed by a line starting at the box's left edge (not indented: no new paragraph)
    was wrapped by the typesetter, and Chinese joins its lines without a space. Other lines
    stay lines (a title, a paragraph's last line, a list)."""
    lines = [ln for ln in box if hasattr(ln, "get_text")] if hasattr(box, "__iter__") else []
    if not lines:
        return box.get_text().strip("\n")
    out = ""
    for i, line in enumerate(lines):
        text = line.get_text().rstrip("\n")
        out += text
        if i + 1 < len(lines):
            nxt = lines[i + 1]
            size = max(line.height, 1.0)  # about one character wide (CJK glyphs are square)
            wrapped = (line.x1 >= box.x1 - 0.5 * size and nxt.x0 <= box.x0 + 0.5 * size
                       and text and not text[-1].isspace() and _is_cjk(text[-1]))
            out += "" if wrapped else "\n"
    return out.strip("\n")


def _is_cjk(ch: str) -> bool:
    # a Latin word wrapped at a line end would need a space, which the text layer does not have
    return "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"


def _without_page_number(page: str) -> str:
    r"""A page's text without a page-number line at its top or bottom.

    >>> _without_page_number("- 2 -\n应急管理。\n第 2 页 共 5 页")
    '应急管理。'
    >>> _without_page_number("2023年\n应急管理。")
    '2023年\n应急管理。'
    """
    lines = page.split("\n")
    if len(lines) > 1 and _PAGE_NUMBER.fullmatch(lines[-1]):
        lines.pop()
    if len(lines) > 1 and _PAGE_NUMBER.fullmatch(lines[0]):
        lines.pop(0)
    return "\n".join(lines).strip("\n")


def page_of(page_starts: list[int], offset: int) -> int:
    """The 1-based page holding text offset ``offset``.

    >>> page_of([0, 10, 25], 0), page_of([0, 10, 25], 9), page_of([0, 10, 25], 10), page_of([0, 10, 25], 40)
    (1, 1, 2, 3)
    """
    return max(1, bisect_right(page_starts, offset))


def unmapped_share(text: str) -> float:
    """The share of a text layer's glyphs that have no Unicode (pdfminer's ``(cid:N)``).

    >>> unmapped_share("(cid:12)(cid:7)应急"), unmapped_share("应急管理"), unmapped_share("")
    (0.5, 0.0, 0.0)
    """
    unmapped = len(_UNMAPPED.findall(text))
    rest = len("".join(_UNMAPPED.sub("", text).split()))
    return unmapped / (unmapped + rest) if unmapped + rest else 0.0

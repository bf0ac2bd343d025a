"""Read a Word (.docx) document: bytes -> text.

Paragraphs and table cells in document order (python-docx lists them per kind; the body's
XML children give the order), one paragraph per line; a table row's cells are separate
lines, a cell's text written once even where cells are merged (python-docx repeats a merged
cell for every grid position it spans). A heading (style ``Title`` or ``Heading 1``) is
followed by a blank line so that the title extractor sees it as a title line of its own.

The text built here is the document's "original": provenance quotes are slices of it.
"""

from __future__ import annotations

import io

HEADING_STYLES = ("Title", "Heading 1", "标题", "标题 1")


class DocxError(Exception):
    """The bytes are not a .docx python-docx can read."""


def _is_heading(paragraph) -> bool:
    try:
        name = paragraph.style.name if paragraph.style is not None else ""
    except (KeyError, ValueError):  # a style id the styles part lacks
        return False
    return name in HEADING_STYLES


def _cell_lines(table, seen: dict) -> list[str]:
    lines: list[str] = []
    for row in table.rows:
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell, already written
                continue
            seen[id(cell._tc)] = cell._tc  # (kept alive, so that its id is not reused)
            for block in _blocks(cell, seen):
                lines.append(block)
    return lines


def _blocks(parent, seen: dict) -> list[str]:
    """The lines of a body or table cell, in document order (nested tables included)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    out: list[str] = []
    element = parent._tc if hasattr(parent, "_tc") else parent.element.body
    for child in element.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            p = Paragraph(child, parent)
            text = p.text.strip()
            if text:
                out.append(text + ("\n" if _is_heading(p) else ""))
        elif tag == "tbl":
            out.extend(_cell_lines(Table(child, parent), seen))
    return out


def read_docx(data: bytes) -> str:
    """The text of a .docx: paragraphs and table cells in document order, one per line."""
    import docx  # python-docx; imported here, only .docx sources need it

    try:
        document = docx.Document(io.BytesIO(data))
        blocks = _blocks(document, {})
    except Exception as e:  # zipfile.BadZipFile, KeyError (no document part), lxml errors ...
        raise DocxError(f"is a damaged Word document ({type(e).__name__}: {e or 'no detail'})") from None
    return "\n".join(blocks).rstrip("\n")

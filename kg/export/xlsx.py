"""An Excel workbook of a KnowledgeGraph: ``kg.xlsx``, for people who open files in a spreadsheet.

Input: a :class:`~kg.graph.model.KnowledgeGraph` (or its Snapshot). Output: one workbook
with a sheet per table:

* ``documents``: id, file, title, date, region, mention count;
* ``nodes``: id, type, label, then every attribute of any node type (numbers as numbers);
* ``edges``: source, relation, target, then the edge attributes;
* ``evidence``: one row per (element, supporting mention): the element, the provenance id
  (``<doc id>#<n>``, as in provenance.csv), document, rule, the quote and the whole sentence
  as written (the sentences are in memory when the graph is: no lookup in the store);
* ``figures``: one row per (statistic, mention): region, subject, value and unit as written,
  in base units, direction, baseline, the document's date, the document and the quote.

The CSVs stay raw data for pandas and Neo4j; this file is what to double-click. No cell is
a formula: every text is written as a string cell (``write_string``, and the workbook's
``strings_to_formulas`` / ``_numbers`` / ``_urls`` off), so text from a scraped page that
starts with ``=``, ``+``, ``-`` or ``@`` stays text. Control characters other than tab and
line breaks are dropped, as in the CSVs and GraphML (a cell would hold them only as
``_xHHHH_`` escapes, which Excel decodes and other readers, openpyxl and pandas, show as
written).

Excel's limits are kept: a text longer than 32,767 characters is cut with a marker saying
how long it was and where the whole text is; a table longer than 1,048,576 rows continues on
``<sheet> (2)``, ``(3)`` …, each with the header.

Same graph, same bytes: the creation date is fixed (XlsxWriter would write the time of the
build), the zip entries carry XlsxWriter's fixed 1980 timestamp, and rows are in the order
of the other exports.
"""

from __future__ import annotations

import io
import math
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional, Sequence

import xlsxwriter

from kg.export.graphml import join_list
from kg.graph.build import Snapshot
from kg.graph.model import KnowledgeGraph
from kg.graph.ontology import all_edge_attributes, all_node_attributes
from kg.io.atomic import atomic_writer
from kg.models import Provenance

XLSX_FILE = "kg.xlsx"

# Excel's own limits (https://support.microsoft.com/office/excel-specifications-and-limits)
MAX_CELL_CHARS = 32_767
MAX_ROWS = 1_048_576  # the header included
# fixed, so that two builds of the same sources give the same bytes
CREATED = datetime(2000, 1, 1, tzinfo=timezone.utc)

DOCUMENT_HEADER = ("id", "file", "title", "date", "region", "count")
EVIDENCE_HEADER = ("kind", "node", "source", "relation", "target", "provenance", "doc_id", "rule", "quote",
                   "sentence")
FIGURE_HEADER = ("region", "subject", "value", "unit", "normalized_value", "normalized_unit", "direction",
                 "baseline", "date", "doc_id", "title", "quote", "provenance", "statistic")

Cell = Any  # str, int, float, bool or None (an empty cell)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # as kg.export.tables drops them


def truncated(text: str) -> str:
    """``text`` as a cell can hold it: cut to Excel's 32,767 characters with a marker."""
    if len(text) <= MAX_CELL_CHARS:
        return text
    marker = f" … [cut: {len(text):,} characters in all; the whole text is in graph.json and kg.sqlite]"
    return text[:MAX_CELL_CHARS - len(marker)] + marker


def _value(value: Any, kind: str) -> Cell:
    if value is None:
        return None
    if kind == "list":
        return join_list(list(value))  # as in the CSVs: "|" between items, "\|" inside one
    if kind in ("int", "float", "bool"):
        return value
    return str(value)


def _attribute_columns(specs: dict, first: tuple[str, ...], skip: str) -> list[str]:
    return list(first) + sorted(n for n in specs if n != skip and n not in first)


def _documents(snap: Snapshot) -> Iterator[tuple]:
    for n, attrs in snap.nodes:
        if attrs.get("type") == "Document":
            yield tuple([n.partition(":")[2]] + [attrs.get(f) for f in DOCUMENT_HEADER[1:]])


def _nodes(snap: Snapshot, columns: list[str], kinds: dict[str, str]) -> Iterator[tuple]:
    for n, attrs in snap.nodes:
        yield tuple([n, attrs["type"]] + [_value(attrs.get(a), kinds[a]) for a in columns])


def _edges(snap: Snapshot, columns: list[str], kinds: dict[str, str]) -> Iterator[tuple]:
    for head, rel, tail, attrs in snap.edges:
        yield tuple([head, rel, tail] + [_value(attrs.get(a), kinds[a]) for a in columns])


def _cited(snap: Snapshot, p: Provenance) -> tuple:
    return (snap.prov_id(p), p.doc_id, p.rule, p.quote, p.sentence_quote)


def _evidence(snap: Snapshot) -> Iterator[tuple]:
    for n in snap.node_ids:
        for p in snap.node_evidence(n):
            yield ("node", n, None, None, None) + _cited(snap, p)
    for head, rel, tail in snap.edge_keys:
        for p in snap.edge_evidence(head, rel, tail):
            yield ("edge", None, head, rel, tail) + _cited(snap, p)


def _figures(snap: Snapshot) -> Iterator[tuple]:
    docs = {n.partition(":")[2]: attrs for n, attrs in snap.nodes if attrs.get("type") == "Document"}
    for n, attrs in snap.nodes:
        if attrs.get("type") != "Statistic":
            continue
        facts = tuple(attrs.get(f) for f in FIGURE_HEADER[:8])
        for p in snap.node_evidence(n):
            doc = docs.get(p.doc_id, {})
            yield facts + (doc.get("date"), p.doc_id, doc.get("title"), p.quote, snap.prov_id(p), n)


# column widths (characters) by header: ids and quotes wide, flags narrow
_WIDTHS = {"id": 28, "node": 28, "source": 28, "target": 28, "statistic": 28, "label": 24, "title": 36,
           "quote": 48, "sentence": 80, "file": 28, "provenance": 26, "doc_id": 24, "subject": 24}


class _Sheets:
    """Writes tables into a workbook, a sheet per 1,048,575 rows."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self.bold = book.add_format({"bold": True})

    def _sheet(self, name: str, header: Sequence[str]) -> Any:
        sheet = self.book.add_worksheet(name)
        for c, h in enumerate(header):
            sheet.set_column(c, c, _WIDTHS.get(h, 14))
            sheet.write_string(0, c, h, self.bold)
        sheet.freeze_panes(1, 0)
        return sheet

    def table(self, name: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> None:
        part, r = 1, 0
        sheet = self._sheet(name, header)
        last = len(header) - 1
        for row in rows:
            if r == MAX_ROWS - 1:  # this sheet is full: the table goes on in the next
                sheet.autofilter(0, 0, r, last)
                part, r = part + 1, 0
                sheet = self._sheet(f"{name} ({part})", header)
            r += 1
            for c, v in enumerate(row):
                _write(sheet, r, c, v)
        sheet.autofilter(0, 0, r, last)


def _write(sheet: Any, r: int, c: int, v: Cell) -> None:
    if v is None:
        return
    if type(v) is str:  # the usual cell: checked, not rewritten, unless it must be
        if _CONTROL.search(v) is not None:
            v = _CONTROL.sub("", v)
        sheet.write_string(r, c, v if len(v) <= MAX_CELL_CHARS else truncated(v))
    elif isinstance(v, bool):
        sheet.write_boolean(r, c, v)
    elif isinstance(v, (int, float)) and math.isfinite(v) and abs(v) < 1e308:
        sheet.write_number(r, c, v)
    else:  # every text, and a number Excel cannot hold, as a string: never a formula
        sheet.write_string(r, c, truncated(_CONTROL.sub("", str(v))))


def _write_book(snap: Snapshot, target: Any) -> None:
    # constant_memory: each row goes to a temporary file as it is written, so a large
    # corpus's evidence is never held as cells (strings are then stored inline)
    book = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_formulas": False,
                                        "strings_to_numbers": False, "strings_to_urls": False})
    book.set_properties({"title": "kg knowledge graph", "created": CREATED})
    sheets = _Sheets(book)
    node_specs, edge_specs = all_node_attributes(), all_edge_attributes()
    ncols = _attribute_columns(node_specs, ("label",), "type")
    ecols = _attribute_columns(edge_specs, (), "relation")
    nkinds = {a: node_specs[a].kind for a in ncols}
    ekinds = {a: edge_specs[a].kind for a in ecols}
    sheets.table("documents", DOCUMENT_HEADER, _documents(snap))
    sheets.table("nodes", ["id", "type"] + ncols, _nodes(snap, ncols, nkinds))
    sheets.table("edges", ["source", "relation", "target"] + ecols, _edges(snap, ecols, ekinds))
    sheets.table("evidence", EVIDENCE_HEADER, _evidence(snap))
    sheets.table("figures", FIGURE_HEADER, _figures(snap))
    book.close()


def render_xlsx(kg: KnowledgeGraph | Snapshot) -> bytes:
    """The bytes of ``kg.xlsx`` for ``kg`` (deterministic)."""
    snap = kg if isinstance(kg, Snapshot) else Snapshot.of(kg)
    buf = io.BytesIO()
    _write_book(snap, buf)
    return buf.getvalue()


def write_xlsx(kg: KnowledgeGraph | Snapshot, path: str | Path) -> Path:
    """Write the workbook to ``path`` atomically (the zip is streamed into the temporary file)."""
    snap = kg if isinstance(kg, Snapshot) else Snapshot.of(kg)
    path = Path(path)
    with atomic_writer(path) as f:
        _write_book(snap, f)
    return path


def writer(snap: Snapshot, out_dir: Path) -> Callable[[], tuple[str, Optional[Any]]]:
    """What :func:`kg.export.write_all` runs: the file written afresh from the graph on every
    build, incremental ones included (it has no records to copy; a rebuild's graph is a
    fresh build's, so its bytes are too)."""
    def write() -> tuple[str, Optional[Any]]:
        return str(write_xlsx(snap, out_dir / XLSX_FILE)), None
    return write

"""The table pages: ``timeline.html`` (when each region names each mechanism) and
``figures.html`` (every statistic, as written and in base units).

Input: a :class:`~kg.graph.model.KnowledgeGraph`. Output: each page's HTML (str). Like
the graph views, the pages are static and offline (no request at all), and source text
is only ever text: Jinja2 escapes every value, the one script (``assets/sort.js``,
inline and allowed by its hash in the Content-Security-Policy, no handler attributes)
only reorders rows, and the same graph gives the same bytes.
"""

from __future__ import annotations

from collections import defaultdict

from markupsafe import Markup

from kg.graph.model import KnowledgeGraph
from kg.views import scope as sc
from kg.views.dates import UNDATED_LABEL
from kg.views.render import asset_text, csp_hash, template_env
from kg.views.rows import Figure, Mention, figures, mechanism_mentions, number_text

NO_REGION = "(no region)"


def _csp(css: str, js: str) -> str:
    return (f"default-src 'none'; script-src {csp_hash(js)}; style-src {csp_hash(css)}; img-src data:; "
            "base-uri 'none'; form-action 'none'")


def _render(template: str, **context) -> str:
    css, js = asset_text("table.css"), asset_text("sort.js")
    return template_env().get_template(template).render(
        csp=_csp(css, js), css=Markup(css), sort_js=Markup(js), undated=UNDATED_LABEL, **context)


# --------------------------------------------------------------------------- timeline
def _first_matrix(rows: list[Mention]) -> tuple[list[dict], list[str]]:
    """Mechanism rows x region columns, each cell the region's first date(s) of it."""
    regions: list[tuple[bool, str, str]] = sorted({(r.region is None, r.region_name or NO_REGION, r.region or "")
                                                   for r in rows})
    cells: dict[tuple[str, str], list[Mention]] = defaultdict(list)
    for r in rows:
        cells[(r.mechanism, r.region or "")].append(r)
    out = []
    for m in sorted({(r.mechanism_name, r.mechanism) for r in rows}):
        row = []
        for _, _, rid in regions:
            ms = cells.get((m[1], rid), [])
            firsts = [x for x in ms if x.first]
            if firsts:
                texts = list(dict.fromkeys(x.date.text for x in firsts))
                row.append({"text": " / ".join(texts), "key": min(x.date for x in firsts).sort_text(),
                            "n": len(ms), "undated": False})
            elif ms:  # named, but only in undated documents
                row.append({"text": UNDATED_LABEL, "key": "", "n": len(ms), "undated": True})
            else:
                row.append(None)
        keys = [c["key"] for c in row if c and c["key"]]
        out.append({"name": m[0], "cells": row, "key": min(keys) if keys else "",
                    "n_regions": sum(1 for c in row if c)})
    out.sort(key=lambda r: (r["key"] == "", r["key"], r["name"]))
    return out, [name for _, name, _ in regions]


def render_timeline_html(kg: KnowledgeGraph, scope: sc.Scope | None = None) -> str:
    rows = mechanism_mentions(kg, scope)
    matrix, columns = _first_matrix(rows)
    n_undated = len({r.doc_id for r in rows if not r.date.dated})
    return _render("timeline.html.j2", rows=rows, matrix=matrix, columns=columns, no_region=NO_REGION,
                   n_docs=len({r.doc_id for r in rows}), n_undated=n_undated,
                   n_mechanisms=len(matrix), n_regions=len(columns))


# --------------------------------------------------------------------------- figures
def _figure_row(f: Figure) -> dict:
    return {
        "region": f.region_name or NO_REGION, "subject": f.subject,
        "year": f.year, "written": f.written,
        "normalized": number_text(f.normalized_value),
        "normalized_key": "" if f.normalized_value is None else repr(float(f.normalized_value)),
        "unit": f.normalized_unit or "", "direction": f.direction or "", "baseline": f.baseline or "",
        "document": f.document or "", "date": f.date, "context": f.context, "id": f.statistic,
    }


def render_figures_html(kg: KnowledgeGraph, scope: sc.Scope | None = None) -> str:
    rows = [_figure_row(f) for f in figures(kg, scope)]
    return _render("figures.html.j2", rows=rows, n_regions=len({r["region"] for r in rows}),
                   n_subjects=len({r["subject"] for r in rows}))

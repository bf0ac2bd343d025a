"""Render one view of the graph to a self-contained, offline, safe HTML page.

Input: a :class:`~kg.graph.model.KnowledgeGraph` and a :class:`View` (node ids, their
positions, texts). Output: the page as a ``str`` (:func:`render_view_html`).

How the page is built, and why:

* pyvis assembles the vis-network node and edge objects and the options (a fresh
  ``pyvis.network.Network`` per page, fed plain dicts: ``kg.graph`` is never handed to
  pyvis, which writes display attributes into graphs it converts). Its own template
  is not used: it loads Bootstrap and tom-select from a CDN, and sets tooltips with
  ``innerHTML`` when a title contains "href". Our pages load vis-network 9.1.2
  (vendored in ``assets/``, Apache-2.0 OR MIT) from one copy beside them
  (``assets/vis-network.min.js``, ``<script src>``: 470 KB written once, not once per
  page) or, for a page shown alone (a notebook's), inline; our own script is inline.
  The page makes no network request.
* Evidence is bounded: each element embeds its first :data:`EVIDENCE_LIMIT` quotes,
  with :data:`CONTEXT_CHARS` characters of context, and says how many more there are
  and where they are (``kg.sqlite``), so a page grows with the elements it shows, not
  with the corpus.
* Source text is data, never markup: node and edge data travel as JSON in a
  ``<script type="application/json">`` block with ``<``, ``>``, ``&``, U+2028 and
  U+2029 escaped, so no ``</script>`` can end the block; vis-network draws labels on a
  canvas; tooltips and the side panel are built with ``textContent``; the page's
  Content-Security-Policy allows only its own inline scripts (by hash), so an injected
  handler such as ``onerror=`` could not run even if markup slipped through.
* Positions come from :mod:`kg.views.layout` and physics is off: the page is
  interactive as soon as vis-network has drawn once.
* Deterministic: nodes sorted by id, edges by (head, tail, relation), JSON keys in a
  fixed order, no timestamps.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from kg.graph.model import KnowledgeGraph, edge_key
from kg.models import Provenance
from kg.serve import BASE_URL as SERVE_URL  # each pinned card links to its element's page there
from kg.views.style import edge_colour, node_style, swatch_svg, type_rank

ASSETS = Path(__file__).resolve().parent / "assets"

LABEL_LIMIT = 12  # characters of a label drawn on the canvas; the tooltip has it whole
EVIDENCE_LIMIT = 3  # evidence rows embedded per node or edge; the rest are counted (and are in kg.sqlite)
CONTEXT_CHARS = 60  # sentence context kept on each side of a quote
VIS_ASSET = "assets/vis-network.min.js"  # where render_views writes the one copy pages load
BIG_VIEW = 800  # above this many nodes, edges are hidden while dragging or zooming

# Canvas text has no CSS fallback chain of its own: name the usual CJK faces so
# Chinese labels render with whatever the reader's system has, never a web font.
FONT_STACK = ('"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", '
              '"Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", sans-serif')

_CORE_ATTRS = frozenset({"type", "label", "aliases", "docs", "count"})
CURATED_RULE = "curated"  # the rule of a correction's evidence (kg.graph.corrections)
CURATED_DASHES = [5, 3]  # a curated node's border, a curated edge's line: dashed


def curated_notes(provs: list[Provenance]) -> list[str]:
    """The corrections behind an element, each once, sorted: a correction's evidence quotes it;
    an item a correction added cites its text (a span)."""
    notes = set()
    for p in provs:
        if p.rule == CURATED_RULE:
            notes.add(p.quote if p.orig_end == p.orig_start else f"added, citing “{p.quote}”")
    return sorted(notes)


@dataclass(frozen=True)
class View:
    """One page: which nodes, where, and what to say about them."""

    slug: str  # file name without ".html"
    title: str
    kind: str  # overview | region | duties | mechanisms
    description: str
    nodes: frozenset[str]
    positions: dict[str, tuple[int, int]]
    highlight: frozenset[str] = frozenset()  # nodes drawn to stand out
    highlight_note: str = ""
    extra_html: Markup = field(default_factory=lambda: Markup(""))  # built with escaping
    home: bool = True  # link back to index.html (a page shown alone, e.g. in a notebook, has none)

    @property
    def file(self) -> str:
        return f"{self.slug}.html"


# --------------------------------------------------------------------------- text helpers
def short_label(text: str, limit: int = LABEL_LIMIT) -> str:
    """Label as drawn on the canvas.

    >>> short_label("行业监督管理与综合监管融合常态化机制")
    '行业监督管理与综合监管…'
    >>> short_label("双重预防机制")
    '双重预防机制'
    """
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


_SCRIPT_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                   ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def script_json(obj) -> str:
    """JSON safe to place inside a ``<script>`` element.

    ``<``, ``>`` and ``&`` only ever occur inside JSON strings, where their ``\\u``
    escapes mean the same characters, so the result parses to the same value.

    >>> script_json({"a": "</script><b>&"})
    '{"a":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    >>> json.loads(script_json({"a": "</script>\\u2028"})) == {"a": "</script>\\u2028"}
    True
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escaped in _SCRIPT_ESCAPES:  # str.replace is far faster than str.translate here
        text = text.replace(char, escaped)
    return text


def csp_hash(text: str) -> str:
    """CSP source expression allowing exactly this inline script or style."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _scalar(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        parts = [p for p in (_scalar(v) for v in value) if p]
        return "、".join(parts) if parts else None
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return str(value)


def _quote_in_sentence(prov: Provenance) -> tuple[str, str, str]:
    """(before, quote, after) of the quote inside its sentence as written, trimmed."""
    sentence, quote = prov.sentence_quote, prov.quote
    hint = prov.start - prov.sentence_start
    hits, i = [], sentence.find(quote) if quote else -1
    while i >= 0:
        hits.append(i)
        i = sentence.find(quote, i + 1)
    if not hits:
        # The quote is not inside the sentence as written (should not happen); show
        # both rather than pretend to know where it is.
        return "", quote, " — " + _trim_right(sentence)
    at = min(hits, key=lambda h: (abs(h - hint), h))
    before, after = sentence[:at], sentence[at + len(quote):]
    if len(before) > CONTEXT_CHARS:
        before = "…" + before[-CONTEXT_CHARS:]
    return before, quote, _trim_right(after)


def _trim_right(text: str) -> str:
    return text if len(text) <= CONTEXT_CHARS else text[:CONTEXT_CHARS] + "…"


def evidence_rows(provs: list[Provenance], limit: int = EVIDENCE_LIMIT) -> tuple[list[list[str]], int]:
    """Evidence as ``[doc id, before, quote, after]`` rows (a fifth cell, the page, for a PDF
    source), deduplicated, in text order, at most ``limit`` of them, and how many more there were."""
    seen, rows = set(), []
    for p in sorted(provs, key=lambda p: (p.doc_id, p.orig_start, p.orig_end, p.rule)):
        key = (p.doc_id, p.orig_start, p.orig_end)
        if key in seen:
            continue
        seen.add(key)
        rows.append([p.doc_id, *_quote_in_sentence(p)] + ([p.page] if p.page is not None else []))
    return rows[:limit], max(0, len(rows) - limit)


# --------------------------------------------------------------------------- page data
def _node_info(kg: KnowledgeGraph, n: str) -> dict:
    attrs = kg.graph.nodes[n]
    provs = kg.node_evidence(n)
    rows, more = evidence_rows(provs)
    extra = []
    for k in sorted(attrs):
        if k in _CORE_ATTRS:
            continue
        v = _scalar(attrs[k])
        if v:
            extra.append([str(k), v])
    return {
        "type": str(attrs.get("type") or ""),
        "label": str(attrs.get("label") or n),
        "aliases": [str(a) for a in attrs.get("aliases") or []],
        "attrs": extra,
        "docs": [str(d) for d in attrs.get("docs") or []],
        "count": attrs.get("count") if isinstance(attrs.get("count"), int) else None,
        "evidence": rows,
        "more": more,
        "curated": curated_notes(provs),
    }


def _edge_info(kg: KnowledgeGraph, u: str, v: str, key: str, data: dict) -> dict:
    relation = str(data.get("relation") or key)
    provs = kg.evidence.get(edge_key(u, key, v), [])
    rows, more = evidence_rows(provs)
    extra = []
    for k in sorted(data):
        if k in ("relation", "docs", "count"):
            continue
        val = _scalar(data[k])
        if val:
            extra.append([str(k), val])
    g = kg.graph
    return {
        "relation": relation,
        "from": str(g.nodes[u].get("label") or u),
        "to": str(g.nodes[v].get("label") or v),
        "attrs": extra,
        "docs": [str(d) for d in data.get("docs") or []],
        "count": data.get("count") if isinstance(data.get("count"), int) else None,
        "evidence": rows,
        "more": more,
        "curated": curated_notes(provs),
    }


def _node_size(attrs: dict) -> float:
    count = attrs.get("count") if isinstance(attrs.get("count"), int) else 1
    size = 9 + 3 * math.log2(1 + max(count, 0))
    if attrs.get("type") == "Region":
        size += 6
    return round(min(size, 36), 1)


def _smooth(edges: list[tuple[str, str, str]]) -> dict[tuple[str, str, str], dict]:
    """Curves for edges sharing a pair of nodes, on alternating sides, so none hides another.

    vis-network's ``curvedCW`` bends relative to the edge's own direction; an edge
    running against the pair's canonical direction flips to keep the sides distinct.
    """
    by_pair: dict[tuple[str, str], list[tuple[str, str, str]]] = defaultdict(list)
    for e in edges:
        by_pair[tuple(sorted(e[:2]))].append(e)
    out = {}
    for pair, group in by_pair.items():
        if len(group) < 2 or pair[0] == pair[1]:
            continue
        for i, e in enumerate(group):
            plus = i % 2 == 0
            canonical = e[0] == pair[0]
            cw = plus == canonical
            out[e] = {"enabled": True, "type": "curvedCW" if cw else "curvedCCW",
                      "roundness": round(0.2 * (i // 2 + 1), 2)}
    return out


def _options(n_nodes: int) -> dict:
    big = n_nodes > BIG_VIEW
    return {
        "autoResize": True,
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False, "randomSeed": 0},
        "interaction": {"hover": True, "tooltipDelay": 120, "multiselect": True,
                        "hideEdgesOnDrag": big, "hideEdgesOnZoom": big, "keyboard": False},
        "nodes": {"borderWidth": 1.5, "borderWidthSelected": 3,
                  "font": {"face": FONT_STACK, "size": 14, "color": "#1f1f1f",
                           "strokeWidth": 3, "strokeColor": "#ffffff"}},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
                  "smooth": False, "width": 1, "selectionWidth": 2, "hoverWidth": 1.5},
    }


def network_data(kg: KnowledgeGraph, view: View) -> dict:
    """Everything the page's script needs, as plain JSON-able data."""
    from pyvis.network import Network  # pyvis imports IPython: load it only when rendering

    g = kg.graph
    sub = g.subgraph(view.nodes)
    node_ids = sorted(view.nodes)
    edges = sorted(sub.edges(keys=True))
    net = Network(directed=True, cdn_resources="in_line")
    info = {n: _node_info(kg, n) for n in node_ids}
    edge_info = {edge_key(u, k, v): _edge_info(kg, u, v, k, g.edges[u, v, k]) for u, v, k in edges}
    for n in node_ids:
        attrs = g.nodes[n]
        style = node_style(str(attrs.get("type") or ""))
        x, y = view.positions[n]
        size = _node_size(attrs)
        extra = {}
        border = style.border
        if n in view.highlight:
            size, border = round(size * 1.6, 1), "#1f1f1f"
            extra = {"borderWidth": 3, "font": {"size": 17, "color": "#000000"}}
        if info[n]["curated"]:  # changed by a correction: a dashed border (see the legend)
            extra = {**extra, "borderWidth": 2.5, "shapeProperties": {"borderDashes": CURATED_DASHES}}
            border = "#1f1f1f"
        net.add_node(
            n,
            label=short_label(str(attrs.get("label") or n)) or n,
            shape=style.shape,
            color={"background": style.colour, "border": border,
                   "highlight": {"background": style.colour, "border": "#000000"},
                   "hover": {"background": style.colour, "border": "#000000"}},
            size=size, x=x, y=y, **extra,
        )
    curves = _smooth(edges)
    for u, v, key in edges:
        data = g.edges[u, v, key]
        relation = str(data.get("relation") or key)
        colour = edge_colour(relation)
        count = data.get("count") if isinstance(data.get("count"), int) else 1
        options = {"id": edge_key(u, key, v),
                   "color": {"color": colour, "highlight": "#000000", "hover": "#000000"},
                   "width": round(min(1 + math.log2(max(count, 1)), 5), 2)}
        if (u, v, key) in curves:
            options["smooth"] = curves[(u, v, key)]
        if edge_info[edge_key(u, key, v)]["curated"]:
            options["dashes"] = CURATED_DASHES
        net.add_edge(u, v, **options)
    net.options = _options(len(node_ids))
    vis_nodes, vis_edges, _, _, _, options_json = net.get_network_data()

    doc_ids = sorted({row[0] for item in (*info.values(), *edge_info.values()) for row in item["evidence"]}
                     | {d for item in (*info.values(), *edge_info.values()) for d in item["docs"]})
    docs = {}
    for d in doc_ids:
        meta = kg.documents.get(d) or {}
        docs[d] = {k: str(meta[k]) for k in ("title", "file", "date") if meta.get(k)}
    return {"nodes": vis_nodes, "edges": vis_edges, "options": json.loads(options_json),
            "info": info, "edgeInfo": edge_info, "docs": docs, "serve": SERVE_URL}


# --------------------------------------------------------------------------- templates
@lru_cache(maxsize=None)
def asset_text(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def template_env() -> Environment:
    return Environment(loader=FileSystemLoader(str(ASSETS)), autoescape=True,
                       keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)


def curated_swatch() -> str:
    """The legend's mark of a curated element: a dashed ring (constants only)."""
    dashes = ",".join(map(str, CURATED_DASHES))
    return ('<svg class="sw" width="14" height="14" viewBox="0 0 14 14" aria-hidden="true"><circle cx="7" cy="7" '
            f'r="5.5" fill="none" stroke="#1f1f1f" stroke-width="1.5" stroke-dasharray="{dashes}"/></svg>')


def legend(types: dict[str, int]) -> list[dict]:
    """Legend rows (type, count, swatch) in the display order of node types."""
    return [{"type": t, "count": types[t], "swatch": Markup(swatch_svg(node_style(t)))}
            for t in sorted(types, key=type_rank)]


def render_view_html(kg: KnowledgeGraph, view: View, shared_assets: bool = False) -> str:
    """The complete HTML page of ``view``: self-contained, or with ``shared_assets``
    loading vis-network from :data:`VIS_ASSET` beside it (see :func:`kg.views.render_views`)."""
    data = network_data(kg, view)
    types: dict[str, int] = defaultdict(int)
    for item in data["info"].values():
        types[item["type"]] += 1
    relations: dict[str, int] = defaultdict(int)
    for item in data["edgeInfo"].values():
        relations[item["relation"]] += 1
    css, vis_js, view_js = asset_text("view.css"), asset_text("vis-network.min.js"), asset_text("view.js")
    # a shared copy: scripts of the page's own place ('self'; file: for browsers whose file
    # pages have no origin of their own), nothing inline but our script
    scripts = f"'self' file: {csp_hash(view_js)}" if shared_assets else f"{csp_hash(vis_js)} {csp_hash(view_js)}"
    csp = ("default-src 'none'; "
           f"script-src {scripts}; "
           f"style-src {csp_hash(css)}; img-src data:; base-uri 'none'; form-action 'none'")
    return template_env().get_template("view.html.j2").render(
        view=view,
        csp=csp,
        css=Markup(css),
        vis_src=VIS_ASSET if shared_assets else None,
        vis_js=Markup(vis_js),
        view_js=Markup(view_js),
        data_json=Markup(script_json(data)),
        legend=legend(dict(types)),
        relations=[{"name": r, "count": relations[r], "colour": edge_colour(r)} for r in sorted(relations)],
        curated=sum(1 for item in (*data["info"].values(), *data["edgeInfo"].values()) if item["curated"]),
        curated_swatch=Markup(curated_swatch()),
        n_nodes=len(data["nodes"]),
        n_edges=len(data["edges"]),
    )

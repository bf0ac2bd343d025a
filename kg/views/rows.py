"""The rows of the timeline and the figures table, shared by the pages and :class:`kg.query.Explorer`.

Input: a :class:`~kg.graph.model.KnowledgeGraph`. Output: plain dataclasses, sorted.

* :func:`mechanism_mentions`: one :class:`Mention` per region, mechanism and document that
  names it (a document's region is its document region, see :mod:`kg.views.scope`), with
  the document's date as written; ``first`` marks the mention(s) that may be the region's
  earliest of that mechanism (dates of different precision may tie: 2024 and 2024-03),
  never an undated one.
* :func:`figures`: one :class:`Figure` per statistic and region reporting it, with the
  value as written and in base units (``normalized_value``/``normalized_unit``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

import networkx as nx

from kg.graph.model import KnowledgeGraph
from kg.views import scope as sc
from kg.views.dates import DocDate, earliest, parse_date
from kg.views.render import evidence_rows


def region_names(g: nx.MultiDiGraph) -> dict[str, str]:
    """Region id -> the name shown: its label, or its id's name where two regions share a label."""
    regions = sorted(n for n, t in g.nodes(data="type") if t == "Region")
    label = {n: str(g.nodes[n].get("label") or n) for n in regions}
    counts = Counter(label.values())
    return {n: label[n] if counts[label[n]] == 1 else n.split(":", 1)[1] for n in regions}


def doc_date(kg: KnowledgeGraph, scope: sc.Scope, doc: str) -> DocDate:
    """A document's date: its metadata's, else its Document node's (never inferred)."""
    meta = kg.documents.get(doc) or {}
    value = meta.get("date")
    if not value and doc in scope.doc_nodes:
        value = kg.graph.nodes[scope.doc_nodes[doc]].get("date")
    return parse_date(value)


def doc_title(kg: KnowledgeGraph, scope: sc.Scope, doc: str) -> str:
    meta = kg.documents.get(doc) or {}
    title = meta.get("title")
    if not title and doc in scope.doc_nodes:
        title = kg.graph.nodes[scope.doc_nodes[doc]].get("title")
    return str(title or meta.get("file") or doc)


def _quotes(kg: KnowledgeGraph, node: str) -> dict[str, tuple[int, list[str], str]]:
    """Document id -> (distinct mentions of ``node`` in it, the first one's [before, quote, after]
    trimmed for a page, its whole sentence as written)."""
    by_doc: dict[str, list] = defaultdict(list)
    for p in kg.node_evidence(node):
        by_doc[p.doc_id].append(p)
    out = {}
    for d, provs in by_doc.items():
        rows, more = evidence_rows(provs, limit=1)
        first = min(provs, key=lambda p: (p.orig_start, p.orig_end, p.rule))
        out[d] = (len(rows) + more, rows[0][1:], first.sentence_quote)
    return out


_NO_QUOTE = (0, ["", "", ""], "")


@dataclass(frozen=True)
class Mention:
    region: str | None  # Region node id (None: the document has no known region)
    region_name: str | None
    mechanism: str  # Mechanism node id
    mechanism_name: str
    doc_id: str
    document: str  # title
    date: DocDate
    first: bool
    mentions: int  # distinct mentions in the document
    context: tuple[str, str, str]  # the first one: (before, quote, after), trimmed
    sentence: str  # the first one's sentence, whole


def mechanism_mentions(kg: KnowledgeGraph, scope: sc.Scope | None = None) -> list[Mention]:
    """Every (region, mechanism, document) mention, by region, mechanism, date, document."""
    g = kg.graph
    scope = scope or sc.build_scope(kg)
    names = region_names(g)
    groups: dict[tuple[str | None, str], list[tuple[str, DocDate]]] = defaultdict(list)
    quotes: dict[str, dict] = {}
    for m in sorted(n for n, t in g.nodes(data="type") if t == "Mechanism"):
        quotes[m] = _quotes(kg, m)
        docs = set(quotes[m]) | {str(d) for d in g.nodes[m].get("docs") or []}
        for d in sorted(docs):
            groups[(scope.doc_region.get(d), m)].append((d, doc_date(kg, scope, d)))
    out = []
    for (region, m), items in groups.items():
        items.sort(key=lambda it: (it[1].key(), it[0]))
        firsts = earliest([date for _, date in items])
        for i, (d, date) in enumerate(items):
            count, ctx, sentence = quotes[m].get(d, _NO_QUOTE)
            out.append(Mention(region, names.get(region) if region else None, m,
                               str(g.nodes[m].get("label") or m), d, doc_title(kg, scope, d), date,
                               i in firsts, count, tuple(ctx), sentence))
    out.sort(key=lambda r: (r.region_name is None, r.region_name or "", r.region or "", r.mechanism_name,
                            r.mechanism, r.date.key(), r.doc_id))
    return out


@dataclass(frozen=True)
class Figure:
    region: str | None
    region_name: str | None
    subject: str
    value: float | None
    unit: str | None
    written: str  # the number and its unit as written (12.3万人); empty for a direction-only claim
    normalized_value: float | None
    normalized_unit: str | None
    direction: str | None
    baseline: str | None
    doc_id: str | None
    document: str | None
    date: DocDate
    context: tuple[str, str, str]
    sentence: str
    statistic: str  # Statistic node id

    @property
    def year(self) -> int | None:
        return self.date.year


def number_text(value: float | None) -> str:
    """A number as a reader writes it: no trailing .0, no exponent.

    >>> number_text(123000.0), number_text(12.3), number_text(0.000001)
    ('123000', '12.3', '0.000001')
    """
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return format(value, "f").rstrip("0").rstrip(".") if abs(value) < 1e-4 else repr(float(value))


def _number(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def figures(kg: KnowledgeGraph, scope: sc.Scope | None = None) -> list[Figure]:
    """One row per statistic, region reporting it and document stating it."""
    g = kg.graph
    scope = scope or sc.build_scope(kg)
    names = region_names(g)
    doc_of = {n: d for d, n in scope.doc_nodes.items()}
    reporters: dict[str, set[str]] = defaultdict(set)
    for h, s, k in g.edges(keys=True):
        if k != "reports":
            continue
        t = g.nodes[h].get("type")
        if t == "Region":
            reporters[s].add(h)
        elif t == "Document":
            doc = doc_of.get(h)
            if doc in scope.doc_region:
                reporters[s].add(scope.doc_region[doc])
    out = []
    for s in sorted(n for n, t in g.nodes(data="type") if t == "Statistic"):
        a = g.nodes[s]
        quotes = _quotes(kg, s)
        docs = sorted(set(quotes) | {str(d) for d in a.get("docs") or []}) or [None]
        for region in sorted(reporters[s]) or [None]:
            for d in docs:
                if d is not None and region is not None and scope.doc_region.get(d) not in (None, region):
                    continue  # the figure of one region's document, not another's
                _, ctx, sentence = quotes.get(d, _NO_QUOTE) if d else _NO_QUOTE
                value, unit = _number(a.get("value")), a.get("unit")
                written = f"{number_text(value)}{unit or ''}" if value is not None else ""  # direction only
                out.append(Figure(
                    region, names.get(region) if region else (a.get("region") or None),
                    str(a.get("subject") or ""), value, unit, written,
                    _number(a.get("normalized_value")), a.get("normalized_unit"), a.get("direction"),
                    a.get("baseline"), d, doc_title(kg, scope, d) if d else None,
                    doc_date(kg, scope, d) if d else parse_date(None), tuple(ctx), sentence, s))
    out.sort(key=lambda f: (f.region_name is None, f.region_name or "", f.subject, f.date.key(),
                            f.doc_id or "", f.statistic))
    return out

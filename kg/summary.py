"""Document-level summaries in the gold shape: DocumentExtraction -> DocumentSummary.

Extractors emit one item per mention; a summary keeps each value once, in the
order of its first mention. Officials mentioned several times are merged by name
(titles unioned in text order, the first organisation named).

The JSON written by :func:`summary_json` is exactly the shape of the files in
``tests/data/gold`` (keys in the same order), which ``kg eval`` and other tools
rely on.
"""

from __future__ import annotations

import json
from typing import Callable, Hashable, Iterable, TypeVar

from kg.extract.regions import written_name
from kg.models import (
    DocumentExtraction,
    DocumentSummary,
    SummaryDutyFormula,
    SummaryDutyPair,
    SummaryEvent,
    SummaryOfficial,
    SummaryPrinciplePair,
    SummaryRegion,
    SummaryStatistic,
)

T = TypeVar("T")


def _unique(items: Iterable[T], key: Callable[[T], Hashable]) -> list[T]:
    seen: set = set()
    out = []
    for it in items:
        k = key(it)
        if k not in seen:
            seen.add(k)
            out.append(it)
    return out


def _officials(ex: DocumentExtraction) -> list[SummaryOfficial]:
    merged: dict[str, SummaryOfficial] = {}
    # the fullest title run first (党委书记、厅长 before a later bare 厅长); stable otherwise
    for m in sorted(ex.officials, key=lambda m: -len(m.titles)):
        cur = merged.get(m.name)
        if cur is None:
            merged[m.name] = SummaryOfficial(name=m.name, titles=list(dict.fromkeys(m.titles)), org=m.org)
            continue
        for t in m.titles:
            if t not in cur.titles:
                cur.titles.append(t)
        if cur.org is None and m.org:
            cur.org = m.org
    first_seen = list(dict.fromkeys(m.name for m in ex.officials))  # list officials in text order
    return [merged[name] for name in first_seen]


def _notes(ex: DocumentExtraction) -> str:
    parts = []
    if ex.region:
        parts.append(f"region {ex.region.name} inferred from {ex.region.method}")
    if ex.title:
        parts.append(f"title by rule {ex.title.prov.rule}")
    if ex.date:
        parts.append(f"date by rule {ex.date.prov.rule}")
    counts = {f: len(getattr(ex, f)) for f in ("officials", "organizations", "mechanisms", "statistics")}
    parts.append("mentions: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return "Extracted by kg; " + "; ".join(parts) + "."


def summarise(ex: DocumentExtraction) -> DocumentSummary:
    """Collapse mentions into one document-level summary."""
    region = None
    if ex.region is not None:
        # the gold shape knows province|city; a county-level document is reported as a city-level unit
        level = ex.region.level if ex.region.level in ("province", "city") else "city"
        region = SummaryRegion(name=written_name(ex.region, ex.regions), level=level, anonymized=ex.region.anonymized)
    return DocumentSummary(
        file=ex.file.rsplit("/", 1)[-1],
        title=ex.title.value if ex.title else None,
        region=region,
        date=ex.date.value if ex.date else None,
        officials=_officials(ex),
        organizations=[o.name for o in _unique(ex.organizations, lambda o: o.name)],
        mechanisms=[m.name for m in _unique(ex.mechanisms, lambda m: m.name)],
        duty_formulas=[SummaryDutyFormula(holder=f.holder, items=f.items)
                       for f in _unique(ex.duty_formulas, lambda f: (f.holder, tuple(f.items)))],
        duty_pairs=[SummaryDutyPair(phase=p.phase, lead=p.lead, support=p.support)
                    for p in _unique(ex.duty_pairs, lambda p: (p.phase, p.lead, p.support))],
        principle_pairs=[SummaryPrinciplePair(a=p.a, b=p.b) for p in _unique(ex.principle_pairs, lambda p: (p.a, p.b))],
        numbered_formulas=[n.name for n in _unique(ex.numbered_formulas, lambda n: n.name)],
        statistics=[SummaryStatistic(subject=s.subject, value=s.value, unit=s.unit, direction=s.direction, baseline=s.baseline,
                                     normalized_value=s.normalized_value, normalized_unit=s.normalized_unit)
                    for s in _unique(ex.statistics, lambda s: (s.subject, s.value, s.unit, s.direction, s.baseline))],
        events=[SummaryEvent(name=e.name, type=e.type) for e in _unique(ex.events, lambda e: (e.name, e.type))],
        notes=_notes(ex),
    )


def summary_dict(summary: DocumentSummary) -> dict:
    """Plain dict in gold key order; whole-number values stay ints like in the gold files."""
    d = summary.model_dump(mode="json")
    for st in d["statistics"]:
        for key in ("value", "normalized_value"):
            v = st[key]
            if isinstance(v, float) and v.is_integer():
                st[key] = int(v)
    return d


def summary_json(summaries: list[DocumentSummary]) -> str:
    """A JSON array of summaries (UTF-8 text, indent 2, Chinese unescaped).

    >>> summary_json([]) == json.dumps([])
    True
    """
    return join_summary_items([summary_item(s) for s in summaries])


def summary_item(summary: DocumentSummary) -> str:
    """One summary as an element of :func:`summary_json`'s array (kept per document by a build)."""
    return "  " + json.dumps(summary_dict(summary), ensure_ascii=False, indent=2).replace("\n", "\n  ")


def join_summary_items(items: list[str]) -> str:
    """The array of :func:`summary_item` texts: what ``json.dumps(list, indent=2)`` writes."""
    return "[\n" + ",\n".join(items) + "\n]" if items else "[]"

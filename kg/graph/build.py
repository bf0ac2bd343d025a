"""Build the knowledge graph of a corpus from its extractions.

Input: ``list[DocumentExtraction]`` (mention-level items with provenance) and the
documents' :class:`~kg.models.SourceMeta` (a list parallel to the extractions, any
iterable of them, or a mapping by document id).
Output: a :class:`~kg.graph.model.KnowledgeGraph` following :mod:`kg.graph.model`'s
contract and :mod:`kg.graph.ontology`: node ids ``<Type>:<canonical>``, one edge per
(head, relation, tail), evidence for every node and edge, a merge record for every
entity-resolution decision.

The document's own region is the subject of its ``adopts`` / ``states`` / ``balances`` /
``cites`` / ``reports`` / ``experienced`` edges (the Document node when the region is
unknown). Everything is accumulated by id and emitted in sorted order, and every choice
among written forms is a vote with an order-free tie-break, so the same extractions give
the same graph whatever order the documents come in.

>>> from kg.models import DocumentExtraction, SourceMeta
>>> kg = build_graph([DocumentExtraction(doc_id="d1", file="d1.txt")], [SourceMeta(id="d1", file="d1.txt", region="湖南省")])
>>> sorted(kg.graph.nodes)
['Document:d1', 'Region:湖南省']
>>> kg.graph.edges["Document:d1", "Region:湖南省", "about"]["docs"]
['d1']
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Any, Iterable, Iterator, Mapping, Optional, Sequence

from kg.errors import OntologyError
from kg.graph.accumulate import _Builder
from kg.graph.model import KnowledgeGraph, documents_from_graph, edge_key, node_id
from kg.graph.ontology import check_edge, check_edge_attrs, edge_attributes
from kg.graph.resolve import Resolved, Resolver, region_label, strip_quotes
from kg.graph.snapshot import Snapshot, local_ids, prov_sort_key, split_prov_id
from kg.models import DocumentExtraction, Provenance, SourceMeta

__all__ = ["Snapshot", "build_graph", "add_edge", "documents_from_graph", "local_ids", "paused_gc",
           "prov_sort_key", "source_provenance", "split_prov_id"]


def source_provenance(doc_id: str, rule: str, value: str) -> Provenance:
    """Evidence that comes from the source's metadata, not from a span of its text.

    The spans are empty (0, 0); ``rule`` says where the value came from (``source.file``,
    ``manifest.region``, ``document_region.<method>``) and ``quote`` holds the value.
    """
    return Provenance(doc_id=doc_id, rule=rule, start=0, end=0, orig_start=0, orig_end=0, quote=value,
                      sentence="", sentence_start=0, sentence_quote="")


# --------------------------------------------------------------------------- per document
def _number(value: Optional[float]) -> str:
    """Stable text of a value for ids and labels: 3.0 -> '3', 44.81 -> '44.81'."""
    if value is None:
        return ""
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _opt(text: Optional[str]) -> Optional[str]:
    text = text.strip() if text else text
    return text or None


def _add_document(b: _Builder, res: Resolver, ex: DocumentExtraction, meta: SourceMeta) -> None:
    doc = ex.doc_id
    dr = res.doc_region(doc)
    title = ex.title.value if ex.title else meta.title
    date = ex.date.value if ex.date else meta.date
    doc_provs = [a.prov for a in (ex.title, ex.date) if a is not None] or [source_provenance(doc, "source.file", ex.file)]
    did = b.node("Document", Resolved(doc, _opt(title) or ex.file, (), "document"), doc_provs, doc)
    b.nodes[did].fix(file=ex.file, title=_opt(title), date=_opt(date), region=dr.name if dr else None)

    subject = did
    if dr is not None:
        ev = dr.evidence or (source_provenance(doc, "manifest.region" if dr.method == "manifest" and not ex.region
                                               else f"document_region.{dr.method}", dr.name),)
        subject = b.node("Region", Resolved(dr.canonical, dr.name, (), "region.document"), ev, doc)
        b.vote(subject, level=dr.level, adcode=dr.adcode, anonymized=dr.anonymized)
        b.edge(did, "about", subject, ev, doc)

    def mention(nid: str, prov: Provenance) -> None:
        b.edge(did, "mentions", nid, [prov], doc)

    def state(relation: str, nid: str, prov: Provenance) -> None:
        b.edge(subject, relation, nid, [prov], doc)
        mention(nid, prov)

    def organization(r: Resolved, prov: Provenance, kind: Optional[str]) -> str:
        gid = b.node("Organization", r, [prov], doc)
        b.vote(gid, kind=_opt(kind), region=region_label(r.region) if r.region else None)
        mention(gid, prov)
        if r.region:
            b.defer(gid, "located_in", node_id("Region", r.region), [prov], doc)
        return gid

    for m in ex.regions:
        r = res.region(m, doc)
        rid = b.node("Region", r, [m.prov], doc)
        anonymized = "@" in r.canonical
        province = None if anonymized or m.province == m.name else _opt(m.province)
        b.vote(rid, level=m.level, adcode=_opt(m.adcode), anonymized=anonymized, province=province)
        mention(rid, m.prov)
        if province:
            b.defer(rid, "part_of", node_id("Region", province), [m.prov], doc)

    for m in ex.organizations:
        r = res.organization(m, doc)
        if r.canonical:
            organization(r, m.prov, m.kind)

    for m in ex.officials:
        r = res.official(m.name)
        if not r.canonical:
            continue
        oid = b.node("Official", r, [m.prov], doc)
        for i, t in enumerate(m.titles):
            b.nodes[oid].order("titles", (doc, m.prov.start, i), t)
        mention(oid, m.prov)
        if _opt(m.org):
            gid = organization(res.organization(m.org.strip(), doc), m.prov, None)
            post = b.edge(oid, "holds_post_in", gid, [m.prov], doc)
            for i, t in enumerate(m.titles):
                post.order("titles", (doc, m.prov.start, i), t)

    for m in ex.mechanisms:
        r = res.mechanism(m.name, doc)
        if r.canonical:
            nid = b.node("Mechanism", r, [m.prov], doc)
            b.vote(nid, head=_opt(m.head))
            state("adopts", nid, m.prov)

    item_formula: dict[str, str] = {}
    for f in sorted(ex.duty_formulas, key=lambda f: prov_sort_key(f.prov)):
        items = [i for i in (strip_quotes(x) for x in f.items) if i]
        if not items:
            continue
        canonical = "、".join(items)
        fid = b.node("DutyFormula", Resolved(canonical, canonical, ("、".join(f.items),), "duty_formula.same_items"),
                     [f.prov], doc)
        b.nodes[fid].fix(items=items, size=len(items))
        if _opt(f.holder):
            b.nodes[fid].collect("holders", f.holder.strip())
        state("states", fid, f.prov)
        for position, item in enumerate(items, 1):
            uid = b.node("Duty", Resolved(item, item, (item,), "duty.same_item"), [f.prov], doc)
            b.vote(uid, phase=item[-1])
            b.edge(fid, "has_item", uid, [f.prov], doc, position=position)
            mention(uid, f.prov)
            item_formula.setdefault(item, fid)

    for p in ex.duty_pairs:
        lead, support = strip_quotes(p.lead), strip_quotes(p.support)
        if not lead or not support:
            continue
        phase = _opt(p.phase)
        lid = b.node("Duty", Resolved(lead, lead, (lead,), "duty.same_item"), [p.prov], doc)
        sid = b.node("Duty", Resolved(support, support, (support,), "duty.same_item"), [p.prov], doc)
        b.vote(lid, phase=phase, role="lead")
        b.vote(sid, phase=phase, role="support")
        b.edge(lid, "paired_with", sid, [p.prov], doc, phase=phase)
        mention(lid, p.prov)
        mention(sid, p.prov)
        fl, fs = item_formula.get(lead), item_formula.get(support)
        if fl and fs and fl != fs:
            b.edge(fl, "paired_with", fs, [p.prov], doc, phase=None)

    for p in ex.principle_pairs:
        r, a, bb = res.principle_pair(p.a, p.b)
        if not a or not bb:
            continue
        pid = b.node("PrinciplePair", r, [p.prov], doc)
        b.nodes[pid].fix(a=a, b=bb)
        state("balances", pid, p.prov)
        for position, pole in enumerate((a, bb), 1):
            qid = b.node("Principle", Resolved(pole, pole, (pole,), "principle.same_pole"), [p.prov], doc)
            b.edge(pid, "has_pole", qid, [p.prov], doc, position=position)
            mention(qid, p.prov)

    for m in ex.numbered_formulas:
        r = res.numbered(m.name)
        if r.canonical:
            nid = b.node("NumberedFormula", r, [m.prov], doc)
            b.vote(nid, parts=m.count, expansion=tuple(m.expansion) or None)
            state("cites", nid, m.prov)

    scope = dr.canonical if dr else f"@{doc}"
    for s in ex.statistics:
        subject_text = s.subject.strip()
        if not subject_text:
            continue
        value = None if s.value is None else float(s.value)
        unit, direction, baseline = _opt(s.unit), _opt(s.direction), _opt(s.baseline)
        amount = f"{_number(value)}{unit or ''}"
        canonical = "/".join((scope, subject_text, direction or "", amount, baseline or ""))
        label = " ".join(x for x in (subject_text, baseline, direction, amount) if x)
        nid = b.node("Statistic", Resolved(canonical, label, (label,), "statistic.same_fact"), [s.prov], doc)
        b.nodes[nid].fix(subject=subject_text, value=value, unit=unit, direction=direction, baseline=baseline,
                         normalized_value=s.normalized_value, normalized_unit=_opt(s.normalized_unit),
                         region=dr.name if dr else None)
        state("reports", nid, s.prov)

    for e in ex.events:
        r = res.event(e.name, e.type)
        if r.canonical:
            nid = b.node("Event", r, [e.prov], doc)
            b.vote(nid, event_type=_opt(e.type))
            state("experienced", nid, e.prov)


def _pair(extractions: Sequence[DocumentExtraction],
          metas: Optional[Iterable[SourceMeta] | Mapping[str, SourceMeta]]) -> list[tuple[DocumentExtraction, SourceMeta]]:
    if metas is None:
        by_id: Mapping[str, SourceMeta] = {}
    elif isinstance(metas, Mapping):
        by_id = metas
    else:
        by_id = {m.id: m for m in metas}
    seen: set[str] = set()
    out = []
    for ex in extractions:
        if ex.doc_id in seen:
            raise ValueError(f"document id {ex.doc_id!r} occurs twice in the extractions")
        seen.add(ex.doc_id)
        out.append((ex, by_id.get(ex.doc_id) or SourceMeta(id=ex.doc_id, file=ex.file)))
    return sorted(out, key=lambda pair: pair[0].doc_id)


@contextmanager
def paused_gc(freeze: bool = False) -> Iterator[None]:
    """Pause the cyclic garbage collector around bulk work that makes many long-lived objects.

    A graph build allocates hundreds of thousands of containers that all survive, so each
    collection scans an ever larger heap for nothing: on a 700-document corpus that doubled
    the build time. Reference counting still frees everything short-lived.

    ``freeze``: move what exists at the end to the collector's permanent generation, so
    that the first collection afterwards does not scan it all once more (a tenth of a
    second after loading a build state). For objects that form no reference cycles (the
    graph's, the state's), which reference counting frees when they are dropped.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if was_enabled:
            gc.enable()


def build_graph(extractions: Sequence[DocumentExtraction],
                metas: Optional[Iterable[SourceMeta] | Mapping[str, SourceMeta]] = None) -> KnowledgeGraph:
    """The knowledge graph of ``extractions`` (see the module docstring)."""
    from kg.graph.update import build_with_state

    return build_with_state(extractions, metas)[0]


# --------------------------------------------------------------------------- incremental use
def add_edge(kg: KnowledgeGraph, head: str, relation: str, tail: str,
             evidence: Iterable[Provenance] = (), **attrs: Any) -> None:
    """Add (or reinforce) one edge of ``kg``, checked against the ontology first.

    Both nodes must exist; ``docs`` and ``count`` follow from the merged evidence.
    Raises :class:`~kg.errors.OntologyError` (and changes nothing) if the edge does not fit.
    """
    for n in (head, tail):
        if n not in kg.graph:
            raise OntologyError(f"edge {head} -{relation}-> {tail}: no node {n!r} in the graph")
    check_edge(kg.graph.nodes[head]["type"], relation, kg.graph.nodes[tail]["type"])
    key = edge_key(head, relation, tail)
    evidence = sorted(set(kg.evidence.get(key, [])) | set(evidence), key=prov_sort_key)
    old = dict(kg.graph.edges[head, tail, relation]) if kg.graph.has_edge(head, tail, relation) else {}
    merged: dict[str, Any] = {n: ([] if s.kind == "list" else None) for n, s in edge_attributes(relation).items()}
    merged.update(old)
    merged.update(attrs)
    merged.update(relation=relation, docs=sorted({p.doc_id for p in evidence} | set(old.get("docs", []))),
                  count=len(evidence))
    checked = check_edge_attrs(head, relation, tail, merged)
    kg.graph.add_edge(head, tail, key=relation, **checked)
    kg.evidence[key] = evidence

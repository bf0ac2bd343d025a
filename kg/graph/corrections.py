"""A person's corrections applied to the graph, on every build, the same way every time.

Input: the :class:`~kg.io.corrections.Corrections` read from ``sources/corrections.toml``
and the corpus's documents. :func:`compile_corrections` turns them into a :class:`Curation`
(lookup tables, and each ``add`` entry's item with its provenance found in its document's
normalised text). Then, document by document:

* :func:`prepare` gives the extraction the graph is built from: a document's ``region`` /
  ``title`` / ``date`` as a correction sets it, else as the manifest states it (what a person
  wrote wins over what was inferred; where the two disagree is recorded in its
  :class:`~kg.graph.resolve.DocFacts`), plus the items ``add`` entries give it;
* :class:`CuratedBuilder` stands between :func:`kg.graph.build._add_document` and the
  graph builder: mentions of rejected nodes and edges go nowhere (recorded in
  ``merges.csv`` with rule ``curated.reject``), merged nodes go to the first node of their
  merge, split written forms get a node of their own, relabels and aliases apply.

A curated element carries the correction as evidence: a provenance of each document behind
it with rule ``curated`` and the correction written out as its quote. Everything is per
document and a function of (extraction, metadata, corrections), so taking a document out
and putting it back (:mod:`kg.graph.update`) gives what a fresh build gives.
:func:`statuses` says, for the build report, what each entry did.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Optional

from kg.graph.accumulate import _Acc, _Builder, _NodeAcc
from kg.graph.build import source_provenance
from kg.graph.model import MergeRecord, edge_key
from kg.graph.resolve import DocFacts, Resolved, is_anonymized, level_from_name, short_forms
from kg.io.corrections import Add, Alias, Corrections, Merge, Reject, Relabel, SetDate, SetRegion, SetTitle, Split
from kg.models import (Attribute, DocumentExtraction, DocumentRegion, Event, MechanismMention, NumberedFormula,
                       OfficialMention, OrganizationMention, PrinciplePair, Provenance, SourceMeta)

CURATED = "curated"  # the rule of every provenance a correction gives
DROPPED = "\0dropped"  # what CuratedBuilder.node returns for a rejected mention


def curated_provenance(doc_id: str, entry: Any) -> Provenance:
    """Evidence that a correction shaped an element (no span: the quote is the correction)."""
    return source_provenance(doc_id, CURATED, entry.describe())


# --------------------------------------------------------------------------- compiled
@dataclass
class Curation:
    """The corrections of one build, as lookup tables (entries cited by their index)."""

    digest: str = ""
    entries: tuple = ()
    reject_nodes: dict[str, list[tuple[int, Optional[str]]]] = field(default_factory=dict)  # id -> (entry, doc)
    reject_edges: dict[tuple[str, str, str], list[tuple[int, Optional[str]]]] = field(default_factory=dict)
    merge_into: dict[str, tuple[str, int]] = field(default_factory=dict)  # id -> (target id, entry)
    splits: dict[str, dict[str, int]] = field(default_factory=dict)  # id -> written form -> entry
    marks: dict[str, list[int]] = field(default_factory=dict)  # final id -> entries shaping it (in file order)
    docs: dict[str, dict[str, int]] = field(default_factory=dict)  # doc id -> region|title|date -> entry
    adds: dict[str, list[tuple[str, Any]]] = field(default_factory=dict)  # doc id -> (extraction field, item)
    added_to: set[str] = field(default_factory=set)  # documents named by an add entry (found or not)
    problems: dict[int, str] = field(default_factory=dict)  # entry -> why it cannot apply

    def __bool__(self) -> bool:
        return bool(self.entries)

    def final(self, nid: str) -> str:
        got = self.merge_into.get(nid)
        return got[0] if got else nid

    def mark(self, nid: str, i: int) -> None:
        self.marks.setdefault(nid, []).append(i)


def _find_quote(text: str, quote: str) -> Optional[tuple[int, int]]:
    """The first place ``quote`` (normalised as the text was, else as given) occurs in ``text``."""
    from kg.text.normalize import normalise_text

    forms = [normalise_text(quote)[0].text.strip(), quote.strip()]
    for form in dict.fromkeys(f for f in forms if f):
        i = text.find(form)
        if i >= 0:
            return i, i + len(form)
    return None


def _item(entry: Add, prov: Provenance) -> tuple[str, Any]:
    name = entry.name.strip()
    if entry.type == "Mechanism":
        from kg.extract.mechanisms import HEADS  # the extractor's head words

        head = next((h for h in HEADS if name.endswith(h)), "")
        return "mechanisms", MechanismMention(prov=prov, name=name, head=head)
    if entry.type == "Organization":
        return "organizations", OrganizationMention(prov=prov, name=name, surface=name, kind=entry.kind or "actor")
    if entry.type == "Official":
        return "officials", OfficialMention(prov=prov, name=name, titles=list(entry.titles), org=entry.org)
    if entry.type == "NumberedFormula":
        return "numbered_formulas", NumberedFormula(prov=prov, name=name)
    if entry.type == "Event":
        return "events", Event(prov=prov, name=name, type=entry.event_type or "")
    a, b = [p for p in name.split("与") if p]
    return "principle_pairs", PrinciplePair(prov=prov, a=a, b=b)


def compile_corrections(corrections: Corrections, documents: Iterable[tuple[Path, SourceMeta]],
                        max_bytes: Optional[int] = None) -> Curation:
    """The :class:`Curation` of ``corrections`` for a corpus (``documents``: path and metadata of
    each document built). Reads the documents ``add`` entries name, to find their quotes."""
    cur = Curation(corrections.digest(), tuple(corrections.entries))
    paths = {meta.id: (path, meta) for path, meta in documents}
    merged_by: dict[str, int] = {}
    first_of: dict[str, int] = {}
    for i, e in enumerate(cur.entries):
        line = e.line
        same = first_of.setdefault(e.describe(), i)
        if same != i:
            cur.problems[i] = f"the same as line {cur.entries[same].line}"
            continue
        if isinstance(e, Reject):
            if e.doc is not None and e.doc not in paths:
                cur.problems[i] = f"no document {e.doc}"
            elif e.node is not None:
                cur.reject_nodes.setdefault(e.node, []).append((i, e.doc))
            else:
                cur.reject_edges.setdefault(tuple(e.edge), []).append((i, e.doc))  # type: ignore[arg-type]
        elif isinstance(e, Merge):
            taken = [n for n in e.nodes if n in merged_by]
            if taken:
                cur.problems[i] = f"{taken[0]} is already merged by line {cur.entries[merged_by[taken[0]]].line}"
                continue
            target = e.nodes[0]
            for n in e.nodes:
                merged_by[n] = i
                if n != target:
                    cur.merge_into[n] = (target, i)
        elif isinstance(e, Split):
            cur.splits.setdefault(e.node, {})[e.alias] = i
        elif isinstance(e, (SetRegion, SetTitle, SetDate)):
            if e.doc not in paths:
                cur.problems[i] = f"no document {e.doc}"
                continue
            earlier = cur.docs.setdefault(e.doc, {}).get(e.op)
            if earlier is not None:
                cur.problems[earlier] = f"overridden by line {line}"
            cur.docs[e.doc][e.op] = i
        elif isinstance(e, Add):
            cur.added_to.add(e.doc)
    # what shapes a node applies to its final id (a merged node's to its merge's); the last label wins
    relabelled: dict[str, int] = {}
    for i, e in enumerate(cur.entries):
        if i in cur.problems:
            continue
        if isinstance(e, Merge):
            cur.mark(e.nodes[0], i)
        elif isinstance(e, Split):
            cur.mark(cur.final(e.node.split(":", 1)[0] + ":" + e.alias), i)
        elif isinstance(e, (Relabel, Alias)):
            nid = cur.final(e.node)
            cur.mark(nid, i)
            if isinstance(e, Relabel):
                if nid in relabelled:
                    cur.problems[relabelled[nid]] = f"overridden by line {e.line}"
                relabelled[nid] = i
    _compile_adds(cur, paths, max_bytes)
    return cur


def _compile_adds(cur: Curation, paths: dict[str, tuple[Path, SourceMeta]], max_bytes: Optional[int]) -> None:
    from kg.errors import SourceError
    from kg.io.loader import MAX_BYTES, load_document
    from kg.nlp.context import DocContext
    from kg.text.normalize import normalise

    contexts: dict[str, Any] = {}
    for i, e in enumerate(cur.entries):
        if not isinstance(e, Add):
            continue
        if e.doc not in paths:
            cur.problems[i] = f"no document {e.doc}"
            continue
        if e.doc not in contexts:
            path, meta = paths[e.doc]
            try:
                contexts[e.doc] = DocContext(normalise(load_document(path, meta, max_bytes or MAX_BYTES)))
            except SourceError as err:
                contexts[e.doc] = err.problem
        ctx = contexts[e.doc]
        if isinstance(ctx, str):
            cur.problems[i] = f"document {e.doc} cannot be read: {ctx}"
            continue
        span = _find_quote(ctx.text, e.quote)
        if span is None:
            cur.problems[i] = f"quote not found in document {e.doc}"
            continue
        cur.adds.setdefault(e.doc, []).append(_item(e, ctx.prov(span[0], span[1], CURATED)))


# --------------------------------------------------------------------------- per document
def _plain(text: str) -> str:
    return re.sub(r"[\s\W_]+", "", text)


def _same_region(a: str, b: str) -> bool:
    return a == b or a in short_forms(b) or b in short_forms(a)


def _stated_region(ex: DocumentExtraction, name: str, method: str, prov: Provenance) -> DocumentRegion:
    """A region a person stated, with the level and code the text's mentions of it give."""
    name = name.strip()
    for m in ex.regions:
        if _same_region(m.name, name) and not m.anonymized:
            return DocumentRegion(name=m.name, level=m.level, adcode=m.adcode, method=method, evidence=[prov])
    anonymized = is_anonymized(name)
    return DocumentRegion(name=name, level=level_from_name(name) or "province",  # type: ignore[arg-type]
                          anonymized=anonymized, method=method, evidence=[prov])


def disagreements(ex: DocumentExtraction, meta: SourceMeta) -> tuple[tuple[str, str, str], ...]:
    """``(field, manifest value, value found in the text)`` wherever the two disagree."""
    out = []
    if meta.title and ex.title and _plain(meta.title) != _plain(ex.title.value):
        out.append(("title", meta.title, ex.title.value))
    if meta.region and ex.region and not _same_region(meta.region.strip(), ex.region.name):
        out.append(("region", meta.region, ex.region.name))
    if meta.date and ex.date and not (meta.date.startswith(ex.date.value) or ex.date.value.startswith(meta.date)):
        out.append(("date", meta.date, ex.date.value))
    return tuple(out)


def prepare(ex: DocumentExtraction, meta: SourceMeta,
            cur: Optional[Curation] = None) -> tuple[DocumentExtraction, DocFacts]:
    """The extraction a document is built from, and what resolution reads of it.

    Title, date and region: a correction's, else the manifest's (the extracted value is
    kept, with its evidence in the text, where the manifest says the same), else the
    extracted one. Items of ``add`` entries are appended. Made from the cached extraction
    each time, never in place: the cache keeps what the extractors found.
    """
    doc = ex.doc_id
    sets = cur.docs.get(doc, {}) if cur else {}
    update: dict[str, Any] = {}
    for name in ("title", "date"):
        found, stated = getattr(ex, name), getattr(meta, name)
        if name in sets:
            entry = cur.entries[sets[name]]  # type: ignore[union-attr]
            update[name] = Attribute(value=getattr(entry, name), prov=curated_provenance(doc, entry))
        elif stated and stated.strip() and (found is None or _plain(found.value) != _plain(stated)):
            stated = stated.strip()
            update[name] = Attribute(value=stated, prov=source_provenance(doc, f"manifest.{name}", stated))
    if "region" in sets:
        entry = cur.entries[sets["region"]]  # type: ignore[union-attr]
        update["region"] = _stated_region(ex, entry.region, CURATED, curated_provenance(doc, entry))
    elif meta.region and meta.region.strip() and (ex.region is None or not _same_region(meta.region.strip(),
                                                                                         ex.region.name)):
        update["region"] = _stated_region(ex, meta.region, "manifest",
                                          source_provenance(doc, "manifest.region", meta.region.strip()))
    for name, item in (cur.adds.get(doc, ()) if cur else ()):
        update[name] = [*update.get(name, getattr(ex, name)), item]
    out = ex.model_copy(update=update) if update else ex
    facts = DocFacts.of(out, meta)
    stated_apart = disagreements(ex, meta)
    return out, (replace(facts, disagree=stated_apart) if stated_apart else facts)


# --------------------------------------------------------------------------- the builder's side
class _Nodes:
    """``builder.nodes`` as _add_document reads it: a throwaway accumulator for a dropped node."""

    def __init__(self, nodes: dict[str, _NodeAcc]) -> None:
        self._nodes = nodes

    def __getitem__(self, nid: str) -> _NodeAcc:
        return _NodeAcc("") if nid == DROPPED else self._nodes[nid]


class CuratedBuilder:
    """The graph builder as one document's corrections see it (see the module docstring).

    What it did is kept in the builder, per document (``builder.curated[doc id]``: merge
    records of what was rejected, and the entries that matched), so that a document taken
    out takes its share with it.
    """

    def __init__(self, builder: _Builder, cur: Curation, doc_id: str) -> None:
        self._b, self._cur, self._doc = builder, cur, doc_id
        self.nodes = _Nodes(builder.nodes)
        self.deferred = builder.deferred
        self._records: set[MergeRecord] = set()
        self._hits: set[tuple[int, str]] = set()
        self._moved: set[str] = set()  # ids a merge or split gave to this document's mentions

    def _rejected(self, nid: str) -> Optional[int]:
        for i, doc in self._cur.reject_nodes.get(nid, ()):
            if doc is None or doc == self._doc:
                return i
        return None

    def node(self, node_type: str, r: Resolved, provs: Iterable[Provenance], doc_id: str) -> str:
        cur = self._cur
        nid = node_type + ":" + r.canonical
        split = cur.splits.get(nid)
        if split:
            hit = next((split[w] for w in r.written if w in split), None)
            if hit is not None:
                self._hits.add((hit, nid))
                alias = next(w for w in r.written if w in split)
                r = replace(r, canonical=alias, display=alias, rules=(f"{CURATED}.split",) * len(r.written),
                            rule=f"{CURATED}.split")
                nid = node_type + ":" + alias
                self._moved.add(nid)
        for candidate in dict.fromkeys((nid, cur.final(nid))):
            i = self._rejected(candidate)
            if i is not None:
                self._hits.add((i, candidate))
                self._records.update(MergeRecord(node=candidate, alias=w, rule=f"{CURATED}.reject", doc_id=doc_id)
                                     for w in dict.fromkeys(r.written) if w)
                return DROPPED
        target = cur.merge_into.get(nid)
        if target is not None:
            self._hits.add((target[1], nid))
            self._hits.add((target[1], target[0]))
            r = replace(r, canonical=target[0].split(":", 1)[1], rules=(f"{CURATED}.merge",) * len(r.written),
                        rule=f"{CURATED}.merge")
            nid = target[0]
            self._moved.add(nid)
        out = self._b.node(node_type, r, provs, doc_id)
        acc = self._b.nodes[out]
        evidence = []
        for i in cur.marks.get(out, ()):
            if i in cur.problems:
                continue
            entry = cur.entries[i]
            if isinstance(entry, Split) and out not in self._moved:
                continue  # a node of that name the text has anyway: not the split's doing
            self._hits.add((i, out))
            evidence.append(curated_provenance(doc_id, entry))
            if isinstance(entry, Relabel) or (isinstance(entry, Merge) and entry.label):
                acc.fix(label=entry.label)
            elif isinstance(entry, Alias):
                acc.written.add((entry.alias, f"{CURATED}.alias", doc_id))
        if evidence:
            self._b._add(acc, evidence, doc_id)
        return out

    def vote(self, nid: str, **attrs: Any) -> None:
        if nid != DROPPED:
            self._b.vote(nid, **attrs)

    def _edge_rejected(self, head: str, relation: str, tail: str) -> Optional[int]:
        for i, doc in self._cur.reject_edges.get((head, relation, tail), ()):
            if doc is None or doc == self._doc:
                return i
        return None

    def edge(self, head: str, relation: str, tail: str, provs: Iterable[Provenance], doc_id: str,
             **attrs: Any) -> _Acc:
        if DROPPED in (head, tail) or (head == tail and head in self._moved):
            return _Acc()  # an end rejected, or two nodes a merge made one
        i = self._edge_rejected(head, relation, tail)
        if i is not None:
            self._hits.add((i, edge_key(head, relation, tail)))
            self._records.add(MergeRecord(node=edge_key(head, relation, tail), alias=relation,
                                          rule=f"{CURATED}.reject", doc_id=doc_id))
            return _Acc()
        return self._b.edge(head, relation, tail, provs, doc_id, **attrs)

    def defer(self, head: str, relation: str, tail: str, provs: Iterable[Provenance], doc_id: str) -> None:
        if head == DROPPED:
            return
        tail = self._cur.final(tail)
        if self._rejected(tail) is not None:
            return
        i = self._edge_rejected(head, relation, tail)
        if i is not None:
            self._hits.add((i, edge_key(head, relation, tail)))
            self._records.add(MergeRecord(node=edge_key(head, relation, tail), alias=relation,
                                          rule=f"{CURATED}.reject", doc_id=doc_id))
            return
        self._b.defer(head, relation, tail, provs, doc_id)

    def close(self) -> None:
        """Keep what this document's corrections did in the builder."""
        if self._records or self._hits:
            self._b.curated[self._doc] = (frozenset(self._records), frozenset(self._hits))


def add_document(builder: _Builder, resolver: Any, ex: DocumentExtraction, meta: SourceMeta,
                 cur: Optional[Curation]) -> None:
    """:func:`kg.graph.build._add_document`, through the corrections when there are any."""
    from kg.graph.build import _add_document

    if not cur:
        _add_document(builder, resolver, ex, meta)
        return
    curated = CuratedBuilder(builder, cur, ex.doc_id)
    _add_document(curated, resolver, ex, meta)  # type: ignore[arg-type]
    curated.close()


# --------------------------------------------------------------------------- the report
def statuses(cur: Curation, builder: _Builder, doc_ids: Iterable[str]) -> list[dict]:
    """``{line, op, applied, reason}`` of every entry, in file order."""
    hits: dict[int, set[str]] = {}
    for _records, doc_hits in builder.curated.values():
        for i, key in doc_hits:
            hits.setdefault(i, set()).add(key)
    docs = set(doc_ids)
    out = []
    for i, e in enumerate(cur.entries):
        seen = hits.get(i, set())
        applied, reason = bool(seen), ""
        if i in cur.problems:
            applied, reason = False, cur.problems[i]
        elif isinstance(e, Reject):
            what = e.node or edge_key(*e.edge)  # type: ignore[misc]
            where = f" in document {e.doc}" if e.doc else ""
            n = sum(1 for d, (_, h) in builder.curated.items() if any(j == i for j, _ in h))
            reason = f"rejected in {n} document{'s' * (n != 1)}" if applied else f"no {'node' if e.node else 'edge'} " \
                                                                                   f"{what}{where}"
        elif isinstance(e, Merge):
            missing = [n for n in e.nodes if n not in seen]
            applied = len(seen) >= 2
            reason = (f"{len(seen)} nodes merged into {e.nodes[0]}" + (f"; not found: {', '.join(missing)}"
                                                                      if missing else "")) if applied else \
                f"nothing to merge: not found: {', '.join(missing)}"
        elif isinstance(e, Split):
            reason = f"{e.alias} split from {e.node}" if applied else f"no mention written {e.alias} resolves to {e.node}"
        elif isinstance(e, (Relabel, Alias)):
            target = cur.final(e.node)
            reason = f"{e.op} of {target}" if applied else f"no node {target}"
        elif isinstance(e, (SetRegion, SetTitle, SetDate)):
            applied = e.doc in docs
            reason = f"{e.op} of document {e.doc}" if applied else f"no document {e.doc}"
        elif isinstance(e, Add):
            applied = True
            reason = f"{e.type}:{e.name} added to document {e.doc}"
        out.append({"line": e.line, "op": e.op, "applied": applied, "reason": reason})
    return out

"""Write corrections without learning their syntax: what ``kg correct`` and the Explorer's
``reject`` / ``merge`` / ... methods share.

:func:`correct` makes one entry of :mod:`kg.io.corrections` from keyword fields, checks
the nodes, edge and document it names against the last build (when there is one), and
appends it to ``<sources>/corrections.toml``. The next ``kg build`` applies it.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as src:
...     entry = correct(src, "relabel", node="Official:李大剑", label="李大剑厅长", out=None)
...     print(open(f"{src}/corrections.toml", encoding="utf-8").read(), end="")
[[relabel]]
node = "Official:李大剑"
label = "李大剑厅长"
"""

from __future__ import annotations

import csv
import difflib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Union

from pydantic import ValidationError

from kg.errors import CorrectionsError, CorrectionTargetError
from kg.io.corrections import KINDS, _ENTRY, _check_types, _problem, append_entry, corrections_path

PathLike = Union[str, Path]


@dataclass
class Targets:
    """What a correction may name: the last build's node ids, edges and documents."""

    where: str
    nodes: set[str] = field(default_factory=set)
    edges: set[tuple[str, str, str]] = field(default_factory=set)
    docs: set[str] = field(default_factory=set)


def last_build(out: PathLike) -> Optional[Targets]:
    """The targets of the build in ``out`` (None when there is none: nothing to check against)."""
    out = Path(out)
    nodes_csv, edges_csv = out / "nodes.csv", out / "edges.csv"
    if not nodes_csv.is_file():
        return None
    targets = Targets(str(out))
    try:
        with nodes_csv.open(encoding="utf-8-sig", newline="") as f:
            rows = csv.reader(f)
            next(rows, None)
            targets.nodes = {r[0] for r in rows if r}
        if edges_csv.is_file():
            with edges_csv.open(encoding="utf-8-sig", newline="") as f:
                rows = csv.reader(f)
                next(rows, None)
                targets.edges = {(r[0], r[2], r[1]) for r in rows if len(r) > 2}
        report = out / "build-report.json"
        if report.is_file():
            data = json.loads(report.read_text(encoding="utf-8"))
            targets.docs = {d["id"] for d in data.get("documents", []) if d.get("status") != "skipped"}
        else:
            targets.docs = {n.split(":", 1)[1] for n in targets.nodes if n.startswith("Document:")}
    except (OSError, ValueError, KeyError, csv.Error):
        return None  # a damaged build is no reference
    return targets


def _near(name: str, known: set[str]) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=3, cutoff=0.5)
    return f" (did you mean {', '.join(close)}?)" if close else ""


def check(entry: Any, targets: Targets, path: PathLike) -> None:
    """Raise CorrectionTargetError when ``entry`` names a node, edge or document the build lacks.

    A split names a written form, not a node: only its node is checked. An ``add`` entry's
    quote is checked by the build (in the document's text).
    """
    for node in entry.node_ids():
        if node not in targets.nodes:
            raise CorrectionTargetError(path, f"{entry.op}: no node {node} in the last build ({targets.where})"
                                              f"{_near(node, targets.nodes)}")
    edge = getattr(entry, "edge", None)
    if edge and tuple(edge) not in targets.edges:
        raise CorrectionTargetError(path, f"{entry.op}: no edge {edge[0]} -{edge[1]}-> {edge[2]} in the last build "
                                          f"({targets.where})")
    doc = getattr(entry, "doc", None)
    if doc and targets.docs and doc not in targets.docs:
        raise CorrectionTargetError(path, f"{entry.op}: no document {doc} in the last build ({targets.where})"
                                          f"{_near(doc, targets.docs)}")


def make_entry(op: str, path: PathLike = "corrections.toml", **fields: Any) -> Any:
    """The entry of kind ``op`` with ``fields`` (None values left out), validated as the build reads it."""
    if op not in KINDS:
        raise CorrectionsError(path, f"unknown kind of correction {op!r} (kinds: {', '.join(KINDS)})")
    data = {k: v for k, v in fields.items() if v is not None and v != ()}
    try:
        entry = _ENTRY.validate_python({**data, "op": op})
    except ValidationError as e:
        raise CorrectionsError(path, f"{op}: {_problem(e)}") from None
    _check_types(entry, path)
    return entry


def correct(sources: PathLike, op: str, *, out: Optional[PathLike] = "out",
            targets: Optional[Targets] = None, **fields: Any) -> Any:
    """Append one correction to ``<sources>/corrections.toml``; returns it (with its line).

    Its targets are checked against ``targets``, else the build in ``out`` when there is one
    (``out=None``: no check).
    """
    path = corrections_path(sources)
    entry = make_entry(op, path, **fields)
    if targets is None and out is not None:
        targets = last_build(out)
    if targets is not None:
        check(entry, targets, path)
    return append_entry(sources, entry)


class CorrectingMixin:
    """The Explorer's corrections: each appends an entry to the sources' corrections file.

    Nodes are named by id or by a label or alias the graph knows (as everywhere in the
    Explorer), checked against the graph loaded. The sources directory is ``sources``,
    else the one the graph was built from (its build report says), else ``sources``.
    """

    kg: Any
    report: Any
    source: Optional[str]

    def _sources_dir(self, sources: Optional[PathLike]) -> Path:
        if sources is not None:
            return Path(sources)
        if self.report is not None:
            return Path(self.report.sources)
        if self.source:
            report = Path(self.source).parent / "build-report.json"
            try:
                return Path(json.loads(report.read_text(encoding="utf-8"))["sources"])
            except (OSError, ValueError, KeyError):
                pass
        return Path("sources")

    def _node_id(self, ref: str) -> str:
        return ref if ref in self.kg.graph else self.node(ref)  # type: ignore[attr-defined]

    def _targets(self) -> Targets:
        g = self.kg.graph
        return Targets("the graph loaded", set(g.nodes), {(h, k, t) for h, t, k in g.edges(keys=True)},
                       set(self.kg.documents))

    def correct(self, op: str, *, sources: Optional[PathLike] = None, **fields: Any) -> Any:
        """Append a correction of kind ``op`` (reject, merge, split, relabel, alias, region, title,
        date, add) with ``fields`` as in corrections.toml; returns the entry written."""
        return correct(self._sources_dir(sources), op, targets=self._targets(), **fields)

    def reject(self, node: Optional[str] = None, *, edge: Optional[tuple[str, str, str]] = None,
               doc: Optional[str] = None, note: Optional[str] = None, sources: Optional[PathLike] = None) -> Any:
        """Reject a node (everywhere, or only in ``doc``) or an ``edge`` (head, relation, tail),
        e.g. ``ex.reject("工作机制", note="a generic phrase")``."""
        if edge is not None:
            edge = (self._node_id(edge[0]), edge[1], self._node_id(edge[2]))
        return self.correct("reject", node=self._node_id(node) if node else None, edge=edge, doc=doc, note=note,
                            sources=sources)

    def merge(self, *nodes: str, label: Optional[str] = None, note: Optional[str] = None,
              sources: Optional[PathLike] = None) -> Any:
        """Merge ``nodes`` (one type) into the first, optionally with the ``label`` to keep."""
        return self.correct("merge", nodes=[self._node_id(n) for n in nodes], label=label, note=note, sources=sources)

    def split(self, node: str, alias: str, *, note: Optional[str] = None, sources: Optional[PathLike] = None) -> Any:
        """Give mentions written ``alias`` that resolution merged into ``node`` a node of their own."""
        return self.correct("split", node=self._node_id(node), alias=alias, note=note, sources=sources)

    def relabel(self, node: str, label: str, *, note: Optional[str] = None,
                sources: Optional[PathLike] = None) -> Any:
        return self.correct("relabel", node=self._node_id(node), label=label, note=note, sources=sources)

    def alias(self, node: str, alias: str, *, note: Optional[str] = None, sources: Optional[PathLike] = None) -> Any:
        return self.correct("alias", node=self._node_id(node), alias=alias, note=note, sources=sources)

    def set_region(self, doc: str, region: str, *, note: Optional[str] = None,
                   sources: Optional[PathLike] = None) -> Any:
        return self.correct("region", doc=doc, region=region, note=note, sources=sources)

    def set_title(self, doc: str, title: str, *, note: Optional[str] = None,
                  sources: Optional[PathLike] = None) -> Any:
        return self.correct("title", doc=doc, title=title, note=note, sources=sources)

    def set_date(self, doc: str, date: str, *, note: Optional[str] = None, sources: Optional[PathLike] = None) -> Any:
        return self.correct("date", doc=doc, date=date, note=note, sources=sources)

    def add(self, doc: str, type: str, name: str, quote: str, *, note: Optional[str] = None,
            sources: Optional[PathLike] = None, **extra: Any) -> Any:
        """Add an item the extractors missed: ``type`` (Mechanism, Organization, Official,
        NumberedFormula, Event, PrinciplePair) named ``name``, cited by ``quote`` of ``doc``."""
        return self.correct("add", doc=doc, type=type, name=name, quote=quote, note=note, sources=sources, **extra)

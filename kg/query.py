"""Questions a policy researcher asks of a built graph, answered as pandas DataFrames.

Input: a built graph: the output directory of ``kg build`` or its ``graph.json``
(:func:`load`), a sources directory (:func:`from_sources` builds it first) or a
:class:`~kg.graph.model.KnowledgeGraph` (:class:`Explorer`). Output: an :class:`Explorer`
whose methods return :class:`pandas.DataFrame` tables (duty formulas by phase,
mechanisms and the regions adopting them, officials and their posts, statistics,
principle pairs, numbered formulas, the evidence behind any node or edge), sub-graphs
that keep their evidence (:meth:`Explorer.ego`, a KnowledgeGraph every exporter and
view accepts) and inline views for notebooks (:meth:`Explorer.show`).

Names are taken as a reader writes them: a node id (``Region:浙江省``), a label
(``浙江省``) or an alias (``浙江``). A name the graph does not hold raises
:class:`UnknownRegionError` / :class:`UnknownNodeError` (both :class:`~kg.errors.KgError`
and :class:`LookupError`), naming it and what the graph does hold.

Region columns hold a region's label (``湖南省``); anonymised regions that share a
label (``X市`` of two documents) are told apart by their id's scope (``X市@<doc id>``).

>>> from kg.graph.model import KnowledgeGraph
>>> kg = KnowledgeGraph()
>>> kg.graph.add_node("Region:浙江省", type="Region", label="浙江省", aliases=["浙江"], docs=[], count=1)
>>> Explorer(kg).region("浙江")
'Region:浙江省'
>>> Explorer(kg).region("广东")
Traceback (most recent call last):
...
kg.errors.UnknownRegionError: [E082] unknown region '广东'; the graph's regions: 浙江省
"""

from __future__ import annotations

import copy
import tempfile
from collections import Counter, defaultdict
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Optional, Union

import networkx as nx
import pandas as pd

from kg.correct import CorrectingMixin
from kg.errors import QueryError, UnknownEdgeError, UnknownNodeError, UnknownRegionError  # noqa: F401 (re-exported)
from kg.graph.model import KnowledgeGraph, edge_key, node_key
from kg.graph.ontology import NODE_TYPES, RELATIONS
from kg.models import Provenance
from kg.views.pages import PHASES, ROLES
from kg.views.scope import build_scope

if TYPE_CHECKING:  # pragma: no cover
    from IPython.display import HTML

    from kg.build import BuildReport

Edge = tuple[str, str, str]  # (head, relation, tail)
GRAPH_FILE = "graph.json"
LIST_LIMIT = 20  # names listed in an error message before "…"

# Relations that join a composite node to its parts: an ego graph that reaches a duty
# formula also shows its duties and their counterparts, a principle pair its poles.
_DOWN = frozenset({"has_item", "has_pole"})
_ACROSS = "paired_with"

EVIDENCE_COLUMNS = ("doc_id", "title", "rule", "quote", "sentence", "sentence_normalised", "orig_start", "orig_end")


# --------------------------------------------------------------------------- errors
def _last(value: Optional[str]) -> tuple[bool, str]:
    """Sort key putting None after every string."""
    return (value is None, value or "")


def phase_rank(phase: str) -> tuple[int, str]:
    """Sort key of phases: 防, 抗, 救, 助 in the genre's order, any other after, by code point.

    >>> sorted(["助", "救", "治", "防"], key=phase_rank)
    ['防', '救', '助', '治']
    """
    return (PHASES.index(phase), phase) if phase in PHASES else (len(PHASES), phase)


def _listing(names: Iterable[str], limit: int = LIST_LIMIT) -> str:
    names = list(names)
    shown = ", ".join(names[:limit])
    return shown + (f", … ({len(names) - limit} more)" if len(names) > limit else "")


# --------------------------------------------------------------------------- sub-graphs
def subgraph(kg: KnowledgeGraph, nodes: Iterable[str]) -> KnowledgeGraph:
    """The part of ``kg`` induced by ``nodes``, with its evidence, documents and merges.

    Attributes are copied (editing the result never edits ``kg``); every edge between two
    kept nodes is kept; ``documents`` holds every document a kept node, edge or evidence
    entry names, so exports and views of the result can still title their sources.

    >>> kg = KnowledgeGraph(documents={"d1": {"title": "示例"}, "d2": {"title": "其他"}})
    >>> kg.graph.add_node("Region:湖南省", type="Region", label="湖南省", docs=["d1"])
    >>> kg.graph.add_node("Region:浙江省", type="Region", label="浙江省", docs=["d2"])
    >>> sub = subgraph(kg, ["Region:湖南省"])
    >>> sorted(sub.graph.nodes), sorted(sub.documents)
    (['Region:湖南省'], ['d1'])
    """
    g = kg.graph
    keep = set(nodes)
    missing = sorted(n for n in keep if n not in g)
    if missing:
        raise UnknownNodeError(f"not in the graph: {_listing(repr(n) for n in missing)}")
    out = KnowledgeGraph()
    for n in sorted(keep):
        out.graph.add_node(n, **copy.deepcopy(dict(g.nodes[n])))
        if kg.node_evidence(n):
            out.evidence[node_key(n)] = list(kg.node_evidence(n))
    for h, t, k, data in sorted(g.subgraph(keep).edges(keys=True, data=True), key=lambda e: (e[0], e[2], e[1])):
        out.graph.add_edge(h, t, key=k, **copy.deepcopy(dict(data)))
        if kg.edge_evidence(h, k, t):
            out.evidence[edge_key(h, k, t)] = list(kg.edge_evidence(h, k, t))
    docs = {d for _, ds in out.graph.nodes(data="docs") for d in ds or ()}
    docs |= {d for _, _, ds in out.graph.edges(data="docs") for d in ds or ()}
    docs |= {p.doc_id for ev in out.evidence.values() for p in ev}
    out.documents = {d: dict(kg.documents[d]) for d in sorted(docs) if d in kg.documents}
    out.merges = [m for m in kg.merges if m.node in keep]
    return out


# --------------------------------------------------------------------------- loading
def load(source: Union[str, Path, KnowledgeGraph]) -> "Explorer":
    """An :class:`Explorer` over a built graph: an output directory of ``kg build`` (read
    from its store, ``kg.sqlite``), its ``kg.sqlite`` or ``graph.json``, or a
    KnowledgeGraph already in memory."""
    if isinstance(source, KnowledgeGraph):
        return Explorer(source)
    from kg.export.nodelink import read_node_link
    from kg.store import STORE_FILE, read_store

    path = Path(source)
    if path.is_dir() and (path / STORE_FILE).is_file():
        path = path / STORE_FILE
    if path.is_file() and path.suffix == ".sqlite":
        return Explorer(read_store(path), source=str(path))
    if path.is_dir():
        path = path / GRAPH_FILE
        if not path.is_file():
            raise QueryError(f"{source}: no {STORE_FILE} or {GRAPH_FILE} here; build it with: "
                             f"kg build SOURCES --out {source}")
    elif not path.is_file():
        raise QueryError(f"{source}: no such file or directory (expected a kg build output directory or its "
                         f"{GRAPH_FILE})")
    return Explorer(read_node_link(path), source=str(path))


def from_sources(sources: Union[str, Path], out: Union[str, Path, None] = None, *, jobs: int = 1,
                 views: Optional[bool] = None) -> "Explorer":
    """Build ``sources`` (like ``kg build``), then load the graph.

    With ``out=None`` the build goes to a temporary directory that is removed once the
    graph is read, so nothing is written next to the sources; ``views`` (the HTML pages)
    defaults to whether ``out`` is given. The build report is :attr:`Explorer.report`.
    """
    from kg.build import build

    if out is None:
        with tempfile.TemporaryDirectory(prefix="kg-") as tmp:
            report = build(sources, tmp, jobs=jobs, views=bool(views), cache=False)
            explorer = load(tmp)
    else:
        report = build(sources, out, jobs=jobs, views=True if views is None else views)
        explorer = load(out)
    explorer.report = report
    return explorer


# --------------------------------------------------------------------------- the explorer
class Explorer(CorrectingMixin):
    """Query a KnowledgeGraph: tables (DataFrames), evidence, ego graphs, inline views;
    correct it (``reject``, ``merge``, ``relabel`` ... append to the sources' corrections.toml,
    see :class:`kg.correct.CorrectingMixin`).

    The graph is read as it is when a method is first called; build a new Explorer after
    editing ``kg``.
    """

    def __init__(self, kg: KnowledgeGraph, *, source: Optional[str] = None):
        self.kg = kg
        self.source = source
        self.report: Optional["BuildReport"] = None

    def __repr__(self) -> str:
        g = self.kg.graph
        where = f" from {self.source}" if self.source else ""
        return (f"<Explorer{where}: {len(self.kg.documents)} documents, {g.number_of_nodes()} nodes, "
                f"{g.number_of_edges()} edges>")

    @property
    def graph(self) -> nx.MultiDiGraph:
        return self.kg.graph

    # ------------------------------------------------------------------ names
    @cached_property
    def _names(self) -> dict[str, list[str]]:
        """Label or alias -> node ids writing it (sorted)."""
        names: dict[str, set[str]] = defaultdict(set)
        for n, attrs in self.graph.nodes(data=True):
            for name in (attrs.get("label"), *(attrs.get("aliases") or ())):
                if isinstance(name, str) and name:
                    names[name].add(n)
        return {k: sorted(v) for k, v in names.items()}

    @cached_property
    def _scope(self):
        return build_scope(self.kg)

    @cached_property
    def _region_names(self) -> dict[str, str]:
        """Region node id -> the name shown in tables (its label, unless two regions share it)."""
        regions = sorted(n for n, t in self.graph.nodes(data="type") if t == "Region")
        labels = Counter(self._label(n) for n in regions)
        return {n: self._label(n) if labels[self._label(n)] == 1 else n.split(":", 1)[1] for n in regions}

    def _label(self, n: str) -> str:
        return str(self.graph.nodes[n].get("label") or n)

    def _region_name(self, n: Optional[str]) -> Optional[str]:
        return None if n is None else self._region_names.get(n, self._label(n))

    def node(self, ref: str, type: Optional[str] = None) -> str:
        """The node id ``ref`` names: an id, a label or an alias (of ``type``, if given)."""
        if type is not None and type not in NODE_TYPES:
            raise QueryError(f"unknown node type {type!r}; known: {', '.join(NODE_TYPES)}")
        if not isinstance(ref, str) or not ref.strip():
            raise UnknownNodeError(f"no node {ref!r}: give a node id, a label or an alias")
        ref = ref.strip()
        g = self.graph
        if ref in g and (type is None or g.nodes[ref].get("type") == type):
            return ref
        hits = [n for n in self._names.get(ref, ()) if type is None or g.nodes[n].get("type") == type]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise QueryError(f"{ref!r} names {len(hits)} nodes: {_listing(hits)}; pass one of these ids")
        if type == "Region":
            shown = sorted(self._region_names.values(), key=lambda r: (r not in self._focus_names, r))
            raise UnknownRegionError(f"unknown region {ref!r}; the graph's regions: {_listing(shown)}")
        near = self.find(ref, type=type)["id"].tolist() if ref else []
        hint = f"; nodes containing it: {_listing(near, 10)}" if near else "; try find() with part of the name"
        what = f"{type} node" if type else "node"
        raise UnknownNodeError(f"no {what} {ref!r}{hint}")

    def region(self, name: str) -> str:
        """The Region node id of ``name`` (浙江, 浙江省 or Region:浙江省)."""
        return self.node(name, type="Region")

    @cached_property
    def _focus_names(self) -> set[str]:
        return {self._region_name(r) for r in self._scope.focus}

    # ------------------------------------------------------------------ helpers
    @cached_property
    def _by_relation(self) -> dict[str, list[tuple[str, str, dict]]]:
        """Relation -> its edges as (head, tail, data), sorted: one pass over the graph."""
        out: dict[str, list[tuple[str, str, dict]]] = defaultdict(list)
        for h, t, k, d in self.graph.edges(keys=True, data=True):
            out[k].append((h, t, d))
        for edges in out.values():
            edges.sort(key=lambda e: (e[0], e[1]))
        return out

    def _edges(self, relation: str) -> list[tuple[str, str, dict]]:
        return self._by_relation.get(relation, [])

    def _subject_region(self, head: str) -> Optional[str]:
        """The region a statement edge's head stands for: the region itself, or a document's region."""
        t = self.graph.nodes[head].get("type")
        if t == "Region":
            return head
        if t == "Document":
            doc = head.split(":", 1)[1]
            return self._scope.doc_region.get(doc)
        return None

    def _titles(self, docs: Iterable[str]) -> list[str]:
        return [str((self.kg.documents.get(d) or {}).get("title") or d) for d in docs]

    def _by_region(self, relation: str, region: Optional[str]) -> Iterator[tuple[Optional[str], str, dict]]:
        """(region id, tail, edge data) of each statement edge, filtered to ``region`` if given."""
        want = self.region(region) if region is not None else None
        for h, t, data in self._edges(relation):
            r = self._subject_region(h)
            if want is None or r == want:
                yield r, t, data

    @staticmethod
    def _frame(rows: list[dict], columns: Iterable[str], key=None) -> pd.DataFrame:
        """Rows (sorted by ``key``, a function of a row) as a DataFrame with these columns."""
        return pd.DataFrame(sorted(rows, key=key) if key else rows, columns=list(columns))

    # ------------------------------------------------------------------ tables
    def regions(self, *, include_mentioned: bool = False) -> pd.DataFrame:
        """The regions the documents are about (with ``include_mentioned``, every region)."""
        g, scope = self.graph, self._scope
        ids = sorted(self._region_names) if include_mentioned else list(scope.focus)
        rows = []
        for r in ids:
            a = g.nodes[r]
            docs = sorted(scope.docs_of(r))
            rows.append({"region": self._region_name(r), "level": a.get("level"), "province": a.get("province"),
                         "adcode": a.get("adcode"), "documents": docs, "titles": self._titles(docs),
                         "mentions": a.get("count"), "id": r})
        return self._frame(rows, ("region", "level", "province", "adcode", "documents", "titles", "mentions", "id"),
                           lambda row: (_last(row["region"]), row["id"]))

    def _phase(self, duty: str) -> str:
        """A duty's phase: its attribute, else its pairing's, else its last character (综合防 -> 防)."""
        g = self.graph
        phase = g.nodes[duty].get("phase")
        if isinstance(phase, str) and phase:
            return phase
        for h, t, k, d in sorted([*g.out_edges(duty, keys=True, data=True), *g.in_edges(duty, keys=True, data=True)],
                                 key=lambda e: (e[0], e[1], e[2])):
            if k == _ACROSS and isinstance(d.get("phase"), str) and d["phase"]:
                return d["phase"]
        return self._label(duty)[-1:]

    def _items(self, formula: str) -> list[str]:
        g = self.graph
        items = [(d.get("position") or 0, t) for _, t, k, d in g.out_edges(formula, keys=True, data=True)
                 if k == "has_item"]
        return [t for _, t in sorted(items)]

    @cached_property
    def _formula_side(self) -> dict[str, str]:
        """lead / support of each duty formula: its formula pairing (lead -> support), else
        the side most of its duties are on, else lead (a formula without counterpart is the
        coordinating side, as in the duty view)."""
        g = self.graph
        side: dict[str, str] = {}
        for h, t, _ in self._edges(_ACROSS):
            if g.nodes[h].get("type") == "DutyFormula" and g.nodes[t].get("type") == "DutyFormula":
                side.setdefault(h, "lead")
                side.setdefault(t, "support")
        for f in sorted(n for n, t in g.nodes(data="type") if t == "DutyFormula"):
            if f not in side:
                known = Counter(g.nodes[d].get("role") for d in self._items(f))
                side[f] = "support" if known["support"] > known["lead"] else "lead"
        return side

    @cached_property
    def _paired_formulas(self) -> frozenset[str]:
        g = self.graph
        return frozenset(n for h, t, _ in self._edges(_ACROSS) for n in (h, t)
                         if g.nodes[h].get("type") == g.nodes[t].get("type") == "DutyFormula")

    def _role(self, duty: str, formula: str) -> str:
        """A duty's role within ``formula``: the side of an explicit formula pairing, else
        the duty's own role (from its duty pairs), else the formula's majority side."""
        role = self.graph.nodes[duty].get("role")
        if formula not in self._paired_formulas and role in ROLES:
            return role
        return self._formula_side[formula]

    def duty_table(self, *, flat: bool = False) -> pd.DataFrame:
        """One row per region, the duties of its formulas by phase and role.

        Columns ``(phase, "lead")`` / ``(phase, "support")`` for 防, 抗, 救, 助 and any
        other phase present, then ``("formula", role)`` (the formulas as written) and
        ``("holder", role)`` (who holds them: 相关部门 …), and ``("note", "")``: for a region
        that states no formula, what its texts have instead (duty pairs, principle pairs,
        numbered formulas, mechanisms), so that its row is not a row of blanks. ``flat=True``
        names the columns ``防_lead`` … ``holder_support``, ``note`` instead. Rows: the regions
        the documents are about and any other region stating a formula; an empty cell is None.
        """
        g = self.graph
        cells: dict[str, dict[tuple[str, str], list[str]]] = defaultdict(lambda: defaultdict(list))
        phases: set[str] = set()
        rows = set(self._scope.focus)
        for h, f, _ in self._edges("states"):
            r = self._subject_region(h)
            if r is None:
                continue
            rows.add(r)
            side = self._formula_side[f]
            attrs = g.nodes[f]
            cells[r][("formula", side)].append(self._label(f))
            holders = "、".join(attrs.get("holders") or [])
            if holders:
                cells[r][("holder", side)].append(holders)
            for d in self._items(f):
                phase = self._phase(d)
                phases.add(phase)
                cells[r][(phase, self._role(d, f))].append(self._label(d))
        ordered = sorted(phases, key=phase_rank)
        columns = [(p, r) for p in [*ordered, "formula", "holder"] for r in ROLES]
        ids = sorted(rows, key=lambda r: (self._region_name(r), r))
        data = []
        instead = self._instead_of_formula() if any(not cells[r] for r in ids) else {}
        for r in ids:
            row = []
            for col in columns:
                values = list(dict.fromkeys(cells[r].get(col, [])))  # unique, in text order
                sep = "；" if col[0] in ("formula", "holder") else "、"
                row.append(sep.join(values) if values else None)
            name = self._region_name(r)
            data.append(row + [None if cells[r] else
                               instead.get(name, "no duty formula, and nothing else on duties or principles")])
        index = pd.Index([self._region_name(r) for r in ids], name="region")
        if flat:
            return pd.DataFrame(data, index=index, columns=[f"{a}_{b}" for a, b in columns] + ["note"])
        return pd.DataFrame(data, index=index,
                            columns=pd.MultiIndex.from_tuples(columns + [("note", "")], names=[None, "role"]))

    def _instead_of_formula(self) -> dict[str, str]:
        """Region name -> what its texts have on duties and principles instead of a duty
        formula: duty pairs, principle pairs, numbered formulas, mechanisms (each table made once)."""
        said: dict[str, list[str]] = defaultdict(list)

        def joined(rows: Iterable[tuple[str, str]], what: str) -> None:
            by: dict[str, list[str]] = defaultdict(list)
            for region, value in rows:
                by[region].append(value)
            for region, values in by.items():
                said[region].append(f"{what} " + "、".join(dict.fromkeys(values)))

        joined(((r["region"], f"{r['lead']}/{r['support']}") for r in self.duty_pairs().to_dict("records")),
               "duty pairs")
        joined(((r["region"], r["pair"]) for r in self.principle_pairs().to_dict("records")), "principle pairs")
        joined(((r["region"], f"“{r['formula']}”") for r in self.numbered_formulas().to_dict("records")),
               "numbered formulas")
        adopted: dict[str, list[str]] = defaultdict(list)
        # the most-mentioned mechanisms first: what the region's texts dwell on
        ranked = sorted(self.mechanisms().to_dict("records"), key=lambda r: (-(r["mentions"] or 0), r["mechanism"], r["id"]))
        for r in ranked:
            for region in r["regions"]:
                adopted[region].append(r["mechanism"])
        for region, names in adopted.items():
            shown = "、".join(names[:3]) + ("…" if len(names) > 3 else "")
            said[region].append(f"{len(names)} mechanism{'s' if len(names) > 1 else ''} ({shown})")
        return {region: "no duty formula; " + "; ".join(parts) for region, parts in said.items()}

    def duty_pairs(self, region: Optional[str] = None) -> pd.DataFrame:
        """Lead and support duty paired phase by phase (综合防 / 具体防), one row per pair and region."""
        g = self.graph
        want = self.region(region) if region is not None else None
        rows = []
        for lead, support, data in self._edges(_ACROSS):
            if g.nodes[lead].get("type") != "Duty":
                continue
            regions = sorted({self._scope.doc_region[d] for d in data.get("docs") or () if d in self._scope.doc_region})
            for r in regions or [None]:
                if want is None or r == want:
                    rows.append({"region": self._region_name(r), "phase": data.get("phase") or self._phase(lead),
                                 "lead": self._label(lead), "support": self._label(support),
                                 "docs": list(data.get("docs") or [])})
        return self._frame(rows, ("region", "phase", "lead", "support", "docs"),
                           lambda row: (_last(row["region"]), phase_rank(row["phase"]), row["lead"], row["support"]))

    def mechanisms(self, *, region: Optional[str] = None, min_regions: int = 1) -> pd.DataFrame:
        """Mechanisms with the regions adopting them, most widely adopted first.

        Columns: mechanism, head (机制, 体系 …), regions (names), n_regions, docs, mentions, id.
        ``min_regions=2`` keeps the shared ones; ``region`` those one region adopts.
        """
        g = self.graph
        want = self.region(region) if region is not None else None
        adopters: dict[str, set[str]] = defaultdict(set)
        for h, m, _ in self._edges("adopts"):
            r = self._subject_region(h)
            if r is not None:
                adopters[m].add(r)
        rows = []
        for m in sorted(n for n, t in g.nodes(data="type") if t == "Mechanism"):
            regions = sorted(adopters[m], key=lambda r: (self._region_name(r), r))
            if len(regions) < min_regions or (want is not None and want not in regions):
                continue
            a = g.nodes[m]
            rows.append({"mechanism": self._label(m), "head": a.get("head"),
                         "regions": [self._region_name(r) for r in regions], "n_regions": len(regions),
                         "docs": list(a.get("docs") or []), "mentions": a.get("count"), "id": m})
        return self._frame(rows, ("mechanism", "head", "regions", "n_regions", "docs", "mentions", "id"),
                           lambda row: (-row["n_regions"], row["mechanism"], row["id"]))

    def officials(self) -> pd.DataFrame:
        """Officials with their posts: one row per official and organisation (a row with no
        organisation for an official whose body the text does not name)."""
        g = self.graph
        rows = []
        for o in sorted(n for n, t in g.nodes(data="type") if t == "Official"):
            a = g.nodes[o]
            posts = sorted((t, d) for _, t, k, d in g.out_edges(o, keys=True, data=True) if k == "holds_post_in")
            for org, data in posts or [(None, {})]:
                docs = list(data.get("docs") or a.get("docs") or [])
                rows.append({
                    "official": self._label(o), "titles": list(a.get("titles") or []),
                    "organization": self._label(org) if org else None,
                    "post_titles": list(data.get("titles") or []) if org else [],
                    "region": (g.nodes[org].get("region") if org else None),
                    "docs": docs, "documents": self._titles(docs), "id": o,
                })
        return self._frame(rows, ("official", "titles", "organization", "post_titles", "region", "docs", "documents",
                                  "id"), lambda row: (row["official"], row["id"], _last(row["organization"])))

    def statistics(self, region: Optional[str] = None) -> pd.DataFrame:
        """Statistics the texts report, per region (all regions, or one)."""
        g = self.graph
        want = self.region(region) if region is not None else None
        reporters: dict[str, set[Optional[str]]] = defaultdict(set)
        for h, s, _ in self._edges("reports"):
            reporters[s].add(self._subject_region(h))
        rows = []
        for s in sorted(n for n, t in g.nodes(data="type") if t == "Statistic"):
            a = g.nodes[s]
            regions = sorted(reporters[s] - {None}) or [None]
            for r in regions:
                if want is not None and r != want:
                    continue
                docs = list(a.get("docs") or [])
                rows.append({"region": self._region_name(r) if r else a.get("region"), "subject": a.get("subject"),
                             "value": a.get("value"), "unit": a.get("unit"), "direction": a.get("direction"),
                             "baseline": a.get("baseline"), "docs": docs, "document": "；".join(self._titles(docs)),
                             "id": s})
        return self._frame(rows, ("region", "subject", "value", "unit", "direction", "baseline", "docs", "document",
                                  "id"), lambda row: (_last(row["region"]), str(row["subject"]), row["id"]))

    def principle_pairs(self, region: Optional[str] = None) -> pd.DataFrame:
        """Principle pairs each region asks to balance (防与救, 统与分), one row per region and pair."""
        g = self.graph
        rows = [{"region": self._region_name(r), "pair": self._label(p), "a": g.nodes[p].get("a"),
                 "b": g.nodes[p].get("b"), "mentions": d.get("count"), "docs": list(d.get("docs") or []), "id": p}
                for r, p, d in self._by_region("balances", region)]
        return self._frame(rows, ("region", "pair", "a", "b", "mentions", "docs", "id"),
                           lambda row: (_last(row["region"]), row["pair"], row["id"]))

    def numbered_formulas(self, region: Optional[str] = None) -> pd.DataFrame:
        """Numbered formulas each region cites (两个至上, 四化三体系双基), one row per region and formula."""
        g = self.graph
        rows = [{"region": self._region_name(r), "formula": self._label(f), "parts": g.nodes[f].get("parts"),
                 "expansion": list(g.nodes[f].get("expansion") or []), "mentions": d.get("count"),
                 "docs": list(d.get("docs") or []), "id": f}
                for r, f, d in self._by_region("cites", region)]
        df = self._frame(rows, ("region", "formula", "parts", "expansion", "mentions", "docs", "id"),
                         lambda row: (_last(row["region"]), row["formula"], row["id"]))
        return df.astype({"parts": "Int64"})

    # ------------------------------------------------------------------ evidence
    def _edge(self, ref: Edge) -> Edge:
        if len(ref) != 3:
            raise QueryError(f"an edge is (head, relation, tail), got {ref!r}")
        head, relation, tail = ref
        if relation not in RELATIONS:
            raise QueryError(f"unknown relation {relation!r}; known: {', '.join(RELATIONS)}")
        h, t = self.node(head), self.node(tail)
        if not self.graph.has_edge(h, t, key=relation):
            between = sorted({f"{u} -{k}-> {v}" for u, v, k in self.graph.edges([h, t], keys=True)
                              if {u, v} == {h, t}})
            hint = f"; edges between them: {_listing(between)}" if between else "; they are not linked"
            raise UnknownEdgeError(f"no edge {h} -{relation}-> {t}{hint}")
        return h, relation, t

    def evidence(self, ref: Union[str, Edge]) -> pd.DataFrame:
        """The mentions behind a node (id, label or alias) or an edge ``(head, relation, tail)``.

        One row per mention, in document and text order: document id and title, the
        extractor rule, the quote and its sentence as written in the source (and the
        sentence normalised), and the quote's character offsets in the original file.
        """
        if isinstance(ref, tuple):
            h, relation, t = self._edge(ref)
            provs = self.kg.edge_evidence(h, relation, t)
        else:
            provs = self.kg.node_evidence(self.node(ref))
        return evidence_frame(provs, self.kg.documents)

    def sentences(self, term: str, *, limit: Optional[int] = None) -> pd.DataFrame:
        """The evidence sentences holding ``term`` (any length: 叫应, 防, 双重预防机制; terms
        separated by spaces must all occur), in document and text order: sentence id,
        document id and title, the sentence as written, and the nodes it supports.

        Searched in the build's store (``kg.sqlite``: its bigram index) when the Explorer
        was loaded from one, else in the evidence held in memory; the rows are the same.
        """
        if not isinstance(term, str) or not term.split():
            raise QueryError(f"a search term is non-empty text, got {term!r}")
        supports: dict[str, set[str]] = defaultdict(set)
        found: dict[str, tuple[str, int, str]] = {}
        parts = term.split()
        from kg.store import sentence_id

        nodes = set(self.graph.nodes)
        for key, provs in self.kg.evidence.items():
            for p in provs:
                sid = sentence_id(p)
                if sid not in found:
                    if not all(x in p.sentence or x in p.sentence_quote for x in parts):
                        continue
                    found[sid] = (p.doc_id, p.sentence_start, p.sentence_quote)
                if key in nodes:  # a node's evidence (edges' are the same mentions, seen from the link)
                    supports[sid].add(key)
        store = Path(self.source) if self.source and self.source.endswith(".sqlite") else None
        if store is not None and store.is_file():
            from kg.store import search

            ids = [row["sentence_id"] for row in search(store, term, limit=limit)]  # the index agrees with the scan
        else:
            ids = sorted(found, key=lambda sid: (found[sid][0], found[sid][1], sid))[:limit]
        rows = [{"sentence_id": sid, "doc_id": found[sid][0], "title": self.kg.documents.get(found[sid][0], {}).get("title"),
                 "sentence": found[sid][2], "nodes": sorted(supports[sid])} for sid in ids if sid in found]
        return pd.DataFrame(rows, columns=["sentence_id", "doc_id", "title", "sentence", "nodes"])

    # ------------------------------------------------------------------ graphs
    def ego(self, node: str, radius: int = 1, *, parts: bool = True) -> KnowledgeGraph:
        """Nodes within ``radius`` links of ``node`` (either direction), as a KnowledgeGraph
        with their evidence; with ``parts``, duty formulas bring their duties (and each
        duty's counterpart) and principle pairs their poles."""
        if not isinstance(radius, int) or isinstance(radius, bool) or radius < 0:
            raise QueryError(f"radius must be a whole number >= 0, got {radius!r}")
        centre = self.node(node)
        g = self.graph
        members = set(nx.single_source_shortest_path_length(g.to_undirected(as_view=True), centre, cutoff=radius))
        if parts:
            members = self._with_parts(members)
        return subgraph(self.kg, members)

    def _with_parts(self, members: set[str]) -> set[str]:
        g = self.graph
        out, todo = set(members), sorted(members)
        while todo:
            n = todo.pop()
            found = [v for _, v, k in g.out_edges(n, keys=True) if k in _DOWN or k == _ACROSS]
            found += [u for u, _, k in g.in_edges(n, keys=True) if k == _ACROSS]
            for v in sorted(set(found) - out):
                out.add(v)
                todo.append(v)
        return out

    def find(self, text: str, type: Optional[str] = None, *, in_sentences: bool = True) -> pd.DataFrame:
        """Nodes whose label or an alias contains ``text`` (case-insensitive), then (with
        ``in_sentences``) the nodes that evidence sentences holding ``text`` support.

        Columns: id, type, label, aliases, docs, mentions, ``match`` (``name``, or ``sentence``
        for a node found only through its sentences) and ``sentences`` (how many evidence
        sentences holding ``text`` support the node; see :meth:`sentences`, searched in the
        build's store when the Explorer was loaded from one). Order: exact names first, then
        other name matches, then sentence matches with the most sentences first; within each,
        by node type and label.
        """
        if type is not None and type not in NODE_TYPES:
            raise QueryError(f"unknown node type {type!r}; known: {', '.join(NODE_TYPES)}")
        needle = str(text).strip().casefold()
        if not needle:
            raise QueryError("find() needs some text to look for")
        order = {t: i for i, t in enumerate(NODE_TYPES)}
        hits: Counter[str] = Counter()
        if in_sentences:
            for nodes in self.sentences(str(text).strip())["nodes"]:
                hits.update(nodes)
        rows = []
        for n, a in self.graph.nodes(data=True):
            if type is not None and a.get("type") != type:
                continue
            names = [str(x) for x in (a.get("label"), *(a.get("aliases") or ())) if x]
            folded = [x.casefold() for x in names]
            by_name = any(needle in x for x in folded)
            if by_name or hits[n]:
                rank = (0 if needle in folded else 1) if by_name else 2
                rows.append({"id": n, "type": a.get("type"), "label": a.get("label"),
                             "aliases": list(a.get("aliases") or []), "docs": list(a.get("docs") or []),
                             "mentions": a.get("count"), "match": "name" if by_name else "sentence",
                             "sentences": hits[n],
                             "_key": (rank, -hits[n] if rank == 2 else 0, order.get(a.get("type"), len(order)),
                                      str(a.get("label")), n)})
        return self._frame(rows, ("id", "type", "label", "aliases", "docs", "mentions", "match", "sentences"),
                           lambda row: row["_key"])

    def show(self, what: Union[str, KnowledgeGraph, Iterable[str], None] = None, *, radius: int = 1,
             height: Optional[int] = None, title: Optional[str] = None) -> "HTML":
        """An interactive view for a notebook cell (JupyterLab, Notebook, VS Code).

        ``what``: a node name (its :meth:`ego` graph of ``radius``, the node highlighted),
        a KnowledgeGraph (e.g. from :meth:`ego`), node names (the graph they induce), or
        None (the whole graph).
        """
        from kg.views import inline

        hub = None
        if what is None:
            sub, default = self.kg, "The whole graph"
        elif isinstance(what, KnowledgeGraph):
            sub, default = what, "Sub-graph"
        elif isinstance(what, str):
            hub = self.node(what)
            sub, default = self.ego(hub, radius), f"{self._label(hub)}: links within {radius}"
        else:
            ids = [self.node(n) for n in what]
            sub, default = subgraph(self.kg, ids), f"{len(ids)} nodes"
        kwargs: dict[str, Any] = {} if height is None else {"height": height}
        return inline.show(sub, hub=hub, title=title or default, **kwargs)

    # ------------------------------------------------------------------ timeline and figures
    def timeline(self, region: Optional[str] = None, mechanism: Optional[str] = None) -> pd.DataFrame:
        """When each region names each mechanism: one row per region, mechanism and document.

        Columns: region, mechanism, date (the document's, as written: ``2024``, ``2024-03`` or
        ``2024-03-05``; None when it states none, never a guessed one), document (title),
        first (the region's first mention of the mechanism; dates of different precision may
        both be first, 2024 and 2024-03-05; an undated mention never is), doc_id, mentions
        (in that document), sentence (the first one, as written), mechanism_id. Sorted by region, mechanism and date across
        precisions (2024 before 2024-01 before 2024-01-01), undated rows after dated ones.
        ``region`` / ``mechanism`` keep one region's or one mechanism's rows.
        """
        from kg.views.rows import mechanism_mentions

        want_r = self.region(region) if region is not None else None
        want_m = self.node(mechanism, type="Mechanism") if mechanism is not None else None
        rows = [{"region": self._region_name(m.region), "mechanism": m.mechanism_name, "date": m.date.text,
                 "document": m.document, "first": m.first, "doc_id": m.doc_id, "mentions": m.mentions,
                 "sentence": m.sentence, "mechanism_id": m.mechanism}
                for m in mechanism_mentions(self.kg, self._scope)
                if (want_r is None or m.region == want_r) and (want_m is None or m.mechanism == want_m)]
        frame = self._frame(rows, ("region", "mechanism", "date", "document", "first", "doc_id",
                                   "mentions", "sentence", "mechanism_id"))
        frame["first"] = frame["first"].astype(bool)
        return frame

    def figures(self, region: Optional[str] = None, subject: Optional[str] = None) -> pd.DataFrame:
        """Every figure the texts report, one row per statistic, region and document, ready to compute with.

        Columns: region, subject, year (of the document's date; None when undated), value and
        unit (as written: 12.3, 万人), normalized_value and normalized_unit (in base units:
        123000.0, 人; NaN/None where the figure has none, e.g. a direction-only claim),
        direction, baseline, document (title), date, sentence (stating it, as written), doc_id, id.
        ``region`` keeps one region's rows, ``subject`` those whose subject contains it.
        """
        from kg.views.rows import figures

        want = self.region(region) if region is not None else None
        rows = [{"region": self._region_name(f.region) if f.region else f.region_name, "subject": f.subject,
                 "year": f.year, "value": f.value, "unit": f.unit, "normalized_value": f.normalized_value,
                 "normalized_unit": f.normalized_unit, "direction": f.direction, "baseline": f.baseline,
                 "document": f.document, "date": f.date.text, "sentence": f.sentence, "doc_id": f.doc_id,
                 "id": f.statistic}
                for f in figures(self.kg, self._scope)
                if (want is None or f.region == want) and (subject is None or str(subject) in f.subject)]
        frame = self._frame(rows, ("region", "subject", "year", "value", "unit", "normalized_value",
                                   "normalized_unit", "direction", "baseline", "document", "date", "sentence",
                                   "doc_id", "id"))
        frame["year"] = frame["year"].astype("Int64")  # a missing year stays missing, not 2020.0
        for col in ("value", "normalized_value"):
            frame[col] = frame[col].astype(float)
        return frame


def evidence_frame(provs: Iterable[Provenance], documents: Optional[dict[str, dict]] = None) -> pd.DataFrame:
    """Provenance entries as a table (columns :data:`EVIDENCE_COLUMNS`), in document and
    text order, each distinct mention once.

    >>> p = Provenance(doc_id="d1", rule="mechanisms.head", start=2, end=8, orig_start=2, orig_end=8,
    ...                quote="双重预防机制", sentence="构建双重预防机制。", sentence_start=0,
    ...                sentence_quote="构建双重预防机制。")
    >>> evidence_frame([p, p], {"d1": {"title": "示例"}})[["title", "quote", "sentence"]].values.tolist()
    [['示例', '双重预防机制', '构建双重预防机制。']]
    """
    documents = documents or {}
    rows, seen = [], set()
    for p in sorted(provs, key=lambda p: (p.doc_id, p.orig_start, p.orig_end, p.rule, p.start)):
        key = (p.doc_id, p.orig_start, p.orig_end, p.rule)
        if key in seen:
            continue
        seen.add(key)
        rows.append({"doc_id": p.doc_id, "title": (documents.get(p.doc_id) or {}).get("title"), "rule": p.rule,
                     "quote": p.quote, "sentence": p.sentence_quote, "sentence_normalised": p.sentence,
                     "orig_start": p.orig_start, "orig_end": p.orig_end})
    return pd.DataFrame(rows, columns=list(EVIDENCE_COLUMNS))

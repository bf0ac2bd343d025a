"""Which nodes each view shows, and which region each node belongs to.

Input: a :class:`~kg.graph.model.KnowledgeGraph`. Output: :class:`Scope` (facts about
regions and documents computed once) and sets of node ids; a view's graph is the
subgraph of ``kg.graph`` induced by its node set, so a view never invents a node or an
edge and keeps every parallel edge between the nodes it shows.

The regions compared are the *document regions*: the region each document is about
(its Document node's ``about`` edge, else ``kg.documents[doc]["region"]``, else the
Document node's ``region`` attribute). A node belongs to the regions of the documents that support it,
plus the document regions it is linked to directly (a region ``adopts`` a mechanism).
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from kg.graph.model import KnowledgeGraph, node_id

# Relations joining a composite node to its parts (schemas/ontology.json): a region view
# that shows a duty formula also shows its duties, and a principle pair its two poles.
PART_RELATIONS = frozenset({"has_item", "has_pole", "paired_with"})
ABOUT = "about"  # Document -> its own Region
COMPOSITE_TYPES = frozenset({"DutyFormula", "PrinciplePair", "Duty"})


def _region_name(value) -> str | None:
    """A region as stored in document metadata: a name, or a dict with ``name``."""
    if isinstance(value, dict):
        value = value.get("name")
    return value if isinstance(value, str) and value else None


def _document_doc_id(kg: KnowledgeGraph, node: str, attrs: dict) -> str | None:
    """The document id a Document node stands for."""
    doc = attrs.get("doc_id")
    if isinstance(doc, str) and doc:
        return doc
    prefix = "Document:"
    if node.startswith(prefix) and node[len(prefix):] in kg.documents:
        return node[len(prefix):]
    docs = attrs.get("docs") or []
    return docs[0] if len(docs) == 1 else None


@dataclass(frozen=True)
class Scope:
    """Region facts shared by every view of one graph."""

    doc_region: dict[str, str]  # document id -> Region node id
    focus: tuple[str, ...]  # document regions, in display order (by label, then id)
    doc_nodes: dict[str, str]  # document id -> Document node id

    def docs_of(self, region: str) -> frozenset[str]:
        return frozenset(d for d, r in self.doc_region.items() if r == region)


def _label(g: nx.MultiDiGraph, n: str) -> str:
    return str(g.nodes[n].get("label") or n)


def build_scope(kg: KnowledgeGraph) -> Scope:
    """Compute document regions once.

    >>> from kg.graph.model import KnowledgeGraph
    >>> kg = KnowledgeGraph(documents={"d1": {"region": "湖南省"}})
    >>> kg.graph.add_node("Region:湖南省", type="Region", label="湖南省", docs=["d1"])
    >>> build_scope(kg).doc_region
    {'d1': 'Region:湖南省'}
    """
    g = kg.graph
    by_label: dict[str, str] = {}
    for n in sorted(g.nodes):
        attrs = g.nodes[n]
        if attrs.get("type") == "Region":
            by_label.setdefault(_label(g, n), n)
            for alias in attrs.get("aliases") or []:
                by_label.setdefault(str(alias), n)

    def region_node(name: str | None) -> str | None:
        if name is None:
            return None
        rid = node_id("Region", name)
        return rid if rid in g else by_label.get(name)

    doc_nodes: dict[str, str] = {}
    for n in sorted(g.nodes):
        attrs = g.nodes[n]
        if attrs.get("type") == "Document":
            doc = _document_doc_id(kg, n, attrs)
            if doc is not None:
                doc_nodes.setdefault(doc, n)

    doc_region: dict[str, str] = {}
    for doc, dn in sorted(doc_nodes.items()):
        about = sorted(v for _, v, key in g.out_edges(dn, keys=True)
                       if key == ABOUT and g.nodes[v].get("type") == "Region")
        if about:
            doc_region[doc] = about[0]
    for doc in sorted(kg.documents):
        rid = None if doc in doc_region else region_node(_region_name(kg.documents[doc].get("region")))
        if rid is not None:
            doc_region[doc] = rid
    for doc, dn in sorted(doc_nodes.items()):
        rid = None if doc in doc_region else region_node(_region_name(g.nodes[dn].get("region")))
        if rid is not None:
            doc_region[doc] = rid
    doc_region = dict(sorted(doc_region.items()))

    focus = tuple(sorted(set(doc_region.values()), key=lambda r: (_label(g, r), r)))
    return Scope(doc_region=doc_region, focus=focus, doc_nodes=doc_nodes)


def node_regions(kg: KnowledgeGraph, scope: Scope, node: str) -> tuple[str, ...]:
    """Document regions ``node`` belongs to, sorted as in ``scope.focus``."""
    g = kg.graph
    focus = set(scope.focus)
    if node in focus:
        return (node,)
    found = {scope.doc_region[d] for d in g.nodes[node].get("docs") or [] if d in scope.doc_region}
    for nbr in nx.all_neighbors(g, node):
        if nbr in focus:
            found.add(nbr)
    return tuple(r for r in scope.focus if r in found)


def _with_parts(g: nx.MultiDiGraph, members: set[str]) -> set[str]:
    """Add the parts of composite nodes (one step along :data:`PART_RELATIONS`)."""
    out = set(members)
    for n in sorted(members):
        if g.nodes[n].get("type") not in COMPOSITE_TYPES:
            continue
        for _, v, key in g.out_edges(n, keys=True):
            if key in PART_RELATIONS:
                out.add(v)
        for u, _, key in g.in_edges(n, keys=True):
            if key == "paired_with":
                out.add(u)
    return out


def region_nodes(kg: KnowledgeGraph, scope: Scope, region: str) -> set[str]:
    """Nodes of one region's view: the region, its neighbours, what its documents support."""
    g = kg.graph
    docs = scope.docs_of(region)
    members = {region, *nx.all_neighbors(g, region)}
    if docs:
        for n, attrs in g.nodes(data=True):
            if docs.intersection(attrs.get("docs") or ()):
                members.add(n)
    return _with_parts(g, members)


def duty_nodes(kg: KnowledgeGraph, scope: Scope) -> set[str]:
    """Duty formulas, their duties, and the regions stating them."""
    g = kg.graph
    members = {n for n, t in g.nodes(data="type") if t in ("DutyFormula", "Duty")}
    members = _with_parts(g, members)
    for n in sorted(members):
        if g.nodes[n].get("type") == "DutyFormula":
            members.update(node_regions(kg, scope, n))
    return members


def mechanism_nodes(kg: KnowledgeGraph, scope: Scope) -> set[str]:
    """Mechanisms and the regions adopting them."""
    g = kg.graph
    members = {n for n, t in g.nodes(data="type") if t == "Mechanism"}
    for n in sorted(members):
        members = members | set(node_regions(kg, scope, n))
    return members

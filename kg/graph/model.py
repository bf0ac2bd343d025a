"""The built knowledge graph: a networkx MultiDiGraph plus its evidence table.

Contract shared by the graph builder, the exporters, the views and the query API:

* node ids are ``"<Type>:<canonical name>"`` (e.g. ``"Region:湖南省"``,
  ``"Mechanism:双重预防机制"``), derived from type and canonical name, never random;
* every node has ``type`` (a node type of the ontology), ``label`` (display name),
  ``aliases`` (sorted list of other written forms), ``docs`` (sorted document ids),
  ``count`` (number of supporting mentions), plus type-specific scalar attributes;
* edges are keyed by their relation name (``key == relation``), with ``relation``,
  ``docs`` and ``count``; one edge per (head, relation, tail);
* evidence (the provenance of every mention behind a node or edge) lives in
  :attr:`KnowledgeGraph.evidence`, keyed by :func:`node_key` / :func:`edge_key`, so
  the graph stays light and every exporter can still reach it;
* :attr:`KnowledgeGraph.merges` explains entity resolution (which rule merged what).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
from pydantic import BaseModel, ConfigDict

from kg.models import Provenance


class MergeRecord(BaseModel):
    """One entity-resolution decision: ``alias`` was merged into ``node`` by ``rule``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    node: str
    alias: str
    rule: str
    doc_id: str


def node_id(node_type: str, canonical: str) -> str:
    """Stable id of a node.

    >>> node_id("Region", "湖南省")
    'Region:湖南省'
    """
    return f"{node_type}:{canonical}"


def node_key(node: str) -> str:
    """Key of a node in the evidence table (the node id itself)."""
    return node


def edge_key(head: str, relation: str, tail: str) -> str:
    """Key of an edge in the evidence table.

    >>> edge_key("Region:湖南省", "adopts", "Mechanism:双重预防机制")
    'Region:湖南省|adopts|Mechanism:双重预防机制'
    """
    return f"{head}|{relation}|{tail}"


@dataclass
class KnowledgeGraph:
    graph: nx.MultiDiGraph = field(default_factory=nx.MultiDiGraph)
    evidence: dict[str, list[Provenance]] = field(default_factory=dict)
    merges: list[MergeRecord] = field(default_factory=list)
    documents: dict[str, dict] = field(default_factory=dict)  # doc id -> {file, title, date, region}

    def node_evidence(self, node: str) -> list[Provenance]:
        return self.evidence.get(node_key(node), [])

    def edge_evidence(self, head: str, relation: str, tail: str) -> list[Provenance]:
        return self.evidence.get(edge_key(head, relation, tail), [])

    def as_data(self) -> dict:
        """Plain view of everything the graph holds, independent of insertion order.

        Two graphs are equal (``==``) when these views are equal: same nodes and edges with
        the same attributes, same evidence lists, merges and documents.
        """
        return {
            "nodes": {n: dict(a) for n, a in self.graph.nodes(data=True)},
            "edges": {(h, k, t): dict(a) for h, t, k, a in self.graph.edges(keys=True, data=True)},
            "evidence": {k: list(v) for k, v in self.evidence.items() if v},
            "merges": sorted(self.merges, key=lambda m: (m.node, m.alias, m.doc_id, m.rule)),
            "documents": self.documents,
        }

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, KnowledgeGraph):
            return NotImplemented
        return self.as_data() == other.as_data()


def documents_from_graph(graph: nx.MultiDiGraph) -> dict[str, dict]:
    """``KnowledgeGraph.documents`` derived from the Document nodes (doc id -> file, title, date, region)."""
    out = {}
    for nid in sorted(graph.nodes):
        a = graph.nodes[nid]
        if a.get("type") == "Document":
            out[nid.split(":", 1)[1]] = {"file": a["file"], "title": a["title"], "date": a["date"], "region": a["region"]}
    return out

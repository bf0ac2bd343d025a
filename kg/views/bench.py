"""A synthetic graph of any size, and a timer for rendering its views.

Input: a node count and a seed. Output: a :class:`~kg.graph.model.KnowledgeGraph`
following the graph contract (node ids ``"<Type>:<name>"``, ``type``/``label``/
``aliases``/``docs``/``count`` on every node, edges keyed by relation, evidence for
every node and edge), shaped like a corpus of provincial texts: regions with their
documents, officials, organisations, mechanisms (a fifth of them shared between
regions), paired duty formulas, principle pairs, numbered formulas, statistics and
events, joined by the relations of ``schemas/ontology.json``. Names are made up ("模拟省03"), so nothing here depends on the seed corpus.

>>> kg = synthetic_graph(300, seed=1)
>>> kg.graph.number_of_nodes()
300
>>> synthetic_graph(300, seed=1).graph.edges == kg.graph.edges
True
"""

from __future__ import annotations

import random
import time
from pathlib import Path

from kg.graph.model import KnowledgeGraph, edge_key, node_id
from kg.graph.ontology import edge_attributes, node_attributes
from kg.models import Provenance

_CHARS = "安全生产应急管理防汛抗旱森林草原消防救援风险隐患排查治理监测预警指挥协调保障体系能力建设"
_PHASES = ("防", "抗", "救", "助")
_LEAD = ("综合", "协同", "主导", "统筹")
_SUPPORT = ("具体", "为主", "支撑", "分工")
_HEADS = ("机制", "体系", "制度", "平台", "工程")
_FILL = ("Official", "Organization", "Mechanism", "Mechanism", "Statistic", "Event",
         "NumberedFormula", "Organization", "Mechanism", "PrinciplePair")


def with_defaults(specs, attrs: dict) -> dict:
    """``attrs`` plus every attribute of ``specs`` it lacks that has an empty value:
    None where the ontology allows it, [] for lists (kg.graph.ontology attribute specs).

    >>> with_defaults(node_attributes("Duty"), {"phase": "防"})["role"] is None
    True
    """
    out = dict(attrs)
    for name, spec in specs.items():
        if name not in out and (spec.optional or spec.kind == "list"):
            out[name] = None if spec.optional else []
    return out


class _Builder:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.kg = KnowledgeGraph()

    def text(self, n: int) -> str:
        return "".join(self.rng.choice(_CHARS) for _ in range(n))

    def prov(self, doc: str, quote: str, rule: str) -> Provenance:
        before, after = self.text(self.rng.randint(5, 25)), self.text(self.rng.randint(5, 25))
        sentence = f"{before}{quote}{after}。"
        start = self.rng.randint(0, 5000)
        return Provenance(doc_id=doc, rule=rule, start=start + len(before), end=start + len(before) + len(quote),
                          orig_start=start + len(before), orig_end=start + len(before) + len(quote),
                          quote=quote, sentence=sentence, sentence_start=start, sentence_quote=sentence)

    def node(self, node_type: str, name: str, doc: str, **attrs) -> str:
        n = node_id(node_type, name)
        g = self.kg.graph
        if n in g:
            docs = sorted(set(g.nodes[n]["docs"]) | {doc})
            g.nodes[n].update(docs=docs, count=g.nodes[n]["count"] + 1)
        else:
            g.add_node(n, **with_defaults(node_attributes(node_type),
                                          dict(type=node_type, label=name, aliases=[], docs=[doc], count=1, **attrs)))
        self.kg.evidence.setdefault(n, []).append(self.prov(doc, name, f"{node_type.lower()}.synthetic"))
        return n

    def edge(self, u: str, relation: str, v: str, doc: str, **attrs) -> None:
        g = self.kg.graph
        if g.has_edge(u, v, key=relation):
            data = g.edges[u, v, relation]
            data.update(docs=sorted(set(data["docs"]) | {doc}), count=data["count"] + 1)
        else:
            g.add_edge(u, v, key=relation, **with_defaults(edge_attributes(relation),
                                                           dict(relation=relation, docs=[doc], count=1, **attrs)))
        quote = g.nodes[v]["label"]
        self.kg.evidence.setdefault(edge_key(u, relation, v), []).append(self.prov(doc, quote, f"{relation}.synthetic"))


def synthetic_graph(n_nodes: int = 2000, *, n_regions: int = 12, seed: int = 0) -> KnowledgeGraph:
    """A graph of exactly ``n_nodes`` nodes (at least 20 per region), the same for the same arguments."""
    if n_nodes < 20 * n_regions:
        n_regions = max(1, n_nodes // 20)
    b = _Builder(seed)
    g = b.kg.graph
    regions, docs = [], []
    for i in range(n_regions):
        name, doc = f"模拟省{i:02d}", f"syn{i:03d}"
        b.kg.documents[doc] = {"file": f"{doc}.txt", "title": f"{name}应急管理工作综述", "date": "2020-01-01",
                               "region": name}
        r = b.node("Region", name, doc, level="province", anonymized=False)
        g.nodes[r]["aliases"] = [name[:-1]]
        d = b.node("Document", doc, doc, file=f"{doc}.txt", title=b.kg.documents[doc]["title"], date="2020-01-01",
                   region=name)
        b.edge(d, "about", r, doc)
        leads, supports = [a + p for a, p in zip(_LEAD, _PHASES)], [a + p for a, p in zip(_SUPPORT, _PHASES)]
        lead = b.node("DutyFormula", f"{name}“" + "、".join(leads) + "”", doc, items=leads, size=4)
        sup = b.node("DutyFormula", f"{name}“" + "、".join(supports) + "”", doc, items=supports, size=4,
                     holders=["相关部门"])
        b.edge(r, "states", lead, doc)
        b.edge(r, "states", sup, doc)
        b.edge(lead, "paired_with", sup, doc)
        for position, (a, s, p) in enumerate(zip(_LEAD, _SUPPORT, _PHASES), 1):
            ld, sd = b.node("Duty", a + p, doc, phase=p, role="lead"), b.node("Duty", s + p, doc, phase=p, role="support")
            b.edge(lead, "has_item", ld, doc, position=position)
            b.edge(sup, "has_item", sd, doc, position=position)
            b.edge(ld, "paired_with", sd, doc, phase=p)
        regions.append(r)
        docs.append(doc)
    mechanisms: list[str] = []
    i = 0
    while g.number_of_nodes() < n_nodes:
        k = i % n_regions
        r, doc = regions[k], docs[k]
        kind = _FILL[(i // n_regions) % len(_FILL)]
        i += 1
        if kind == "Official":
            orgs = [v for _, v, key in g.in_edges(r, keys=True) if key == "located_in" and v.startswith("Organization:")]
            o = b.node("Official", b.text(3), doc, titles=["厅长"])
            if orgs:
                b.edge(o, "holds_post_in", b.rng.choice(sorted(orgs)), doc, titles=["厅长"])
        elif kind == "Organization":
            o = b.node("Organization", g.nodes[r]["label"] + b.text(4) + "厅", doc)
            b.edge(o, "located_in", r, doc)
        elif kind == "Mechanism":
            if mechanisms and b.rng.random() < 0.2:
                b.edge(r, "adopts", b.rng.choice(mechanisms), doc)  # a mechanism shared with another region
                continue
            m = b.node("Mechanism", b.text(b.rng.randint(4, 10)) + b.rng.choice(_HEADS), doc)
            mechanisms.append(m)
            b.edge(r, "adopts", m, doc)
        elif kind == "Statistic":
            subject = b.text(5) + "起数"
            s = b.node("Statistic", subject, doc, subject=subject, value=round(b.rng.uniform(1, 90), 2), unit="%",
                       direction="下降")
            b.edge(r, "reports", s, doc)
            b.edge(node_id("Document", doc), "mentions", s, doc)
        elif kind == "Event":
            e = b.node("Event", b.text(2) + "台风", doc, event_type="台风")
            b.edge(r, "experienced", e, doc)
        elif kind == "NumberedFormula":
            f = b.node("NumberedFormula", b.rng.choice("两三四五六") + "个" + b.text(2), doc)
            b.edge(r, "cites", f, doc)
        elif kind == "PrinciplePair":
            a, c = b.text(1), b.text(1)
            if a == c or g.number_of_nodes() + 3 > n_nodes:
                continue
            pair = b.node("PrinciplePair", f"{a}与{c}", doc, a=a, b=c)
            b.edge(r, "balances", pair, doc)
            b.edge(pair, "has_pole", b.node("Principle", a, doc), doc, position=1)
            b.edge(pair, "has_pole", b.node("Principle", c, doc), doc, position=2)
    return b.kg


def time_render(kg: KnowledgeGraph, out_dir: str | Path) -> dict[str, float]:
    """Render every view of ``kg`` into ``out_dir``; seconds per stage, pages and bytes written."""
    from kg.views import render_views

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    render_views(kg, out_dir, timings=timings)
    timings["wall_s"] = time.perf_counter() - t0
    timings["nodes"] = kg.graph.number_of_nodes()
    timings["edges"] = kg.graph.number_of_edges()
    return timings

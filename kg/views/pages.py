"""The set of views of a graph, their layouts, and the index page.

Input: a :class:`~kg.graph.model.KnowledgeGraph`. Output: :class:`~kg.views.render.View`
objects (:func:`build_views`) and the index page's HTML (:func:`render_index_html`).

Views: the whole graph; one per document region (its officials, organisations,
mechanisms, duty formulas, statistics, events and whatever else its documents
support); the duty formulas of every region side by side, lead and support duties
paired by phase; the mechanisms with the regions adopting them, the shared ones
drawn larger with a thick outline.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict

import networkx as nx
from markupsafe import Markup, escape

from kg.graph.model import KnowledgeGraph
from kg.views import scope as sc
from kg.views.layout import cluster_layout, rows_layout, sector_layout
from kg.views.render import View, asset_text, csp_hash, legend, template_env
from kg.views.style import type_rank

# The phases of the genre's duty formulas (domain primer: 防 prevention, 抗 resistance,
# 救 rescue, 助 relief), in the order the texts give them. Other phases follow, sorted.
PHASES = ("防", "抗", "救", "助")
ROLES = ("lead", "support")


def _label(g: nx.MultiDiGraph, n: str) -> str:
    return str(g.nodes[n].get("label") or n)


def _sorted(g: nx.MultiDiGraph, ids) -> list[str]:
    return sorted(ids, key=lambda n: (_label(g, n), n))


def _node_key(g: nx.MultiDiGraph, n: str) -> tuple:
    """Display order of nodes of one type: duties by phase, everything else by label."""
    phase = _phase(g, n) if g.nodes[n].get("type") == "Duty" else ""
    return (_phase_key(phase), _label(g, n), n)


def _by_type(g: nx.MultiDiGraph, ids, hub: str | None = None) -> list[list[str]]:
    """Node ids grouped by type (types in display order).

    Within a group, nodes come in breadth-first order from ``hub`` (neighbours by
    :func:`_node_key`), so what hangs together lands together: a formula's duties in
    phase order, right after the formula's earlier siblings' duties. Nodes the walk
    does not reach follow, by :func:`_node_key`.
    """
    ids = set(ids)
    rank: dict[str, int] = {}
    if hub is not None:
        frontier = [hub]
        seen = {hub}
        while frontier:
            nxt = []
            for u in frontier:
                for v in sorted((set(nx.all_neighbors(g, u)) & ids) - seen, key=lambda n: _node_key(g, n)):
                    seen.add(v)
                    rank[v] = len(rank)
                    nxt.append(v)
            frontier = nxt
    groups: dict[str, list[str]] = defaultdict(list)
    for n in ids:
        groups[str(g.nodes[n].get("type") or "")].append(n)
    return [sorted(groups[t], key=lambda n: (rank.get(n, len(ids)), _node_key(g, n)))
            for t in sorted(groups, key=type_rank)]


def region_slug(region: str) -> str:
    """File stem of a region's view: a hash of its node id, so any name is a safe file name.

    >>> region_slug("Region:湖南省")
    'region-9fee4c90c7'
    """
    return "region-" + hashlib.sha1(region.encode("utf-8")).hexdigest()[:10]


# --------------------------------------------------------------------------- overview
def overview_view(kg: KnowledgeGraph, scope: sc.Scope) -> View:
    """Every node: one disc per document region around the nodes several regions share."""
    g = kg.graph
    home: dict[str, list[str]] = defaultdict(list)
    shared, loose = [], []
    for n in g.nodes:
        if n in scope.focus:
            continue
        regions = sc.node_regions(kg, scope, n)
        if len(regions) == 1:
            home[regions[0]].append(n)
        elif regions:
            shared.append(n)
        else:
            loose.append(n)
    around = [(r, _by_type(g, home[r], r)) for r in scope.focus]
    if loose:
        around.append((None, _by_type(g, loose)))
    positions = cluster_layout((None, _by_type(g, shared)) if shared or not around else None, around)
    return View(
        slug="overview", title="Overview", kind="overview",
        description=("The whole graph. Each region's own nodes sit around it; nodes that several "
                     "regions share sit in the middle."),
        nodes=frozenset(g.nodes), positions=positions,
    )


# --------------------------------------------------------------------------- regions
def region_view(kg: KnowledgeGraph, scope: sc.Scope, region: str) -> View:
    g = kg.graph
    members = sc.region_nodes(kg, scope, region)
    positions, _ = sector_layout(_by_type(g, members - {region}, region), hub=region)
    name = _label(g, region)
    n_docs = len(scope.docs_of(region))
    return View(
        slug=region_slug(region), title=name, kind="region",
        description=(f"{name}: the region, what links to it, and what its {n_docs} document(s) "
                     "name: officials, organisations, mechanisms, duty formulas, statistics, events."),
        nodes=frozenset(members), positions=positions,
    )


# --------------------------------------------------------------------------- duties
def _phase(g: nx.MultiDiGraph, duty: str) -> str:
    """A duty's phase: its ``phase`` attribute, else the phase of a ``paired_with`` edge,
    else its last character (综合防 -> 防: the formulas end on the phase)."""
    phase = g.nodes[duty].get("phase")
    if isinstance(phase, str) and phase:
        return phase
    incident = [*g.out_edges(duty, keys=True, data=True), *g.in_edges(duty, keys=True, data=True)]
    for _, _, key, data in sorted(incident, key=lambda e: (e[0], e[1], e[2])):
        if key == "paired_with" and isinstance(data.get("phase"), str) and data["phase"]:
            return data["phase"]
    label = _label(g, duty)
    return label[-1] if label else ""


def _roles(g: nx.MultiDiGraph, duties: set[str], formulas: dict[str, list[str]]) -> dict[str, str]:
    """lead / support of each duty: its ``role`` attribute, else the side of a
    ``paired_with`` edge (lead -> support), else the side its formula's other items
    are on, else lead (a formula without counterpart is the coordinating side)."""
    role: dict[str, str] = {}
    for d in duties:
        r = g.nodes[d].get("role")
        if r in ROLES:
            role[d] = r
            continue
        keys_out = {k for _, _, k in g.out_edges(d, keys=True)}
        keys_in = {k for _, _, k in g.in_edges(d, keys=True)}
        if "paired_with" in keys_out:
            role[d] = "lead"
        elif "paired_with" in keys_in:
            role[d] = "support"
    for f in sorted(formulas):
        known = Counter(role[d] for d in formulas[f] if d in role)
        side = "support" if known["support"] > known["lead"] else "lead"
        for d in formulas[f]:
            role.setdefault(d, side)
    for d in duties:
        role.setdefault(d, "lead")
    return role


def _phase_key(phase: str) -> tuple[int, str]:
    return (PHASES.index(phase), phase) if phase in PHASES else (len(PHASES), phase)


UNIT = 150.0  # lead and support sit one unit either side of their column's centre line


def duty_view(kg: KnowledgeGraph, scope: sc.Scope) -> View:
    """A column per region (lead left, support right) and a row per phase.

    A duty or formula several regions share is one node: it sits between their
    columns, at the mean of their centres, so sharing shows as converging edges.
    """
    g = kg.graph
    members = sc.duty_nodes(kg, scope)
    formulas = {f: _sorted(g, [v for _, v in g.out_edges(f) if v in members and g.nodes[v].get("type") == "Duty"])
                for f in _sorted(g, members) if g.nodes[f].get("type") == "DutyFormula"}
    duties = _sorted(g, [n for n in members if g.nodes[n].get("type") == "Duty"])
    role = _roles(g, set(duties), formulas)
    phase = {d: _phase(g, d) for d in duties}
    formula_role = {f: (Counter(role[d] for d in items).most_common(1)[0][0] if items else "lead")
                    for f, items in formulas.items()}

    # Columns: the regions stating a formula (or a loose duty), then one for no region.
    cols_of: dict[str, list[str | None]] = {}
    for f in formulas:
        cols_of[f] = list(sc.node_regions(kg, scope, f)) or [None]
    for d in duties:
        via = [c for f, items in formulas.items() if d in items for c in cols_of[f]]
        cols_of[d] = via or list(sc.node_regions(kg, scope, d)) or [None]
    used = {c for cs in cols_of.values() for c in cs}
    columns: list[str | None] = [r for r in scope.focus if r in used] + ([None] if None in used else [])
    centre = {c: 3 * UNIT * i for i, c in enumerate(columns)}

    def wanted(n: str, side: str) -> float:
        xs = sorted({centre[c] for c in cols_of[n]})
        return sum(xs) / len(xs) + (-UNIT / 2 if side == "lead" else UNIT / 2)

    phases = sorted({phase[d] for d in duties}, key=_phase_key)
    rows: list[list[tuple[str, float]]] = [[(r, centre[r]) for r in columns if r is not None and r in members]]
    rows.append([(f, wanted(f, "lead")) for f in formulas if formula_role[f] == "lead"])
    rows.append([(f, wanted(f, "support")) for f in formulas if formula_role[f] == "support"])
    for p in phases:
        rows.append([(d, wanted(d, role[d])) for d in duties if phase[d] == p])
    placed = {n for row in rows for n, _ in row}
    rows.append([(n, UNIT * k) for k, n in enumerate(_sorted(g, members - placed))])
    positions = rows_layout(rows, row_height=90.0, min_gap=UNIT)
    return View(
        slug="duties", title="Duty formulas", kind="duties",
        description=("Each region's duty formulas side by side: lead duties (the emergency "
                     "department's) left, support duties (the sector departments') right, one row "
                     "per phase. A duty several regions state sits between their columns."),
        nodes=frozenset(members), positions=positions,
        extra_html=_duty_table(g, columns, formulas, cols_of, duties, role, phase, phases),
    )


def _duty_table(g, columns, formulas, cols_of, duties, role, phase, phases) -> Markup:
    """The duty view as a table: a row per phase, a column per region (escaped text only)."""
    if not columns:
        return Markup("")
    head = "".join(f"<th>{escape(_label(g, r) if r else '(no region)')}</th>" for r in columns)
    out = [f"<h2>Duties by phase</h2><table><thead><tr><th>Phase</th>{head}</tr></thead><tbody>"]
    row = ["<tr><th>Formulas</th>"]
    for r in columns:
        fs = [f for f in formulas if r in cols_of[f]]
        # the coordinating (lead) formula first, as the texts state it; stable otherwise
        side = {f: ("support" if sum(role[d] == "support" for d in formulas[f]) * 2 > len(formulas[f]) else "lead")
                for f in fs}
        fs.sort(key=lambda f: side[f] == "support")
        row.append("<td>" + "<br>".join(f"{side[f]}: {escape(_label(g, f))}" for f in fs) + "</td>")
    out.append("".join(row) + "</tr>")
    for p in phases:
        row = [f"<tr><th>{escape(p)}</th>"]
        for r in columns:
            ds = [d for d in duties if phase[d] == p and r in cols_of[d]]
            leads = "、".join(str(escape(_label(g, d))) for d in ds if role[d] == "lead")
            sups = "、".join(str(escape(_label(g, d))) for d in ds if role[d] == "support")
            row.append(f"<td>{leads or '—'} / {sups or '—'}</td>")
        out.append("".join(row) + "</tr>")
    out.append("</tbody></table><p class=\"hint\">Each cell: lead / support.</p>")
    return Markup("".join(out))


# --------------------------------------------------------------------------- mechanisms
def mechanism_view(kg: KnowledgeGraph, scope: sc.Scope) -> View:
    """Regions on a circle with the mechanisms only they adopt; shared ones in the middle."""
    g = kg.graph
    members = sc.mechanism_nodes(kg, scope)
    mechanisms = [n for n in members if g.nodes[n].get("type") == "Mechanism"]
    regions_of = {m: sc.node_regions(kg, scope, m) for m in mechanisms}
    shared = sorted((m for m in mechanisms if len(regions_of[m]) > 1),
                    key=lambda m: (-len(regions_of[m]), _label(g, m), m))
    own: dict[str | None, list[str]] = defaultdict(list)
    for m in mechanisms:
        if len(regions_of[m]) <= 1:
            own[regions_of[m][0] if regions_of[m] else None].append(m)
    region_members = [r for r in scope.focus if r in members]
    around = [(r, [_sorted(g, own[r])]) for r in region_members]
    if own[None]:
        around.append((None, [_sorted(g, own[None])]))
    others = _sorted(g, members - set(mechanisms) - set(region_members))
    if others:
        around.append((None, _by_type(g, others)))
    positions = cluster_layout((None, [shared]) if shared else None, around)
    return View(
        slug="mechanisms", title="Mechanisms", kind="mechanisms",
        description=("Mechanisms and the regions that adopt them. Mechanisms of one region sit "
                     "around it; those adopted by several regions sit in the middle."),
        nodes=frozenset(members), positions=positions, highlight=frozenset(shared),
        highlight_note="Large nodes with a thick dark outline are mechanisms shared by two or more regions.",
        extra_html=_shared_table(g, shared, regions_of),
    )


def _shared_table(g, shared: list[str], regions_of: dict[str, tuple[str, ...]]) -> Markup:
    if not shared:
        return Markup("<h2>Shared mechanisms</h2><p>No mechanism is adopted by more than one region.</p>")
    rows = "".join(
        f"<tr><td>{escape(_label(g, m))}</td><td>{len(regions_of[m])}</td>"
        f"<td>{'、'.join(str(escape(_label(g, r))) for r in regions_of[m])}</td></tr>"
        for m in shared)
    return Markup("<h2>Shared mechanisms</h2><table><thead><tr><th>Mechanism</th><th>Regions</th>"
                  f"<th>Which</th></tr></thead><tbody>{rows}</tbody></table>")


# --------------------------------------------------------------------------- all views
# The table pages render_views writes beside the graph views (kg.views.tables), as the index lists them.
TABLE_PAGES = (
    {"file": "timeline.html", "title": "Timeline",
     "description": ("When each region names each mechanism: its first and every mention, by document date; "
                     "undated documents shown as undated.")},
    {"file": "figures.html", "title": "Figures",
     "description": ("Every statistic by region, subject and year: the value as written and in base units, "
                     "its direction and the sentence stating it (a sortable table).")},
)


def build_views(kg: KnowledgeGraph) -> list[View]:
    """Every view of ``kg``, in index order: overview, duties, mechanisms, regions."""
    scope = sc.build_scope(kg)
    views = [overview_view(kg, scope), duty_view(kg, scope), mechanism_view(kg, scope)]
    views += [region_view(kg, scope, r) for r in scope.focus]
    return views


def render_index_html(kg: KnowledgeGraph, views: list[View]) -> str:
    """The index: links to every view and a summary of the graph (static, no script)."""
    g = kg.graph
    scope = sc.build_scope(kg)
    types = Counter(str(t or "") for _, t in g.nodes(data="type"))
    relations = Counter(str(d.get("relation") or k) for _, _, k, d in g.edges(keys=True, data=True))
    docs = []
    doc_ids = sorted(set(kg.documents) | set(scope.doc_nodes))
    for d in doc_ids:
        meta = kg.documents.get(d) or {}
        region = scope.doc_region.get(d)
        docs.append({"id": d, "title": str(meta.get("title") or ""), "date": str(meta.get("date") or ""),
                     "file": str(meta.get("file") or ""), "region": _label(g, region) if region else ""})
    region_rows = [{"name": _label(g, r), "docs": len(scope.docs_of(r)), "view": region_slug(r) + ".html",
                    "nodes": next((len(v.nodes) for v in views if v.slug == region_slug(r)), 0)}
                   for r in scope.focus]
    css = asset_text("index.css")
    return template_env().get_template("index.html.j2").render(
        csp=f"default-src 'none'; style-src {csp_hash(css)}; img-src data:; base-uri 'none'; form-action 'none'",
        css=Markup(css),
        views=[v for v in views if v.kind != "region"],
        tables=TABLE_PAGES,
        regions=region_rows,
        docs=docs,
        types=legend(dict(types)),
        relations=sorted(relations.items()),
        n_nodes=g.number_of_nodes(),
        n_edges=g.number_of_edges(),
    )

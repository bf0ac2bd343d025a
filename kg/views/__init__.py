"""Interactive HTML views of the knowledge graph (vis-network through pyvis), offline.

Input: a :class:`~kg.graph.model.KnowledgeGraph`. Output: HTML files in ``out_dir``
(:func:`render_views`): ``index.html``, ``overview.html``, ``duties.html``,
``mechanisms.html``, ``timeline.html`` (when each region names each mechanism),
``figures.html`` (every statistic, sortable) and one ``region-<hash>.html`` per
document region. Pages load
nothing from the network, treat every source text as text, and are byte-identical
for the same graph.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from kg.errors import OutputError
from kg.graph.model import KnowledgeGraph
from kg.io.atomic import atomic_write_text
from kg.views.pages import build_views, render_index_html
from kg.views.render import VIS_ASSET, View, asset_text, render_view_html
from kg.views.tables import render_figures_html, render_timeline_html

__all__ = ["render_views", "build_views", "render_view_html", "View"]

_REGION_FILE = re.compile(r"region-[0-9a-f]{10}\.html")


def render_views(kg: KnowledgeGraph, out_dir: str | Path, *, timings: dict[str, float] | None = None) -> list[Path]:
    """Write every view of ``kg`` into ``out_dir``; return the paths, index first.

    The pages share one copy of vis-network, ``assets/vis-network.min.js`` (written here
    too, not among the paths returned). Region pages of regions no longer in the graph (``region-<hash>.html`` files this
    function wrote before) are removed, so the directory matches its index. Pass a
    dict as ``timings`` to get the seconds spent laying out, rendering and writing.

    >>> import tempfile
    >>> from kg.graph.model import KnowledgeGraph
    >>> kg = KnowledgeGraph(documents={"d1": {"title": "示例", "region": "湖南省"}})
    >>> kg.graph.add_node("Region:湖南省", type="Region", label="湖南省", aliases=["湖南"], docs=["d1"], count=3)
    >>> with tempfile.TemporaryDirectory() as out:
    ...     [p.name for p in render_views(kg, out)]
    ['index.html', 'overview.html', 'duties.html', 'mechanisms.html', 'timeline.html', 'figures.html', 'region-9fee4c90c7.html']
    """
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(out, f"cannot create the views directory: {e.strerror or e}") from e
    t0 = time.perf_counter()
    views = build_views(kg)
    t1 = time.perf_counter()
    pages = {v.file: render_view_html(kg, v, shared_assets=True) for v in views}
    graphs = [v.file for v in views if v.kind != "region"]
    tables = {"timeline.html": render_timeline_html(kg), "figures.html": render_figures_html(kg)}
    # index order: the graph views, the tables, then the regions
    pages = {"index.html": render_index_html(kg, views),
             **{f: pages[f] for f in graphs}, **tables, **{f: h for f, h in pages.items() if f not in graphs}}
    t2 = time.perf_counter()
    paths = []
    try:
        # the one copy of vis-network every page loads (first: a page never lacks it)
        (out / VIS_ASSET).parent.mkdir(exist_ok=True)
        vis = out / VIS_ASSET
        if not vis.is_file() or vis.read_text(encoding="utf-8") != asset_text("vis-network.min.js"):
            atomic_write_text(vis, asset_text("vis-network.min.js"))
        for name, html in pages.items():
            atomic_write_text(out / name, html)
            paths.append(out / name)
        for stale in sorted(out.iterdir()):
            if _REGION_FILE.fullmatch(stale.name) and stale.name not in pages:
                stale.unlink()
    except OSError as e:
        raise OutputError(getattr(e, "filename", None) or out, f"cannot write a view: {e.strerror or e}") from e
    t3 = time.perf_counter()
    if timings is not None:
        timings.update(layout_s=t1 - t0, html_s=t2 - t1, write_s=t3 - t2, total_s=t3 - t0,
                       pages=len(pages), bytes=sum(len(h.encode("utf-8")) for h in pages.values()))
    return paths

"""A knowledge graph drawn inside a notebook cell: JupyterLab, classic Notebook and VS Code.

Input: a :class:`~kg.graph.model.KnowledgeGraph` (usually a sub-graph, e.g.
:meth:`kg.query.Explorer.ego`). Output: an :class:`IPython.display.HTML` object
(:func:`show`) holding one ``<iframe>`` (in a ``<div>``) whose ``srcdoc`` is the
complete view page.

Why this shape:

* pyvis' ``notebook=True`` writes a file and shows an IFrame *pointing at* it: blank in
  VS Code (its webview cannot load the file) and in a notebook opened away from the
  server that wrote it. The views renderer already makes self-contained pages
  (vis-network inlined, data as JSON, a strict CSP, no request), so the page itself
  travels in the ``srcdoc`` attribute, and the output works wherever HTML output does.
* The page is the renderer's own (:func:`~kg.views.render.render_view_html` of the
  overview layout of the sub-graph, the ego node highlighted): one page code path for
  files and notebooks, without the "← Index" link (there is no index beside an inline
  view).
* ``srcdoc`` is escaped with :func:`html.escape` (``&``, ``<``, ``>``, both quotes), so
  no source text can end the attribute; the browser decodes it back to the exact page.
* ``sandbox="allow-scripts"`` gives the page a unique origin: its scripts run, but
  cannot reach the notebook's DOM, cookies or kernel. The page's CSP still applies.
* The iframe is as wide as the cell and ``height`` pixels high (the page fills it).
"""

from __future__ import annotations

import dataclasses
import html
from typing import TYPE_CHECKING, Optional

from kg.graph.model import KnowledgeGraph
from kg.views.pages import overview_view
from kg.views.render import View, render_view_html
from kg.views.scope import build_scope

if TYPE_CHECKING:  # pragma: no cover
    from IPython.display import HTML

DEFAULT_HEIGHT = 720  # px: the page's header and toolbar plus its 520 px minimum stage
SANDBOX = "allow-scripts"


def inline_view(kg: KnowledgeGraph, *, hub: Optional[str] = None, title: Optional[str] = None) -> View:
    """The view of every node of ``kg``: the overview layout (each document region's
    nodes around it, shared ones in the middle), ``hub`` drawn larger."""
    g = kg.graph
    if hub is not None and hub not in g:
        from kg.errors import UnknownNodeError

        raise UnknownNodeError(f"hub {hub!r} is not a node of the graph shown")
    view = overview_view(kg, build_scope(kg))
    note = ""
    if hub is not None:
        note = f"The large node with a dark outline is {g.nodes[hub].get('label') or hub}."
    return dataclasses.replace(
        view, slug="inline", kind="inline", title=title or "Graph",
        description="Hover a node or an edge for its evidence; click it to keep it in the panel.",
        highlight=frozenset({hub}) if hub is not None else frozenset(), highlight_note=note, home=False,
    )


def page_html(kg: KnowledgeGraph, *, hub: Optional[str] = None, title: Optional[str] = None) -> str:
    """The complete, self-contained view page of ``kg`` (what the iframe shows)."""
    return render_view_html(kg, inline_view(kg, hub=hub, title=title))


def iframe_html(page: str, *, height: int = DEFAULT_HEIGHT, title: str = "kg graph") -> str:
    """One ``<iframe>`` element showing ``page`` (a whole HTML document) from ``srcdoc``.

    >>> tag = iframe_html('<p title="a&b">x</p>', height=300)
    >>> tag.split(" sandbox=")[0]
    '<iframe srcdoc="&lt;p title=&quot;a&amp;b&quot;&gt;x&lt;/p&gt;"'
    >>> "height: 300px" in tag
    True
    """
    if not isinstance(height, int) or isinstance(height, bool) or height < 100:
        raise ValueError(f"height must be a whole number of pixels >= 100, got {height!r}")
    return (f'<iframe srcdoc="{html.escape(page, quote=True)}" sandbox="{SANDBOX}" '
            f'title="{html.escape(title, quote=True)}" '
            f'style="width: 100%; height: {height}px; border: 1px solid #ddd; display: block;"></iframe>')


def show(kg: KnowledgeGraph, *, hub: Optional[str] = None, title: Optional[str] = None,
         height: int = DEFAULT_HEIGHT) -> "HTML":
    """``kg`` as an interactive view in a notebook cell (an ``IPython.display.HTML``)."""
    from IPython.display import HTML

    title = title or "Graph"
    # A bare <iframe> makes IPython warn "Consider using IPython.display.IFrame" (which
    # needs a URL: the very thing that is blank in VS Code); the wrapper is inert.
    return HTML('<div class="kg-inline">' + iframe_html(page_html(kg, hub=hub, title=title), height=height,
                                                         title=title) + "</div>")

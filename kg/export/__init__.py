"""Exports of a KnowledgeGraph, one module per format, each with write_* and read_*.

Input: :class:`~kg.graph.model.KnowledgeGraph`. Output files (names in :data:`FILES`):

* ``graph.graphml``: GraphML for Gephi, Cytoscape and igraph (:mod:`kg.export.graphml`);
* ``graph.json``: node-link JSON with the full evidence (:mod:`kg.export.nodelink`);
* ``nodes.csv``, ``edges.csv``, ``evidence.csv``, ``merges.csv``: Neo4j-importable,
  Excel-readable tables (:mod:`kg.export.tables`).

:func:`write_all` writes each file atomically (a temporary file, then a rename): an
interrupted build leaves each export either complete and old or complete and new.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

from kg.errors import OutputError
from kg.export.graphml import encode_chunks, iter_graphml, read_graphml, render_graphml, write_graphml
from kg.export.nodelink import iter_node_link, read_node_link, render_node_link, write_node_link
from kg.export.tables import TABLE_FILES, iter_table, read_tables, render_tables, write_tables
from kg.graph.build import Snapshot, paused_gc
from kg.graph.model import KnowledgeGraph
from kg.io.atomic import atomic_write_bytes

GRAPHML_FILE = "graph.graphml"
JSON_FILE = "graph.json"
FILES = (GRAPHML_FILE, JSON_FILE) + TABLE_FILES


def _renderers(kg: KnowledgeGraph) -> Iterator[tuple[str, Callable[[], bytes]]]:
    snap = Snapshot.of(kg)  # sorted elements and the provenance table, shared by every file
    yield GRAPHML_FILE, lambda: encode_chunks(iter_graphml(kg, snap))
    yield JSON_FILE, lambda: encode_chunks(iter_node_link(kg, snap))
    for name in TABLE_FILES:
        yield name, lambda name=name: encode_chunks(iter_table(kg, name, snap))


def render_all(kg: KnowledgeGraph) -> dict[str, bytes]:
    """File name -> bytes of every export of ``kg``."""
    with paused_gc():
        return {name: render() for name, render in _renderers(kg)}


def write_all(kg: KnowledgeGraph, out_dir: str | Path) -> list[Path]:
    """Write every export of ``kg`` into ``out_dir`` (created if missing); returns the paths.

    One file is rendered and written at a time (each atomically), so only one export is
    held in memory at once: on a large corpus graph.json alone is hundreds of MB.
    """
    out_dir = Path(out_dir)
    written = []
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with paused_gc():
            for name, render in _renderers(kg):
                atomic_write_bytes(out_dir / name, render())
                written.append(out_dir / name)
    except OSError as e:
        raise OutputError(getattr(e, "filename", None) or out_dir, f"cannot be written: {e.strerror or e}") from None
    return written


__all__ = [
    "FILES", "GRAPHML_FILE", "JSON_FILE", "render_all", "write_all",
    "read_graphml", "render_graphml", "write_graphml",
    "read_node_link", "render_node_link", "write_node_link",
    "read_tables", "render_tables", "write_tables",
]

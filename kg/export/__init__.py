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

import gc
import multiprocessing as mp
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Optional

from kg.errors import OutputError
from kg.export.graphml import encode_chunks, iter_graphml, read_graphml, render_graphml, write_graphml
from kg.export.nodelink import iter_node_link, read_node_link, render_node_link, write_node_link
from kg.export.records import ExportIndex, FileIndex, KeyOrder, Reuse, assemble
from kg.export.tables import TABLE_FILES, iter_table, read_tables, render_tables, write_tables
from kg.graph.build import Snapshot, paused_gc
from kg.graph.model import KnowledgeGraph
from kg.io.atomic import atomic_write_bytes

GRAPHML_FILE = "graph.graphml"
JSON_FILE = "graph.json"
FILES = (GRAPHML_FILE, JSON_FILE) + TABLE_FILES


def _snapshot(kg: KnowledgeGraph | Snapshot) -> Snapshot:
    """Sorted elements and the provenance table, shared by every file (made unless given)."""
    return kg if isinstance(kg, Snapshot) else Snapshot.of(kg)


def _pieces(snap: Snapshot) -> Iterator[tuple[str, Callable[[], Iterator[Any]]]]:
    kg = snap.kg
    yield GRAPHML_FILE, lambda: iter_graphml(kg, snap)
    yield JSON_FILE, lambda: iter_node_link(kg, snap)
    for name in TABLE_FILES:
        yield name, lambda name=name: iter_table(kg, name, snap)


def key_order(snap: Snapshot) -> KeyOrder:
    """The order the exports list ``snap``'s elements in (what an incremental build compares)."""
    return KeyOrder(list(snap.node_ids), list(snap.edge_keys), list(snap.ids))


def render_all(kg: KnowledgeGraph | Snapshot) -> dict[str, bytes]:
    """File name -> bytes of every export of ``kg`` (a graph, or a Snapshot already made)."""
    with paused_gc():
        return {name: encode_chunks(pieces()) for name, pieces in _pieces(_snapshot(kg))}


def write_all(kg: KnowledgeGraph | Snapshot, out_dir: str | Path, jobs: int = 1,
              extra: Optional[Mapping[str, Callable[[], bytes]]] = None,
              reuse: Optional[Mapping[str, Reuse]] = None,
              index: Optional[ExportIndex] = None) -> list[Path]:
    """Write every export of ``kg`` into ``out_dir`` (created if missing); returns the paths.

    ``extra`` maps further file names to functions giving their bytes (the build's
    summaries), written the same way. Each file is rendered and written atomically, one
    at a time per process, so only one export per process is held in memory at once: on
    a large corpus graph.json alone is hundreds of MB. With ``jobs > 1`` the files are
    shared out among that many forked processes (the graph is inherited, never copied
    or pickled); the bytes are the same as with one.

    ``reuse`` gives, per file, the previous build's bytes and the records still valid
    (copied instead of rendered, see :mod:`kg.export.records`); ``index``, if given,
    receives each export's record index and their key order, for the next build. ``kg`` may be a
    :class:`~kg.graph.build.Snapshot` already made (an incremental build's).
    """
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with paused_gc():
            tasks: dict[str, _Task] = {}
            snap = _snapshot(kg)
            if index is not None:
                index.order = key_order(snap)
            for name, pieces in _pieces(snap):
                tasks[name] = lambda pieces=pieces, r=(reuse or {}).get(name): assemble(pieces(), r)
            for name, render in (extra or {}).items():
                tasks[name] = lambda render=render: (render(), None)
            names = sorted(tasks, key=lambda n: (-_COST.get(n, 1), n))
            if jobs > 1 and len(names) > 1 and "fork" in mp.get_all_start_methods():
                done = _write_forked(tasks, names, out_dir, jobs)
            else:
                done = [_write_one(tasks, name, out_dir) for name in names]
    except OSError as e:
        raise OutputError(getattr(e, "filename", None) or out_dir, f"cannot be written: {e.strerror or e}") from None
    if index is not None:
        index.files.update((Path(p).name, i) for p, i in done if i is not None)
    order = {name: i for i, name in enumerate(list(FILES) + sorted(extra or {}))}
    return [Path(p) for p in sorted((p for p, _ in done), key=lambda p: order[Path(p).name])]


# Relative rendering cost of each file (measured on a 1,000-document graph): the costliest
# go first, so that forked writers finish at about the same time.
_COST = {JSON_FILE: 15, GRAPHML_FILE: 11, "evidence.csv": 6, "provenance.csv": 5, "edges.csv": 3}

# What a forked writer inherits from its parent (set just before the fork, cleared after).
_Task = Callable[[], tuple[bytes, Optional[FileIndex]]]
_FORK_TASKS: dict[str, _Task] = {}
_FORK_DIR: Optional[Path] = None


def _write_one(tasks: Mapping[str, _Task], name: str, out_dir: Path) -> tuple[str, Optional[FileIndex]]:
    data, index = tasks[name]()
    atomic_write_bytes(out_dir / name, data)
    return str(out_dir / name), index


def _write_forked_one(name: str) -> tuple[str, Optional[FileIndex]]:
    assert _FORK_DIR is not None
    return _write_one(_FORK_TASKS, name, _FORK_DIR)


def _write_forked(tasks: Mapping[str, _Task], names: list[str], out_dir: Path,
                  jobs: int) -> list[tuple[str, Optional[FileIndex]]]:
    global _FORK_DIR
    _FORK_TASKS.update(tasks)
    _FORK_DIR = out_dir
    try:
        # frozen objects are left alone by the children's collectors, so fewer of the
        # inherited pages are touched (and copied) by reference bookkeeping
        gc.freeze()
        with mp.get_context("fork").Pool(min(jobs, len(names))) as pool:
            return list(pool.imap_unordered(_write_forked_one, names, chunksize=1))
    finally:
        gc.unfreeze()
        _FORK_TASKS.clear()
        _FORK_DIR = None


__all__ = [
    "FILES", "GRAPHML_FILE", "JSON_FILE", "render_all", "write_all",
    "read_graphml", "render_graphml", "write_graphml",
    "read_node_link", "render_node_link", "write_node_link",
    "read_tables", "render_tables", "write_tables",
]

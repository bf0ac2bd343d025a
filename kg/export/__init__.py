"""Exports of a KnowledgeGraph, one module per format, each with write_* and read_*.

Input: :class:`~kg.graph.model.KnowledgeGraph`. Output files (names in :data:`FILES`):

* ``graph.graphml``: GraphML for Gephi, Cytoscape and igraph (:mod:`kg.export.graphml`);
* ``graph.json``: node-link JSON citing the evidence of every element (:mod:`kg.export.nodelink`);
* ``nodes.csv``, ``edges.csv``, ``evidence.csv``, ``provenance.csv``, ``merges.csv``: raw data for pandas
  and Neo4j's import (:mod:`kg.export.tables`);
* ``kg.xlsx``: the same tables as an Excel workbook in which no cell is a formula
  (:mod:`kg.export.xlsx`; written whole on every build, it has no records to copy, and no
  reader: the other files hold the same);
* ``kg.sqlite``: the store, where the sentences live (:mod:`kg.store`). The other files
  cite mentions by id; with ``inline_evidence`` they hold the sentences too.

:func:`write_all` writes each file atomically (a temporary file, then a rename): an
interrupted build leaves each export either complete and old or complete and new.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Optional

import numpy as np

from kg.errors import OutputError
from kg.export.graphml import encode_chunks, iter_graphml, read_graphml, render_graphml, write_graphml
from kg.export.nodelink import iter_node_link, read_node_link, render_node_link, write_node_link
from kg.export.records import (ExportIndex, FileIndex, KeyOrder, Part, Reuse, assemble, assemble_parts,
                               render_shard, stitch, write_parts)
from kg.export.tables import TABLE_FILES, iter_table, read_tables, render_tables, write_tables
from kg.export.xlsx import XLSX_FILE, render_xlsx
from kg.export.xlsx import writer as _xlsx_writer
from kg.graph.build import Snapshot, paused_gc
from kg.graph.model import KnowledgeGraph
from kg.io.atomic import atomic_write_bytes, atomic_writer
from kg.portable import O_BINARY, can_fork, copy_range
from kg.portable import write_all as _write_fd
from kg.store.schema import STORE_FILE

GRAPHML_FILE = "graph.graphml"
JSON_FILE = "graph.json"
FILES = (GRAPHML_FILE, JSON_FILE) + TABLE_FILES + (XLSX_FILE,)


def _snapshot(kg: KnowledgeGraph | Snapshot) -> Snapshot:
    """Sorted elements and the provenance table, shared by every file (made unless given)."""
    return kg if isinstance(kg, Snapshot) else Snapshot.of(kg)


def _pieces(snap: Snapshot, inline: bool = False) -> Iterator[tuple[str, Callable[[], Iterator[Any]]]]:
    kg = snap.kg
    yield GRAPHML_FILE, lambda: iter_graphml(kg, snap, inline=inline)
    yield JSON_FILE, lambda: iter_node_link(kg, snap, inline=inline)
    for name in TABLE_FILES:
        yield name, lambda name=name: iter_table(kg, name, snap, inline=inline)


def key_order(snap: Snapshot) -> KeyOrder:
    """The order the exports list ``snap``'s elements in (what an incremental build compares)."""
    return KeyOrder(list(snap.node_ids), list(snap.edge_keys), list(snap.ids))


def render_all(kg: KnowledgeGraph | Snapshot, inline_evidence: bool = False) -> dict[str, bytes]:
    """File name -> bytes of every export of ``kg`` (a graph, or a Snapshot already made)
    but the store (a database, written by :func:`kg.store.write_store`)."""
    with paused_gc():
        snap = _snapshot(kg)
        files = {name: encode_chunks(pieces()) for name, pieces in _pieces(snap, inline_evidence)}
        files[XLSX_FILE] = render_xlsx(snap)
        return {name: files[name] for name in FILES}


@dataclass
class StoreUpdate:
    """What changed since the last build's store ``old`` (see :func:`kg.store.update_store`)."""

    old: Path
    docs: set[str]
    nodes: set[str]
    edges: set[tuple[str, str, str]]


def _store_writer(snap: Snapshot, out_dir: Path, update: Optional[StoreUpdate]) -> Callable[[], tuple[str, FileIndex]]:
    def write() -> tuple[str, FileIndex]:
        from kg.store import STORE_FILE, update_store, write_store

        from kg.errors import StoreError

        path = out_dir / STORE_FILE
        try:
            if update is None:
                raise StoreError(path, "no store to update")
            update_store(snap, update.old, path, update.docs, update.nodes, update.edges)
        except StoreError:  # the last one cannot be updated (damaged, another version): written afresh
            write_store(snap, path)
        # an index with no records: the next build's state then records the file's size and
        # time, and updates it only if it is as written
        return str(path), FileIndex("", np.zeros(0, np.int64), np.zeros(0, np.int64))
    return write


def write_all(kg: KnowledgeGraph | Snapshot, out_dir: str | Path, jobs: int = 1,
              extra: Optional[Mapping[str, Callable[[], bytes]]] = None,
              reuse: Optional[Mapping[str, Reuse]] = None,
              index: Optional[ExportIndex] = None, inline_evidence: bool = False,
              store: Optional[StoreUpdate] = None) -> list[Path]:
    """Write every export of ``kg`` into ``out_dir`` (created if missing); returns the paths.

    ``extra`` maps further file names to functions giving their bytes (the build's
    summaries), written the same way. Each file is rendered and written atomically, one
    at a time, so only one export is held in memory at once: on a large corpus graph.json
    alone is hundreds of MB. With ``jobs > 1`` the records are shared out among that many
    writers (forked processes and this one), each rendering the same slice of every file
    (the graph is inherited, never copied or pickled, and each element's attributes are
    worked out by one process), and the files are stitched from the slices; the bytes are
    the same as with one.

    ``reuse`` gives, per file, the previous build's bytes and the records still valid
    (copied instead of rendered, see :mod:`kg.export.records`); ``index``, if given,
    receives each export's record index and their key order, for the next build. ``kg`` may be a
    :class:`~kg.graph.build.Snapshot` already made (an incremental build's).

    The store (``kg.sqlite``) is written too: afresh, or with ``store`` updated from the
    last build's for what changed. ``inline_evidence`` writes the sentences into the other
    files as well (self-contained files, several times larger).
    """
    out_dir = Path(out_dir)
    reuse = reuse or {}
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with paused_gc():
            snap = _snapshot(kg)
            if index is not None:
                index.order = key_order(snap)
            write_store = _store_writer(snap, out_dir, store)
            write_xlsx = _xlsx_writer(snap, out_dir)
            if jobs > 1 and can_fork():  # (else one writer: the graph is not sent to spawned ones)
                done = _write_sharded(snap, reuse, extra or {}, out_dir, jobs, inline_evidence, write_store,
                                      write_xlsx)
            else:
                done = [write_store(), write_xlsx()]
                for name, pieces in _pieces(snap, inline_evidence):
                    r = reuse.get(name)
                    if r is not None and r.fd is not None:  # the old file at hand: its runs copied by the kernel
                        done.append(_write_streamed(out_dir / name, pieces(), r))
                    else:
                        done.append(_write_file(out_dir / name, lambda: assemble(pieces(), r)))
                done += [_write_file(out_dir / name, lambda: (render(), None)) for name, render in (extra or {}).items()]
    except OSError as e:
        raise OutputError(getattr(e, "filename", None) or out_dir, f"cannot be written: {e.strerror or e}") from None
    if index is not None:
        index.files.update((Path(p).name, i) for p, i in done if i is not None)
    order = {name: i for i, name in enumerate(list(FILES) + [STORE_FILE] + sorted(extra or {}))}
    return [Path(p) for p in sorted((p for p, _ in done), key=lambda p: order[Path(p).name])]


def _write_file(path: Path, render: Callable[[], tuple[bytes, Optional[FileIndex]]]) -> tuple[str, Optional[FileIndex]]:
    data, index = render()
    atomic_write_bytes(path, data)
    return str(path), index


def _write_streamed(path: Path, pieces: Iterator[Any], reuse: Reuse) -> tuple[str, FileIndex]:
    """Write the file with the runs it keeps from the old one copied by the kernel (an
    incremental build: hundreds of MB that never pass through this process)."""
    parts, index = assemble_parts(pieces, reuse)
    with atomic_writer(path) as f:
        out = f.fileno()  # written through the descriptor only: the file object buffers nothing
        write_parts(parts, lambda data: _write_fd(out, data),
                    lambda start, length: _copy_fd(reuse.fd, out, start, length))  # type: ignore[arg-type]
    return str(path), index


_copy_fd = copy_range  # by the kernel where it can (kg.portable: plain reads and writes elsewhere)


# Shards per writer: more than one, so a writer that drew a cheap slice takes another
# while the other finishes (records differ in cost: a document's node lists all its mentions).
SHARDS_PER_WRITER = 3


@dataclass
class _ShardJob:
    """What forked writers inherit (set just before the fork, cleared after)."""

    layouts: dict[str, list[Any]]  # file -> its pieces: fixed text, and Sections to render
    reuse: Mapping[str, Reuse]
    out_dir: Path
    shards: int
    token: str  # in the scratch files' names, so two builds into one directory never mix
    next: Any  # a counter shared by the writers: the next shard to claim

    def scratch(self, name: str, shard: int) -> Path:
        return self.out_dir / f".{name}.{self.token}.{shard}.tmp"  # ".*.tmp": removed if a build dies

    def claim(self) -> Optional[int]:
        with self.next.get_lock():
            k = self.next.value
            if k >= self.shards:
                return None
            self.next.value = k + 1
            return k

    def render(self, shard: int) -> dict[str, tuple[bytes, Part]]:
        return {name: render_shard(layout, shard, self.shards, self.reuse.get(name))
                for name, layout in self.layouts.items()}


_JOB: Optional[_ShardJob] = None


def _render_claimed(_: int) -> list[tuple[int, dict[str, Part]]]:
    """In a forked writer: render shards while any is left, each file's slice into a scratch file."""
    job = _JOB
    assert job is not None
    done = []
    while (k := job.claim()) is not None:
        parts = {}
        for name, (data, parts[name]) in job.render(k).items():
            with open(job.scratch(name, k), "wb") as f:
                f.write(data)
        done.append((k, parts))
    return done


def _write_sharded(snap: Snapshot, reuse: Mapping[str, Reuse], extra: Mapping[str, Callable[[], bytes]],
                   out_dir: Path, jobs: int, inline: bool = False,
                   write_store: Optional[Callable[[], tuple[str, FileIndex]]] = None,
                   write_whole: Optional[Callable[[], tuple[str, Optional[FileIndex]]]] = None
                   ) -> list[tuple[str, Optional[FileIndex]]]:
    """The files written by ``jobs`` writers: ``jobs - 1`` forked ones and this process, which
    claim shards in turn; this process keeps its own shards in memory, then stitches."""
    global _JOB
    ctx = mp.get_context("fork")
    done: list[tuple[str, Optional[FileIndex]]] = []
    layouts = {name: list(pieces()) for name, pieces in _pieces(snap, inline)}  # the fixed text is made once, here
    sharded = {name: layout for name, layout in layouts.items() if any(type(p) is not str for p in layout)}
    job = _JOB = _ShardJob(sharded, reuse, out_dir, SHARDS_PER_WRITER * jobs, f"{os.getpid()}-{id(snap):x}",
                           ctx.Value("i", 0))
    try:
        # frozen objects are left alone by the children's collectors, so fewer of the
        # inherited pages are touched (and copied) by reference bookkeeping
        gc.freeze()
        parts: dict[int, dict[str, Part]] = {}
        mine: dict[int, dict[str, bytes]] = {}
        with ctx.Pool(jobs - 1) as pool:
            pending = pool.map_async(_render_claimed, range(jobs - 1))
            # meanwhile, what has no records to share out; then shards, like the others
            for name, layout in layouts.items():
                if name not in sharded:
                    done.append(_write_file(out_dir / name, lambda layout=layout: assemble(layout, reuse.get(name))))
            done += [_write_file(out_dir / name, lambda: (render(), None)) for name, render in extra.items()]
            if write_store is not None:
                done.append(write_store())
            if write_whole is not None:  # the workbook: written whole, here, while the others render
                done.append(write_whole())
            while (k := job.claim()) is not None:
                rendered = job.render(k)
                mine[k] = {name: data for name, (data, _) in rendered.items()}
                parts[k] = {name: part for name, (_, part) in rendered.items()}
            for got in pending.get():
                parts.update(got)
        for name, layout in sharded.items():
            done.append(_stitch(job, name, layout, [parts[k][name] for k in range(job.shards)],
                                {k: data[name] for k, data in mine.items()}))
    finally:
        gc.unfreeze()
        _JOB = None
        for name in sharded:
            for k in range(job.shards):
                job.scratch(name, k).unlink(missing_ok=True)
    return done


def _stitch(job: _ShardJob, name: str, layout: list[Any], parts: list[Part],
            kept: dict[int, bytes]) -> tuple[str, FileIndex]:
    """Write file ``name`` from its fixed text and its shards: those this process rendered
    (``kept``), and the others' scratch files, copied by the kernel where it can (their
    bytes never pass through this process)."""
    path = job.out_dir / name
    sources = {k: os.open(job.scratch(name, k), os.O_RDONLY | O_BINARY) for k in range(job.shards) if k not in kept}
    try:
        with atomic_writer(path) as f:
            out = f.fileno()  # written through the descriptor only: the file object buffers nothing

            def copy(k: int, offset: int, length: int) -> None:
                if k in kept:
                    _write_fd(out, memoryview(kept[k])[offset:offset + length])
                else:
                    _copy_fd(sources[k], out, offset, length)

            index = stitch(layout, parts, lambda data: _write_fd(out, data), copy)
    finally:
        for fd in sources.values():
            os.close(fd)
    for k in sources:
        job.scratch(name, k).unlink()
    return str(path), index


__all__ = [
    "FILES", "GRAPHML_FILE", "JSON_FILE", "STORE_FILE", "XLSX_FILE", "StoreUpdate", "render_all", "write_all",
    "read_graphml", "render_graphml", "write_graphml",
    "read_node_link", "render_node_link", "write_node_link",
    "read_tables", "render_tables", "write_tables", "render_xlsx",
]

"""The records of the mentions, rendered by whoever holds the documents.

graph.json's ``provenance`` list and provenance.csv hold a record per mention. A record
depends on the mention alone and on its id, ``<doc id>#<n>`` (its place among its own
document's mentions), and both files list the mentions document by document. So the
workers that built the graph of their own documents (:mod:`kg.workers`) render those
records too (:func:`render_chunks`), while the parent merges the graph; the parent then
copies them into place as a :class:`~kg.export.records.Reuse` (:func:`reuse_of`), as an
incremental build copies last time's records. The bytes are those a full render gives.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from kg.export.nodelink import PROVENANCE_SEP, provenance_text
from kg.export.records import FileIndex, Reuse
from kg.export.tables import PROVENANCE_CSV, provenance_line
from kg.graph.snapshot import local_ids

# file -> (record of a mention, separator between records)
RENDERERS: dict[str, tuple[Callable[[str, Any], str], str]] = {
    "graph.json": (provenance_text, PROVENANCE_SEP),
    PROVENANCE_CSV: (provenance_line, ""),
}


@dataclass
class Chunk:
    """One holder's mention records for one file: its documents in id order, each document's
    mentions in order, records joined by the file's separator; ``docs`` gives each document's
    id and number of records."""

    data: bytes
    starts: np.ndarray
    ends: np.ndarray
    docs: list[tuple[str, int]]


def render_chunks(builder) -> dict[str, Chunk]:
    """The mention records of the documents ``builder`` (a ``_Builder``) holds, per file."""
    keys = sorted((k, i) for i, k in enumerate(builder._keys) if k is not None)
    ids = local_ids(k[0] for k, _ in keys)
    provs = [builder._prov(i) for _, i in keys]
    docs: list[tuple[str, int]] = []
    for k, _ in keys:
        if docs and docs[-1][0] == k[0]:
            docs[-1] = (k[0], docs[-1][1] + 1)
        else:
            docs.append((k[0], 1))
    out = {}
    for name, (render, sep) in RENDERERS.items():
        texts = [render(pid, p).encode("utf-8") for pid, p in zip(ids, provs)]
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        starts = np.zeros(len(texts), dtype=np.int64)
        if len(texts) > 1:
            np.cumsum(lengths[:-1] + len(sep.encode("utf-8")), out=starts[1:])
        out[name] = Chunk(sep.encode("utf-8").join(texts), starts, starts + lengths, docs)
    return out


def reuse_of(chunks: list[dict[str, Chunk]], order: list[str]) -> dict[str, Reuse]:
    """Per file, what copies the holders' records into place, given the exports' mention ids
    in order (``order``); empty if they do not add up to those ids (then all is rendered)."""
    out: dict[str, Reuse] = {}
    for name, (_, sep) in RENDERERS.items():
        parts = [c[name] for c in chunks if name in c]
        gap = sep.encode("utf-8")
        # the holders' records one after another, with a separator between holders too, so a
        # run of records that are neighbours here is one run of bytes
        where: dict[str, tuple[int, int]] = {}  # doc id -> (its first record here, its count)
        starts, ends, base, first = [], [], 0, 0
        for c in parts:
            for doc, n in c.docs:
                where[doc] = (first, n)
                first += n
            starts.append(c.starts + base)
            ends.append(c.ends + base)
            base += len(c.data) + len(gap)
        segments: list[tuple[int, int, int]] = []
        i = 0
        for doc, pid in _runs(order):
            got = where.get(doc)
            if got is None or got[1] != pid:
                return {}
            j = got[0]
            if segments and segments[-1][1] == i and segments[-1][2] + (i - segments[-1][0]) == j:
                segments[-1] = (segments[-1][0], i + pid, segments[-1][2])
            else:
                segments.append((i, i + pid, j))
            i += pid
        if i != first:
            return {}
        index = FileIndex("p", np.concatenate(starts) if starts else np.zeros(0, np.int64),
                          np.concatenate(ends) if ends else np.zeros(0, np.int64))
        out[name] = Reuse(gap.join(c.data for c in parts), index, {"p": segments}, {"p": first})
    return out


def _runs(order: list[str]) -> list[tuple[str, int]]:
    """``(doc id, number of ids)`` of each run of one document's ids in ``order``."""
    runs: list[tuple[str, int]] = []
    for pid in order:
        doc = pid.rpartition("#")[0]
        if runs and runs[-1][0] == doc:
            runs[-1] = (doc, runs[-1][1] + 1)
        else:
            runs.append((doc, 1))
    return runs

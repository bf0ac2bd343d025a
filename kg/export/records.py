"""Export files as fixed text and sections of records, so a rebuild can reuse unchanged bytes.

An exporter yields its file as pieces: plain ``str`` for fixed text, and a :class:`Section`
for each run of element records (nodes ``"n"``, edges ``"e"``, mentions ``"p"``), in the
order of the build's :class:`KeyOrder`, with a separator between records. A record's text
is made only when needed. :func:`assemble` turns the pieces into the file's bytes and a
:class:`FileIndex` of where each record lies.

Given the previous build's bytes and index and the records that may have changed (a
:class:`Reuse`), it copies every other record from the old file: neighbouring records
that were neighbours before are copied as one run, so after one document of a thousand
changed, a file of a hundred thousand records is a handful of copies and a few renders.

An element's record depends on the element alone (its attributes and the ids of its
evidence, which are local to their documents), so a record the graph update did not touch
is byte-for-byte what a full render would give; the incremental build tests check that.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, NamedTuple, Optional

import numpy as np

KINDS = ("n", "e", "p")


class Section(NamedTuple):
    """``count`` records of one kind; ``render(i)`` gives record ``i``'s text."""

    kind: str
    count: int
    render: Callable[[int], str]
    opening: str = ""
    sep: str = ""
    closing: str = ""
    empty: str = ""  # the whole section's text when it has no record


@dataclass
class FileIndex:
    """Where the records of one export lie: the ``i``-th record written spans
    ``starts[i]:ends[i]``; the records are the sections' in turn (kinds in ``sections``)."""

    sections: str
    starts: np.ndarray
    ends: np.ndarray


@dataclass
class KeyOrder:
    """The keys of one build's elements, in the order every export lists them."""

    nodes: list[str]
    edges: list[tuple[str, str, str]]
    provenance: list[str]

    def of(self, kind: str) -> list:
        return {"n": self.nodes, "e": self.edges, "p": self.provenance}[kind]


@dataclass
class ExportIndex:
    """Every export's :class:`FileIndex`, and the key order they share (what a build keeps)."""

    order: Optional[KeyOrder] = None
    files: dict[str, FileIndex] = field(default_factory=dict)


Segment = tuple[int, int, int]  # new records [i0, i1) are old records [j0, j0 + i1 - i0) unchanged


def plan(old: KeyOrder, new: KeyOrder, dirty: dict[str, set]) -> dict[str, list[Segment]]:
    """Per kind, the runs of new records that are old ones unchanged, in order (one pass
    per kind, shared by every file)."""
    out: dict[str, list[Segment]] = {}
    for kind in KINDS:
        position = {k: j for j, k in enumerate(old.of(kind))}.get
        bad = dirty.get(kind, set())
        segments: list[Segment] = []
        i0 = j0 = last = -2
        for i, k in enumerate(new.of(kind)):
            j = position(k)
            if j is None or k in bad:
                continue
            if i == last + 1 and j == j0 + (i - i0):
                last = i
                continue
            if i0 >= 0:
                segments.append((i0, last + 1, j0))
            i0, j0, last = i, j, i
        if i0 >= 0:
            segments.append((i0, last + 1, j0))
        out[kind] = segments
    return out


@dataclass
class Reuse:
    """The previous build's bytes of one export, its index, and the runs still valid."""

    old: Any  # the bytes (or a read-only mmap of the file)
    index: FileIndex
    segments: dict[str, list[Segment]]
    sizes: dict[str, int]  # old record count per kind
    fd: Optional[int] = None  # the old file, open: runs are then copied by the kernel (see write_parts)

    def bases(self) -> Optional[dict[str, int]]:
        """Where each kind's records start in the index (None if it does not fit the key order)."""
        out, base = {}, 0
        for kind in self.index.sections:
            out[kind] = base
            base += self.sizes[kind]
        return out if base == len(self.index.starts) else None


def _records(section: Section) -> Iterator[str]:
    for i in range(section.count):
        yield section.render(i)


def text_of(pieces: Iterable[Any]) -> str:
    """The whole text of ``pieces`` (every record rendered)."""
    out = []
    for p in pieces:
        if type(p) is str:
            out.append(p)
        elif p.count:
            out.append(p.opening + p.sep.join(_records(p)) + p.closing)
        else:
            out.append(p.empty)
    return "".join(out)


def encode_pieces(pieces: Iterable[Any]) -> bytes:
    """UTF-8 bytes of ``pieces``, each record encoded as it comes (one copy of the text in memory)."""
    return assemble(pieces)[0]


class Copy(NamedTuple):
    """A run of the old file's bytes, ``[start, end)``, to copy as it is."""

    start: int
    end: int


def assemble(pieces: Iterable[Any], reuse: Optional[Reuse] = None) -> tuple[bytes, FileIndex]:
    """The file's bytes and its record index, copying valid runs from ``reuse.old``."""
    parts, index = assemble_parts(pieces, reuse)
    return _join(parts, reuse), index


def write_parts(parts: list[Any], write: Callable[[Any], Any], copy: Callable[[int, int], Any]) -> None:
    """Write what :func:`assemble_parts` gave: ``write(data)`` appends bytes, ``copy(start,
    length)`` appends that run of the old file (by the kernel, say, without reading it here)."""
    for p in parts:
        if type(p) is Copy:
            copy(p.start, p.end - p.start)
        elif p:
            write(p)


def _join(parts: list[Any], reuse: Optional[Reuse]) -> bytes:
    if reuse is None:
        return b"".join(parts)
    old = memoryview(reuse.old)
    try:
        return b"".join([old[p.start:p.end] if type(p) is Copy else p for p in parts])
    finally:
        old.release()  # (an mmap cannot close while a view of it lives)


def assemble_parts(pieces: Iterable[Any], reuse: Optional[Reuse] = None) -> tuple[list[Any], FileIndex]:
    """The file as a list of bytes and :class:`Copy` runs of ``reuse.old``, and its record index."""
    parts: list[Any] = []
    starts: list[np.ndarray] = []
    ends: list[np.ndarray] = []
    kinds = []
    pos = 0
    bases = reuse.bases() if reuse is not None else None
    for p in pieces:
        if type(p) is str:
            b = p.encode("utf-8")
            parts.append(b)
            pos += len(b)
            continue
        kinds.append(p.kind)
        if not p.count:
            b = p.empty.encode("utf-8")
            parts.append(b)
            pos += len(b)
            continue
        opening = p.opening.encode("utf-8")
        parts.append(opening)
        pos += len(opening)
        segments, base = _segments(p, reuse, bases)
        pos = _run(p, 0, p.count, segments, base, reuse, pos, parts, starts, ends)
        closing = p.closing.encode("utf-8")
        parts.append(closing)
        pos += len(closing)
    index = FileIndex("".join(kinds), _concat(starts), _concat(ends))
    return parts, index


# ----------------------------------------------------------------------------- shards
# With several writer processes, each renders a shard: the same slice of every section
# of every file (so an element's attributes are worked out by one process only), and the
# parent stitches each file from the fixed text and the shards' runs (:func:`stitch`).

def shard_bounds(count: int, shard: int, shards: int) -> tuple[int, int]:
    """Records ``[lo, hi)`` of a section of ``count`` that shard ``shard`` of ``shards`` renders.

    >>> [shard_bounds(5, k, 3) for k in range(3)]
    [(0, 1), (1, 3), (3, 5)]
    """
    return count * shard // shards, count * (shard + 1) // shards


@dataclass
class Part:
    """One shard of one file: per section, the length of its run of records (rendered
    one after another, separators between them) and where each record lies in that run."""

    lengths: list[int]
    starts: list[np.ndarray]
    ends: list[np.ndarray]


def render_shard(pieces: Iterable[Any], shard: int, shards: int,
                 reuse: Optional[Reuse] = None) -> tuple[bytes, Part]:
    """The runs shard ``shard`` of ``shards`` renders of each section of ``pieces``, one after another."""
    parts: list[Any] = []
    part = Part([], [], [])
    bases = reuse.bases() if reuse is not None else None
    for p in pieces:
        if type(p) is str:
            continue
        lo, hi = shard_bounds(p.count, shard, shards)
        starts: list[np.ndarray] = []
        ends: list[np.ndarray] = []
        segments, base = _segments(p, reuse, bases)
        length = _run(p, lo, hi, _clip(segments, lo, hi), base, reuse, 0, parts, starts, ends) if lo < hi else 0
        part.lengths.append(length)
        part.starts.append(_concat(starts))
        part.ends.append(_concat(ends))
    return _join(parts, reuse), part


def stitch(pieces: Iterable[Any], parts: list[Part], write: Callable[[bytes], Any],
           copy: Callable[[int, int, int], Any]) -> FileIndex:
    """Write the file of ``pieces`` whose shards are ``parts`` (in shard order); returns its index.

    ``write(data)`` appends bytes; ``copy(shard, offset, length)`` appends that range of
    shard ``shard``'s rendered bytes. The result is byte for byte what :func:`assemble` gives.
    """
    starts: list[np.ndarray] = []
    ends: list[np.ndarray] = []
    kinds = []
    offsets = [0] * len(parts)  # where each shard's next run begins in its bytes
    pos = 0
    m = 0  # the section's number

    def put(data: bytes) -> None:
        nonlocal pos
        if data:
            write(data)
            pos += len(data)

    for p in pieces:
        if type(p) is str:
            put(p.encode("utf-8"))
            continue
        kinds.append(p.kind)
        if not p.count:
            put(p.empty.encode("utf-8"))
            m += 1
            continue
        put(p.opening.encode("utf-8"))
        sep = p.sep.encode("utf-8")
        first = True
        for k, part in enumerate(parts):
            length = part.lengths[m]
            if not len(part.starts[m]):
                continue
            if not first:
                put(sep)
            first = False
            copy(k, offsets[k], length)
            starts.append(part.starts[m] + pos)
            ends.append(part.ends[m] + pos)
            offsets[k] += length
            pos += length
        put(p.closing.encode("utf-8"))
        m += 1
    return FileIndex("".join(kinds), _concat(starts), _concat(ends))


# ----------------------------------------------------------------------------- runs
def _segments(p: Section, reuse: Optional[Reuse], bases: Optional[dict[str, int]]) -> tuple[list[Segment], int]:
    """The runs of section ``p`` still valid in ``reuse``, and where its kind starts in the old index."""
    if reuse is None or not bases or p.kind not in bases:
        return [], 0
    return reuse.segments.get(p.kind, []), bases[p.kind]


def _clip(segments: list[Segment], lo: int, hi: int) -> list[Segment]:
    """The parts of ``segments`` within new records ``[lo, hi)``."""
    out = []
    for i0, i1, j0 in segments:
        a, b = max(i0, lo), min(i1, hi)
        if a < b:
            out.append((a, b, j0 + a - i0))
    return out


def _run(p: Section, lo: int, hi: int, segments: list[Segment], base: int, reuse: Optional[Reuse], pos: int,
         parts: list, starts: list, ends: list) -> int:
    """Append records ``[lo, hi)`` of the section (runs copied, the rest rendered, separators
    between them) and their offsets; returns the new end."""
    sep = p.sep.encode("utf-8")
    gap = len(sep)
    render = p.render
    i, k = lo, 0
    while i < hi:
        if i > lo:
            parts.append(sep)
            pos += gap
        if k < len(segments) and segments[k][0] == i:
            i0, i1, j0 = segments[k]
            k += 1
            old_s = reuse.index.starts[base + j0:base + j0 + (i1 - i0)]  # type: ignore[union-attr]
            old_e = reuse.index.ends[base + j0:base + j0 + (i1 - i0)]  # type: ignore[union-attr]
            first, last = int(old_s[0]), int(old_e[-1])
            starts.append(old_s - first + pos)
            ends.append(old_e - first + pos)
            parts.append(Copy(first, last))
            pos += last - first
            i = i1
            continue
        j = segments[k][0] if k < len(segments) else hi
        block = [render(x).encode("utf-8") for x in range(i, j)]
        lengths = np.fromiter(map(len, block), dtype=np.int64, count=len(block))
        offsets = np.empty(len(block), dtype=np.int64)
        offsets[0] = pos
        np.cumsum(lengths[:-1] + gap, out=offsets[1:])
        offsets[1:] += pos
        starts.append(offsets)
        ends.append(offsets + lengths)
        parts.append(sep.join(block))
        pos = int(offsets[-1] + lengths[-1])
        i = j
    return pos


def _concat(chunks: list[Any]) -> np.ndarray:
    if not chunks:
        return np.zeros(0, dtype=np.int64)
    return np.concatenate([np.asarray(c, dtype=np.int64) for c in chunks])


def stored_sentences(wanted: list[str], where, store) -> dict[str, tuple[str, str]]:
    """Mention id -> (sentence, sentence as written) from the build's ``store`` (kg.sqlite), for
    the mentions ``wanted`` of the export ``where`` that was written without its sentences."""
    if not wanted:
        return {}
    from kg.errors import ExportError, StoreError
    from kg.store import mentions

    try:
        found = mentions(store, wanted)
    except StoreError as e:
        raise ExportError(f"{where}: cannot read the sentences from the build's store: {e}") from None
    missing = [pid for pid in wanted if pid not in found]
    if missing:
        raise ExportError(f"{where}: mention {missing[0]!r} is not in {store} (a store of another build?)")
    return {pid: (found[pid].sentence, found[pid].sentence_quote) for pid in wanted}

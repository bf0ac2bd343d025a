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

    old: bytes
    index: FileIndex
    segments: dict[str, list[Segment]]
    sizes: dict[str, int]  # old record count per kind

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


def assemble(pieces: Iterable[Any], reuse: Optional[Reuse] = None) -> tuple[bytes, FileIndex]:
    """The file's bytes and its record index, copying valid runs from ``reuse.old``."""
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
        segments = reuse.segments.get(p.kind, []) if reuse is not None and bases and p.kind in bases else []
        opening = p.opening.encode("utf-8")
        parts.append(opening)
        pos += len(opening)
        pos = _section(p, segments, bases[p.kind] if segments else 0, reuse, pos, parts, starts, ends)  # type: ignore[index]
        closing = p.closing.encode("utf-8")
        parts.append(closing)
        pos += len(closing)
    index = FileIndex("".join(kinds), _concat(starts), _concat(ends))
    return b"".join(parts), index


def _section(p: Section, segments: list[Segment], base: int, reuse: Optional[Reuse], pos: int,
             parts: list, starts: list, ends: list) -> int:
    """Append the section's records (runs copied, the rest rendered) and their offsets; returns the new end."""
    sep = p.sep.encode("utf-8")
    gap = len(sep)
    render = p.render
    i = k = 0
    while i < p.count:
        if i:
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
            parts.append(memoryview(reuse.old)[first:last])  # type: ignore[union-attr]
            pos += last - first
            i = i1
            continue
        j = segments[k][0] if k < len(segments) else p.count
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

"""Export files as a sequence of keyed records, so a rebuild can reuse unchanged bytes.

An exporter yields its file as pieces: plain ``str`` for fixed text (headers, separators)
and a :class:`Rec` for each element (node ``("n", id)``, edge ``("e", head, relation,
tail)``, mention ``("p", provenance id)``), whose text is made only when needed.
:func:`assemble` turns the pieces into the file's bytes and a :class:`FileIndex` of where
each record lies. Given the previous build's bytes and index and the keys whose records
may have changed, it copies every other record from the old file instead of rendering it
again (runs of neighbouring records in one piece): after one document of a thousand
changed, almost everything is copied.

An element's record depends on the element alone (its attributes and the ids of its
evidence, which are local to their documents), so a record the graph update did not touch
is byte-for-byte what a full render would give; the incremental build tests check that.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, NamedTuple, Optional


class Rec(NamedTuple):
    """One element's record: ``render(*args)`` gives its text; ``key`` names the element."""

    key: tuple
    render: Callable[..., str]
    args: tuple


@dataclass
class FileIndex:
    """Where the records of one export lie: record ``i`` (in the order written) spans
    ``starts[i]:ends[i]``. The records are the elements of ``sections`` (``"n"``, ``"e"``,
    ``"p"``) in turn, each section in its key order (see :class:`KeyOrder`)."""

    sections: str
    starts: array
    ends: array


@dataclass
class KeyOrder:
    """The keys of one build's elements, in the order every export lists them."""

    nodes: list[str]
    edges: list[tuple[str, str, str]]
    provenance: list[str]

    def positions(self) -> dict[str, dict[tuple, int]]:
        return {"n": {("n", k): i for i, k in enumerate(self.nodes)},
                "e": {("e", *k): i for i, k in enumerate(self.edges)},
                "p": {("p", k): i for i, k in enumerate(self.provenance)}}

    def sizes(self) -> dict[str, int]:
        return {"n": len(self.nodes), "e": len(self.edges), "p": len(self.provenance)}


@dataclass
class ExportIndex:
    """Every export's :class:`FileIndex`, and the key order they share (what a build keeps)."""

    order: Optional[KeyOrder] = None
    files: dict[str, FileIndex] = field(default_factory=dict)


class Reuse:
    """The previous build's bytes of one export, and which of its records are still valid."""

    def __init__(self, old: bytes, index: FileIndex, order: KeyOrder, dirty: set[tuple],
                 positions: Optional[dict[str, dict[tuple, int]]] = None) -> None:
        self.old = old
        self.index = index
        self.dirty = dirty
        self._positions = positions if positions is not None else order.positions()
        sizes = order.sizes()
        self._base: dict[str, int] = {}
        base = 0
        for section in index.sections:
            self._base[section] = base
            base += sizes[section]
        if base != len(index.starts):
            raise ValueError("the index does not match the key order")

    def span(self, key: tuple) -> Optional[tuple[int, int]]:
        """Where the old record of ``key`` lies, if it is there and still valid."""
        if key in self.dirty:
            return None
        section = key[0]
        base = self._base.get(section)
        i = self._positions[section].get(key) if base is not None else None
        if i is None:
            return None
        return self.index.starts[base + i], self.index.ends[base + i]


def text_of(pieces: Iterable[Any]) -> str:
    """The whole text of ``pieces`` (every record rendered)."""
    return "".join([p if type(p) is str else p.render(*p.args) for p in pieces])


def encode_pieces(pieces: Iterable[Any]) -> bytes:
    """UTF-8 bytes of ``pieces``, each encoded as it comes (one copy of the text in memory)."""
    return b"".join([(p if type(p) is str else p.render(*p.args)).encode("utf-8") for p in pieces])


def assemble(pieces: Iterable[Any], reuse: Optional[Reuse] = None) -> tuple[bytes, FileIndex]:
    """The file's bytes and its record index, copying valid records from ``reuse.old``."""
    parts: list[Any] = []
    starts, ends = array("q"), array("q")
    sections: list[str] = []
    pos = 0
    old = memoryview(reuse.old) if reuse is not None else None
    # (what Reuse.span does, inlined: it runs once per record of every file)
    dirty = reuse.dirty if reuse is not None else frozenset()
    positions = reuse._positions if reuse is not None else {}
    bases = reuse._base if reuse is not None else {}
    old_starts = reuse.index.starts if reuse is not None else array("q")
    old_ends = reuse.index.ends if reuse is not None else array("q")
    run_start = run_end = -1  # a run of bytes to copy from the old file, grown while contiguous
    section, base, position = "", None, None

    for p in pieces:
        if type(p) is str:
            b = p.encode("utf-8")
            n = len(b)
            if run_end >= 0 and old[run_end:run_end + n] == b:  # type: ignore[index]
                run_end += n  # the same separator follows in the old file: the run goes on
            else:
                if run_end >= 0:
                    parts.append(old[run_start:run_end])  # type: ignore[index]
                    run_end = -1
                parts.append(b)
            pos += n
            continue
        key = p.key
        if key[0] != section:
            section = key[0]
            sections.append(section)
            base = bases.get(section)
            position = positions[section].get if base is not None else None
        i = position(key) if position is not None else None
        if i is not None and key not in dirty:
            s, e = old_starts[base + i], old_ends[base + i]  # type: ignore[operator]
            if run_end != s:
                if run_end >= 0:
                    parts.append(old[run_start:run_end])  # type: ignore[index]
                run_start = s
            run_end = e
            n = e - s
        else:
            if run_end >= 0:
                parts.append(old[run_start:run_end])  # type: ignore[index]
                run_end = -1
            b = p.render(*p.args).encode("utf-8")
            parts.append(b)
            n = len(b)
        starts.append(pos)
        pos += n
        ends.append(pos)
    if run_end >= 0:
        parts.append(old[run_start:run_end])  # type: ignore[index]
    return b"".join(parts), FileIndex("".join(sections), starts, ends)

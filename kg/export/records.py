"""Export files as a sequence of keyed records, so a rebuild can reuse unchanged bytes.

An exporter yields its file as pieces: plain ``str`` for fixed text (headers, separators)
and a :class:`Rec` for each element (node, edge, mention), whose text is made only when
needed. :func:`assemble` turns the pieces into the file's bytes and an index of where each
record lies. Given the previous build's bytes and index and a test saying which records
are unchanged, it copies those from the old file instead of rendering them again: after
one document of a thousand changed, almost every record is copied.

An element's record depends on the element alone (its attributes and the ids of its
evidence, which are local to their documents), so a record the graph update did not touch
is byte-for-byte what a full render would give; the incremental build tests check that.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, NamedTuple, Optional


class Rec(NamedTuple):
    """One element's record: ``render(*args)`` gives its text; ``key`` names the element."""

    key: tuple
    render: Callable[..., str]
    args: tuple


Index = dict[tuple, tuple[int, int]]  # record key -> (start, end) byte offsets in the file


@dataclass
class Reuse:
    """The previous build's bytes of one file, where its records lie, and which are still valid."""

    old: bytes
    index: Index
    unchanged: Callable[[tuple], bool]


def text_of(pieces: Iterable[Any]) -> str:
    """The whole text of ``pieces`` (every record rendered)."""
    return "".join([p if type(p) is str else p.render(*p.args) for p in pieces])


def encode_pieces(pieces: Iterable[Any]) -> bytes:
    """UTF-8 bytes of ``pieces``, each encoded as it comes (one copy of the text in memory)."""
    return b"".join([(p if type(p) is str else p.render(*p.args)).encode("utf-8") for p in pieces])


def assemble(pieces: Iterable[Any], reuse: Optional[Reuse] = None) -> tuple[bytes, Index]:
    """The file's bytes and its record index, copying unchanged records from ``reuse.old``."""
    parts: list[Any] = []
    index: Index = {}
    pos = 0
    old = memoryview(reuse.old) if reuse is not None else None
    old_index = reuse.index if reuse is not None else {}
    unchanged = reuse.unchanged if reuse is not None else None
    for p in pieces:
        if type(p) is str:
            b: Any = p.encode("utf-8")
        else:
            span = old_index.get(p.key) if unchanged is not None and unchanged(p.key) else None
            if span is not None:
                b = old[span[0]:span[1]]  # type: ignore[index]
            else:
                b = p.render(*p.args).encode("utf-8")
            index[p.key] = (pos, pos + len(b))
        parts.append(b)
        pos += len(b)
    return b"".join(parts), index

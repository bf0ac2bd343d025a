"""Character offsets from normalised text back to the original text.

Input: an original string. Output: a normalised string and an :class:`OffsetMap`
that turns any span of the normalised text into the span of the original text
it came from, so provenance can quote the source exactly as written.

Normalisation steps work on a :class:`TextBuffer` (text plus, for every character,
the original span it came from); :meth:`TextBuffer.freeze` compresses that into
runs, which stay small even for a 50 MB text with few edits.

>>> buf = TextBuffer("監(jiān)管到位")
>>> buf = buf.replace([(1, 7, "")])          # drop the pasted pinyin reading
>>> buf.text
'監管到位'
>>> m = buf.freeze()
>>> m.orig_span(0, 2)
(0, 8)
>>> "監(jiān)管到位"[slice(*m.orig_span(0, 2))]
'監(jiān)管'
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Iterable, Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict, PrivateAttr


class OffsetMap(BaseModel):
    """Piecewise map from normalised offsets to original offsets.

    ``runs`` holds ``(norm_start, orig_start, orig_end, length)``: for ``k`` in
    ``range(length)``, normalised character ``norm_start + k`` came from the
    original characters ``[orig_start + k, orig_end + k)``.
    """

    model_config = ConfigDict(frozen=True)

    norm_len: int
    orig_len: int
    runs: list[tuple[int, int, int, int]]
    _keys: list[int] = PrivateAttr(default_factory=list)

    def model_post_init(self, __context) -> None:  # noqa: D401 - pydantic hook
        self._keys = [r[0] for r in self.runs]

    @classmethod
    def identity(cls, length: int) -> "OffsetMap":
        """The map of a text that normalisation left unchanged."""
        runs = [(0, 0, 1, length)] if length else []
        return cls(norm_len=length, orig_len=length, runs=runs)

    def _char(self, i: int) -> tuple[int, int]:
        # the private attribute read directly: pydantic's __getattr__ costs more than the bisect
        j = bisect_right(self.__pydantic_private__["_keys"], i) - 1
        n0, s0, e0, length = self.runs[j]
        k = i - n0
        assert 0 <= k < length, (i, self.runs[j])
        return s0 + k, e0 + k

    def orig_span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``[start, end)`` covering normalised ``[start, end)``.

        An empty span maps to an empty span at the right place.
        """
        if not 0 <= start <= end <= self.norm_len:
            raise ValueError(f"span ({start}, {end}) outside normalised text of length {self.norm_len}")
        if start == end:
            pos = self._char(start)[0] if start < self.norm_len else self.orig_len
            return pos, pos
        s, _ = self._char(start)
        _, e = self._char(end - 1)
        return s, max(e, s)


class TextBuffer:
    """A text being normalised, with each character's original span.

    Steps return a new buffer; the original string is never changed.
    """

    __slots__ = ("text", "starts", "ends", "orig_len")

    def __init__(self, text: str, starts: np.ndarray | None = None,
                 ends: np.ndarray | None = None, orig_len: int | None = None):
        self.text = text
        n = len(text)
        if starts is None:
            starts = np.arange(n, dtype=np.int64)
            ends = starts + 1
        self.starts = starts
        self.ends = ends
        self.orig_len = n if orig_len is None else orig_len

    def replace(self, edits: Iterable[tuple[int, int, str]]) -> "TextBuffer":
        """Apply non-overlapping ``(start, end, replacement)`` edits, sorted by start.

        A replacement of the same length keeps a one-to-one map; any other
        replacement maps each new character to the whole replaced span.
        """
        pieces: list[str] = []
        s_parts: list[np.ndarray] = []
        e_parts: list[np.ndarray] = []
        pos = 0
        for start, end, repl in edits:
            if start < pos or end < start:
                raise ValueError(f"edits overlap or are unsorted at ({start}, {end})")
            pieces.append(self.text[pos:start])
            s_parts.append(self.starts[pos:start])
            e_parts.append(self.ends[pos:start])
            if len(repl) == end - start:
                s_parts.append(self.starts[start:end])
                e_parts.append(self.ends[start:end])
            elif repl:
                if end > start:
                    lo, hi = int(self.starts[start]), int(self.ends[end - 1])
                else:  # insertion: anchor on the following character (or the end)
                    lo = hi = int(self.starts[start]) if start < len(self.text) else self.orig_len
                s_parts.append(np.full(len(repl), lo, dtype=np.int64))
                e_parts.append(np.full(len(repl), hi, dtype=np.int64))
            pieces.append(repl)
            pos = end
        pieces.append(self.text[pos:])
        s_parts.append(self.starts[pos:])
        e_parts.append(self.ends[pos:])
        return TextBuffer("".join(pieces), np.concatenate(s_parts), np.concatenate(e_parts), self.orig_len)

    def map_same_length(self, new_text: str) -> "TextBuffer":
        """Swap in a character-for-character rewrite (e.g. a 1:1 translation table)."""
        if len(new_text) != len(self.text):
            raise ValueError("map_same_length needs a text of the same length")
        return TextBuffer(new_text, self.starts, self.ends, self.orig_len)

    def freeze(self) -> OffsetMap:
        """Compress the per-character map into runs."""
        n = len(self.text)
        if n == 0:
            return OffsetMap(norm_len=0, orig_len=self.orig_len, runs=[])
        s, e = self.starts, self.ends
        # a new run starts wherever a character does not continue the previous one
        brk = np.ones(n, dtype=bool)
        brk[1:] = (np.diff(s) != 1) | (np.diff(e) != 1)
        idx = np.flatnonzero(brk)
        lengths = np.diff(np.append(idx, n))
        runs = [(int(i), int(s[i]), int(e[i]), int(ln)) for i, ln in zip(idx, lengths)]
        return OffsetMap(norm_len=n, orig_len=self.orig_len, runs=runs)


def buffer_of(text: str, offsets: OffsetMap) -> TextBuffer:
    """The buffer a frozen map was made from: ``text`` with each character's original span.

    >>> buf = TextBuffer("ab&amp;c").replace([(2, 7, "&")])
    >>> again = buffer_of(buf.text, buf.freeze())
    >>> (again.starts.tolist(), again.ends.tolist()) == (buf.starts.tolist(), buf.ends.tolist())
    True
    """
    if len(text) != offsets.norm_len:
        raise ValueError("buffer_of needs the text the map was made for")
    if not offsets.runs:
        empty = np.zeros(0, dtype=np.int64)
        return TextBuffer(text, empty, empty.copy(), offsets.orig_len)
    runs = np.array(offsets.runs, dtype=np.int64)
    lengths = runs[:, 3]
    k = np.arange(len(text), dtype=np.int64) - np.repeat(runs[:, 0], lengths)
    starts = np.repeat(runs[:, 1], lengths) + k
    ends = np.repeat(runs[:, 2], lengths) + k
    return TextBuffer(text, starts, ends, offsets.orig_len)


def apply_regex_edits(buf: TextBuffer, matches: Sequence[tuple[int, int, str]]) -> TextBuffer:
    """Apply edits only if there are any (keeps the common no-op path cheap)."""
    return buf.replace(matches) if matches else buf

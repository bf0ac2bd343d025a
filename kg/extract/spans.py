"""Look-ups over the items an extractor has already appended, in time independent of their number.

Extractors ask "which organisation (region) ends right here?" once per candidate. Walking the list
from its end is linear in the items after the position, so a long document full of bodies costs
the square of its length (issue #19: an 11 MB document at twice the per-MB time of a 2.8 MB one).
:func:`last_ending_at` answers from an index by end offset, rebuilt only when the list grows.

>>> from types import SimpleNamespace as N
>>> items = [N(prov=N(end=5), name="a"), N(prov=N(end=9), name="b"), N(prov=N(end=5), name="c")]
>>> last_ending_at(items, 5).name, last_ending_at(items, 9).name, last_ending_at(items, 7)
('c', 'b', None)
"""

from __future__ import annotations

from bisect import bisect_left, insort
from typing import Any, Optional

# id of the list -> (the list, its length when indexed, end offset -> last item ending there);
# a few entries, so that alternating look-ups in two lists (regions, organisations) stay cached
_INDEX: dict[int, tuple[list, int, dict[int, Any]]] = {}


def last_ending_at(items: list, pos: int) -> Optional[Any]:
    """The last item of ``items`` (in list order) whose ``prov.end`` is ``pos``, or None."""
    entry = _INDEX.get(id(items))
    if entry is None or entry[0] is not items or entry[1] != len(items):
        index: dict[int, Any] = {}
        for it in items:
            index[it.prov.end] = it
        if len(_INDEX) >= 8:
            _INDEX.clear()
        entry = _INDEX[id(items)] = (items, len(items), index)
    return entry[2].get(pos)


class SpanSet(set):
    """A set of ``(start, end)`` spans that also answers "does a span hold this position?" by
    looking only at the spans that start close enough before it (a walk over all of them per
    candidate is quadratic on a long document).

    >>> s = SpanSet(); s.add((3, 8)); s.add((10, 12))
    >>> s.holds(5), s.holds(3), s.holds(3, closed_start=True), s.holds(8), s.holds(8, closed_end=True)
    (True, False, True, False, True)
    """

    def __init__(self):
        super().__init__()
        self._sorted: list[tuple[int, int]] = []
        self._longest = 0

    def add(self, span: tuple[int, int]) -> None:
        if span not in self:
            super().add(span)
            insort(self._sorted, span)
            self._longest = max(self._longest, span[1] - span[0])

    def holds(self, pos: int, closed_start: bool = False, closed_end: bool = False) -> bool:
        """Some span has ``start < pos < end`` (``<=`` on the side asked for)."""
        i = bisect_left(self._sorted, (pos - self._longest, -1))
        for s, e in self._sorted[i:]:
            if s > pos:
                break
            if (s < pos or closed_start and s == pos) and (pos < e or closed_end and pos == e):
                return True
        return False

    def overlaps(self, start: int, end: int) -> bool:
        """Some span overlaps ``[start, end)``.

        >>> s = SpanSet(); s.add((3, 8))
        >>> s.overlaps(7, 9), s.overlaps(8, 9), s.overlaps(0, 3), s.overlaps(0, 4)
        (True, False, False, True)
        """
        i = bisect_left(self._sorted, (start - self._longest, -1))
        for s, e in self._sorted[i:]:
            if s >= end:
                break
            if start < e:
                return True
        return False

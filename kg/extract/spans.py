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

"""Document dates as written (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``): ordered across precisions.

Input: a document's ``date`` as stored (str or None). Output: :class:`DocDate`, the text
as written plus the interval of days it may stand for. A date that is missing or not one
of the three forms is *undated*: it is never completed or guessed, and sorts after every
dated one.

>>> [d.text for d in sorted(map(parse_date, ["2024-03", None, "2023-12-31", "2024", "2024-03-02"]))]
['2023-12-31', '2024', '2024-03', '2024-03-02', None]
>>> parse_date("2024-02").last
(2024, 2, 29)
>>> parse_date("2024-13").dated, parse_date("2024年").dated
(False, False)
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from functools import total_ordering

UNDATED_LABEL = "未注明日期 / undated"
_FORM = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


@total_ordering
@dataclass(frozen=True)
class DocDate:
    text: str | None  # as written; None when the document states none
    first: tuple[int, int, int] | None = None  # the earliest day it may stand for
    last: tuple[int, int, int] | None = None  # the latest
    precision: int = 0  # 1 year, 2 month, 3 day; 0 undated

    @property
    def dated(self) -> bool:
        return self.first is not None

    @property
    def year(self) -> int | None:
        return self.first[0] if self.first else None

    def key(self) -> tuple:
        """Sort key: dated by their first day, a less precise date before a more precise one
        starting the same day (2024 < 2024-01 < 2024-01-01), undated last (by text)."""
        if self.first is None:
            return (1, (0, 0, 0), 0, self.text or "")
        return (0, self.first, self.precision, "")

    def sort_text(self) -> str:
        """The key as a string a page's script compares (empty for undated: always last)."""
        if self.first is None:
            return ""
        y, m, d = self.first
        return f"{y:04d}-{m:02d}-{d:02d}.{self.precision}"

    def label(self) -> str:
        return self.text if self.dated else UNDATED_LABEL

    def __lt__(self, other: "DocDate") -> bool:
        return self.key() < other.key()


def parse_date(value) -> DocDate:
    """The :class:`DocDate` of a stored ``date`` value (see the module's doctest)."""
    if not isinstance(value, str) or not value.strip():
        return DocDate(None)
    text = value.strip()
    m = _FORM.fullmatch(text)
    if not m:
        return DocDate(text)  # kept as written, but not placed in time
    y, mo, d = int(m.group(1)), m.group(2), m.group(3)
    if mo is None:
        return DocDate(text, (y, 1, 1), (y, 12, 31), 1)
    mo = int(mo)
    if not 1 <= mo <= 12:
        return DocDate(text)
    days = calendar.monthrange(y, mo)[1]
    if d is None:
        return DocDate(text, (y, mo, 1), (y, mo, days), 2)
    d = int(d)
    if not 1 <= d <= days:
        return DocDate(text)
    return DocDate(text, (y, mo, d), (y, mo, d), 3)


def earliest(dates: list[DocDate]) -> set[int]:
    """Indexes of the dates that may be the earliest: each one whose first day is not after
    the latest day of the surest earliest (2024 and 2024-03-05 both may be first; 2023 and
    2024-03 not). Undated ones never are.

    >>> sorted(earliest([parse_date(t) for t in ["2024-03-05", "2024", "2025", None]]))
    [0, 1]
    """
    dated = [i for i, d in enumerate(dates) if d.dated]
    if not dated:
        return set()
    bound = min(dates[i].last for i in dated)
    return {i for i in dated if dates[i].first <= bound}

"""Figures as written -> values in base units (12.3万人 -> 123000 人, 二十三亿元 -> 2300000000 元).

Input: the value and the unit of a statistic as the text writes them (``value`` 12.3, ``unit``
``万余人``). Output: ``(normalized_value, normalized_unit)``: the magnitude words (万, 亿 …)
multiplied in, the approximation markers (余, 多, 以上 …) dropped from the unit, and the unit
written with a parenthesis (``人(次)``) read as one unit. The words of each class are in
``kg/data/statistics_words.txt`` (sections ``magnitudes`` and ``approximations``); Chinese
numerals are read with cn2an.

>>> normalize(12.3, "万人"), normalize(3.5, "万余人"), normalize(15, "%")
((123000.0, '人'), (35000.0, '人'), (15.0, '%'))
>>> normalize(23, "亿元"), normalize(120, "余万个"), normalize(1.58, None), normalize(None, None)
((2300000000.0, '元'), (1200000.0, '个'), (1.58, None), (None, None))
>>> normalize(2.5, "万亩"), normalize(300, "公顷"), normalize(3099, "人(次)"), normalize(8, "个百分点")
((25000.0, '亩'), (300.0, '公顷'), (3099.0, '人次'), (8.0, '个百分点'))
>>> chinese_value("二十三亿"), chinese_value("一万二千"), chinese_value("两"), chinese_value("万一")
(2300000000, 12000, 2, None)
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Optional



def words(section: str) -> tuple[str, ...]:
    from kg.extract.statistics import words as statistics_words  # (statistics imports this module)

    return statistics_words(section)


@lru_cache(maxsize=1)
def magnitudes() -> dict[str, int]:
    """Magnitude word -> factor (``万 10000``), from the ``magnitudes`` section."""
    out = {}
    for line in words("magnitudes"):
        word, factor = line.split()
        out[word] = int(factor)
    return out


@lru_cache(maxsize=1)
def magnitude_words() -> tuple[str, ...]:
    """The magnitude words, longest first."""
    return tuple(sorted(magnitudes(), key=lambda w: (-len(w), w)))


def _strip(unit: str) -> tuple[int, str]:
    """(factor, unit without magnitude and approximation words), reading from the left
    (余万个, 万余人, 亿元) and from the right (人以上, 万元左右)."""
    approx = words("approximations") + words("approximations_after")
    if unit in words("whole_units"):
        return 1, unit  # 千米, 千克: one unit, not 千 + 米
    factor = 1
    changed = True
    while changed and unit:
        changed = False
        for w in approx:
            if unit.startswith(w):
                unit, changed = unit[len(w):], True
            elif unit.endswith(w) and len(unit) > len(w):
                unit, changed = unit[: -len(w)], True
        for w in magnitude_words():
            if unit.startswith(w) and (len(unit) > len(w) or factor == 1):
                factor *= magnitudes()[w]
                unit, changed = unit[len(w):], True
                break
    return factor, unit


def normalize(value: Optional[float], unit: Optional[str]) -> tuple[Optional[float], Optional[str]]:
    """``(normalized_value, normalized_unit)`` of a figure written ``value`` + ``unit``."""
    if value is None:
        return None, None
    if not unit:
        return float(value), None
    factor, base = _strip(unit)
    base = base.replace("(", "").replace(")", "").replace("（", "").replace("）", "")  # 人(次) -> 人次
    # exact decimal arithmetic: 12.3 x 10000 is 123000, not 123000.00000000001
    return float(Decimal(repr(float(value))) * factor), base or None


def chinese_value(s: str) -> Optional[int]:
    """Value of a Chinese numeral with or without magnitude words (二十三亿 -> 2300000000),
    or None when ``s`` is no well-formed numeral."""
    import cn2an

    if not s or s[0] in magnitude_words() or s[0] in "百千":
        return None  # 万一, 千万(不要): not a numeral that starts a figure
    if len(s) > 1 and not any(c in "十百千万亿" for c in s):
        return None  # 一二三: digits read out one by one are a list or a code, not an amount
    try:
        v = cn2an.cn2an(s, "normal")
    except (ValueError, KeyError):
        return None
    return int(v) if float(v).is_integer() else None

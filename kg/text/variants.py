"""Fold variant characters that OpenCC's t2s leaves alone (陜 -> 陕), one for one.

Two classes: the variants listed in ``kg/data/variants.txt`` ([variants], ``variant = standard``),
and the CJK compatibility ideographs, which Unicode maps canonically to one unified
character each (U+F900–U+FAFF, U+2F800–U+2FA1F). The text keeps its length, so the
offset map is untouched.

>>> fold_variants("陜西省應急管理廳")
'陕西省應急管理廳'
>>> fold_variants("\\uf9b1") == "\\u9234"  # a compatibility ideograph and its unified form
True
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from kg.datafiles import pairs

_COMPAT = "\uf900-\ufaff\U0002f800-\U0002fa1f"


@lru_cache(maxsize=1)
def _table() -> tuple[dict[int, str], re.Pattern]:
    table: dict[int, str] = {}
    for variant, standard in pairs("variants.txt", "variants"):
        if len(variant) != 1 or len(standard) != 1:
            raise ValueError(f"kg/data/variants.txt: {variant} = {standard}: one character for one")
        table[ord(variant)] = standard
    chars = "".join(re.escape(chr(c)) for c in sorted(table))
    return table, re.compile(f"[{chars}{_COMPAT}]")


def _fold(ch: str, table: dict[int, str]) -> str:
    got = table.get(ord(ch))
    if got is not None:
        return got
    unified = unicodedata.normalize("NFC", ch)
    return unified if len(unified) == 1 else ch


def fold_variants(text: str) -> str:
    """``text`` with every listed variant and compatibility ideograph replaced (same length)."""
    table, rx = _table()
    if rx.search(text) is None:
        return text
    return rx.sub(lambda m: _fold(m.group(0), table), text)


def clear_cache() -> None:
    """Forget the table (after ``kg.datafiles.clear_cache``, in tests that edit the data file)."""
    _table.cache_clear()

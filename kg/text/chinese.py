"""Traditional -> simplified conversion (OpenCC t2s) that keeps the offset map exact.

OpenCC converts phrase by phrase, and almost always character for character.
The text is converted line by line; a line whose length changed is re-converted
chunk by chunk so that only that chunk loses its one-to-one map.

>>> to_simplified_edits("應急管理廳")
[(0, 5, '应急管理厅')]
>>> to_simplified_edits("应急管理厅")
[]
"""

from __future__ import annotations

import re
from functools import lru_cache

_CHUNK = re.compile(r"[^\s，。、；：？！,.;:?!（）()“”\"'‘’《》]+|.", re.S)


@lru_cache(maxsize=1)
def _converter():
    import opencc  # C++ OpenCC: fast, and the same dictionaries as the reference implementation

    return opencc.OpenCC("t2s")


def _has_non_ascii(s: str) -> bool:
    return not s.isascii()


def to_simplified_edits(text: str) -> list[tuple[int, int, str]]:
    """Edits that turn ``text`` into simplified characters (empty when nothing changes)."""
    cc = _converter()
    edits: list[tuple[int, int, str]] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        start = pos
        pos += len(line)
        if not _has_non_ascii(line):
            continue
        out = cc.convert(line)
        if out == line:
            continue
        if len(out) == len(line):
            edits.append((start, start + len(line), out))
            continue
        for m in _CHUNK.finditer(line):  # rare: a phrase changed length
            piece = m.group(0)
            conv = cc.convert(piece)
            if conv != piece:
                edits.append((start + m.start(), start + m.end(), conv))
    return edits

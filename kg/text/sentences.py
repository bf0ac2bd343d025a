"""Split normalised Chinese text into sentences (character offsets).

A sentence ends at 。！？ (with any closing quotes after it), at ；, or at a line
break: headings, bullets and list items are lines of their own. Sentences never
include the line break.

>>> text = "一是借势破题。发挥好“优势”！\\n强理念 明方向\\n"
>>> [text[s:e] for s, e in split_sentences(text)]
['一是借势破题。', '发挥好“优势”！', '强理念 明方向']
"""

from __future__ import annotations

import re

_END = re.compile(r"[。！？!?；;]+[”’」』）)]*|\n")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each non-empty sentence, in order."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _END.finditer(text):
        end = m.start() if m.group(0) == "\n" else m.end()
        if text[pos:end].strip():
            s = pos + (len(text[pos:end]) - len(text[pos:end].lstrip()))
            spans.append((s, end))
        pos = m.end()
    if text[pos:].strip():
        s = pos + (len(text[pos:]) - len(text[pos:].lstrip()))
        spans.append((s, len(text.rstrip())))
    return spans

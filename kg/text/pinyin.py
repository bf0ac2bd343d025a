"""Strip pinyin readings that mirror sites paste after characters: 中新網(wǎng) -> 中新網.

A parenthesised group is a reading only if it follows a Han character and is one
pinyin syllable. Tone-marked syllables are always readings; unmarked ones (de, ma)
are readings only in a text that already has tone-marked ones, since "(an)" or
"(a)" can be ordinary text elsewhere.

>>> strip_pinyin_edits("中新網(wǎng)福建")
[(3, 9, '')]
>>> strip_pinyin_edits("縣(區(qū))")
[(3, 7, '')]
>>> strip_pinyin_edits("第(a)項")
[]
"""

from __future__ import annotations

import re

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_VOWELS = "aeiouüv" + _TONED
# initial (optional) + vowels + optional nasal/er ending: covers every Mandarin syllable
_SYLLABLE = rf"(?:[zcs]h|[bpmfdtnlgkhjqxrzcsyw])?[{_VOWELS}]{{1,4}}(?:ng|n|r)?|[ńňǹḿ]g?|hm|hng"
_READING = re.compile(rf"(?<=[\u3400-\u9fff\uf900-\ufaff])[(（]((?:{_SYLLABLE}))[)）]")
_HAS_TONE = re.compile(f"[{_TONED}]")


def strip_pinyin_edits(text: str) -> list[tuple[int, int, str]]:
    """Edits (start, end, "") removing the pasted readings in ``text``."""
    found = [(m.start(), m.end(), bool(_HAS_TONE.search(m.group(1)))) for m in _READING.finditer(text)]
    toned = sum(1 for *_, t in found if t)
    # unmarked syllables count only where the text is visibly pinyin-annotated
    keep_unmarked = toned >= 3
    return [(s, e, "") for s, e, t in found if t or keep_unmarked]

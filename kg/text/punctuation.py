"""Unify quotes and punctuation so extractors see one form of each mark.

All changes are one character for one character, so offsets are unaffected.

* straight double quotes become “ ” by alternation within a line; 「」 -> “”, 『』 -> ‘’;
* full-width digits, letters, %, + become ASCII (statistics read ASCII numbers);
* ASCII , ; : ? ! ( ) next to a Han character become full-width ，；：？！（）
  (sources mix both; extractors split clauses on the full-width forms).

>>> unify_punctuation('建立"大宣传"格局,普及知识')
'建立“大宣传”格局，普及知识'
>>> unify_punctuation('下降４４.８１％')
'下降44.81%'
>>> unify_punctuation('「叫應」機制')
'“叫應”機制'
"""

from __future__ import annotations

import re

_WIDTH = {chr(0xFF10 + i): str(i) for i in range(10)}
_WIDTH.update({chr(0xFF21 + i): chr(0x41 + i) for i in range(26)})
_WIDTH.update({chr(0xFF41 + i): chr(0x61 + i) for i in range(26)})
_WIDTH.update({"％": "%", "＋": "+", "．": ".", "「": "“", "」": "”", "『": "‘", "』": "’",
               "〝": "“", "〞": "”", "＂": '"', "\u00a0": " ", "\u3000": " "})
_WIDE = re.compile("[" + re.escape("".join(_WIDTH)) + "]")  # found by a regex scan: str.translate looks up every character
_HAN = r"[\u3400-\u9fff\uf900-\ufaff“”‘’《》、，。]"
# the mark first (the engine scans for it), then what stands before or after it
_ASCII_PUNCT = re.compile(rf"[,;:?!()](?:(?<={_HAN}.)|(?={_HAN}))")
_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}


def _curl_quotes(line: str) -> str:
    if '"' not in line:
        return line
    out, open_ = [], True
    for ch in line:
        if ch == '"':
            out.append("“" if open_ else "”")
            open_ = not open_
        else:
            out.append(ch)
    return "".join(out)


def unify_punctuation(text: str) -> str:
    """Same-length rewrite of ``text`` with unified quotes and punctuation."""
    text = _WIDE.sub(lambda m: _WIDTH[m.group(0)], text)
    if '"' in text:
        text = "".join(_curl_quotes(line) for line in text.splitlines(keepends=True))
    return _ASCII_PUNCT.sub(lambda m: _FULL[m.group(0)], text)

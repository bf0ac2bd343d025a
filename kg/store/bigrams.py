"""Character bigrams: how the sentences are indexed for search, and how a term is asked for.

FTS5 has no tokenizer for Chinese (no spaces between words), and its trigram tokenizer
finds only terms of three or more characters, while the genre's key terms are often two
(叫应, 防汛, 台风). So every sentence is indexed as the bigrams of its text, written as
space-separated tokens that FTS5's ``unicode61`` tokenizer keeps whole (the table declares
every letter, mark, number, punctuation and symbol a token character: ``categories``),
and a term of ``n >= 2`` characters is asked for as the FTS5 *phrase* of its ``n - 1``
bigrams, which matches exactly the sentences holding the term as a substring (FTS5
folds case, as Datasette's search does). A single character has no bigram: it is found
by scanning the text (:func:`kg.store.search` does that). Whitespace separates runs:
a bigram never spans it, and a term is split into its runs, each asked for in turn.

>>> bigram_text("防汛叫应")
'防汛 汛叫 叫应'
>>> bigram_text("双重 预防")
'双重 预防'
>>> match_expression("叫应")
'"叫应"'
>>> match_expression("双重预防 机制")
'"双重 重预 预防" AND "机制"'
>>> match_expression("防") is None
True
"""

from __future__ import annotations

import re
from typing import Optional

# FTS5's unicode61, told that everything but separators and controls makes tokens (so a
# bigram such as "，防" stays one token, never split at the comma)
TOKENIZE = "unicode61 remove_diacritics 0 categories 'L* N* Co M* P* S*'"

# what splits runs: whitespace, control and format characters (what the tokenizer's
# categories leave out; unassigned code points aside, which no source should hold)
_SEPARATORS = re.compile("[\\s\x00-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u180e"
                         "\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff]+")


def _runs(text: str) -> list[str]:
    """The runs of token characters of ``text``."""
    return [run for run in _SEPARATORS.split(text) if run]


def bigram_text(text: str) -> str:
    """What the search index holds for ``text``: its bigrams, space-separated, run by run."""
    out = []
    for run in _runs(text):
        out.extend(run[i:i + 2] for i in range(len(run) - 1))
    return " ".join(out)


def match_expression(term: str) -> Optional[str]:
    """The FTS5 query finding ``term`` as a substring (None when no part of it has two characters)."""
    phrases = []
    for run in _runs(term):
        if len(run) >= 2:
            phrases.append('"' + " ".join(run[i:i + 2] for i in range(len(run) - 1)).replace('"', '""') + '"')
    return " AND ".join(phrases) if phrases else None


def short_runs(term: str) -> list[str]:
    """The runs of ``term`` too short for the index (single characters): found by scanning."""
    return [run for run in _runs(term) if len(run) < 2]

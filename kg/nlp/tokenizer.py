"""A spaCy tokenizer that segments with jieba in linear time: str -> Doc, ``doc.text == text``.

spaCy's own ``ChineseTokenizer`` (segmenter "jieba") re-aligns jieba's words with
``text[pos:].index(word)``, which copies the rest of the text for every word:
quadratic in the length of a document (57k chars/s on a 1 MB text here, where
``jieba.cut`` does 360k). jieba's words already concatenate to the text, so they
can become the Doc's tokens directly, whitespace included, with no alignment at all.

The words are jieba's default (accurate, HMM) mode, computed by :func:`segment`: the
same algorithm over jieba's global dictionary, with its two hot loops (building the
DAG of dictionary words, then the best route through it) fused into one pass that
takes each word's log-probability from a memo instead of calling ``log`` and
``max`` over a generator for every candidate. It returns exactly ``jieba.cut``'s
words (same floating-point sums, same tie-break: the longest word among equal
scores); ``tests/test_nlp_tokenizer.py`` checks that on the seeds and on random text.

>>> import spacy
>>> nlp = spacy.blank("zh")
>>> nlp.tokenizer = JiebaTokenizer(nlp.vocab)
>>> doc = nlp.make_doc("建立 双重预防机制")
>>> doc.text == "建立 双重预防机制", [t.text for t in doc][:3]
(True, ['建立', ' ', '双重'])
"""

from __future__ import annotations

from functools import lru_cache, partial
from math import log
from typing import Callable

from spacy.tokens import Doc
from spacy.vocab import Vocab

# memo of log(freq) - log(total) per dictionary entry (None for a mere prefix), valid for one (dictionary, total)
_memo: dict[str, float] = {}
_memo_key: tuple = ()
_MISS = object()
_NO_SCORE = float("-inf")  # below every score (all are finite)
_MEMO_MAX = 1_000_000  # about jieba's whole dictionary; cleared beyond (a bound on memory, not a cache of text)


def _route(blk: str, freq: dict, memo: dict, logtotal: float) -> list[int]:
    """jieba's ``get_DAG`` + ``calc`` in one right-to-left pass: end (exclusive) of the best word at each offset."""
    n = len(blk)
    score = [0.0] * (n + 1)
    nxt = [0] * (n + 1)
    neg = 0.0 - logtotal  # log(1) - log(total): the score of a character no dictionary word starts with
    get = memo.get
    for k in range(n - 1, -1, -1):
        best = _NO_SCORE
        bx = -1
        i = k
        frag = blk[k]
        while i < n:
            lp = get(frag, _MISS)
            if lp is _MISS:  # first sight of this dictionary entry (a text fragment outside it ends the scan)
                if frag not in freq:
                    break
                f = freq[frag]
                lp = memo[frag] = log(f) - logtotal if f else None  # None: only a prefix of words
            if lp is not None:
                s = lp + score[i + 1]
                if s >= best:  # >=: among equal scores jieba's max() keeps the longest
                    best = s
                    bx = i
            i += 1
            frag = blk[k:i + 1]
        if bx < 0:
            best = neg + score[k + 1]
            bx = k
        score[k] = best
        nxt[k] = bx + 1
    return nxt


# Ours, not a maintained library, because only ours gives jieba 0.42.1's words (benchmarks/libraries.py):
# rjieba 0.2.2 is ~5x faster but, even holding jieba's very table, keeps whole the letter-digit runs
# jieba splits (0.1.0, utf-16-le, a date as 2021-05-11; 2 of 20 real pages differ); jieba-fast-dat
# 0.59 (~2.5x) splits decimals (44.81% -> 44 . 81). Other tokens would change what is extracted.
try:  # the same functions in C, where the install could compile them (kg/nlp/_route.c)
    from kg.nlp._route import cut as _fast_cut
    from kg.nlp._route import hmm as _c_hmm
    from kg.nlp._route import route as _fast_route
except ImportError:  # pragma: no cover - a machine without a C compiler
    _fast_route = _fast_cut = _c_hmm = None
_ROUTE = _fast_route or _route


def _cut_dag(blk: str, freq: dict, memo: dict, logtotal: float, out: list[str]) -> None:
    """jieba's ``__cut_DAG`` (HMM on): runs of single characters not in the dictionary go to its HMM."""
    nxt = _ROUTE(blk, freq, memo, logtotal)
    x = 0
    buf = ""
    n = len(blk)
    while x < n:
        y = nxt[x]
        if y - x == 1:
            buf += blk[x]
        else:
            if buf:
                _flush(buf, freq, out)
                buf = ""
            out.append(blk[x:y])
        x = y
    if buf:
        _flush(buf, freq, out)


@lru_cache(maxsize=1)
def _hmm():
    """jieba's HMM for unknown words (``jieba.finalseg``) and its probabilities, per state pair."""
    from jieba import finalseg  # imported on first use: ``kg --help`` does not load jieba

    low = finalseg.MIN_FLOAT
    t = finalseg.trans_P
    trans = {pair: t[pair[0]].get(pair[1], low) for pair in ("EB", "SB", "MM", "BM", "SS", "ES", "BE", "ME")}
    return finalseg, finalseg.start_P, finalseg.emit_P, trans, low


def _viterbi(obs: str) -> str:
    """The state (B, M, E, S) of each character: ``jieba.finalseg.viterbi``, unrolled over its four
    states, with the same sums in the same order and the same tie-breaks (its ``max`` over
    ``(probability, state)`` pairs prefers the later letter), and back-pointers for its path copies."""
    finalseg, start, emit, tr, low = _hmm()
    eb, em, ee, es = emit["B"].get, emit["M"].get, emit["E"].get, emit["S"].get
    t_eb, t_sb, t_mm, t_bm, t_ss, t_es, t_be, t_me = (tr["EB"], tr["SB"], tr["MM"], tr["BM"], tr["SS"], tr["ES"],
                                                      tr["BE"], tr["ME"])
    c = obs[0]
    vb, vm, ve, vs = start["B"] + eb(c, low), start["M"] + em(c, low), start["E"] + ee(c, low), start["S"] + es(c, low)
    back = []  # per position after the first: the previous state of B, M, E, S
    for c in obs[1:]:
        x = eb(c, low)
        a, b = ve + t_eb + x, vs + t_sb + x
        nb, pb = (b, "S") if b >= a else (a, "E")
        x = em(c, low)
        a, b = vm + t_mm + x, vb + t_bm + x
        nm, pm = (a, "M") if a >= b else (b, "B")
        x = ee(c, low)
        a, b = vb + t_be + x, vm + t_me + x
        ne, pe = (b, "M") if b >= a else (a, "B")
        x = es(c, low)
        a, b = vs + t_ss + x, ve + t_es + x
        ns, ps = (a, "S") if a >= b else (b, "E")
        back.append({"B": pb, "M": pm, "E": pe, "S": ps})
        vb, vm, ve, vs = nb, nm, ne, ns
    state = "S" if vs >= ve else "E"
    states = [state]
    for prev in reversed(back):
        state = prev[state]
        states.append(state)
    return "".join(reversed(states))


def _hmm_cut(buf: str, out: list[str]) -> None:
    """``jieba.finalseg.cut(buf)`` appended to ``out``."""
    finalseg = _hmm()[0]
    for blk in finalseg.re_han.split(buf):
        if finalseg.re_han.match(blk):
            tags = _viterbi(blk)
            begin = nexti = 0
            for i, tag in enumerate(tags):
                if tag == "B":
                    begin = i
                elif tag == "E":
                    _force_split(blk[begin:i + 1], finalseg, out)
                    nexti = i + 1
                elif tag == "S":
                    _force_split(blk[i], finalseg, out)
                    nexti = i + 1
            if nexti < len(blk):
                _force_split(blk[nexti:], finalseg, out)
        else:
            out.extend(x for x in finalseg.re_skip.split(blk) if x)


@lru_cache(maxsize=1)
def _fast_hmm() -> Callable[[str, list[str]], None]:
    """:func:`_hmm_cut` in C, bound to jieba's HMM tables (the live objects: a word jieba is
    told to force-split later is honoured)."""
    finalseg, start, emit, trans, low = _hmm()
    skip = finalseg.re_skip.split

    def other(run: str, out: list[str]) -> None:  # a run of non-Han characters, as _hmm_cut splits it
        out.extend(x for x in skip(run) if x)

    return partial(_c_hmm, tuple(start[s] for s in "BMES"), tuple(emit[s] for s in "BMES"),
                   tuple(trans[k] for k in ("EB", "SB", "MM", "BM", "SS", "ES", "BE", "ME")), low,
                   finalseg.Force_Split_Words, other)


def _force_split(word: str, finalseg, out: list[str]) -> None:
    if word in finalseg.Force_Split_Words:
        out.extend(word)
    else:
        out.append(word)


def _flush(buf: str, freq: dict, out: list[str]) -> None:
    if len(buf) == 1:
        out.append(buf)
    elif not freq.get(buf):
        _hmm_cut(buf, out)
    else:
        out.extend(buf)


def segment(text: str) -> list[str]:
    """``list(jieba.cut(text))`` (accurate mode, HMM on), computed faster.

    >>> import jieba
    >>> s = "应急管理厅厅长 张三说：2023年全省生产安全事故起数下降12.5%。"
    >>> segment(s) == list(jieba.cut(s))
    True
    """
    global _memo, _memo_key
    import jieba

    dt = jieba.dt
    dt.check_initialized()
    freq = dt.FREQ
    # jieba.add_word changes the total or the size of the dictionary: a new key drops the memo
    # (jieba.del_word, a zero frequency, changes neither: kg never deletes words)
    key = (id(freq), dt.total, len(freq))
    if key != _memo_key or len(_memo) > _MEMO_MAX:
        _memo, _memo_key = {}, key
    memo = _memo
    logtotal = log(dt.total)
    re_han, re_skip = jieba.re_han_default, jieba.re_skip_default
    out: list[str] = []
    fast = _fast_cut
    hmm = _fast_hmm() if fast is not None and _c_hmm is not None else _hmm_cut
    skip = re_skip.split
    # split() with one group alternates: text between matches (even places), then a match
    # (odd places); so no piece needs matching again to know which it is
    pieces = iter(re_han.split(text))
    for between in pieces:
        if between:
            for j, x in enumerate(skip(between)):
                if j % 2:
                    out.append(x)  # a space or line break, as it is
                else:
                    out.extend(x)  # anything else: character by character
        blk = next(pieces, "")
        if blk:
            if fast is not None:
                fast(blk, freq, memo, logtotal, out, hmm)
            else:
                _cut_dag(blk, freq, memo, logtotal, out)
    return out


class JiebaTokenizer:
    """jieba's default (accurate, HMM) mode; uses jieba's global dictionary, user words included."""

    def __init__(self, vocab: Vocab):
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words = segment(text)  # never an empty word
        return Doc(self.vocab, words=words, spaces=[False] * len(words))

    # nothing to serialise: the dictionary is jieba's, pinned by version and kg/data/userdict.txt
    def to_bytes(self, **kwargs) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs) -> "JiebaTokenizer":
        return self

    def to_disk(self, path, **kwargs) -> None:
        return None

    def from_disk(self, path, **kwargs) -> "JiebaTokenizer":
        return self

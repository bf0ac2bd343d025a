"""Property-based tests of normalisation: any Unicode string, offsets always valid."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.text.chinese import to_simplified_edits
from kg.text.normalize import normalise_text
from kg.text.offsets import TextBuffer
from kg.text.punctuation import unify_punctuation
from kg.text.sentences import split_sentences

# Han characters (traditional and simplified), pinyin with tone marks, quotes, punctuation,
# boilerplate words and plain noise: the ingredients of scraped sources.
_pieces = st.one_of(
    st.text(min_size=0, max_size=30),
    st.sampled_from(["應急管理廳", "监管", "(jiān)", "(wǎng)", "“", "”", '"', "「", "」", "，", ",", "。", "\n",
                     "\r\n", "  ", "\u3000", "回首页\n", "下一篇:某某\n", "Copyright ©\n", "2022-02-10 15:47 字号:\n",
                     "●", "综合防、协同抗", "１２％", "\x00", "\ufeff", "(a)"]),
)
texts = st.lists(_pieces, max_size=25).map("".join)


# context decides between ASCII and full-width forms and between opening and closing quotes
_FOLD = str.maketrans({"，": ",", "；": ";", "：": ":", "？": "?", "！": "!", "（": "(", "）": ")",
                       "“": '"', "”": '"', "‘": "'", "’": "'"})


def _simplified(s: str) -> str:
    edits = to_simplified_edits(s)
    return TextBuffer(s).replace(edits).text if edits else s


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_normalise_never_fails_and_offsets_stay_inside(original):
    buf, removed = normalise_text(original)
    m = buf.freeze()
    assert m.norm_len == len(buf.text)
    last = 0
    for i, ch in enumerate(buf.text):
        s, e = m.orig_span(i, i + 1)
        assert 0 <= s <= e <= len(original)
        assert s >= last  # offsets never go backwards
        last = s
        if ch.isspace():
            continue
        q = original[s:e]
        # the normalised character is what normalisation makes of its original span
        made = unify_punctuation(_simplified(q)).translate(_FOLD)
        assert ch.translate(_FOLD) in made or _simplified(ch) == _simplified(q), (i, ch, q)
    for r in removed:
        assert 0 <= r.orig_start <= r.orig_end <= len(original)


@settings(max_examples=200, deadline=None)
@given(texts, st.data())
def test_any_span_quotes_a_slice_of_the_original(original, data):
    buf, _ = normalise_text(original)
    m = buf.freeze()
    n = len(buf.text)
    start = data.draw(st.integers(0, n))
    end = data.draw(st.integers(start, n))
    s, e = m.orig_span(start, end)
    assert 0 <= s <= e <= len(original)
    if end > start:
        assert e > s


@settings(max_examples=200, deadline=None)
@given(texts)
def test_sentences_cover_text_in_order(text):
    spans = split_sentences(text)
    prev = 0
    for s, e in spans:
        assert prev <= s < e <= len(text)
        assert text[s:e].strip()
        prev = e

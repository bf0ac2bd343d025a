import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.nlp.tokenizer import JiebaTokenizer
from tests.paths import SEEDS

_nlp = spacy.blank("zh")
_nlp.tokenizer = JiebaTokenizer(_nlp.vocab)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("应急管理厅建立双重预防机制 \n\t　，。“”abc12")), max_size=80) | st.text(max_size=40))
def test_doc_text_is_the_input_and_tokens_tile_it(text):
    doc = _nlp.make_doc(text)
    assert doc.text == text
    pos = 0
    for tok in doc:
        assert tok.idx == pos
        pos += len(tok.text_with_ws)
    assert pos == len(text)


def test_jieba_words_become_tokens():
    doc = _nlp.make_doc("完善动态研判机制")
    assert [t.text for t in doc] == ["完善", "动态", "研判", "机制"]


# segment() must give jieba.cut's exact words, with kg's dictionary loaded (as in a build)
def _jieba_with_kg_dictionary():
    import jieba

    from kg.nlp.pipeline import load_domain_dictionary

    load_domain_dictionary()
    return jieba


def test_segment_equals_jieba_cut_on_the_seeds():
    from kg.nlp.tokenizer import segment
    from tests.paths import SEEDS

    jieba = _jieba_with_kg_dictionary()
    for path in SEEDS:
        text = path.read_text(encoding="utf-8")
        assert segment(text) == list(jieba.cut(text)), path.name


_SEED_CHARS = sorted(set("".join(p.read_text(encoding="utf-8") for p in SEEDS)))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(_SEED_CHARS + list(" \n\r\t-._%#&+")), max_size=120) | st.text(max_size=40))
def test_segment_equals_jieba_cut_on_random_text(text):
    from kg.nlp.tokenizer import segment

    jieba = _jieba_with_kg_dictionary()
    assert segment(text) == list(jieba.cut(text))


def test_the_c_route_is_built_here():
    """CI compiles kg/nlp/_route.c (gcc is on every machine here); elsewhere the Python one runs."""
    from kg.nlp import tokenizer

    assert tokenizer._fast_route is not None and tokenizer._ROUTE is tokenizer._fast_route
    assert tokenizer._fast_cut is not None and tokenizer._c_hmm is not None


@pytest.mark.parametrize("c_parts", [(), ("_fast_cut",), ("_fast_cut", "_c_hmm")])
def test_every_mix_of_c_and_python_parts_gives_jiebas_words(c_parts, monkeypatch):
    """A machine without a compiler runs the Python versions: they must give the same words."""
    from kg.nlp import tokenizer

    jieba = _jieba_with_kg_dictionary()
    for name in ("_fast_cut", "_c_hmm"):
        if name not in c_parts:
            monkeypatch.setattr(tokenizer, name, None)
    for path in SEEDS:
        text = path.read_text(encoding="utf-8")
        assert tokenizer.segment(text) == list(jieba.cut(text)), path.name


_HAN = [c for c in _SEED_CHARS if "\u4e00" <= c <= "\u9fd5"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(_HAN + list("ab12.%x ")), min_size=1, max_size=60))
def test_the_c_hmm_is_jiebas_hmm(text):
    from jieba import finalseg

    from kg.nlp import tokenizer

    _jieba_with_kg_dictionary()
    got: list = []
    tokenizer._fast_hmm()(text, got)
    assert got == list(finalseg.cut(text))
    want: list = []
    tokenizer._hmm_cut(text, want)
    assert got == want


def test_words_jieba_is_told_to_split_are_split_by_the_c_hmm_too():
    from jieba import finalseg

    from kg.nlp import tokenizer

    jieba = _jieba_with_kg_dictionary()
    text = "这是罕见的耷沓词汇"
    words = [w for w in finalseg.cut(text) if len(w) > 1]
    assert words
    finalseg.Force_Split_Words.add(words[0])  # what jieba.del_word does, without touching the dictionary
    try:
        got: list = []
        tokenizer._fast_hmm()(text, got)
        assert got == list(finalseg.cut(text)) and words[0] not in got
        assert tokenizer.segment(text) == list(jieba.cut(text))
    finally:
        finalseg.Force_Split_Words.discard(words[0])


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(_SEED_CHARS), min_size=1, max_size=120))
def test_c_and_python_routes_agree_and_share_their_memo(text):
    from math import log

    from kg.nlp import tokenizer

    jieba = _jieba_with_kg_dictionary()
    freq, logtotal = jieba.dt.FREQ, log(jieba.dt.total)
    c_memo: dict = {}
    got = tokenizer._fast_route(text, freq, c_memo, logtotal)
    assert got == tokenizer._route(text, freq, {}, logtotal)
    assert got == tokenizer._route(text, freq, c_memo, logtotal)  # a memo filled by C serves Python alike
    assert tokenizer._fast_route(text, freq, c_memo, logtotal) == got

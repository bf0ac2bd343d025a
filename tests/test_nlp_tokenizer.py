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

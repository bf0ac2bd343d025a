import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.nlp.tokenizer import JiebaTokenizer

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

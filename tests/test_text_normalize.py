import re

import opencc
import pytest

from kg.io.loader import load_document
from kg.text.normalize import normalise
from tests.paths import SEEDS, seed

_T2S = opencc.OpenCC("t2s")


def test_fujian_seed_has_no_pinyin_and_no_traditional_characters():
    doc = normalise(load_document(seed("003")))
    assert not re.search(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]+\)", doc.text)
    assert _T2S.convert(doc.text) == doc.text  # nothing left to simplify
    assert "监管" in doc.text and "應" not in doc.text


def test_offset_map_quotes_the_original_with_its_pinyin():
    doc = normalise(load_document(seed("003")))
    i = doc.text.index("监管")
    assert doc.quote(i, i + 2) == "監(jiān)管"


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_every_character_maps_back_into_the_original(path):
    doc = normalise(load_document(path))
    for i in range(0, len(doc.text), 7):
        s, e = doc.orig_span(i, i + 1)
        assert 0 <= s < e <= len(doc.original)
        ch = doc.text[i]
        if ch.isspace():
            continue
        src = doc.original[s:e]
        # the original character, simplified / with punctuation unified, is this one
        assert ch in _T2S.convert(src) or len(src) != 1 or not ch.isalnum() or ch == src.translate(
            str.maketrans("０１２３４５６７８９", "0123456789")), (i, ch, src)


def test_quotes_and_punctuation_unified():
    doc = normalise(load_document(seed("002")))
    assert '"' not in doc.text
    assert "“大宣传”格局" in doc.text

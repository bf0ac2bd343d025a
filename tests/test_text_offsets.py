import pytest

from kg.text.offsets import OffsetMap, TextBuffer


def test_identity_map_quotes_same_text():
    m = TextBuffer("应急管理").freeze()
    assert m.runs == [(0, 0, 1, 4)]
    assert m.orig_span(1, 3) == (1, 3)


def test_deletion_and_same_length_replacement_compose():
    original = "監(jiān)管(guǎn)到位"
    buf = TextBuffer(original)
    buf = buf.replace([(1, 7, ""), (8, 14, "")])
    buf = buf.replace([(0, 2, "监管")])
    m = buf.freeze()
    assert buf.text == "监管到位"
    s, e = m.orig_span(0, 2)
    assert original[s:e] == "監(jiān)管"
    assert original[slice(*m.orig_span(2, 4))] == "到位"


def test_length_changing_replacement_maps_to_whole_span():
    buf = TextBuffer("ab甲乙cd").replace([(2, 4, "丙")])
    m = buf.freeze()
    assert buf.text == "ab丙cd"
    assert m.orig_span(2, 3) == (2, 4)
    assert m.orig_span(3, 5) == (4, 6)


def test_empty_spans_and_bounds():
    m = TextBuffer("abc").freeze()
    assert m.orig_span(3, 3) == (3, 3)
    with pytest.raises(ValueError):
        m.orig_span(2, 5)
    assert OffsetMap.identity(0).orig_span(0, 0) == (0, 0)


def test_overlapping_edits_are_refused():
    with pytest.raises(ValueError):
        TextBuffer("abcdef").replace([(0, 3, ""), (2, 4, "")])

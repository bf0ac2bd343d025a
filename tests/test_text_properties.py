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


# ---------------------------------------------------------------- the fast paths keep their meaning
# The patterns as they were before they were restructured for speed (one search per rule).
import re  # noqa: E402

from kg.text import boilerplate  # noqa: E402

_HAN_CLASS = r"[\u3400-\u9fff\uf900-\ufaff“”‘’《》、，。]"
_OLD_ASCII_PUNCT = re.compile(rf"(?<={_HAN_CLASS})[,;:?!()]|[,;:?!()](?={_HAN_CLASS})")
_OLD_CHROME_ALWAYS = re.compile(
    r"版权所有|版权声明|免责声明|copyright|©|all rights reserved|powered by|icp备|备案号|公网安备|"
    r"最新评论|发表评论|评论内容|表\s*情[:：]|请注意用语文明|审核后才会显示|ctrl\+回车|"
    r"此处放.*广告|广告位|^\s*[-—=_*·]{5,}|分隔线|"
    r"^微信号\s*[:：]|^功能介绍\s*[:：]|^收录于(?:合集|话题)|^(?:轻触)?阅读原文$|^原创\s|^预览时标签不可点",
    re.I,
)
_OLD_URLISH = re.compile(r"https?://|www\.|\.com\b|\.cn\b", re.I)

_lines = st.lists(st.one_of(
    st.text(alphabet=st.sampled_from(list("应急管理厅局版权所有声明备案号评论表情广告位分隔线微信号功能介绍阅读原文轻触"
                                          "abcCOPYRIGHTwWW.comCN:/> -—=_*·，,;:?!()“”\"")), max_size=12),
    st.sampled_from(["Copyright", "COPYRIGHT", "All Rights Reserved", "Powered By", "ICP备", "Ctrl+回车",
                     "WWW.", "http://", "HTTPS://", ".COM", ".cn", "首页 > 新闻 >", "当前位置：首页>",
                     "原创 ", "阅读原文", "------", "表 情：", "此处放广告", "（", "。"]),
), max_size=8).map("".join)


@settings(max_examples=400, deadline=None)
@given(_lines)
def test_chrome_rules_match_what_one_pattern_matched(line):
    s = line.strip()
    old = bool(_OLD_CHROME_ALWAYS.search(s) or (_OLD_URLISH.search(s) and not boilerplate.is_prose(s)))
    new = bool(boilerplate._CHROME_START.match(s) or boilerplate._CHROME_ALWAYS.search(s)
               or boilerplate._CHROME_LATIN.search(s.lower())
               or (boilerplate._URLISH.search(s.lower()) and not boilerplate.is_prose(s)))
    assert new == old


@settings(max_examples=400, deadline=None)
@given(_lines)
def test_ascii_marks_next_to_han_are_found_as_before(text):
    from kg.text.punctuation import _ASCII_PUNCT

    assert [m.span() for m in _ASCII_PUNCT.finditer(text)] == [m.span() for m in _OLD_ASCII_PUNCT.finditer(text)]


_OLD_LINE_PAD = re.compile(r"^[ \t\u3000\u00a0]+|[ \t\u3000\u00a0]+$|[ \t\u3000\u00a0]{2,}", re.M)


def _old_whitespace_edits(text: str) -> list:
    edits = []
    for m in _OLD_LINE_PAD.finditer(text):
        at_edge = m.start() == 0 or text[m.start() - 1] == "\n" or m.end() == len(text) or text[m.end()] in "\r\n"
        edits.append((m.start(), m.end(), "" if at_edge else " "))
    return edits


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(" \t\u3000\u00a0\n\r应急a，")), max_size=40))
def test_blank_runs_are_edited_as_before(text):
    from kg.text.normalize import _whitespace_edits

    assert _whitespace_edits(text) == _old_whitespace_edits(text)

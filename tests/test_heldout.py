"""Held-out documents of the genre from regions the seeds do not cover: floors per field.

``tests/data/heldout/sources`` holds six made-up documents of the genre (广西 一席谈 article with
web chrome, 山东 yearly review, 唐山 city speech: the dev split 01–03; 内蒙古 interview with web
chrome, 四川 article in traditional characters with pinyin readings, 云南 yearly review: the
test split 04–06), annotated by hand after ``tests/data/gold/GUIDELINE.md`` in
``tests/data/heldout/gold``. The extractors were tuned on the dev split only; the floors sit a
little below the F1 measured on each split, so that a regression on text the rules were not
written for fails the suite.

Measured F1 (``kg eval tests/data/heldout/gold tests/data/heldout/sources/0[4-6]*.txt``, and 0[1-3]
for dev), all against the gold as it is now:

=================  ==================  ===========  =========================  ==========
field              dev before / final  test before  test after dev fixes only  test final
=================  ==================  ===========  =========================  ==========
date               0.667 / 1.000       1.000        1.000                      1.000
officials          1.000 / 1.000       0.462        0.889                      1.000
organizations      0.957 / 1.000       0.930        0.943                      0.971
  (lenient)        0.957 / 1.000       0.930        0.943                      0.971
mechanisms         0.712 / 1.000       0.772        0.947                      0.982
  (lenient)        0.983 / 1.000       0.982        0.982                      0.982
duty_formulas      0.333 / 1.000       0.500        1.000                      1.000
duty_pairs         1.000 / 1.000       1.000        1.000                      1.000
principle_pairs    0.800 / 1.000       1.000        1.000                      1.000
numbered_formulas  0.944 / 1.000       0.941        0.941                      0.970
statistics         0.911 / 0.990       0.922        0.962                      0.995
events             0.364 / 1.000       0.414        0.815                      1.000
=================  ==================  ===========  =========================  ==========

(title and region: 1.000 everywhere. "test final" includes fixes made after the test split was
first measured, so it is no longer a blind score; the floors below guard it against regressions.)

The blind1 split 07–12 (河南 review, 深圳 speech, 新疆 interview, 安徽 一席谈, 重庆 report to the
legislature, an anonymised XX省 speech) was written and annotated by people who had not read
the extractor; it was scored once as it arrived, then the general causes of its misses were
fixed (no rule names its people, places or sentences):

=================  ===========  ===========
field              blind1 first  blind1 now
=================  ===========  ===========
title              0.833        1.000
date               0.727        1.000
region             0.833        1.000
officials          0.880        1.000
organizations      0.831        0.994
  (lenient)        0.867        0.994
mechanisms         0.922        1.000
  (lenient)        0.979        1.000
duty_formulas      0.800        1.000
duty_pairs         1.000        1.000
principle_pairs    1.000        1.000
numbered_formulas  0.955        1.000
statistics         0.966        0.992
events             0.750        1.000
=================  ===========  ===========

The blind2 split 13–18 (黑龙江 review, 苏州 speech, 西藏 interview, 陕西 一席谈, 天津 report, 海南
typhoon review) was written the same way after the blind1 fixes, scored once, then fixed likewise:

=================  ===========  ===========
field              blind2 first  blind2 now
=================  ===========  ===========
title              0.500        1.000
date               0.833        1.000
region             1.000        1.000
officials          0.968        1.000
organizations      0.906        0.995
  (lenient)        0.936        0.995
mechanisms         0.942        1.000
  (lenient)        0.968        1.000
duty_formulas      0.750        1.000
duty_pairs         1.000        1.000
principle_pairs    1.000        1.000
numbered_formulas  0.966        1.000
statistics         0.962        0.986
events             0.800        1.000
=================  ===========  ===========

The blind3 split 19–24 (江西 review, 沈阳 speech, 青海 interview, 贵州 一席谈, 宁夏 report, 广东 三防
review) was written by people who read neither the rules nor blind1/blind2, after the blind2 fixes:

=================  ===========  ===========
field              blind3 first  blind3 now
=================  ===========  ===========
title              0.833        1.000
date               0.727        1.000
region             1.000        1.000
officials          0.966        1.000
organizations      0.941        1.000
  (lenient)        0.971        1.000
mechanisms         0.968        1.000
  (lenient)        0.994        1.000
duty_formulas      0.800        1.000
duty_pairs         1.000        1.000
principle_pairs    1.000        1.000
numbered_formulas  0.926        0.963
statistics         0.957        0.977
events             0.789        1.000
=================  ===========  ===========

The "first" columns are the honest estimate of what the rules do on a new province's text.
(Gold 20 leaves out “一案三制” "as in the seed gold", which lists it: the extractor keeps it.)
"""

import pytest

from kg.evaluate import evaluate, load_gold
from kg.extract_api import summarise_files
from kg.summary import summary_dict
from tests.paths import ROOT

HELDOUT = ROOT / "tests" / "data" / "heldout"
DEV = ("01", "02", "03")
TEST = ("04", "05", "06")
BLIND1 = ("07", "08", "09", "10", "11", "12")
BLIND2 = ("13", "14", "15", "16", "17", "18")
BLIND3 = ("19", "20", "21", "22", "23", "24")

# field -> (strict floor, lenient floor or None): a little below the F1 measured on the test split
FLOORS = {
    "title": (0.99, None),
    "date": (0.99, None),
    "region": (0.99, None),
    "officials": (0.9, None),
    "organizations": (0.92, 0.92),
    "mechanisms": (0.93, 0.95),
    "duty_formulas": (0.95, None),
    "duty_pairs": (0.95, None),
    "principle_pairs": (0.95, None),
    "numbered_formulas": (0.92, None),
    "statistics": (0.94, None),
    "events": (0.92, None),
}


@pytest.fixture(scope="module")
def summaries() -> dict[str, dict]:
    paths = sorted((HELDOUT / "sources").glob("*.txt"))
    found, problems = summarise_files(paths)
    assert not problems, problems
    return {s.file[:2]: summary_dict(s) for s in found}


@pytest.fixture(scope="module")
def gold() -> dict[str, dict]:
    return load_gold(HELDOUT / "gold")


def test_every_source_has_gold(gold):
    sources = sorted(p.name for p in (HELDOUT / "sources").glob("*.txt"))
    assert sorted(gold) == sources
    assert [s[:2] for s in sources] == list(DEV + TEST + BLIND1 + BLIND2 + BLIND3)


@pytest.mark.parametrize("split", [DEV, TEST, BLIND1, BLIND2, BLIND3], ids=["dev", "test", "blind1", "blind2", "blind3"])
@pytest.mark.parametrize("field", sorted(FLOORS))
def test_floor(summaries, gold, split, field):
    ev = evaluate([summaries[k] for k in split], gold)
    assert ev.documents and len(ev.documents) == len(split)
    strict, lenient = FLOORS[field]
    s = ev.strict[field]
    assert s.f1 >= strict, f"{field}: F1 {s.f1:.3f} < {strict} (missed {s.missed}, extra {s.extra})"
    if lenient is not None:
        le = ev.lenient[field]
        assert le.f1 >= lenient, f"{field} (lenient): F1 {le.f1:.3f} < {lenient} (missed {le.missed})"


def test_boilerplate_adds_no_region(summaries):
    # the 下一篇/上一篇 links and footers name other cities; the document region stays the author's
    assert {k: summaries[k]["region"]["name"] for k in summaries} == {
        "01": "广西壮族自治区", "02": "山东省", "03": "唐山市", "04": "内蒙古自治区", "05": "四川省", "06": "云南省",
        "07": "河南省", "08": "深圳市", "09": "新疆维吾尔自治区", "10": "安徽省", "11": "重庆市", "12": "XX省",
        "13": "黑龙江省", "14": "苏州市", "15": "西藏自治区", "16": "陕西省", "17": "天津市", "18": "海南省",
        "19": "江西省", "20": "沈阳市", "21": "青海省", "22": "贵州省", "23": "宁夏回族自治区", "24": "广东省"}

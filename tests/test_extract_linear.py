"""Every stage a document goes through (normalisation, tokenizer, every extractor) is linear in
its input: adversarial shapes cost at most 3x normal genre text per MB, and no shape costs more
per MB at four times the size (issue #19). Measured as ratios within one run, never against a
clock, on the best of a few repeats (the machine is shared)."""

import gc
import time

import pytest

from kg.models import LoadedDocument, SourceMeta
from kg.nlp.pipeline import extract_document, make_nlp, warm_up
from kg.text.normalize import normalise

# Sentences of the genre, written for this test: officials, bodies, mechanisms, figures of
# every rule (counts, 分别, changes, streaks, direction-only claims, rates).
GENRE = [
    "某省应急管理厅党委书记、厅长王建国在全省应急管理工作会议上强调，要健全安全生产风险分级管控和隐患排查治理双重预防机制。",
    "2023年，全省共发生各类生产安全事故412起、死亡389人，同比分别下降12.6%和9.8%，未发生重特大事故。",
    "全省各级应急管理部门开展执法检查2.3万次，查处违法行为4600余起，罚款3200万元，约谈企业负责人180人。",
    "汛期全省出动抢险救援人员5.6万人次，转移受威胁群众12.3万人，紧急转移安置群众3.5万余人。",
    "自然灾害受灾人口、因灾死亡失踪人口和直接经济损失与近五年均值相比，分别下降31%、64%和22%。",
    "我们坚持“两个至上”，推动应急管理体系和能力现代化，完善预警“叫应”机制和灾害事故复盘机制。",
    "森林火灾起数、受害森林面积同比均下降，连续18个月未发生较大以上生产安全事故。",
    "市防汛抗旱指挥部先后4次启动防汛应急响应，下拨救灾资金二十三亿元，调拨救灾物资8.2万件。",
    "全市建成综合性消防救援队伍36支、专业救援队伍128支、队员6400余名，储备帐篷1.2万顶。",
    "处理好防与救的关系，压实“党政同责、一岗双责”，各县区党委和政府把安全生产摆在重要位置。",
    "道路交通事故起数和死亡人数实现“双下降”，亿元地区生产总值生产安全事故死亡率降至0.012。",
    "全年组织开展应急演练1.5万场次，培训基层应急管理干部2.1万人，新建应急避难场所210处。",
]
PARAGRAPHS = "".join(GENRE[i % len(GENRE)] + ("\n" if i % 3 == 2 else "") for i in range(3 * len(GENRE))) + "\n"


def _repeat(unit: str, n: int) -> str:
    return (unit * (n // len(unit) + 1))[:n]


# name -> text of about n characters
SHAPES = {
    "figure list": lambda n: "某市应急管理局2023年检查情况：" + _repeat("检查企业5个、", n),
    "percent list": lambda n: _repeat("1.5%、", n),
    "Chinese numeral list": lambda n: _repeat("下拨资金二十三亿元、", n),
    "run of 一": lambda n: "一" * n,
    "run of 、": lambda n: "检查" + "、" * n,
    "run of 均": lambda n: "事故起数" + "均" * n + "下降",
    "run of 三": lambda n: "三" * n + "个部门",
    "nested brackets": lambda n: "（" * (n // 4) + "检查企业5个" + "）" * (n // 4) + _repeat(PARAGRAPHS, n // 2),
    "nested marks": lambda n: _repeat("（检查“企业《5个", n // 2) + _repeat("》”）", n // 2),
    "one long line": lambda n: _repeat(PARAGRAPHS.replace("\n", ""), n),
    "many short lines": lambda n: _repeat("检查企业5个。\n", n),
    "direction claims": lambda n: _repeat("事故起数下降、", n),
    "zero claims": lambda n: _repeat("事故零发生", n),
    "distributed lists": lambda n: _repeat("事故起数分别下降1%和2%", n),
    "body lists": lambda n: _repeat("5个部门、", n),
    "quote closers": lambda n: _repeat("”5个、", n),
    # the other extractors' lists and the normalisation's edits
    "title run": lambda n: "省应急管理厅" + _repeat("厅长、", n),
    "body list": lambda n: _repeat("省应急管理厅、", n),
    "mechanism list": lambda n: _repeat("机制、", n),
    "book titles": lambda n: _repeat("《安全生产法》", n),
    "pinyin readings": lambda n: _repeat("監(jiān)管", n),
    "blank lines": lambda n: _repeat("检查企业5个。\r\n\r\n  \n", n),
    "event mentions": lambda n: _repeat("应对台风“利奇马”和松原5.1级地震，", n),
    "official mentions": lambda n: _repeat("湖南省应急管理厅党委书记、厅长王建国，", n),
    "region runs": lambda n: _repeat("湖南省长沙市岳麓区", n),
}


def _seconds(loaded: LoadedDocument) -> float:
    """Seconds to normalise and extract one document (gc paused, as builds run it)."""
    was = gc.isenabled()
    gc.disable()
    try:
        t0 = time.perf_counter()
        extract_document(normalise(loaded))
        return time.perf_counter() - t0
    finally:
        if was:
            gc.enable()


def _ratio(text: str, reference: str, rounds: int = 3) -> float:
    """Cost per character of ``text`` over that of ``reference``: the best of ``rounds``, the two
    measured in turn, so that a busy moment of the (shared) machine slows both alike."""
    docs = [LoadedDocument(meta=SourceMeta(id="t", file="t.txt"), path="", text=t, encoding="utf-8",
                           format="txt", sha256="") for t in (text, reference)]
    best = [float("inf"), float("inf")]
    for _ in range(rounds):
        for i, d in enumerate(docs):
            best[i] = min(best[i], _seconds(d))
    return (best[0] / len(text)) / (best[1] / len(reference))


@pytest.fixture(scope="module", autouse=True)
def pipeline():
    make_nlp()
    warm_up()


N = 6_000  # characters: a per-figure × per-clause cost shows (≥ 20×) and the whole file runs in seconds


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_adversarial_shape_costs_at_most_three_times_normal_text(shape):
    ratio = _ratio(SHAPES[shape](N), _repeat(PARAGRAPHS, N))
    assert ratio <= 3.0, f"{shape}: {ratio:.1f}x normal text per MB"


@pytest.mark.parametrize("shape", ["figure list", "one long line", "many short lines", "distributed lists",
                                   "event mentions", "official mentions", "title run"])
def test_cost_per_character_does_not_grow_with_size(shape):
    growth = _ratio(SHAPES[shape](2 * N), SHAPES[shape](N // 2))
    assert growth <= 2.0, f"{shape}: {growth:.2f}x the cost per character at four times the size"


@pytest.mark.slow
def test_one_five_megabyte_line_and_a_long_document_of_bodies():
    """The issue's sizes: one 5 MB line, and normal text at 3 MB (regions, bodies and officials
    found by the thousand: the look-ups of what ends at a position must not walk them all)."""
    normal = _repeat(PARAGRAPHS, 200_000)
    assert _ratio(SHAPES["one long line"](5_000_000 // 3), normal, rounds=1) <= 3.0
    assert _ratio(_repeat(PARAGRAPHS, 1_000_000), normal, rounds=1) <= 1.6

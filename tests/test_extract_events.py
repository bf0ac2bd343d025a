import json

import pytest

import kg.nlp.factories  # noqa: F401  (registers doc._.kg)
from kg.evaluate import norm, score_sets
from kg.extract import events, meta, regions
from kg.io.loader import load_document
from kg.models import LoadedDocument, SourceMeta
from kg.nlp.context import DocContext
from kg.summary import summarise
from kg.text.normalize import normalise
from tests.paths import GOLD, SEEDS


def run(nlp, ctx: DocContext) -> DocContext:
    doc = nlp.make_doc(ctx.text)
    doc._.kg = ctx
    for module in (meta, regions, events):
        module.extract(ctx, doc)
    return ctx


def run_text(nlp, text: str) -> DocContext:
    doc_in = LoadedDocument(meta=SourceMeta(id="t", file="t.txt"), path="t.txt", text=text, encoding="utf-8",
                            format="txt", sha256="")
    ctx = DocContext(normalise(doc_in))
    assert ctx.text.strip(), "normalisation dropped the whole test text"
    return run(nlp, ctx)


def pairs(ctx) -> list[tuple[str, str]]:
    return [(e.name, e.type) for e in ctx.extraction.events]


JILIN = "2019年吉林省应急管理工作综述\n"

EVENTS = [
    (JILIN + "全省应急管理系统成功抵御台风“利奇马”“罗莎”“玲玲”，实现了不死人目标。", [("利奇马", "台风"), ("罗莎", "台风"), ("玲玲", "台风")]),
    ("2019年浙江省应急管理工作综述\n有效防御了超强台风‘利奇马’等自然灾害，“山竹”台风过境时全省安全。",
     [("利奇马", "台风"), ("山竹", "台风")]),
    (JILIN + "成功处置了长春万达广场爆炸、松原5.1级地震、白城10·14楼房坍塌等突发应急事件。",
     [("长春万达广场爆炸", "爆炸"), ("松原5.1级地震", "地震"), ("白城10·14楼房坍塌", "坍塌")]),
    (JILIN + "全省森林防火形势稳定，成功将珲春俄方17公里林火堵截在国境之外。", [("珲春俄方17公里林火", "林火")]),
    ("2020年X市应急管理工作总结\n新冠肺炎疫情对全市各项工作都产生了重大影响，新型冠状病毒肺炎疫情防控任务艰巨。",
     [("新冠肺炎疫情", "疫情"), ("新型冠状病毒肺炎疫情", "疫情")]),
    ("2021年河南省应急管理工作综述\n深刻汲取郑州“7·20”特大暴雨灾害教训，全省应急管理系统全力防汛。",
     [("郑州“7·20”特大暴雨灾害", "暴雨")]),
    ("2018年江苏省应急管理工作综述\n全省安全生产系统深刻汲取响水天嘉宜化工有限公司“3·21”特别重大爆炸事故教训。",
     [("“3·21”特别重大爆炸事故", "爆炸")]),
    # numbered floods; a province before the place; the incident noun after the type word
    ("2022年江西省应急管理工作综述\n遭遇赣江2020年第1号洪水，借鉴四川宜宾“7·2”化工厂爆炸事故教训。",
     [("赣江2020年第1号洪水", "洪水"), ("四川宜宾“7·2”化工厂爆炸事故", "爆炸")]),
    # quakes of another province, named by any division of the table
    ("2020年河北省应急管理工作综述\n学习借鉴芦山强烈地震和九寨沟7.0级地震救援经验。",
     [("芦山强烈地震", "地震"), ("九寨沟7.0级地震", "地震")]),
    ("2021年黑龙江省应急管理工作综述\n深刻吸取鹤岗“5·9”煤矿透水事故和塔河林场“3·15”森林火灾教训。",
     [("鹤岗“5·9”煤矿透水事故", "透水"), ("塔河林场“3·15”森林火灾", "森林火灾")]),
    # a site's proper name before the date code; two codes are two events
    ("2021年贵州省应急管理工作综述\n深刻汲取松林煤矿“9·27”重大火灾事故和吊水洞煤矿“12·4”重大火灾事故教训。",
     [("松林煤矿“9·27”重大火灾事故", "火灾"), ("吊水洞煤矿“12·4”重大火灾事故", "火灾")]),
    ("2022年重庆市应急管理工作综述\n成功扑灭涪陵“8·17”山火，深刻汲取湖南长沙“4·29”居民自建房倒塌事故教训。",
     [("涪陵“8·17”山火", "山火"), ("湖南长沙“4·29”居民自建房倒塌事故", "倒塌")]),
    # the division a site lies in starts its name; a second type word names the event; 雪崩, 山洪
    ("2022年山东省应急管理工作综述\n牢记鸡西恒山煤矿“5·12”重大瓦斯爆炸事故，深刻汲取青岛港“3·5”重大火灾爆炸事故教训。",
     [("鸡西恒山煤矿“5·12”重大瓦斯爆炸事故", "爆炸"), ("青岛港“3·5”重大火灾爆炸事故", "爆炸")]),
    ("2023年西藏自治区应急管理工作综述\n成功处置日喀则亚东“2·3”雪崩灾害，借鉴汉中宁强“7·9”山洪灾害经验。",
     [("日喀则亚东“2·3”雪崩灾害", "雪崩"), ("汉中宁强“7·9”山洪灾害", "山洪")]),
    # a premises' name before the date code, down to the division it lies in; a one-character token inside
    ("2023年宁夏回族自治区应急管理工作综述\n受银川市兴庆区富洋烧烤店“6·21”特别重大燃气爆炸事故影响，深刻汲取盘州山脚树煤矿“9·24”重大火灾事故教训。",
     [("银川市兴庆区富洋烧烤店“6·21”特别重大燃气爆炸事故", "爆炸"), ("盘州山脚树煤矿“9·24”重大火灾事故", "火灾")]),
    # an accident named by its place and its grade (no date code)
    ("2022年安徽省应急管理工作综述\n对合肥市蜀山区较大火灾事故、芜湖市南陵县重大道路交通事故实施挂牌督办。",
     [("合肥市蜀山区较大火灾事故", "火灾"), ("芜湖市南陵县重大道路交通事故", "道路交通事故")]),
]


@pytest.mark.parametrize("text,expected", EVENTS, ids=[e[1][0][0] for e in EVENTS])
def test_events(nlp, text, expected):
    ctx = run_text(nlp, text)
    assert pairs(ctx) == expected
    for e in ctx.extraction.events:
        span = ctx.text[e.prov.start:e.prov.end]
        assert e.name == span == e.prov.quote


@pytest.mark.parametrize("text", [
    # generic mentions are not events
    JILIN + "加强山洪灾害防御，这次疫情影响很大，极端天气灾害增多，5.1级地震也可能发生。",
    # a region followed by a field of work or a statistic
    JILIN + "吉林省安全生产事故起数下降，全省森林火灾起数、吉林森林火灾受害面积双下降，长春各类事故减少。",
    JILIN + "全省应急管理系统强化台风防御工作，做好台风灾害应对。",
    "2021年天津市应急管理工作综述\n成功处置了宁河区一起液氨泄漏险情。",  # 一起: one unnamed incident
    # disasters of a kind of area or season, a section's label, a place that built something
    "2023年青海省应急管理工作综述\n做好青海牧区雪灾防范应对，应对玉树、果洛两州冬春雪灾。\n海东山洪：完善基层防御\n"
    "西宁市建成山洪灾害“村村响”预警广播。",
    # a grade before a type is a kind of accident; a verb of work, or a work noun after the type word
    "2022年安徽省应急管理工作综述\n全省较大火灾事故下降。安徽加强森林草原火灾防治，合肥地震监测能力提升。",
    # an event type word inside a mechanism's name
    "2023年福建省应急管理工作综述\n与江西、浙江毗邻地区共建武夷山区林火联防联控机制。",
])
def test_not_events(nlp, text):
    ctx = run_text(nlp, text)
    assert text.split("\n")[1] in ctx.text
    assert pairs(ctx) == []


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_seed_provenance(nlp, path):
    ctx = run(nlp, DocContext(normalise(load_document(path))))
    for e in ctx.extraction.events:
        p = e.prov
        assert p.quote == ctx.norm.original[p.orig_start:p.orig_end]
        assert norm(e.name) == norm(ctx.text[p.start:p.end])


def test_seeds_against_gold(nlp):
    total = None
    for path in SEEDS:
        gold = json.loads((GOLD / (path.stem + ".json")).read_text(encoding="utf-8"))
        summary = summarise(run(nlp, DocContext(normalise(load_document(path)))).extraction)
        s = score_sets([(e.name, e.type) for e in summary.events], [(e["name"], e["type"]) for e in gold["events"]])
        if total is None:
            total = s
        else:
            total.add(s)
    assert total.f1 >= 0.85, (total.missed, total.extra)


def test_one_event_under_two_surfaces_is_named_by_the_fullest(nlp):
    ctx = run_text(nlp, "2017年四川省应急管理工作综述\n经历了“8·8”九寨沟7.0级地震。九寨沟地震中，预警系统提前发布预警，"
                        "九寨沟7.0级地震救援有序。")
    names = [e.name for e in ctx.extraction.events]
    assert names == ["“8·8”九寨沟7.0级地震"] * 3  # 九寨沟地震, 九寨沟7.0级地震 are the same quake
    assert len({(e.prov.start, e.prov.end) for e in ctx.extraction.events}) == len(names)  # own spans kept


def test_surfaces_join_by_date_code_and_place_but_two_places_stay_two(nlp):
    ctx = run_text(nlp, "2021年河南省应急管理工作综述\n国务院河南郑州“7·20”特大暴雨灾害调查组开展工作，郑州“7·20”特大暴雨灾害"
                        "教训深刻，要把“7·20”特大暴雨灾害复盘好。四川凉山木里“3·30”森林火灾和西昌“3·30”森林火灾也警示我们。")
    assert pairs(ctx) == [("河南郑州“7·20”特大暴雨灾害", "暴雨")] * 3 + [
        ("四川凉山木里“3·30”森林火灾", "森林火灾"), ("西昌“3·30”森林火灾", "森林火灾")]

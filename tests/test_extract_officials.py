import json

import pytest

import kg.nlp.factories  # noqa: F401  (registers doc._.kg)
from kg.evaluate import norm, score_sets
from kg.extract import meta, officials, organizations, regions
from kg.io.loader import load_document
from kg.models import LoadedDocument, SourceMeta
from kg.nlp.context import DocContext
from kg.summary import summarise
from kg.text.normalize import normalise
from tests.paths import GOLD, SEEDS


def run(nlp, ctx: DocContext) -> DocContext:
    doc = nlp.make_doc(ctx.text)
    doc._.kg = ctx
    for module in (meta, regions, organizations, officials):
        module.extract(ctx, doc)
    return ctx


def run_text(nlp, text: str) -> DocContext:
    doc_in = LoadedDocument(meta=SourceMeta(id="t", file="t.txt"), path="t.txt", text=text, encoding="utf-8",
                            format="txt", sha256="")
    ctx = DocContext(normalise(doc_in))
    assert ctx.text.strip(), "normalisation dropped the whole test text"
    return run(nlp, ctx)


def anchored(ctx) -> list[tuple[str, list[str], str | None]]:
    return [(o.name, o.titles, o.org) for o in ctx.extraction.officials if o.titles]


PROVINCE = "2021年吉林省应急管理工作综述\n"

OFFICIALS = [
    # byline: org, two titles, a space, the name
    ("坚持双轮驱动\n湖南省应急管理厅党委书记、厅长 李大剑\n全省应急管理系统坚持人民至上，取得新成效。",
     [("李大剑", ["党委书记", "厅长"], "湖南省应急管理厅")]),
    # page headline with a colon after the name
    ("福建省应急管理厅党委书记、厅长伍斌：扎实做好新时代福建特色应急管理工作\n全省应急管理系统将坚持人民至上。",
     [("伍斌", ["党委书记", "厅长"], "福建省应急管理厅")]),
    # bare 省 form gets the document region; the name is closed by a verb
    (PROVINCE + "省应急管理厅厅长霍云成带领一班人着眼全局、高位谋划，加快推进转隶融合。",
     [("霍云成", ["厅长"], "吉林省应急管理厅")]),
    # interview subtitle, then the name speaking in the body
    ("守牢安全底线\n——访浙江省应急管理厅厅长凌志峰\n近日，浙江省应急管理厅党委书记、厅长凌志峰在接受记者采访时表示，要突出重点。",
     [("凌志峰", ["厅长"], "浙江省应急管理厅"), ("凌志峰", ["党委书记", "厅长"], "浙江省应急管理厅")]),
    # ranks, a vice title, a party secretary of the region itself
    ("2021年广西壮族自治区应急管理工作综述\n自治区党委书记刘宁作出批示，自治区应急管理厅二级巡视员雷治严、副厅长王小明出席会议。",
     [("刘宁", ["党委书记"], "广西壮族自治区"), ("雷治严", ["二级巡视员"], "广西壮族自治区应急管理厅"),
      ("王小明", ["副厅长"], None)]),
    # leadership of a region named before the title
    (PROVINCE + "湖南省委书记张庆伟、省委书记景俊海对应急管理工作作出批示。",
     [("张庆伟", ["书记"], "湖南省委"), ("景俊海", ["书记"], "吉林省委")]),
    # name before the title
    (PROVINCE + "会上，张晓明副局长通报了全省安全生产形势。", [("张晓明", ["副局长"], None)]),
    # compound surname, a city bureau of another region
    (PROVINCE + "长春市应急管理局局长欧阳明远指出，要压实安全生产责任。", [("欧阳明远", ["局长"], "长春市应急管理局")]),
    # a post held with the post of a second body: both titles, the body next to the name
    (PROVINCE + "常务副省长、省森林草原防灭火指挥部总指挥赵海峰连夜赶赴火场。",
     [("赵海峰", ["常务副省长", "总指挥"], "吉林省森林草原防灭火指挥部")]),
    # a given name that is a word of the dictionary (为民) when a boundary closes the name
    ("守牢安全底线\n——访吉林省应急管理厅厅长 王为民\n全省应急管理系统坚持人民至上，取得新成效。",
     [("王为民", ["厅长"], "吉林省应急管理厅")]),
    # 我厅: the speaker's own department, as the text names it
    ("守牢安全底线\n——访吉林省应急管理厅厅长 王为民\n我厅副厅长李春雨带队检查，吉林省应急管理厅全力保障。",
     [("王为民", ["厅长"], "吉林省应急管理厅"), ("李春雨", ["副厅长"], "吉林省应急管理厅")]),
    # a surname that is also a preposition (向), closed by an action verb
    (PROVINCE + "省应急管理厅副厅长向春华带领工作组赶赴一线。", [("向春华", ["副厅长"], "吉林省应急管理厅")]),
    # names without a Han surname (Tibetan, Mongolian, Yi, Dai), closed by a cue; minority surnames 刀, 木
    ("2022年西藏自治区应急管理工作综述\n自治区应急管理厅副厅长次仁旺堆带队深入那曲，二级巡视员巴雅尔长期驻守阿里。",
     [("次仁旺堆", ["副厅长"], "西藏自治区应急管理厅"), ("巴雅尔", ["二级巡视员"], None)]),
    ("2022年四川省应急管理工作综述\n二级巡视员阿苏拉且长期驻守凉山，副局长玉罕、二级调研员木建华分别带队检查，"
     "厅长刀国栋带领工作组。",
     [("阿苏拉且", ["二级巡视员"], None), ("玉罕", ["副局长"], None), ("木建华", ["二级调研员"], None),
      ("刀国栋", ["厅长"], None)]),
    # a name without a Han surname that begins with a character that alone is an adverb (更)
    ("2022年西藏自治区应急管理工作综述\n自治区应急管理厅副厅长更登才旦带队检查，自治区应急管理厅副厅长更却多杰带领工作组赶赴灾区。",
     [("更登才旦", ["副厅长"], "西藏自治区应急管理厅"), ("更却多杰", ["副厅长"], "西藏自治区应急管理厅")]),
    # a given name that is a dictionary word (立新), written before the title
    ("2022年苏州市应急管理工作总结\n面对台风影响，王立新副市长多次到一线调度指挥。",
     [("王立新", ["副市长"], None)]),
]


@pytest.mark.parametrize("text,expected", OFFICIALS, ids=[o[1][0][0] for o in OFFICIALS])
def test_officials(nlp, text, expected):
    ctx = run_text(nlp, text)
    assert anchored(ctx) == expected
    for o in ctx.extraction.officials:
        span = ctx.text[o.prov.start:o.prov.end]
        assert o.name in span and o.prov.quote == span


@pytest.mark.parametrize("text,kept", [
    # central leaders cited in set phrases
    (PROVINCE + "坚决贯彻落实习近平总书记关于应急管理的重要指示精神，习近平主席强调要坚持人民至上。", "习近平主席"),
    # editors, reporters, correspondents (a byline line in the body, not only the dropped page footer)
    (PROVINCE + "全省应急管理系统取得新成效，本报记者 徐文标 通讯员 郑国游报道，责任编辑 姜雯婕。", "记者 徐文标"),
    # titles next to words, not names
    (PROVINCE + "实行纪检组长季度集体约谈，对应急管理局长开展专题培训，由副区长分管应急工作，主任高度重视。", "主任高度"),
    # anonymised persons
    (PROVINCE + "X书记强调要压实责任，X局长通报了全省安全生产形势。", "X局长"),
    # no name after the title: a verb, an adverb, a dictionary noun (the post is not written with its body)
    (PROVINCE + "局长亲自带队检查，厅长办公会议研究部署，组长年度例会召开。", "组长年度例会"),
    # surnames that are also function words (都, 和, 向)
    (PROVINCE + "主任和副主任都要参加全省安全生产会议。", "副主任都要"),
    (PROVINCE + "副局长向群众介绍防汛知识，主任向社会发布预警。", "副局长向群众"),
    # an adverb after a post written with its body, then a verb, a place or a dictionary word: no name
    (PROVINCE + "省应急管理厅副厅长又到现场指导，省应急管理厅厅长更要带头，省应急管理厅厅长还到长春调研，"
                "省应急管理厅局长也来看望群众。", "厅长还到长春调研"),
])
def test_not_officials(nlp, text, kept):
    ctx = run_text(nlp, text)
    assert kept in ctx.text
    assert [o.name for o in ctx.extraction.officials] == []


def test_section_heads_and_rank_posts_are_titles(nlp):
    ctx = run_text(nlp, "绵阳市召开防汛工作新闻发布会\n市委宣传部新闻发布科科长赵明主持发布会，"
                        "市应急管理局副局级领导干部钱文斌介绍了汛情。")
    assert anchored(ctx) == [("赵明", ["科长"], None), ("钱文斌", ["副局级领导干部"], "绵阳市应急管理局")]


def test_office_holders_who_only_take_part_are_not_officials(nlp):
    # named, titled, but only present: an attendance list closed by 参加会议 / 列席会议
    ctx = run_text(nlp, "义乌市召开安全生产委员会全体会议\n副市长孙建国主持会议并讲话。"
                        "市人大常委会副主任周文华、市政协副主席吴晓梅，各镇街主要领导等参加会议。"
                        "区人大常委会副主任郑志刚列席会议。")
    assert [o.name for o in ctx.extraction.officials if o.titles] == ["孙建国"]


def test_an_attendee_who_acts_elsewhere_stays(nlp):
    ctx = run_text(nlp, "义乌市召开安全生产会议\n副市长孙建国主持会议。市政协副主席吴晓梅等参加会议。吴晓梅在讲话中指出，要压实责任。")
    assert {o.name for o in ctx.extraction.officials} == {"孙建国", "吴晓梅"}


def test_later_bare_mentions_of_an_anchored_name(nlp):
    ctx = run_text(nlp, "——访浙江省应急管理厅厅长凌志峰\n“站在新的起点，全省应急管理系统将按照要求推进工作。”凌志峰说。在凌志峰看来，要突出五个导向。")
    bare = [o for o in ctx.extraction.officials if not o.titles]
    assert [(o.name, o.prov.rule) for o in bare] == [("凌志峰", "officials.name_repeat")] * 2


def test_length_of_a_name_comes_from_its_other_mentions(nlp):
    ctx = run_text(nlp, PROVINCE + "会议由副厅长王强主持。\n副厅长王强调研了防汛工作，全省应急管理系统要认真落实。")
    assert {o.name for o in ctx.extraction.officials} == {"王强"}


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_seed_provenance(nlp, path):
    ctx = run(nlp, DocContext(normalise(load_document(path))))
    for o in ctx.extraction.officials:
        p = o.prov
        assert p.quote == ctx.norm.original[p.orig_start:p.orig_end]
        assert norm(o.name) in norm(p.quote)


def test_seeds_against_gold(nlp):
    total = None
    for path in SEEDS:
        gold = json.loads((GOLD / (path.stem + ".json")).read_text(encoding="utf-8"))
        summary = summarise(run(nlp, DocContext(normalise(load_document(path)))).extraction)
        s = score_sets([o.name for o in summary.officials], [o["name"] for o in gold["officials"]])
        if total is None:
            total = s
        else:
            total.add(s)
        for o in summary.officials:
            g = {x["name"]: x for x in gold["officials"]}.get(o.name)
            if g is not None:
                assert o.org == g["org"] and set(o.titles) == set(g["titles"])
    assert total.f1 >= 0.95, (total.missed, total.extra)


def test_a_name_cut_off_by_the_end_of_the_text_stays_inside_it(nlp):
    # a known two-character name must not be read as a three-character one past the text's end
    ctx = run_text(nlp, "厅长王建")
    assert [(o.name, o.prov.end) for o in ctx.extraction.officials] == [("王建", 4)]

import json

import pytest

from kg.evaluate import norm
from kg.io.loader import load_document
from kg.text.boilerplate import classify_line, find_boilerplate
from kg.text.normalize import normalise
from tests.paths import GOLD, SEEDS, seed


def gold_strings(g: dict) -> list[str]:
    """Every literal string of a gold file that must survive in the body text."""
    out = [g["title"]]
    for o in g["officials"]:
        out += [o["name"], *o["titles"]]
    out += g["mechanisms"] + g["numbered_formulas"]
    for f in g["duty_formulas"]:
        out += f["items"]
    for p in g["principle_pairs"]:
        out += [p["a"], p["b"]]
    for e in g["events"]:
        out += [e["name"]]
    for s in g["statistics"]:
        if s["baseline"]:
            out.append(s["baseline"])
    return [x for x in out if x]


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_every_gold_string_survives_boilerplate_removal(path):
    gold = json.loads((GOLD / (path.stem + ".json")).read_text(encoding="utf-8"))
    text = norm(normalise(load_document(path)).text)
    missing = [s for s in gold_strings(gold) if norm(s) not in text]
    assert missing == []


def test_next_article_link_of_jilin_review_is_removed():
    doc = normalise(load_document(seed("002")))
    assert "下一篇" not in doc.text and "灵璧" not in doc.text
    assert any(r.reason == "footer" and "下一篇" in r.text for r in doc.removed)


def test_menus_ads_and_comment_box_around_zhejiang_interview_are_removed():
    doc = normalise(load_document(seed("004")))
    for junk in ("学精益", "栏目分类", "主页 >", "顶一下", "踩一下", "最新评论", "评论内容", "此处放横条广告",
                 "18970479044", "石老师", "责任编辑", "4200万家企业"):
        assert junk not in doc.text, junk
    assert doc.text.rstrip().endswith("凌志峰说。")


def test_page_metadata_line_is_kept_aside_for_the_date():
    doc = normalise(load_document(seed("000")))
    meta = [r for r in doc.removed if r.reason == "page-meta"]
    assert meta and meta[0].text.startswith("2022-02-10")


@pytest.mark.parametrize("line,reason", [
    ("回首页", "navigation"),
    ("Copyright © 2015-2024 . 某某网 版权所有", "chrome"),
    ("备案号:京ICP备12345678号", "chrome"),
    ("2021-03-01 09:12 来源：某省应急管理厅 字号：大 中 小", "page-meta"),
    ("首页 > 新闻中心 > 工作动态", "breadcrumb"),
    ("● 建立健全双重预防机制，完善应急预案体系", None),
    ("强理念 明方向", None),
    ("首页 | 机构概况 | 政务公开 | 安全生产 | 防灾减灾救灾 | 应急救援", "menu"),
    ("功能介绍：某省应急管理厅官方发布平台，及时发布预警信息、应急动态和安全知识。", "chrome"),
    ("原创　厅宣传教育处　某省应急管理　2024-01-19 18:06　发表于某省", "chrome"),
    ("一席谈｜坚持双轮驱动 强化协同管理", None),
    ("版权声明：本站文章均来自网络或网友投稿，仅供学习参考，版权归原作者所有，如有侵权请联系删除。", "chrome"),
])
def test_line_rules(line, reason):
    assert classify_line(line) == reason


def test_related_links_after_the_source_line_are_footer_not_regions():
    # a 相关推荐 list names other regions; a long 版权声明 sentence after it is no prose to keep
    text = ("全省应急管理系统坚持人民至上、生命至上，扎实推进安全生产专项整治，事故起数同比下降。\n"
            "（来源：网络整理 编辑：小范）\n相关推荐：\n· 在全县防汛抗旱工作会议上的讲话（广东韶关）\n"
            "版权声明：本站文章均来自网络或网友投稿，仅供学习参考，版权归原作者所有，如有侵权请联系删除。\n")
    drops = find_boilerplate(text)
    assert [r for _, _, r in drops] == ["footer", "footer", "footer", "chrome"]


def test_related_links_line_with_its_items_is_footer():
    text = ("全省应急管理系统坚持人民至上、生命至上，扎实推进安全生产专项整治，事故起数同比下降。\n"
            "相关链接：甲市应急管理局 | 乙市应急管理局 | 丙市应急管理局\n")
    assert [r for _, _, r in find_boilerplate(text)] == ["footer"]


def test_footer_after_last_prose_line_is_dropped_whole():
    text = "全省应急管理系统坚持人民至上、生命至上，扎实推进安全生产专项整治，事故起数同比下降。\n来源：某报\n热门文章\n某某标题"
    drops = find_boilerplate(text)
    assert [r for _, _, r in drops] == ["footer", "footer", "footer"]


@pytest.mark.parametrize("text", [
    "全年开展执法检查3456次，查处违法行为789起。",
    "标题\n全年开展执法检查3456次，查处违法行为789起。",
])
def test_short_document_without_prose_is_kept_whole(text):
    assert find_boilerplate(text) == []


def test_short_sentence_before_the_prose_is_not_header():
    text = ("全年查处违法行为789起。\n"
            "全省应急管理系统坚持人民至上、生命至上，扎实推进安全生产专项整治，事故起数同比下降。\n")
    assert find_boilerplate(text) == []


def test_heading_lines_without_register_words_survive_but_promos_do_not():
    text = ("学精益，就上某某精益网\n首页 新闻 视频 图片\n坚持人民至上\n筑牢安全防线\n某省应急管理厅厅长 张三\n"
            "全省应急管理系统坚持人民至上、生命至上，扎实推进安全生产专项整治，事故起数同比下降。\n")
    dropped = [text[s:e].strip() for s, e, _ in find_boilerplate(text)]
    assert dropped == ["学精益，就上某某精益网", "首页 新闻 视频 图片"]


# ------------------------------------------------------------ prose that mentions a chrome phrase (issue 19)
_PROSE_WITH_PHRASE = [
    "某省应急管理厅建立“双重预防机制”，完善隐患排查治理体系，要求各单位不得擅自发布免责声明。",
    "全省开展户外广告设施专项整治，拆除违规设置在桥梁护栏上的广告位120处，消除了一批安全隐患。",
    "对未按规定取得备案号的危险化学品仓储企业，市应急管理局责令限期整改。",
    "本条例所称版权所有人，是指依法享有著作权并承担相应安全管理责任的单位。",
]


@pytest.mark.parametrize("line", _PROSE_WITH_PHRASE)
def test_a_sentence_that_mentions_a_chrome_phrase_is_prose(line):
    assert classify_line(line) is None


def test_the_line_after_a_prose_line_with_a_chrome_phrase_survives():
    text = _PROSE_WITH_PHRASE[0] + "\n全年查处违法行为789起。\n"
    assert find_boilerplate(text) == []


@pytest.mark.parametrize("line", [
    "版权所有：某某市应急管理局 地址：某某路1号 邮编：100000",
    "免责声明：本网站所载文章仅供参考，如有侵权请联系我们删除。",
    "© 2024 某某网 版权所有，未经授权不得复制。",
    "本站文章版权所有，转载请注明出处，如有侵权请联系删除。",
    "广告位招租",
])
def test_footer_statements_stay_chrome_however_sentence_like(line):
    assert classify_line(line) == "chrome"


def test_adding_a_site_statement_word_to_the_data_file_changes_the_result(monkeypatch):
    from kg.text import boilerplate

    line = "市应急管理局要求各网点公示备案号，接受群众监督。"
    assert classify_line(line) is None
    sections = dict(boilerplate._page_sections())
    sections["site_statement"] = sections["site_statement"] + ("群众监督",)
    boilerplate.reset_words()
    monkeypatch.setattr(boilerplate, "_page_sections", lambda resource="page_words.txt": sections)
    try:
        assert classify_line(line) == "chrome"
    finally:
        monkeypatch.undo()
        boilerplate.reset_words()
    assert classify_line(line) is None


def test_a_document_that_is_all_chrome_is_skipped_as_no_text(tmp_path):
    from kg.build import process_document
    from kg.errors import SourceError
    from kg.models import SourceMeta

    p = tmp_path / "footer.txt"
    p.write_text("版权所有 © 2024 某某网\n备案号：京ICP备12345678号\n", encoding="utf-8")
    with pytest.raises(SourceError) as e:
        process_document(p, SourceMeta(id="footer", file="footer.txt"))
    assert e.value.kind == "no-text" and "footer.txt" in str(e.value)


def test_a_one_line_document_mentioning_a_disclaimer_keeps_its_mechanism(tmp_path):
    from kg.build import process_document
    from kg.models import SourceMeta

    p = tmp_path / "one.txt"
    p.write_text(_PROSE_WITH_PHRASE[0] + "\n", encoding="utf-8")
    ex = process_document(p, SourceMeta(id="one", file="one.txt"))
    assert "双重预防机制" in {m.name for m in ex.mechanisms}


def test_a_chrome_line_over_a_short_page_does_not_take_the_page_with_it():
    # no line is long enough to count as prose: the site-address line at the top opens no footer
    text = ("时间:2020-01-06 19:44某某网(www.example.cn)\n某市政府召开全市消防安全委员会会议\n"
            "本报讯 近日，某市政府召开会议，安排部署冬春火灾防控工作。\n")
    assert [r for _, _, r in find_boilerplate(text)] == ["chrome"]


def test_a_breadcrumb_written_without_arrows_is_dropped():
    assert classify_line("当前位置： 某某网首页 地区新闻 某市 正文") == "breadcrumb"
    assert classify_line("当前位置：全市应急管理系统正处在防汛关键期，各地要严阵以待。") is None


def test_a_rating_widget_is_chrome_even_glued_to_an_ad_sentence():
    from kg.text.boilerplate import classify_line

    assert classify_line("点评：20次 好评（95%) 中评（5%) 差评（0%) 某地温泉酒店套餐88元一晚。") == "chrome"
    assert classify_line("群众满意度测评中，好评率达到95%。") is None

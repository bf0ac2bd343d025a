import json

import pytest

import kg.nlp.factories  # noqa: F401  (registers doc._.kg)
from kg.evaluate import norm
from kg.extract import meta
from kg.io.loader import load_document
from kg.models import LoadedDocument, SourceMeta
from kg.nlp.context import DocContext
from kg.text.normalize import normalise
from tests.paths import GOLD, SEEDS


def run_text(nlp, text: str) -> DocContext:
    doc_in = LoadedDocument(meta=SourceMeta(id="t", file="t.txt"), path="t.txt", text=text, encoding="utf-8",
                            format="txt", sha256="")
    ctx = DocContext(normalise(doc_in))
    assert ctx.text.strip(), "normalisation dropped the whole test text"
    doc = nlp.make_doc(ctx.text)
    doc._.kg = ctx
    meta.extract(ctx, doc)
    return ctx


TITLES = [
    # model-essay lead-in, no heading
    ("下面是小编为大家整理的2021年市应急管理局工作总结，供大家参考。\n2021年，全市应急管理工作取得了明显成效，安全形势持续稳定。",
     "2021年市应急管理局工作总结", "meta.title_leadin"),
    ("以下是为大家整理的关于县应急管理局2022年上半年工作总结，欢迎阅读！\n今年以来，全县应急管理系统认真贯彻落实上级部署。",
     "县应急管理局2022年上半年工作总结", "meta.title_leadin"),
    # reprint naming the article
    ("近日中国应急管理报刊发了四川省应急管理厅党委书记、厅长王小明题为《统筹发展和安全 守牢安全底线》的署名文章，现全文转发如下。",
     "统筹发展和安全 守牢安全底线", "meta.title_named"),
    ("3月1日，《中国应急管理报》2版刊发《织密安全网 护航新征程 ——访广东省应急管理厅厅长赵大勇》一文，全文如下：",
     "织密安全网 护航新征程", "meta.title_reprint"),
    # heading block: heading, issue line, byline
    ("江西应急这一年\n《中国应急管理报》2022年1月5日三版\n■江西省应急管理厅党委书记、厅长 张三丰\n●全面推进应急管理体系建设，着力提升防灾减灾救灾能力",
     "江西应急这一年", "meta.title_block"),
    # two-line heading before the byline
    ("编者按\n深化应急改革\n筑牢安全防线\n山东省应急管理厅党委书记、厅长 李明强\n一年来，全省应急管理系统坚持人民至上、生命至上，取得明显成效。",
     "深化应急改革 筑牢安全防线", "meta.title_block"),
    # heading then interview subtitle
    ("守牢安全底线 护航高质量发展\n——访安徽省应急管理厅厅长周建华\n“2021年，全省应急管理系统积极应对各类风险挑战，取得了新成效。”",
     "守牢安全底线 护航高质量发展", "meta.title_block"),
    # page headline "byline：heading" followed by the heading line
    ("河北省应急管理厅党委书记、厅长李大勇：扎实推进应急管理体系和能力现代化\n扎实推进应急管理体系和能力现代化\n■河北省应急管理厅党委书记、厅长 李大勇",
     "扎实推进应急管理体系和能力现代化", "meta.title_block"),
    # a report's heading with its occasion line ("——<date>在…会议上") between it and the byline
    ("关于全省安全生产工作情况的报告\n——2022年9月26日在省人民代表大会常务委员会会议上\n省应急管理厅厅长 王建国\n"
     "主任、各位副主任、秘书长、各位委员：现将全省安全生产工作情况报告如下。",
     "关于全省安全生产工作情况的报告", "meta.title_block"),
    # plain first line
    ("2020年湖北省应急管理工作综述\n回首2020年，湖北应急人经受住了新冠肺炎疫情的严峻考验，全省安全形势稳定。",
     "2020年湖北省应急管理工作综述", "meta.title_first_line"),
    # column prefix and a bare byline first: the next heading line
    ("一席谈 | 云南省应急管理厅党委书记、厅长 孙志刚\n奋力开创云南应急管理新局面\n2021年是全省应急管理事业发展中具有里程碑意义的一年，各项工作取得新成效。",
     "奋力开创云南应急管理新局面", "meta.title_first_line"),
    # a speech's own heading, printed after a model-essay site's lead-in, beats the lead-in's title
    ("下面是小编为大家整理的2024年某市应急管理局局长在全市应急管理工作会议上的讲话，供大家参考借鉴。\n"
     "在2024年全市应急管理工作会议上的讲话\n（2024年2月27日）\n某市应急管理局党委书记、局长 王建华\n"
     "同志们：今天召开全市应急管理工作会议，主要任务是总结去年工作，部署今年任务。",
     "在2024年全市应急管理工作会议上的讲话", "meta.title_block"),
    # the site's name and its bar menu over the page are no headings
    ("甘肃省应急管理厅\n首页 | 机构概况 | 政务公开 | 安全生产 | 防灾减灾救灾 | 应急救援\n2023年甘肃省应急管理工作综述\n"
     "发布时间：2024-01-10 10:00 来源：甘肃省应急管理厅\n2023年，全省应急管理系统攻坚克难，各项工作取得了新成效。",
     "2023年甘肃省应急管理工作综述", "meta.title_first_line"),
    ("兰州市应急管理局\n守牢安全底线 护航高质量发展\n——在2023年全市安全生产工作会议上的讲话\n兰州市应急管理局局长 王建华\n"
     "同志们：今天召开全市安全生产工作会议，主要任务是总结去年工作，部署今年任务。",
     "守牢安全底线 护航高质量发展", "meta.title_block"),
]


@pytest.mark.parametrize("text,title,rule", TITLES, ids=[t[1][:10] for t in TITLES])
def test_title(nlp, text, title, rule):
    ctx = run_text(nlp, text)
    got = ctx.extraction.title
    assert got is not None and (got.value, got.prov.rule) == (title, rule)
    span = ctx.text[got.prov.start:got.prov.end]
    assert all(part in span for part in title.split(" "))


def test_no_title_in_running_text(nlp):
    ctx = run_text(nlp, "全省应急管理系统坚持人民至上、生命至上，统筹发展和安全，各项工作取得新成效，安全形势持续稳定向好。")
    assert ctx.extraction.title is None


DATES = [
    # newspaper issue line beats anything else
    ("扎实做好应急管理工作\n《中国应急管理报》2023年2月17日二版\n■福建省应急管理厅党委书记、厅长 伍斌", "2023-02-17", "meta.date_issue"),
    ("坚持人民至上\n2021年12月8日 第03版\n■江苏省应急管理厅厅长 王刚", "2021-12-08", "meta.date_issue"),
    # a date line of its own: under a speech (normalisation keeps it as page metadata), labelled
    ("在全县安全生产工作会议上的讲话\n同志们：今年以来全县安全生产形势总体平稳，事故起数同比下降。\n2020年7月1日", "2020-07-01",
     ("meta.date_line", "meta.date_page")),
    # (whether normalisation keeps this line as text or drops it as page chrome, the date is found)
    ("发布时间：2022-03-05\n全市应急管理工作会议召开，会议总结了2021年工作，部署了2022年重点任务。", "2022-03-05",
     ("meta.date_line", "meta.date_page")),
    ("全市应急管理工作会议召开，会议总结了2021年工作，部署了2022年重点任务，各项工作取得新成效。\n发布日期：2022年3月5日", "2022-03-05", "meta.date_line"),
    # a web page's metadata line kept in the text
    ("全省应急管理工作会议在长沙召开\n发布时间：2022-01-20 09:30 来源：省应急管理厅 浏览次数：\n1月20日，全省应急管理工作会议在长沙召开，会议总结了2021年工作。",
     "2022-01-20", "meta.date_page"),
    # the occasion line of a speech or report gives its date, preferred over the page timestamp
    ("关于全省安全生产工作情况的报告\n发布日期：2022-10-08 09:00 来源：省人大常委会\n"
     "——2022年9月26日在省人民代表大会常务委员会会议上\n省应急管理厅厅长 王建国\n现将全省安全生产工作情况报告如下。",
     "2022-09-26", "meta.date_line"),
    # the reprint note names the newspaper's column before its verb
    ("向山而治 筑牢安全屏障\n编者按：2024年1月18日，《中国应急管理报》第2版“一席谈”栏目刊发了某省应急管理厅厅长的署名文章。\n"
     "全省应急管理系统攻坚克难，各项工作取得了新成效，安全形势持续稳定向好。", "2024-01-18", "meta.date_reprint"),
    ("某某新闻网\n2024年03月15日 星期五 农历二月初六 14:27:36 广州 多云\n全省三防工作综述\n发布时间：2023-01-09 10:00\n"
     "今年以来，全省应急管理系统全力应对台风，转移群众80万人次，实现了不死人的目标。", "2023-01-09", "meta.date_page"),
    # a portal's clock widget is not the article's date
    ("某某资讯网 今天是:2024年11月29日 星期五 设为首页\n全省防汛防风工作回顾\n发布时间:2024-11-28 09:41:25 来源:省应急管理厅\n"
     "今年以来，全省应急管理系统全力应对台风，转移群众80万人次，实现了不死人的目标。", "2024-11-28", "meta.date_page"),
    # the title's own year, when no date is stated
    ("2019年吉林省应急管理工作综述\n回首2019年，全省应急管理系统砥砺奋进，取得了新成效。", "2019", "meta.title_year"),
]


@pytest.mark.parametrize("text,date,rule", DATES, ids=[d[1] for d in DATES])
def test_date(nlp, text, date, rule):
    ctx = run_text(nlp, text)
    assert ctx.extraction.date.value == date
    assert ctx.extraction.date.prov.rule in ((rule,) if isinstance(rule, str) else rule)


@pytest.mark.parametrize("text", [
    # incomplete dates are not completed; a year in the body is not the document's year
    "突破难点 提升能力\n3月16日，《中国应急管理报》2版刊发了这篇文章，全文如下：\n2019年是全面履职的第一年，全省工作取得新进展。",
    "28中国应急管理报第2版刊发了署名文章现全文转发如下。\n15日召开的全国应急管理工作会议强调，要以高水平安全服务高质量发展。",
    # a range in the title is not one year
    "2021-2025年全省应急管理体系建设规划\n全省应急管理体系建设取得重大进展，各项工作扎实推进。",
])
def test_no_date(nlp, text):
    assert run_text(nlp, text).extraction.date is None


def test_page_timestamp_from_the_dropped_metadata_line(nlp):
    text = "回首页\n突破难点全面拉动\n2020-06-30 00:43 作者:网络 来源: 浏览: 字号:\n“2019年是浙江省应急管理系统组建到位后全面履职的第一年，各项工作取得了新进展。”"
    ctx = run_text(nlp, text)
    date = ctx.extraction.date
    assert (date.value, date.prov.rule, date.prov.quote) == ("2020-06-30", "meta.date_page", "2020-06-30")
    assert "2020-06-30" not in ctx.text  # the line is not body text


def test_page_timestamp_from_a_dropped_labelled_metadata_line(nlp):
    # a header line "时间：<timestamp>  作者：…" dropped as page chrome still dates the page
    text = ("范文网\n首页 | 工作总结 | 讲话致辞\n在全县应急管理工作会议上的讲话\n时间：2021-03-02 10:15　作者：网友投稿　浏览：35次\n"
            "同志们：今天召开全县应急管理工作会议，回顾总结去年工作，部署今年重点任务。")
    date = run_text(nlp, text).extraction.date
    assert (date.value, date.prov.rule) == ("2021-03-02", "meta.date_page")


def test_issue_date_wins_over_page_timestamp(nlp):
    text = ("扎实做好应急管理工作\n2023-02-20 10:00 来源: 浏览:\n《中国应急管理报》2023年2月17日二版\n"
            "■福建省应急管理厅党委书记、厅长 伍斌\n2023年是全面贯彻落实党的二十大精神的开局之年，应急管理工作责任重大。")
    assert run_text(nlp, text).extraction.date.value == "2023-02-17"


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_seed_title_and_date_match_gold(nlp, path):
    gold = json.loads((GOLD / (path.stem + ".json")).read_text(encoding="utf-8"))
    ctx = DocContext(normalise(load_document(path)))
    doc = nlp.make_doc(ctx.text)
    doc._.kg = ctx
    meta.extract(ctx, doc)
    title, date = ctx.extraction.title, ctx.extraction.date
    assert norm(title.value) == norm(gold["title"])
    assert (date.value if date else None) == gold["date"]
    # provenance: the quote is the original text behind the span
    p = title.prov
    assert p.quote == ctx.norm.original[p.orig_start:p.orig_end]
    assert norm(p.quote) == norm(ctx.text[p.start:p.end])


def test_reprint_note_date_wins_over_page_timestamp(nlp):
    # the editor's note of a reposted column states the issue date in running text
    text = ("守牢安全底线\n发布时间：2022-09-16 10:00 来源：中国应急管理报\n编者按：2022年9月14日，《中国应急管理报》"
            "第3版刊发了江西省应急管理厅党委书记、厅长陶泽民题为《守牢安全底线》的署名文章，现全文转发如下。\n"
            "守牢安全底线\n江西省应急管理厅党委书记、厅长 陶泽民\n全省应急管理系统坚持人民至上，取得新成效。")
    date = run_text(nlp, text).extraction.date
    assert (date.value, date.prov.rule) == ("2022-09-14", "meta.date_reprint")

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
     "2023年甘肃省应急管理工作综述", "meta.title_over_meta"),
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


# ------------------------------------------------------------------ page heads of real sites (issue 14)
PAGE_TITLES = [
    # a metadata table: the title cell ("名称： | … |"), the rows around it are no heading
    ("发布机构： | 某市应急管理局 | 主题分类： | 其他 |\n名称： | 【政策解读】某市防汛抗旱指挥部2024年工作要点解读 | 文号： | 无\n"
     "发布机构： | 某市应急管理局 |\n女士们、先生们：欢迎参加今天的新闻发布会，下面介绍全市防汛抗旱工作准备情况。",
     "【政策解读】某市防汛抗旱指挥部2024年工作要点解读", "meta.title_label"),
    # an official document under a site headline: its own title under the document number
    ("某市启动防汛四级应急响应\n某汛发〔2023〕5号\n某市人民政府防汛抗旱指挥部\n关于启动防汛四级应急响应的通知\n"
     "各区、县（市）人民政府防汛抗旱指挥部：\n据气象部门预报，我市将出现强降雨天气过程，请各地立即做好防范应对工作。",
     "关于启动防汛四级应急响应的通知", "meta.title_document"),
    # a menu item right over the page's metadata rows, dropped as a menu, is still the heading
    ("• 安全生产\n• 发布时间:03-08\n• 来源:\n全区共有安全生产监管人员一千余名，各级监管部门全年开展执法检查，排查治理了一批事故隐患。",
     "安全生产", "meta.title_over_meta"),
    # a breadcrumb without ">" over the heading
    ("当前位置： 某某网首页 地区新闻 某市 正文\n某市政府召开全市森林防灭火工作会议\n"
     "本报讯 为全力做好冬春森林防灭火工作，近日，某市政府召开会议，安排部署下一阶段重点任务。",
     "某市政府召开全市森林防灭火工作会议", "meta.title_first_line"),
    # a heading that exclaims mid-line, with a photo credit glued to another page's heading
    ("成绩亮眼！某省应急管理事业五年回眸\n会上，省应急管理厅负责人介绍了五年来全省应急管理事业取得的成效，安全形势持续向好。",
     "成绩亮眼！某省应急管理事业五年回眸", "meta.title_first_line"),
    ("某市应急管理工作实现整体提升 摄/张某某 |\n全市生产安全事故起数和死亡人数同比实现双下降，连续多年未发生重特大事故。",
     "某市应急管理工作实现整体提升", "meta.title_first_line"),
    # a news headline that quotes a speaker keeps the speaker
    ("某市市长王某某：全市防灾减灾能力稳步提升\n某市市长王某某\n本网讯 5月12日，在防灾减灾论坛上，某市市长王某某表示，全市防灾减灾能力不断提高。",
     "某市市长王某某：全市防灾减灾能力稳步提升", "meta.title_block"),
    # a list page: the entry and the heading print the title twice under the column's name
    ("灾害防治\n• 2023-09-21导出word全州防汛工作总结会议召开\n全州防汛工作总结会议召开\n全州防汛工作总结会议召开\n"
     "9月20日，全州防汛工作总结会议召开，会议总结了今年汛期工作，部署了下一阶段任务。",
     "全州防汛工作总结会议召开", "meta.title_repeated"),
    # a notice that issues a plan: the addressees and the issuer are no heading, nor the bracketed note
    ("各县（市、区）人民政府，州政府各部门：\n《某州应急体系建设规划》已经州人民政府同意，现印发给你们，请认真贯彻执行。\n"
     "某州人民政府办公室\n（此件公开发布）\n某州应急体系建设规划\n应急管理是国家治理体系和治理能力的重要组成部分。",
     "某州应急体系建设规划", "meta.title_first_line"),
    # a yearbook page of one entry: its topic
    ("【森林防火】2021年，县应急管理局组织开展森林防火专项检查，全年未发生重大森林火灾，有效保护了森林资源。",
     "森林防火", "meta.title_entry"),
]


@pytest.mark.parametrize("text,title,rule", PAGE_TITLES, ids=[t[1][:10] for t in PAGE_TITLES])
def test_title_of_page_heads(nlp, text, title, rule):
    ctx = run_text(nlp, text)
    got = ctx.extraction.title
    assert got is not None and (got.value, got.prov.rule) == (title, rule)
    p = got.prov
    assert p.quote == ctx.norm.original[p.orig_start:p.orig_end]
    assert norm(p.quote) == norm(title)


@pytest.mark.parametrize("text", [
    # a yearbook page of several entries has no one title, even when the last entry is cut short
    "【应急预案】全年组织修订各级各类应急预案，督促各有关部门按期完成专项预案修订，预案体系更加完善。\n"
    "【应急演练】全年组织开展防汛、森林防火、危险化学品事故等各类应急演练，参演人员数量明显增加。\n"
    "【信息化建设】建设危险化学品、烟花爆竹、尾矿库安全风险监测",
    # a site's welcome bar and name are no title
    "欢迎访问某某市应急管理局网站 无障碍浏览 长者模式\n某某市应急管理局\n"
    "全市应急管理系统坚持人民至上、生命至上，统筹发展和安全，各项工作取得新成效，安全形势持续稳定向好。",
])
def test_no_title_on_pages_without_a_heading(nlp, text):
    assert run_text(nlp, text).extraction.title is None


PAGE_DATES = [
    # the metadata table's date cell, dropped with the table, in traditional characters with readings
    ("索引號(hào): | 1234/202405-00076 |\n發(fā)布日期: | 2024-05-29 |\n名称： | 某市2024年防汛工作新闻发布会\n"
     "女士们、先生们：欢迎参加今天的新闻发布会，下面介绍全市防汛抗旱工作准备情况。", "2024-05-29", "meta.date_page"),
    # a timestamp line the normaliser dropped for its site address
    ("时间:2020-01-06 19:44某某网(www.example.cn)\n某市政府召开全市消防安全委员会会议\n"
     "本报讯 近日，某市政府召开全市消防安全委员会会议，安排部署冬春火灾防控工作。", "2020-01-06", "meta.date_page"),
    # the page's list entry for the article, dated
    ("灾害防治\n• 2023-09-21导出word2023年全州防汛工作总结会议召开\n2023年全州防汛工作总结会议召开\n2023年全州防汛工作总结会议召开\n"
     "9月20日，全州防汛工作总结会议召开，会议总结了今年汛期工作。", "2023-09-21", "meta.date_listing"),
    # a slash date and a Chinese-numeral date of their own
    ("全县召开安全生产工作会议\n2018/11/29\n会议通报了全县安全生产形势，部署了今冬明春安全生产工作，各项任务落实到位。",
     "2018-11-29", ("meta.date_line", "meta.date_page")),
    ("关于做好今冬明春安全生产工作的通知\n各乡镇人民政府，县直各部门：\n为切实做好今冬明春安全生产工作，现将有关事项通知如下，请认真贯彻落实。\n"
     "某县安全生产委员会\n二〇二三年三月八日", "2023-03-08", "meta.date_line"),
    # a review that opens on its year, also a one-entry yearbook page
    ("2022年，在市委、市政府的正确领导下，全市应急管理系统坚持安全第一、预防为主，确保了安全生产形势稳定向好。", "2022",
     "meta.opening_year"),
    ("【三防工作】2020年，县三防办深入开展汛前检查，有序推进三防应急管理各项工作，全年未发生人员伤亡。", "2020",
     "meta.opening_year"),
]


@pytest.mark.parametrize("text,date,rule", PAGE_DATES, ids=[d[1] + "-" + str(i) for i, d in enumerate(PAGE_DATES)])
def test_date_of_page_heads(nlp, text, date, rule):
    got = run_text(nlp, text).extraction.date
    assert got is not None and got.value == date
    assert got.prov.rule in ((rule,) if isinstance(rule, str) else rule)


@pytest.mark.parametrize("text", [
    # an incomplete page date is not completed, and a year deep in the body is no opening year
    "• 安全生产\n• 发布时间:03-08\n• 来源:\n【概况】某区应急管理局是区政府工作部门。\n2020年，全区安全生产形势保持稳定，事故起数同比下降。",
])
def test_no_date_on_page_heads(nlp, text):
    assert run_text(nlp, text).extraction.date is None


def test_adding_a_column_name_to_the_data_file_changes_the_title(nlp, monkeypatch):
    from kg.text import boilerplate

    text = ("防灾快讯\n全市汛前检查工作全面展开\n"
            "本报讯 近日，全市汛前检查工作全面展开，各地各部门按照要求排查了一批风险隐患，落实了整改责任。")
    assert run_text(nlp, text).extraction.title.value == "防灾快讯"
    sections = dict(boilerplate._page_sections())
    sections["columns"] = sections["columns"] + ("防灾快讯",)
    meta.reset_words()
    monkeypatch.setattr(boilerplate, "_page_sections", lambda resource="page_words.txt": sections)
    try:
        assert run_text(nlp, text).extraction.title.value == "全市汛前检查工作全面展开"
    finally:
        monkeypatch.undo()
        meta.reset_words()


@pytest.mark.parametrize("text,title", [
    # the site's name after the page title
    ("某市应急管理局2022年工作总结及2023年工作安排-某某资讯网\n2022年，在市委、市政府的坚强领导下，市应急管理局统筹发展和安全，各项工作取得新成效。",
     "某市应急管理局2022年工作总结及2023年工作安排"),
    # a metadata row that opens with its timestamp under the heading, and the site's menu over it
    ("EN\n某部就防汛救灾工作情况举行新闻发布会\n2020-08-13 13:20 来源： 新闻办网站\n字号：默认 超大 | 打印 |\n"
     "新闻办公室于8月13日上午举行新闻发布会，请有关负责同志介绍今年防汛救灾工作情况，并答记者问。",
     "某部就防汛救灾工作情况举行新闻发布会"),
    # an interview's heading names the post and the person, and is no byline
    ("在线访谈\n专访省应急管理厅副厅长李某某\n专访省应急管理厅副厅长李某某\n"
     "本期访谈中，我们将围绕应急管理机构改革话题，专访省应急管理厅副厅长，一起聊聊改革那些事。",
     "专访省应急管理厅副厅长李某某"),
    # a heading that opens with a name in book-title marks keeps them
    ("《今日说法》专访某部副部长王某：生命至上，安全第一\n发布时间：2020-05-27 08:47:05 来源：\n"
     "某部是一个年轻的部门，2018年挂牌成立，承接了多个部门的职责，刚刚过了两岁生日。", "《今日说法》专访某部副部长王某：生命至上，安全第一"),
])
def test_title_without_site_furniture(nlp, text, title):
    assert run_text(nlp, text).extraction.title.value == title


def test_a_title_broken_over_two_lines_is_joined(nlp):
    text = ("某市应急管理局召开全市汛期地质灾害防御和\n森林防火工作推进会\n"
            "8月3日，市应急管理局召开推进会，部署地质灾害防御和森林防火工作。")
    got = run_text(nlp, text).extraction.title
    assert (got.value, got.prov.rule) == ("某市应急管理局召开全市汛期地质灾害防御和森林防火工作推进会",
                                        "meta.title_two_lines")
    # a heading and its slogan line are two lines, not one title
    text = "2023年某省应急管理工作综述\n守牢安全底线 护航高质量发展\n2023年，全省应急管理系统攻坚克难，各项工作取得新成效，安全形势持续稳定。"
    assert run_text(nlp, text).extraction.title.value == "2023年某省应急管理工作综述"


def test_a_metadata_table_with_spaced_out_labels(nlp):
    text = ("某县人民政府\n首页 >> 公开信息内容\n索 引 号: 0000/2021-00001 信息分类:\n发布机构: 生成日期: 2021-05-10 15:03:07\n"
            "文  号: 是否有效:\n名  称: 关于做好全县汛期安全防范工作的通知\n"
            "各乡镇人民政府，县直各部门：为切实做好今年汛期安全防范工作，现将有关事项通知如下，请认真贯彻落实。")
    ex = run_text(nlp, text).extraction
    assert (ex.title.value, ex.title.prov.rule) == ("关于做好全县汛期安全防范工作的通知", "meta.title_label")
    assert (ex.date.value, ex.date.prov.rule) == ("2021-05-10", "meta.date_page")


def test_a_metadata_table_written_with_cell_borders_only(nlp):
    # rows "label | value |" without colons: no row is a heading, the date cell dates the page, and a
    # plan that prints no heading is titled by the name its preamble gives it
    text = ("索引号 | abc/20230105-00002 | 发布机构 | 某县应急管理局 |\n公开目录 | 规划计划 | 发布日期 | 2023-01-05 |\n"
            "文号 | 浏览量 |\n前言\n为提升全县防灾减灾救灾能力，依据有关法律法规，结合本县实际，"
            "编制《某县“十四五”应急管理体系规划》。\n一、现状与形势\n全县应急管理工作取得明显成效。")
    ex = run_text(nlp, text).extraction
    assert (ex.title.value, ex.title.prov.rule) == ("某县“十四五”应急管理体系规划", "meta.title_self_named")
    assert (ex.date.value, ex.date.prov.rule) == ("2023-01-05", "meta.date_page")


@pytest.mark.parametrize("text,year", [
    # a meeting named for its year, in the lead sentence of a page without heading or date
    ("6月3日，某县防灾减灾救灾委员会办公室召开2024年度防汛工作部署会议，各成员单位参加。\n会议强调，要压实责任。", "2024"),
    # the period a press conference reports on (an unrelated line of the mirror site comes first)
    ("今天的天气真不错，我们出去走走吧。\n本报讯 在11日举行的新闻发布会上，某省应急厅负责人介绍2023年上半年安全生产情况。", "2023"),
    # a year opening a sentence of the first paragraph, after a lead of figures
    ("某市应急管理工作迈上新台阶\n事故起数同比下降，连续20个月未发生较大事故……2022年，全市应急管理系统攻坚克难。", "2022"),
])
def test_the_year_the_lead_names_as_the_documents_own(nlp, text, year):
    assert run_text(nlp, text).extraction.date.value == year


def test_a_year_of_work_to_be_done_is_no_date(nlp):
    text = "3月2日，某市应急管理局召开防汛会商会。\n会议要求，扎实做好2024年防汛抗旱工作。"
    assert run_text(nlp, text).extraction.date is None

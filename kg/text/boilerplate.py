"""Find web boilerplate lines: menus, widgets, ads, comment boxes, footers, next-article links.

Input: normalised text (simplified, punctuation unified). Output: the lines to drop,
each with a reason. Lines are judged by generic rules of Chinese news and CMS pages,
in three zones:

* anywhere: lines that are only page chrome (回首页, 字号, 顶一下, Copyright, 备案号,
  URLs, separators, share/print widgets, comment-form labels);
* the header, before the first line of prose: short lines with no word of the
  government/emergency register (site slogans, ads, column menus);
* the footer, from a closing marker (来源, 责任编辑, 扩展阅读, 下一篇 …) to the end,
  when no prose follows it.

Page metadata lines (a timestamp with 字号/作者/浏览) are dropped with the reason
``page-meta`` so the date extractor can still read them.

>>> text = "回首页\\n下面是正文，应急管理工作取得新成效。\\n下一篇:2020年灵璧县政府工作报告"
>>> [(text[s:e].strip(), why) for s, e, why in find_boilerplate(text)]
[('回首页', 'navigation'), ('下一篇:2020年灵璧县政府工作报告', 'footer')]
"""

from __future__ import annotations

import re
from functools import lru_cache

from kg import datafiles


@lru_cache(maxsize=None)
def _page_sections(resource: str = "page_words.txt") -> dict[str, tuple[str, ...]]:
    out = datafiles.sections(resource)
    # longest first, so that alternations take the longest entry
    return {k: tuple(sorted(v, key=lambda w: (-len(w), w))) for k, v in out.items()}


def page_words(section: str) -> tuple[str, ...]:
    """An entry list of ``kg/data/page_words.txt`` (words of a web page's head and foot), longest first."""
    return _page_sections()[section]


def words_alt(section: str) -> str:
    """A regex alternation of a section's entries."""
    return "(?:" + "|".join(re.escape(w) for w in page_words(section)) + ")"


def spaced_alt(section: str) -> str:
    """Like :func:`words_alt`, letting a metadata table space out its labels ("名  称", "标　题")."""
    return "(?:" + "|".join("[ \u3000]{0,3}".join(re.escape(c) for c in w) for w in page_words(section)) + ")"


@lru_cache(maxsize=1)
def _statement_rules() -> tuple[re.Pattern, re.Pattern, re.Pattern, re.Pattern]:
    return (re.compile(words_alt("site_statement"), re.I), re.compile(r"^\W{0,3}" + words_alt("chrome_labels")),
            re.compile(words_alt("breadcrumb_labels") + r"\s*[:：]"), re.compile(words_alt("qr_share")))


@lru_cache(maxsize=1)
def site_rules() -> tuple[re.Pattern, re.Pattern]:
    """``(site_name, site_word)``: a line that is only a site's or body's name ("某市人民政府网",
    "某省应急管理厅"), and a word only a website calls itself (官网, 门户网站, 客户端), not a body."""
    name = re.compile(rf"^[\u3400-\u4dbf\u4e00-\u9fffA-Za-z（）()]{{2,24}}?{words_alt('site_endings')}(?:首页)?$")
    word = re.compile("|".join(re.escape(x) for x in page_words("site_endings")
                               if len(x) >= 2 and ("网" in x or "站" in x or x in ("频道", "客户端", "公众号"))))
    return name, word


_SITE_SEP = re.compile(r"\s*(?:[-_|｜–—]+)\s*([^-_|｜–—]{2,30})$")


def strip_site_suffix(line: str) -> str:
    """A page title without the site's name after it ("…工作总结-某某网", "…_某市人民政府").

    >>> strip_site_suffix("某市应急管理局2022年工作总结_某市人民政府门户网站")
    '某市应急管理局2022年工作总结'
    >>> strip_site_suffix("某市召开防汛工作会议--某市人民政府网")
    '某市召开防汛工作会议'
    >>> strip_site_suffix("安全生产“十四五”规划—解读")
    '安全生产“十四五”规划—解读'
    """
    m = _SITE_SEP.search(line)
    if m and m.start() >= 4:
        name, word = site_rules()
        tail = m.group(1).strip()
        if name.match(tail) or word.search(tail):
            return line[: m.start()]
    return line


def reset_words() -> None:
    """Forget the loaded word lists and what was compiled from them (after editing the data file)."""
    _page_sections.cache_clear()
    _statement_rules.cache_clear()
    site_rules.cache_clear()

# A line that is nothing but UI chrome.
_CHROME = re.compile(
    r"^(?:[•·▪>※]?\s*)(?:回首页|返\s*回|回顶部|返回顶部|首页|打印|打印本页|关闭|关闭窗口|收藏|分享到?.*|"
    r"点击查看全文|查看全文|立即下载|下载|顶一下|踩一下|（?\(?\d+\)?）?|\d+%|栏目分类|精彩推荐|热门推荐|"
    r"字号[:：].*|【?字体[:：].*|【?打印】?|【?关闭】?|编者按|我要评论.*|免费咨询|一键加群.*|特别说明|"
    r"扫一扫.*|微信扫.*|相关链接|网站地图|联系我们|更多>*|more>*)\s*$",
    re.I,
)
# Phrases that make a line chrome wherever they occur, even a long one. Three patterns, so
# that each is fast on long lines of prose: Chinese phrases (each starts with its own
# character, which the regex engine scans for), Latin ones (matched on the line in lower
# case) and marks that only count at the start of a line.
_CHROME_ALWAYS = re.compile(
    r"版权所有|版权声明|免责声明|©|备案号|公网安备|"
    r"最新评论|发表评论|评论内容|表\s*情[:：]|请注意用语文明|审核后才会显示|"
    r"此处放.*广告|广告位|分隔线"
)
# A page's rating widget (好评(100%) 中评(0%) 差评(0%)): chrome even in a line that reads like a
# sentence, since mirror sites glue their ads and counters to it
_RATING = re.compile(r"好评\s*[（(]\s*\d+%|差评\s*[（(]\s*\d+%")
_CHROME_LATIN = re.compile(r"copyright|all rights reserved|powered by|icp备|ctrl\+回车")  # on lower case
_CHROME_START = re.compile(
    r"\s*[-—=_*·]{5,}|"
    # a WeChat official account's page furniture
    r"微信号\s*[:：]|功能介绍\s*[:：]|收录于(?:合集|话题)|(?:轻触)?阅读原文$|原创\s|预览时标签不可点"
)
# Addresses: chrome on a short line, but prose may cite a website (matched on lower case).
_URLISH = re.compile(r"https?://|www\.|\.com\b|\.cn\b")
# Lines that close an article: what follows them is page furniture.
_FOOTER_MARK = re.compile(
    r"^(?:[（(【]?\s*)(?:来源[:：]|责任编辑|编辑[:：]|作者[:：]|扩展阅读|推荐阅读|相关阅读|相关文章|相关链接|相关新闻|"
    r"延伸阅读|上一篇|下一篇|热点推荐|相关推荐|相关阅读|猜你喜欢|分享到|点击查看全文)"
)
# A timestamped page-metadata line: 2022-02-10 15:47:19 字号: / … 作者:网络 来源: 浏览:
_PAGE_META = re.compile(
    r"^\s*\d{4}[-/年.]\d{1,2}[-/月.]\d{1,2}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"
    r"(?:\s*$|.*(?:字号|作者|来源|浏览|阅读|点击|发布))"
)
_BREADCRUMB = re.compile(r"(?:主页|首页|当前位置|您的位置).{0,20}>|>\s*.{1,12}\s*>")
_PHONE = re.compile(r"^[\s\d\-—+()（）]{7,}$")
_SITE_HEADER = re.compile(r"^\S{0,12}(?:网|频道|新闻)\S{0,6}正文$")
_SENT_END = re.compile(r"[。！？]")
# Words of the register the corpus is about; a header line without any is site chrome.
_REGISTER = re.compile(
    r"应急|安全|灾|救|防|管理|监管|厅|局|部|委|办|省|市|县|区|党|政府|书记|厅长|局长|主任|"
    r"工作|机制|体系|制度|综述|讲话|发言|报告|会议|改革|建设|一席谈|访|同志"
)


# Site slogans and ads carry clause punctuation or site words; a heading line has neither.
_PROMO = re.compile(r"[，,；;！!：:|]|网|推荐|热门|广告|下载|登录|注册|订阅|关注|客户端|APP|app")
# Four or more short items separated by bars is a menu, whatever its words (首页 | 政务公开 | 安全生产 | …).
_BAR_MENU = re.compile(r"^[^|｜。，]{1,10}(?:\s*[|｜]\s*[^|｜。，]{1,10}){3,}$")
# A run of three or more short items separated by blanks is a menu (首页 新闻 视频 图片).
_MENU = re.compile(r"^(?:\S{1,6}\s+){2,}\S{1,6}$")


def is_prose(line: str) -> bool:
    """A line of running text rather than a label, menu or widget."""
    s = line.strip()
    return len(s) >= 40 and (bool(_SENT_END.search(s)) or s.count("，") >= 2)


def _mentions_chrome_in_prose(s: str) -> bool:
    """A sentence of running text that only mentions a chrome phrase ("…不得擅自发布免责声明。").

    The footer's own lines either are no sentence ("版权所有：某某网 备案号：…"), open with the
    phrase as a label ("免责声明：本站…") or speak of the site (本站, 转载, 侵权: the data file).
    """
    statement, label, _, _ = _statement_rules()
    return bool(_SENT_END.search(s)) and len(s) >= 8 and not label.match(s) and not statement.search(s)


def classify_line(line: str) -> str | None:
    """The reason a single line is boilerplate wherever it stands, or None."""
    s = line.strip()
    if not s:
        return None
    if _PAGE_META.match(s):
        return "page-meta"
    if _CHROME.match(s):
        return "navigation"
    lower = s.lower()
    if _CHROME_START.match(s) or _CHROME_LATIN.search(lower) or (_URLISH.search(lower) and not is_prose(s)) \
            or (_CHROME_ALWAYS.search(s) and not _mentions_chrome_in_prose(s)) or _RATING.search(s):
        return "chrome"
    if len(s) < 60 and not _SENT_END.search(s):
        rules = _statement_rules()
        if len(s) <= 30 and rules[3].search(s):
            return "chrome"  # a share or QR-code widget ("长按识别二维码关注我们")
        if rules[2].match(s):
            return "breadcrumb"  # a trail written without ">" ("当前位置： 某某网首页 地区新闻 正文")
    if ">" in s and _BREADCRUMB.search(s) and len(s) < 60 and not _SENT_END.search(s):  # (both forms hold a >)
        return "breadcrumb"
    if _PHONE.match(s):
        return "contact"
    if _SITE_HEADER.match(s):
        return "site-header"
    if s.startswith("•") and len(s) <= 30 and not _SENT_END.search(s):
        return "menu"
    if _BAR_MENU.match(s):
        return "menu"
    return None


def find_boilerplate(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, reason)`` of every boilerplate line of ``text`` (end includes the newline)."""
    lines: list[tuple[int, int, str]] = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        lines.append((pos, pos + len(raw), raw))
        pos += len(raw)
    reasons: list[str | None] = [classify_line(raw) for _, _, raw in lines]

    prose = [i for i, (_, _, raw) in enumerate(lines) if reasons[i] is None and is_prose(raw)]
    # header: before the first prose line, drop short non-sentences outside the register
    # (site slogans, ads, column menus); a text with no prose at all has no header to drop
    first = prose[0] if prose else 0
    for i in range(first):
        s = lines[i][2].strip()
        if reasons[i] is None and s and len(s) < 60 and not _REGISTER.search(s) and not _SENT_END.search(s) \
                and (_PROMO.search(s) or _MENU.match(s)):
            reasons[i] = "header"
    # footer: from a closing marker after the last prose line, everything goes
    last = prose[-1] if prose else -1
    # (a footer closes an article: a chrome line above every line of content opens none)
    first_content = next((i for i, (_, _, raw) in enumerate(lines) if reasons[i] is None and raw.strip()), len(lines))
    for i in range(last + 1, len(lines)):
        s = lines[i][2].strip()
        if reasons[i] == "chrome" and first_content > i:
            continue
        if _FOOTER_MARK.match(s) or reasons[i] in ("chrome",):
            for j in range(i, len(lines)):
                if lines[j][2].strip() and reasons[j] is None:
                    reasons[j] = "footer"
            if reasons[i] != "page-meta":
                reasons[i] = "footer"
            break
    return [(s, e, reasons[i]) for i, (s, e, _) in enumerate(lines) if reasons[i]]

"""Officials: DocContext + Doc -> ``ctx.extraction.officials`` (OfficialMention).

Anchored on a run of titles (党委书记、厅长; 二级巡视员; 副局长 …, see
:data:`kg.extract.lexicon.TITLES`) with the 2–4 character name next to it, after
("厅长陶泽民", "厅长 符海东", "厅长马文涛：") or before ("符海东厅长"). A name starts with a
surname of :func:`kg.extract.lexicon.surnames`, is not a word jieba's dictionary knows as
something else (季度, 高度), and its length is decided by what follows it (a boundary,
a reporting verb 说/表示/带领 …, another known name of the document). Names without a Han
surname (Mongolian, Tibetan, Yi, Dai …: 那日松, 次仁旺堆) are read over jieba's tokens when a
cue closes them (see :func:`_name_without_surname`).

The body is the organization mention (:mod:`kg.extract.organizations`, run before) that
ends where the titles start, so it is already region-prefixed (省应急管理厅 -> 江西省应急管理厅);
else a region or bare level word with 委/政府 ("自治区党委书记" -> the document region).
Later mentions of an anchored name without a title ("马文涛说") are emitted with no titles.

Not officials: the central leadership cited in set phrases (a name next to 总书记 or another
central title is excluded everywhere in the document), editors, reporters and correspondents
(their roles are not titles here, and a name right after such a role is skipped), anonymised "X".
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import Optional

from kg.datafiles import entries
from kg.extract.lexicon import (
    CENTRAL_TITLE,
    MEDIA_ROLES,
    TITLE_PLAIN,
    is_own_level,
    jieba_tags,
    surname_length,
    token_bounds,
)
from kg.extract.spans import SpanSet, last_ending_at
from kg.models import OfficialMention
from kg.nlp.context import DocContext

_NAME_TAGS = {None, "nr", "nrfg", "nrt"}
# jieba tags of verbs, adverbs, conjunctions, prepositions, pronouns, particles, numerals, time words
_FUNCTION_TAGS = {"v", "vd", "vn", "vg", "d", "c", "p", "r", "u", "ad", "m", "q", "t", "f", "uj", "ul", "uz", "ug",
                  "ud", "uv", "y", "e", "o", "df", "dg", "rr", "rz", "mq"}
# Tags under which a surname character is more often a function word (都, 和, 于, 向); 张 (q),
# 万 (m) and 刘 (zg) are not among them.
_AMBIGUOUS_SURNAME_TAGS = {"d", "c", "p", "r", "u", "v", "vd", "ad", "uj", "ul", "uz", "ug", "ud", "uv", "y", "e",
                           "o", "df", "dg", "rr", "rz"}
# Characters that stand next to titles (particles, reporting verbs, the first characters of
# titles and bodies) and are not used in given names: "主任和副主任" has no name "和副".
_NOT_IN_NAME = set("的了与及或等在是对把被从向说讲称副厅局委办处署省市县区乡镇党")
# What follows a name: reporting and action verbs, particles, 同志.
_AFTER_NAME = re.compile(
    r"(?:说|表示|指出|强调|介绍|认为|要求|称|在|带领|率|率领|主持|出席|参加|题为|同志|一行|等|看来|作|做|讲话|"
    r"发言|代表|对|向|到|赴|深入|调研|检查|督导|和|与|及|、|的|也|还|就|已|从|将|为|被|把|是|会见|接受|批示|"
    r"签发|提出|部署|宣布|通报|总结|回答|答|谈|撰文|署名|一文|》|”|带队|率队|赶赴|前往|陪同|分别|亲自|专程|"
    r"第一时间|长期|多次|先后|随即|立即|坐镇|连夜|现场|听取|视察|慰问|调度|作出)"
)
# Tags of common words: after a surname that is also a preposition (向), such a word is its object
_COMMON_TAGS = _FUNCTION_TAGS | {"n", "vn", "a", "an", "s", "l", "i", "ns", "nt"}
_ONE_CHAR_AFTER = set("说在和与及等的也还就已从将为被把是对向到率称")
_BEFORE_NAME_OK = set("由和与、，。；：:“《（( \n是请经据向对任")
_ORG_FALLBACK = re.compile(r"(自治区|自治州|省|市|县|区)(党委|委|人民政府|政府)?$")


def _han(s: str) -> bool:
    return bool(s) and all("\u3400" <= c <= "\u9fff" for c in s)


def _valid_name(name: str, closed: bool = False, ambiguous: bool = False) -> bool:
    """``closed``: a boundary follows the name; ``ambiguous``: its surname is also a function word (向, 从),
    which the caller checks against its context."""
    sl = surname_length(name)
    if not sl or not 1 <= len(name) - sl <= 2 or not _han(name):
        return False
    if any(c in _NOT_IN_NAME for c in name[sl:]) or (name[0] in _NOT_IN_NAME and not ambiguous):
        return False
    tags = jieba_tags()
    if tags.get(name) not in _NAME_TAGS:
        return False  # 高度, 季度, 常态: words, not names
    if ambiguous and len(name) - sl == 2 and tags.get(name[sl:]) in _COMMON_TAGS:
        return False  # 向群众, 向社会: a preposition before a common word, not a surname before a given name
    # 强调要, 周密部: a name does not begin or end with a function word (names 王国强 and 高峰 pass); a
    # given name that is a word of the dictionary (为民 v, 建新) stands when a boundary closes the name
    return len(name) < 3 or (tags.get(name[:2]) not in _FUNCTION_TAGS
                             and (closed or tags.get(name[1:]) not in _FUNCTION_TAGS))


def _boundary(text: str, i: int) -> bool:
    return i >= len(text) or not ("\u3400" <= text[i] <= "\u9fff")


def _name_after(text: str, e: int, starts: set[int], known: set[str]) -> Optional[tuple[int, int]]:
    i = e + 1 if e < len(text) and text[e] in " 、" else e
    sl = surname_length(text[i:i + 4])
    if not sl:
        return None
    lengths = [sl + 2, sl + 1]
    for n in lengths:
        if i + n <= len(text) and text[i:i + n] in known:  # (at the text's end a slice is shorter than n)
            return i, i + n
    tags = jieba_tags()
    # 都, 和, 于 … are surnames and function words: "副主任都要参加" has no name "都要"
    ambiguous = tags.get(text[i:i + sl]) in _AMBIGUOUS_SURNAME_TAGS
    for n in lengths:
        cand = text[i:i + n]
        if len(cand) < n or not _valid_name(cand, _boundary(text, i + n), ambiguous):
            continue
        if n == sl + 2 and cand[-1] in _ONE_CHAR_AFTER and _valid_name(cand[:-1], False, ambiguous):
            continue  # 厅长张三说: the verb is not part of the name
        if _boundary(text, i + n):
            return i, i + n
        if _AFTER_NAME.match(text, i + n) and not (ambiguous and tags.get(cand[sl]) in _AMBIGUOUS_SURNAME_TAGS):
            return i, i + n
    if ambiguous:
        return None
    for n in lengths:  # no clear cue: the longest candidate jieba closes a word after
        cand = text[i:i + n]
        if len(cand) == n and _valid_name(cand) and i + n in starts:
            return i, i + n
    return None


# Tags of words that are never inside a name without a Han surname (verbs, adverbs, particles,
# numerals, time words …); the word after such a name is one of them or a boundary.
_INSIDE_NOT = {"v", "vd", "vn", "vi", "d", "ad", "p", "c", "r", "m", "t", "f", "y", "e", "o", "u", "uj", "ul", "uz",
               "ug", "ud", "uv", "df", "dg", "rr", "rz", "mq", "q"}
_NEXT_OK = {"v", "vd", "vi", "d", "ad", "p", "c", "f", "t"}
_WORD_NAME_TAGS = {None, "nr", "nrt", "nrfg", "ns"}
# One-character function words (jieba cuts transliterated names into single characters whose
# tags mean nothing there (根 is tagged p, 巴 ns); these few never stand in a name).
_SPELLED_WORD_TAGS = {None, "nr", "nrt", "nrfg"}
_FUNCTION_CHARS = set("的了着过是在和与及或等把被从向对将就也都还又再很更最不没所之其这那要会能可")


def _name_without_surname(text: str, e: int, token_starts: list[int], anchored: bool) -> Optional[tuple[int, int]]:
    """A name of two to five characters after a title that no Han surname starts: Mongolian,
    Tibetan, Yi, Dai … names (厅长那日松, 副厅长次仁旺堆带队, 二级巡视员阿苏拉且长期驻守).

    Read over jieba's tokens: no word of the name is a function word, verb or numeral (局长亲自
    带队, 厅长办公会议 have no name), a common noun of the dictionary is inside it only when the
    post is written with its body (``anchored``: 自治区应急管理厅副厅长次仁旺堆; not 组长年度例会
    召开), and the name is closed by a boundary, a title, or a verb, adverb or reporting word
    (带领, 说, 分别)."""
    i = e + 1 if e < len(text) and text[e] == " " else e
    k = bisect_left(token_starts, i)
    if k >= len(token_starts) or token_starts[k] != i or _boundary(text, i):
        return None
    tags = jieba_tags()
    end = i
    # 副厅长更登才旦带队: a transliterated name may begin with a character that alone is an adverb (更, 却);
    # with the post's body written, such a start is read as a name only over single characters and words
    # unknown to the dictionary or known as names (jieba's cut of a transliteration), three characters at
    # least, closed by a firm cue (厅长更要带头, 局长又到现场, 厅长还到长春调研 have no name)
    spelled = anchored and text[i] in _FUNCTION_CHARS \
        and text[i] not in _NOT_IN_NAME and tags.get(text[i]) in ("d", "ad")
    for j in range(k, min(k + 5, len(token_starts))):
        ts, te = token_starts[j], token_starts[j + 1] if j + 1 < len(token_starts) else len(text)
        w = text[ts:te]
        if w == "·" and end > i:  # 艾力·买买提 (a Uyghur name with its middle dot)
            end = te
            continue
        if spelled and te - ts != 1 and tags.get(w) not in _SPELLED_WORD_TAGS:
            return None  # a word of the dictionary, a place: 厅长更 | 加强, 厅长还到 | 长春
        if spelled and j == k:
            end = te
            continue
        if not _han(w) or any(c in _NOT_IN_NAME or c in _FUNCTION_CHARS for c in w):
            return None
        tag = tags.get(w)
        if len(w) > 1 and (tag in _INSIDE_NOT or tag not in _WORD_NAME_TAGS and not anchored):
            return None
        end = te
        if end - i > 5:
            return None
        if end - i < (3 if spelled else 2) or tags.get(text[i:end]) not in _WORD_NAME_TAGS:
            continue  # a dictionary word is no name (办公会议); it may start a longer one (宝音 + 德力格尔)
        if _boundary(text, end) or TITLE_PLAIN.match(text, end) or _AFTER_NAME.match(text, end):
            return i, end
        n = bisect_left(token_starts, end)
        if n < len(token_starts) and token_starts[n] == end:
            ne = token_starts[n + 1] if n + 1 < len(token_starts) else len(text)
            if tags.get(text[end:ne]) in _NEXT_OK and not (spelled and ne - end == 1):
                return i, end  # a one-character tag means nothing inside a spelled name (登 | 才 | 旦 of a name)
    return None


def _closed(text: str, end: int) -> bool:
    """A name ending at ``end`` is followed by a boundary, a title or a reporting/action word."""
    return _boundary(text, end) or bool(TITLE_PLAIN.match(text, end) or _AFTER_NAME.match(text, end))


def _name_before(text: str, s: int, starts: set[int], known: set[str]) -> Optional[tuple[int, int]]:
    j = s - 1 if s > 0 and text[s - 1] == " " else s
    for n in (4, 3, 2):
        if text[max(0, j - n):j] in known and j - n >= 0:
            return j - n, j
    for n in (3, 2, 4):
        i = j - n
        if i < 0:
            continue
        cand = text[i:j]
        if not _valid_name(cand, closed=True) or surname_length(cand) + 1 > n:  # the titles close the name
            continue
        left_ok = i == 0 or text[i - 1] in _BEFORE_NAME_OK or not ("\u3400" <= text[i - 1] <= "\u9fff")
        if left_ok and i in starts:
            return i, j
    return None


def _region_ending_at(ctx: DocContext, pos: int):
    return last_ending_at(ctx.extraction.regions, pos)  # (an index: a walk from the end is quadratic)


def _org_before(ctx: DocContext, pos: int) -> Optional[str]:
    """The body of a post whose titles start at ``pos``: an organization, a region, or a region's 委/政府."""
    o = last_ending_at(ctx.extraction.organizations, pos)
    if o is not None:
        return o.name
    r = _region_ending_at(ctx, pos)
    if r is not None:
        return r.name  # 江西省省长, 自治区主席
    if ctx.text[max(0, pos - 2):pos] in ("我厅", "本厅", "我局", "本局") and ctx.extraction.region is not None:
        # 我厅副厅长: the speaker's department, the document region's emergency body the text names
        own = [o.name for o in ctx.extraction.organizations
               if o.kind == "emergency" and o.name.startswith(ctx.extraction.region.name)
               and o.name.endswith(ctx.text[pos - 1])]
        if own:
            return max(set(own), key=own.count)
    m = _ORG_FALLBACK.search(ctx.text, max(0, pos - 8), pos)
    if m is None:
        return None
    r = _region_ending_at(ctx, m.end(1))
    if r is not None:  # 江西省委书记
        return r.name + (m.group(2) or "")
    region = ctx.extraction.region
    if is_own_level(m.group(1), region) and (m.start() == 0 or not ("\u3400" <= ctx.text[m.start() - 1] <= "\u9fff")):
        return region.name + (m.group(2) or "")  # 自治区党委书记, 省委书记: the document region's own
    return None


def _joined_runs(ctx: DocContext, runs: list[tuple[int, int, list[str]]]) -> list[tuple[int, int, list[str], int]]:
    """Runs of titles as (start, end, titles, start of the titles written after the body).

    A post held together with a post of a second body, "副市长、市森林防灭火指挥部总指挥", is one run
    (副省长, 指挥长); the body written next to the name is the body of the post."""
    text = ctx.text
    out: list[tuple[int, int, list[str], int]] = []
    for rs, re_, titles in runs:
        body = last_ending_at(ctx.extraction.organizations, rs)
        if body is not None and out and text[body.prov.start - 1:body.prov.start] == "、" \
                and out[-1][1] == body.prov.start - 1:
            prev = out.pop()
            out.append((prev[0], re_, prev[2] + titles, rs))
            continue
        out.append((rs, re_, titles, rs))
    return out


def _central_names(text: str) -> set[str]:
    """Names next to a central-leadership title (习近平总书记, 总书记习近平)."""
    out = set()
    for m in CENTRAL_TITLE.finditer(text):
        for n in (3, 2):
            before = text[max(0, m.start() - n):m.start()]
            if len(before) == n and surname_length(before) and _han(before):
                out.add(before)
                break
        after = text[m.end():m.end() + 3]
        if surname_length(after) and _han(after):
            out.add(after)
            out.add(after[:2])
    return out


def title_runs(text: str) -> list[tuple[int, int, list[str]]]:
    """Runs of titles (党委书记、厅长; 党组书记兼局长) as (start, end, titles in order).

    >>> title_runs("习近平总书记强调；省应急管理厅党委书记、厅长陶泽民")
    [(15, 22, ['党委书记', '厅长'])]
    """
    runs: list[tuple[int, int, list[str]]] = []
    for m in TITLE_PLAIN.finditer(text):
        s, e, t = m.start(), m.end(), m.group(0)
        if (t == "书记" and text[s - 1:s] == "总") or (t == "主席" and text[max(0, s - 2):s] in ("国家", "军委")):
            continue  # central-leadership titles
        if t in ("主席", "书记") and text[e:e + 1] in "台处员":
            continue  # 主席台, 书记处, 书记员
        if runs and (runs[-1][1] == s or (runs[-1][1] == s - 1 and text[s - 1] in "、兼")):
            runs[-1][2].append(t)  # (in place: a copy per title is quadratic in a long run)
            runs[-1] = (runs[-1][0], e, runs[-1][2])
        else:
            runs.append((s, e, [t]))
    return runs


_ATTENDING = re.compile("(?:" + "|".join(entries("officials_words.txt", "attending")) + r")(?:了)?(?:会议|活动|仪式|座谈会)?[。；！\s]*$")
_ACTING = re.compile("|".join(entries("officials_words.txt", "acting")))


def _attends(ctx: DocContext, end: int) -> bool:
    """The sentence of a name ending at ``end`` only has it attend (…、王某等参加会议。)."""
    _, se = ctx.sentence_of(end)
    rest = ctx.text[end:se]
    return bool(_ATTENDING.search(rest)) and not _ACTING.search(rest)


def _media_before(text: str, pos: int) -> bool:
    window = text[max(0, pos - 6):pos]
    return any(role in window for role in MEDIA_ROLES)


def extract(ctx: DocContext, doc) -> None:
    """Append one OfficialMention per anchored name, then one per later bare mention."""
    text = ctx.text
    start_list, starts, _ = token_bounds(doc, text)
    central = _central_names(text)
    runs = _joined_runs(ctx, title_runs(text))
    # first pass: names closed by a boundary are certain and decide the length elsewhere
    known: set[str] = set()
    for _, e, _, _ in runs:
        span = _name_after(text, e, starts, set()) or _name_without_surname(text, e, start_list, False)
        if span and (_boundary(text, span[1])):
            known.add(text[span[0]:span[1]])
    found: list[tuple[int, int, int, int, list[str], Optional[str], str]] = []
    for rs, re_, titles, post in runs:
        span = _name_after(text, re_, starts, known)
        rule = "officials.title_name"
        if span is None or not _closed(text, span[1]) and text[span[0]:span[1]] not in known:
            # no surname, or a surname reading with no cue after it (吉 | 克拉 | 博长期…): a longer
            # name closed by a cue wins (二级巡视员阿苏拉且长期驻守)
            alt = _name_without_surname(text, re_, start_list, _org_before(ctx, post) is not None)
            if alt is not None and (span is None or alt[1] > span[1]):
                span, rule = alt, "officials.title_name_nosurname"
        if span is None:
            span = _name_before(text, rs, starts, known)
            rule = "officials.name_title"
            if span is not None and titles[0] in ("主席", "副主席") and _org_before(ctx, span[0]) is None:
                continue  # "<name>主席" with no body before it: a state leader cited, not a post of the text
        if span is None:
            continue
        name = text[span[0]:span[1]]
        if name in central or _media_before(text, min(span[0], rs)):
            continue
        org = _org_before(ctx, post) if rule != "officials.name_title" else _org_before(ctx, span[0])
        start = min(span[0], rs)
        end = max(span[1], re_)
        found.append((start, end, span[0], span[1], titles, org, rule))
    names = {text[a:b] for _, _, a, b, _, _, _ in found}
    taken = SpanSet()  # (overlap tests look at nearby spans only: a scan of all is quadratic)
    for s, e, *_ in found:
        taken.add((s, e))
    for name in sorted(names, key=lambda n: (-len(n), n)):
        for m in re.finditer(re.escape(name), text):
            s, e = m.span()
            overlaps = taken.overlaps(s, e)
            if overlaps or (s not in starts and s > 0 and not _boundary(text, s - 1)):
                continue  # inside an anchored mention, or inside a word
            taken.add((s, e))
            found.append((s, e, s, e, [], None, "officials.name_repeat"))
    attending = {text[a:b] for _, _, a, b, *_ in found if _attends(ctx, b)}
    present_only = {n for n in attending if all(_attends(ctx, b) for _, _, a, b, *_ in found if text[a:b] == n)}
    found = [f for f in found if text[f[2]:f[3]] not in present_only]
    found.sort(key=lambda f: (f[0], f[1]))
    for start, end, ns, ne, titles, org, rule in found:
        ctx.extraction.officials.append(OfficialMention(
            prov=ctx.prov(start, end, rule), name=text[ns:ne], titles=titles, org=org))

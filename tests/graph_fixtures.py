"""Hand-made extractions shaped like the extractors' output, for the graph and export tests.

Input: nothing. Output: ``corpus()`` -> ``(list[DocumentExtraction], list[SourceMeta])``.
Texts are short versions of the seed documents (Hunan, X市, Jilin, Fujian, Zhejiang) plus a
second Zhejiang text and a second anonymised X市 text, so that the cross-document cases
exist: 浙江省 vs 浙江, one official in two texts, 双重预防机制 in two regions, 安委会 vs
安全生产委员会, two regions balancing 防与救 and 统与分, two regions' 死亡人数下降, two X市.
Offsets are real: every provenance quotes its span and sentence from the text.
"""

from __future__ import annotations

from kg.models import (
    Attribute,
    DocumentExtraction,
    DocumentRegion,
    DutyFormula,
    DutyPair,
    Event,
    MechanismMention,
    NumberedFormula,
    OfficialMention,
    OrganizationMention,
    PrinciplePair,
    Provenance,
    RegionMention,
    SourceMeta,
    Statistic,
)

_ENDS = "。！？\n"


class Text:
    """A document text that makes provenance for its substrings."""

    def __init__(self, doc_id: str, text: str):
        self.doc_id = doc_id
        self.text = text

    def prov(self, span: str, rule: str, nth: int = 0) -> Provenance:
        start = -1
        for _ in range(nth + 1):
            start = self.text.index(span, start + 1)
        end = start + len(span)
        ss = max(self.text.rfind(c, 0, start) for c in _ENDS) + 1
        ends = [i for c in _ENDS if (i := self.text.find(c, end)) >= 0]
        se = min(ends) + 1 if ends else len(self.text)
        sentence = self.text[ss:se]
        return Provenance(doc_id=self.doc_id, rule=rule, start=start, end=end, orig_start=start, orig_end=end,
                          quote=span, sentence=sentence, sentence_start=ss, sentence_quote=sentence)

    def attr(self, value: str, rule: str = "meta.title") -> Attribute:
        return Attribute(value=value, prov=self.prov(value, rule))


def hunan() -> tuple[DocumentExtraction, SourceMeta]:
    t = Text("000_hunan", "坚持双轮驱动 强化协同管理\n"
             "湖南省应急管理厅党委书记、厅长 李大剑。"
             "立足“综合防、协同抗、主导救、统筹助”推动相关部门“具体防、为主抗、支撑救、分工助”，努力破解体制机制中的难点问题。"
             "构建双重预防机制，强化源头管控。"
             "处理好“防”与“救”的关系，处理好“统”与“分”的关系。"
             "全省自然灾害受灾人口、因灾死亡失踪人口较近五年均值分别下降44.81%、87.12%。"
             "全省生产安全事故起数、死亡人数同比“双下降”。"
             "始终坚持“两个至上”。"
             "湖南省防汛抗旱指挥部办公室加强会商。")
    lead = ["综合防", "协同抗", "主导救", "统筹助"]
    support = ["具体防", "为主抗", "支撑救", "分工助"]
    ex = DocumentExtraction(
        doc_id=t.doc_id, file="000_hunan.txt",
        title=t.attr("坚持双轮驱动 强化协同管理"),
        region=DocumentRegion(name="湖南省", level="province", adcode="430000", method="byline",
                              evidence=[t.prov("湖南省应急管理厅党委书记、厅长 李大剑", "region.byline")]),
        regions=[
            RegionMention(prov=t.prov("湖南省", "region.gazetteer"), surface="湖南省", name="湖南省", level="province",
                          adcode="430000"),
            RegionMention(prov=t.prov("全省", "region.deictic"), surface="全省", name="湖南省", level="province",
                          adcode="430000"),
        ],
        officials=[OfficialMention(prov=t.prov("党委书记、厅长 李大剑", "official.title_name"), name="李大剑",
                                   titles=["党委书记", "厅长"], org="湖南省应急管理厅")],
        organizations=[
            OrganizationMention(prov=t.prov("湖南省应急管理厅", "org.suffix"), name="湖南省应急管理厅",
                                surface="湖南省应急管理厅", kind="emergency"),
            OrganizationMention(prov=t.prov("湖南省防汛抗旱指挥部办公室", "org.suffix"), name="湖南省防汛抗旱指挥部办公室",
                                surface="湖南省防汛抗旱指挥部办公室", kind="office"),
        ],
        mechanisms=[MechanismMention(prov=t.prov("双重预防机制", "mechanism.head"), name="双重预防机制", head="机制")],
        duty_formulas=[
            DutyFormula(prov=t.prov("综合防、协同抗、主导救、统筹助", "duty.formula"), holder=None, items=lead),
            DutyFormula(prov=t.prov("具体防、为主抗、支撑救、分工助", "duty.formula"), holder="相关部门", items=support),
        ],
        duty_pairs=[DutyPair(prov=t.prov("立足“综合防、协同抗、主导救、统筹助”推动相关部门“具体防、为主抗、支撑救、分工助”",
                                         "duty.pair"), phase=lead[i][-1], lead=lead[i], support=support[i])
                    for i in range(4)],
        principle_pairs=[
            PrinciplePair(prov=t.prov("“防”与“救”", "principle.yu"), a="防", b="救"),
            PrinciplePair(prov=t.prov("“统”与“分”", "principle.yu"), a="统", b="分"),
        ],
        numbered_formulas=[NumberedFormula(prov=t.prov("两个至上", "numbered.quoted"), name="两个至上", count=2)],
        statistics=[
            Statistic(prov=t.prov("自然灾害受灾人口", "statistic.respectively"), subject="自然灾害受灾人口", value=44.81,
                      unit="%", direction="下降", baseline="近五年均值"),
            Statistic(prov=t.prov("因灾死亡失踪人口", "statistic.respectively"), subject="因灾死亡失踪人口", value=87.12,
                      unit="%", direction="下降", baseline="近五年均值"),
            Statistic(prov=t.prov("生产安全事故起数", "statistic.direction"), subject="生产安全事故起数", direction="下降",
                      baseline="同比"),
            Statistic(prov=t.prov("死亡人数", "statistic.direction"), subject="死亡人数", direction="下降", baseline="同比"),
        ],
    )
    meta = SourceMeta(id=t.doc_id, file="000_hunan.txt", title="坚持双轮驱动 强化协同管理", region="湖南省",
                      date="2022-02-10", from_manifest=True)
    return ex, meta


def xcity() -> tuple[DocumentExtraction, SourceMeta]:
    t = Text("001_xcity", "在全市应急管理系统工作会上发言提纲\n"
             "X市应急管理局要发挥好应急管理部门“综合防、牵头救、统筹助”的作用。"
             "市安委会、X市应急委要统筹协调。"
             "健全安全生产双重预防工作机制。"
             "衔接好“防”与“救”的责任链条，处理好“统”与“分”的关系。"
             "全市生产安全事故起数、死亡人数持续下降。")
    ex = DocumentExtraction(
        doc_id=t.doc_id, file="001_xcity.txt",
        title=t.attr("在全市应急管理系统工作会上发言提纲"),
        region=DocumentRegion(name="X市", level="city", anonymized=True, method="mentions",
                              evidence=[t.prov("X市", "region.anonymized")]),
        regions=[RegionMention(prov=t.prov("X市", "region.anonymized"), surface="X市", name="X市", level="city",
                               anonymized=True)],
        organizations=[
            OrganizationMention(prov=t.prov("X市应急管理局", "org.suffix"), name="X市应急管理局", surface="X市应急管理局",
                                kind="emergency"),
            OrganizationMention(prov=t.prov("市安委会", "org.abbreviation"), name="X市安委会", surface="市安委会",
                                kind="committee", construction="abbreviation", full_name="市安全生产委员会"),
            OrganizationMention(prov=t.prov("X市应急委", "org.suffix"), name="X市应急委", surface="X市应急委",
                                kind="committee"),
        ],
        mechanisms=[MechanismMention(prov=t.prov("安全生产双重预防工作机制", "mechanism.head"),
                                     name="安全生产双重预防工作机制", head="机制")],
        duty_formulas=[DutyFormula(prov=t.prov("综合防、牵头救、统筹助", "duty.formula"), holder="应急管理部门",
                                   items=["综合防", "牵头救", "统筹助"])],
        principle_pairs=[
            PrinciplePair(prov=t.prov("“防”与“救”", "principle.yu"), a="防", b="救"),
            PrinciplePair(prov=t.prov("“统”与“分”", "principle.yu"), a="统", b="分"),
        ],
        statistics=[
            Statistic(prov=t.prov("生产安全事故起数", "statistic.direction"), subject="生产安全事故起数", direction="下降"),
            Statistic(prov=t.prov("死亡人数", "statistic.direction"), subject="死亡人数", direction="下降"),
        ],
    )
    return ex, SourceMeta(id=t.doc_id, file="001_xcity.txt", region="X市")


def jilin() -> tuple[DocumentExtraction, SourceMeta]:
    t = Text("002_jilin", "2019年吉林省应急管理工作综述\n"
             "吉林省应急管理厅厅长霍云成表示，全省事故起数、死亡人数同比分别下降。"
             "省防办加强值守。"
             "统筹“防”与“救”、“统”与“分”的关系。"
             "台风“利奇马”先后影响我省。"
             "推广吉林省驻企服务制度。"
             "吉林市应急管理局开展演练。")
    ex = DocumentExtraction(
        doc_id=t.doc_id, file="002_jilin.txt",
        title=t.attr("2019年吉林省应急管理工作综述"),
        date=t.attr("2019", "meta.year"),
        region=DocumentRegion(name="吉林省", level="province", adcode="220000", method="title",
                              evidence=[t.prov("吉林省", "region.title")]),
        regions=[
            RegionMention(prov=t.prov("吉林省", "region.gazetteer"), surface="吉林省", name="吉林省", level="province",
                          adcode="220000"),
            RegionMention(prov=t.prov("我省", "region.deictic"), surface="我省", name="吉林省", level="province",
                          adcode="220000"),
            RegionMention(prov=t.prov("吉林市", "region.gazetteer"), surface="吉林市", name="吉林市", level="city",
                          adcode="220200", province="吉林省"),
        ],
        officials=[OfficialMention(prov=t.prov("厅长霍云成", "official.title_name"), name="霍云成", titles=["厅长"],
                                   org="吉林省应急管理厅")],
        organizations=[
            OrganizationMention(prov=t.prov("吉林省应急管理厅", "org.suffix"), name="吉林省应急管理厅",
                                surface="吉林省应急管理厅", kind="emergency"),
            OrganizationMention(prov=t.prov("省防办", "org.abbreviation"), name="吉林省防汛抗旱指挥部办公室",
                                surface="省防办", kind="office", construction="abbreviation",
                                full_name="省防汛抗旱指挥部办公室"),
            OrganizationMention(prov=t.prov("吉林市应急管理局", "org.suffix"), name="吉林市应急管理局",
                                surface="吉林市应急管理局", kind="emergency"),
        ],
        mechanisms=[MechanismMention(prov=t.prov("吉林省驻企服务制度", "mechanism.head"), name="吉林省驻企服务制度",
                                     head="制度")],
        principle_pairs=[
            PrinciplePair(prov=t.prov("“防”与“救”", "principle.yu"), a="防", b="救"),
            PrinciplePair(prov=t.prov("“统”与“分”", "principle.yu"), a="统", b="分"),
        ],
        statistics=[
            Statistic(prov=t.prov("事故起数", "statistic.direction"), subject="事故起数", direction="下降", baseline="同比"),
            Statistic(prov=t.prov("死亡人数", "statistic.direction"), subject="死亡人数", direction="下降", baseline="同比"),
        ],
        events=[Event(prov=t.prov("台风“利奇马”", "event.typhoon"), name="利奇马", type="台风")],
    )
    return ex, SourceMeta(id=t.doc_id, file="002_jilin.txt", region="吉林省", date="2019")


def fujian() -> tuple[DocumentExtraction, SourceMeta]:
    t = Text("003_fujian", "扎实做好新时代福建特色应急管理工作\n"
             "福建省应急管理厅党委书记、厅长伍斌。"
             "健全双重预防机制。"
             "完善预警“叫应”机制。"
             "发挥安委会统筹作用。"
             "坚持“两个至上”。")
    ex = DocumentExtraction(
        doc_id=t.doc_id, file="003_fujian.txt",
        title=t.attr("扎实做好新时代福建特色应急管理工作"),
        region=DocumentRegion(name="福建省", level="province", adcode="350000", method="byline",
                              evidence=[t.prov("福建省应急管理厅党委书记、厅长伍斌", "region.byline")]),
        regions=[
            RegionMention(prov=t.prov("福建", "region.gazetteer"), surface="福建", name="福建省", level="province",
                          adcode="350000"),
            RegionMention(prov=t.prov("福建省", "region.gazetteer"), surface="福建省", name="福建省", level="province",
                          adcode="350000"),
        ],
        officials=[OfficialMention(prov=t.prov("党委书记、厅长伍斌", "official.title_name"), name="伍斌",
                                   titles=["党委书记", "厅长"], org="福建省应急管理厅")],
        organizations=[
            OrganizationMention(prov=t.prov("福建省应急管理厅", "org.suffix"), name="福建省应急管理厅",
                                surface="福建省应急管理厅", kind="emergency"),
            OrganizationMention(prov=t.prov("安委会", "org.abbreviation"), name="安委会", surface="安委会",
                                kind="committee", construction="abbreviation", full_name="安全生产委员会"),
        ],
        mechanisms=[
            MechanismMention(prov=t.prov("双重预防机制", "mechanism.head"), name="双重预防机制", head="机制"),
            MechanismMention(prov=t.prov("预警“叫应”机制", "mechanism.head"), name="预警“叫应”机制", head="机制"),
        ],
        numbered_formulas=[NumberedFormula(prov=t.prov("两个至上", "numbered.quoted"), name="两个至上", count=2)],
    )
    return ex, SourceMeta(id=t.doc_id, file="003_fujian.txt", region="福建省", date="2023-02-17")


def zhejiang() -> tuple[DocumentExtraction, SourceMeta]:
    t = Text("004_zhejiang", "突破难点全面拉动 提升应急防控能力\n"
             "浙江省应急管理厅党委书记、厅长凌志峰接受采访。"
             "浙江坚持处理好“统”与“分”、“防”与“救”的关系。"
             "全省推行预警叫应机制和驻企服务制度。"
             "抗击台风“利奇马”。"
             "落实安全生产委员会部署。")
    ex = DocumentExtraction(
        doc_id=t.doc_id, file="004_zhejiang.txt",
        title=t.attr("突破难点全面拉动 提升应急防控能力"),
        region=DocumentRegion(name="浙江省", level="province", adcode="330000", method="byline",
                              evidence=[t.prov("浙江省应急管理厅党委书记、厅长凌志峰", "region.byline")]),
        regions=[
            RegionMention(prov=t.prov("浙江省", "region.gazetteer"), surface="浙江省", name="浙江省", level="province",
                          adcode="330000"),
            RegionMention(prov=t.prov("浙江", "region.gazetteer", nth=1), surface="浙江", name="浙江省",
                          level="province", adcode="330000"),
            RegionMention(prov=t.prov("全省", "region.deictic"), surface="全省", name="浙江省", level="province",
                          adcode="330000"),
        ],
        # written with the short form, as a careless extractor might: resolution still finds 浙江省
        officials=[OfficialMention(prov=t.prov("党委书记、厅长凌志峰", "official.title_name"), name="凌志峰",
                                   titles=["党委书记", "厅长"], org="浙江应急管理厅")],
        organizations=[
            OrganizationMention(prov=t.prov("浙江省应急管理厅", "org.suffix"), name="浙江省应急管理厅",
                                surface="浙江省应急管理厅", kind="emergency"),
            OrganizationMention(prov=t.prov("安全生产委员会", "org.suffix"), name="安全生产委员会",
                                surface="安全生产委员会", kind="committee"),
        ],
        mechanisms=[
            MechanismMention(prov=t.prov("预警叫应机制", "mechanism.head"), name="预警叫应机制", head="机制"),
            MechanismMention(prov=t.prov("驻企服务制度", "mechanism.head"), name="驻企服务制度", head="制度"),
        ],
        principle_pairs=[
            PrinciplePair(prov=t.prov("“统”与“分”", "principle.yu"), a="统", b="分"),
            PrinciplePair(prov=t.prov("“防”与“救”", "principle.yu"), a="防", b="救"),
        ],
        events=[Event(prov=t.prov("台风“利奇马”", "event.typhoon"), name="台风“利奇马”", type="台风")],
    )
    return ex, SourceMeta(id=t.doc_id, file="004_zhejiang.txt", region="浙江省", date="2020-06-30")


def zhejiang2() -> tuple[DocumentExtraction, SourceMeta]:
    t = Text("005_zhejiang", "浙江省应急管理厅厅长凌志峰在全省会议上讲话。处理好“救”与“防”的关系。")
    ex = DocumentExtraction(
        doc_id=t.doc_id, file="005_zhejiang.txt",
        region=DocumentRegion(name="浙江省", level="province", adcode="330000", method="official",
                              evidence=[t.prov("浙江省应急管理厅厅长凌志峰", "region.official")]),
        regions=[RegionMention(prov=t.prov("浙江省", "region.gazetteer"), surface="浙江省", name="浙江省",
                               level="province", adcode="330000")],
        officials=[OfficialMention(prov=t.prov("厅长凌志峰", "official.title_name"), name="凌志峰", titles=["厅长"],
                                   org="浙江省应急管理厅")],
        organizations=[OrganizationMention(prov=t.prov("浙江省应急管理厅", "org.suffix"), name="浙江省应急管理厅",
                                           surface="浙江省应急管理厅", kind="emergency")],
        principle_pairs=[PrinciplePair(prov=t.prov("“救”与“防”", "principle.yu"), a="救", b="防")],
    )
    return ex, SourceMeta(id=t.doc_id, file="005_zhejiang.txt", title="凌志峰在全省应急管理工作会议上的讲话",
                          date="2020-03-16")


def xcity2() -> tuple[DocumentExtraction, SourceMeta]:
    t = Text("006_xcity", "X市应急管理局召开会议。全市死亡人数下降。")
    ex = DocumentExtraction(
        doc_id=t.doc_id, file="006_xcity.txt",
        region=DocumentRegion(name="X市", level="city", anonymized=True, method="mentions",
                              evidence=[t.prov("X市", "region.anonymized")]),
        regions=[RegionMention(prov=t.prov("X市", "region.anonymized"), surface="X市", name="X市", level="city",
                               anonymized=True)],
        organizations=[OrganizationMention(prov=t.prov("X市应急管理局", "org.suffix"), name="X市应急管理局",
                                           surface="X市应急管理局", kind="emergency")],
        statistics=[Statistic(prov=t.prov("死亡人数", "statistic.direction"), subject="死亡人数", direction="下降")],
    )
    return ex, SourceMeta(id=t.doc_id, file="006_xcity.txt")


def noregion() -> tuple[DocumentExtraction, SourceMeta]:
    """A text whose region nobody could infer: its statements hang on the Document node."""
    t = Text("007_noregion", "各地要健全双重预防机制。")
    ex = DocumentExtraction(
        doc_id=t.doc_id, file="007_noregion.txt",
        mechanisms=[MechanismMention(prov=t.prov("双重预防机制", "mechanism.head"), name="双重预防机制", head="机制")],
    )
    return ex, SourceMeta(id=t.doc_id, file="007_noregion.txt")


DOCUMENTS = (hunan, xcity, jilin, fujian, zhejiang, zhejiang2, xcity2, noregion)


def corpus(order: list[int] | None = None):
    """``(extractions, metas)`` of the fixture corpus, in ``order`` (indexes into DOCUMENTS)."""
    pairs = [f() for f in DOCUMENTS]
    if order is not None:
        pairs = [pairs[i] for i in order]
    return [ex for ex, _ in pairs], [m for _, m in pairs]

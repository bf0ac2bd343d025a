"""Typed models passed between the stages of kg.

load  ->  :class:`LoadedDocument`
normalise  ->  :class:`NormalisedDocument`
extract  ->  :class:`DocumentExtraction` (mention-level items, each with :class:`Provenance`)
summarise  ->  :class:`DocumentSummary` (the gold shape, one per document)

The graph stage consumes :class:`DocumentExtraction`. spaCy objects never leave
the NLP stage. JSON Schemas of these models live in ``schemas/`` (see
``kg.schema_export``), and a test fails when they are stale.
"""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

from kg.text.offsets import OffsetMap

RegionLevel = Literal["province", "city", "county"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --------------------------------------------------------------------------- sources
class SourceMeta(_Model):
    """What is known about a source before reading it (manifest row or inferred)."""

    id: str = Field(description="Stable document id: the manifest id, else the file stem")
    file: str = Field(description="File name relative to the sources directory")
    title: Optional[str] = None
    region: Optional[str] = None
    date: Optional[str] = None
    publisher: Optional[str] = None
    origin: Optional[str] = None
    from_manifest: bool = Field(False, description="True when a manifest row described this file")


class LoadedDocument(_Model):
    """A decoded source: the text exactly as written (HTML already reduced to its main text)."""

    meta: SourceMeta
    path: str
    text: str = Field(description="Decoded original text; provenance quotes come from here")
    encoding: str = Field(description="Encoding the bytes were decoded with")
    format: Literal["txt", "md", "html", "pdf", "docx"]
    sha256: str = Field(description="Hash of the raw bytes (cache key)")
    content: Optional[str] = Field(None, description="A web page's article text (text is then the page's "
                                                      "source), read by normalisation instead of text")
    content_map: Optional[OffsetMap] = Field(None, description="Where each character of content is in text")
    html: Optional[Literal["main", "fallback"]] = Field(
        None, description="How a web page's article was found: main text extraction, or the plain fallback")
    page_starts: Optional[list[int]] = Field(
        None, description="A PDF's pages: where each page starts in text (page 1 at 0); None for other formats")


class RemovedSpan(_Model):
    """A piece of the original text that normalisation dropped, and why."""

    orig_start: int
    orig_end: int
    reason: str
    text: str


class NormalisedDocument(_Model):
    """Text ready for extraction: pinyin readings stripped, simplified, boilerplate dropped."""

    meta: SourceMeta
    original: str = Field(description="LoadedDocument.text, kept for quoting")
    text: str
    offsets: OffsetMap
    removed: list[RemovedSpan] = Field(default_factory=list)
    sha256: str = ""
    page_starts: Optional[list[int]] = Field(None, description="LoadedDocument.page_starts (PDF pages)")

    def orig_span(self, start: int, end: int) -> tuple[int, int]:
        return self.offsets.orig_span(start, end)

    def quote(self, start: int, end: int) -> str:
        """The original text behind normalised ``[start, end)``."""
        s, e = self.offsets.orig_span(start, end)
        return self.original[s:e]


# --------------------------------------------------------------------------- provenance
class Provenance(_Model):
    """Where an extracted item comes from, down to the character."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    doc_id: str
    rule: str = Field(description="Extractor rule that produced the item, e.g. 'mechanism.head'")
    start: int = Field(description="Start offset in the normalised text")
    end: int = Field(description="End offset (exclusive) in the normalised text")
    orig_start: int = Field(description="Start offset in the original text")
    orig_end: int = Field(description="End offset (exclusive) in the original text")
    quote: str = Field(description="The span as written in the original text")
    sentence: str = Field(description="The normalised sentence containing the span")
    sentence_start: int = Field(description="Start offset of that sentence in the normalised text")
    sentence_quote: str = Field(description="That sentence as written in the original text")
    page: Optional[int] = Field(None, description="For a PDF source: the page (from 1) the quote starts on")


_PROV_FIELDS = frozenset(Provenance.model_fields)
_new_provenance = Provenance.__new__
_set = object.__setattr__
# what makes the direct construction below equal to model_construct (else it falls back to it)
_PLAIN_MODEL = (not Provenance.__pydantic_post_init__ and not Provenance.__private_attributes__
                and Provenance.model_config.get("extra") != "allow"
                and all(f.alias is None and f.validation_alias is None and (f.is_required() or n == "page")
                        for n, f in Provenance.model_fields.items()))


def trusted_provenance(fields: dict) -> Provenance:
    """``Provenance.model_construct(**fields)`` for a complete, trusted ``fields``, at a third of
    its cost: the state pydantic's model_construct sets on a model without aliases, defaults,
    extras, private attributes or post-init hook (as Provenance is), set directly. For
    values made by kg itself (the extractors, a build's own saved state), never for input.

    >>> f = dict(doc_id="d", rule="r", start=0, end=2, orig_start=0, orig_end=2, quote="应急",
    ...          sentence="应急。", sentence_start=0, sentence_quote="应急。")
    >>> p = trusted_provenance(f)
    >>> p == Provenance(**f) == Provenance.model_construct(**f), p.model_fields_set == set(f)
    (True, True)
    """
    if not _PLAIN_MODEL:
        return Provenance.model_construct(**fields)
    given = set(fields) if "page" not in fields else set(_PROV_FIELDS)
    if "page" not in fields:  # the one optional field (PDF sources only)
        fields = {**fields, "page": None}
    p = _new_provenance(Provenance)
    _set(p, "__dict__", fields)
    _set(p, "__pydantic_fields_set__", given)
    _set(p, "__pydantic_extra__", None)
    _set(p, "__pydantic_private__", None)
    return p


class Item(_Model):
    prov: Provenance


# --------------------------------------------------------------------------- items
class RegionMention(Item):
    surface: str = Field(description="As written (normalised): 湖南, 广西壮族自治区, X市")
    name: str = Field(description="Canonical full name: 湖南省; for anonymised regions as written")
    level: RegionLevel
    adcode: Optional[str] = None
    province: Optional[str] = Field(None, description="Canonical name of the province it lies in")
    anonymized: bool = False


class DocumentRegion(_Model):
    name: str
    level: RegionLevel
    anonymized: bool = False
    adcode: Optional[str] = None
    method: str = Field(description="How it was inferred: title, byline, official, mentions, manifest")
    evidence: list[Provenance] = Field(default_factory=list)


class OfficialMention(Item):
    name: str
    titles: list[str]
    org: Optional[str] = Field(None, description="Body the post is in, region-prefixed where written bare")


class OrganizationMention(Item):
    name: str = Field(description="Canonical form for the summary (region-prefixed / distributed head)")
    surface: str = Field(description="As written (normalised)")
    kind: str = Field(description="emergency | ministry | headquarters | committee | office | sector | actor | partner")
    construction: Literal["literal", "region_prefix", "distributed_head", "abbreviation"] = "literal"
    full_name: Optional[str] = Field(None, description="Expansion of an abbreviation (省防办 -> 省防汛抗旱指挥部办公室)")


class MechanismMention(Item):
    name: str
    head: str = Field(description="Head word: 机制, 体系, 制度, 平台, 工程 or 格局")


class DutyFormula(Item):
    holder: Optional[str] = None
    items: list[str]


class DutyPair(Item):
    phase: str
    lead: str
    support: str


class PrinciplePair(Item):
    a: str
    b: str


class NumberedFormula(Item):
    name: str
    count: Optional[int] = Field(None, description="The leading numeral's value, where it counts parts")
    expansion: list[str] = Field(default_factory=list, description="Parts, where the text spells them out")


class Statistic(Item):
    """A stated quantity: the figure as written (``value`` + ``unit``: 12.3 万人) and the same
    figure in base units (``normalized_value`` + ``normalized_unit``: 123000 人)."""

    subject: str
    value: Optional[float] = None
    unit: Optional[str] = None
    direction: Optional[str] = None
    baseline: Optional[str] = None
    normalized_value: Optional[float] = None
    normalized_unit: Optional[str] = None


class Event(Item):
    name: str
    type: str


class Attribute(Item):
    """A document-level value (title, date) with where it was found."""

    value: str


class DocumentExtraction(_Model):
    """Everything extracted from one document, mention by mention."""

    doc_id: str
    file: str
    html: Optional[Literal["main", "fallback"]] = Field(None, description="For a web page: how its article was found")
    title: Optional[Attribute] = None
    date: Optional[Attribute] = None
    region: Optional[DocumentRegion] = None
    regions: list[RegionMention] = Field(default_factory=list)
    officials: list[OfficialMention] = Field(default_factory=list)
    organizations: list[OrganizationMention] = Field(default_factory=list)
    mechanisms: list[MechanismMention] = Field(default_factory=list)
    duty_formulas: list[DutyFormula] = Field(default_factory=list)
    duty_pairs: list[DutyPair] = Field(default_factory=list)
    principle_pairs: list[PrinciplePair] = Field(default_factory=list)
    numbered_formulas: list[NumberedFormula] = Field(default_factory=list)
    statistics: list[Statistic] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)


# --------------------------------------------------------------------------- gold shape
class SummaryRegion(_Model):
    name: str
    level: Literal["province", "city", "county"]
    anonymized: bool


class SummaryOfficial(_Model):
    name: str
    titles: list[str]
    org: Optional[str]


class SummaryDutyFormula(_Model):
    holder: Optional[str]
    items: list[str]


class SummaryDutyPair(_Model):
    phase: str
    lead: str
    support: str


class SummaryPrinciplePair(_Model):
    a: str
    b: str


class SummaryStatistic(_Model):
    subject: str
    value: Optional[float]
    unit: Optional[str]
    direction: Optional[str]
    baseline: Optional[str]
    normalized_value: Optional[float] = None  # (not in the gold files: derived from value and unit)
    normalized_unit: Optional[str] = None


class SummaryEvent(_Model):
    name: str
    type: str


class DocumentSummary(_Model):
    """Document-level summary in exactly the shape of the gold files (see tests/data/gold)."""

    file: str
    title: Optional[str]
    region: Optional[SummaryRegion]
    date: Optional[str]
    officials: list[SummaryOfficial]
    organizations: list[str]
    mechanisms: list[str]
    duty_formulas: list[SummaryDutyFormula]
    duty_pairs: list[SummaryDutyPair]
    principle_pairs: list[SummaryPrinciplePair]
    numbered_formulas: list[str]
    statistics: list[SummaryStatistic]
    events: list[SummaryEvent]
    notes: str = ""

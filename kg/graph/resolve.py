"""Entity resolution across documents: which mentions are one node, and why.

Input: the corpus's ``(DocumentExtraction, SourceMeta)`` pairs (a first pass collects
region names, attested mechanism names and the orientation of principle pairs).
Output: for each mention a :class:`Resolved` (canonical name -> node id, display form,
written forms, the rule that merged it); :mod:`kg.graph.build` turns the rules into
:class:`~kg.graph.model.MergeRecord` entries.

Rules (every one is named in the merge records):

* ``region.canonical_name``: a region is its canonical name (浙江 -> 浙江省);
  ``region.deictic``: 我省/全省 written for the document's region (not kept as an alias);
  ``region.province_qualified``: a name the corpus places in two provinces (鼓楼区) is
  qualified by its province (福建省鼓楼区, 江苏省鼓楼区), so the two never merge.
  Anonymised regions (X市) are scoped to their document (``X市@<doc id>``): they never
  merge with a real region, nor with another document's X市.
* ``official.same_name``: one node per name.
* ``organization.abbreviation``: an abbreviation is its full name (安委会 -> 安全生产委员会);
  ``organization.region_prefix`` / ``organization.distributed_head``: the extractor's
  constructions (省应急管理厅 -> 吉林省应急管理厅; 气象、水利等部门 -> 气象部门);
  ``organization.region_name``: the region prefix is written canonically (浙江应急管理厅 ->
  浙江省应急管理厅); ``organization.bare_region_prefix``: a bare 省/市 prefix is the
  document's region (省防汛抗旱指挥部办公室 in a 吉林省 text -> 吉林省…); a bare prefix
  with no region to give it stays scoped to its document. Region-prefixed bodies keep
  their region, so 湖南省应急管理厅 and 吉林省应急管理厅 stay apart.
* ``mechanism.quotes`` / ``mechanism.scope_prefix`` / ``mechanism.region_prefix``: quotes,
  scope words (全省, 各级) and a region prefix do not make another mechanism; a region
  prefix is dropped only when the bare name is attested elsewhere in the corpus.
* ``principle.reversed``: 救与防 is 防与救 (the orientation written most often wins).
* ``event.type_prefix``, ``numbered.quotes``: 台风“利奇马” is 利奇马 (type 台风).

>>> strip_quotes("预警“叫应”机制")
'预警叫应机制'
>>> short_forms("广西壮族自治区"), short_forms("湖南省"), short_forms("X市")
(('广西',), ('湖南',), ())
>>> is_anonymized("X市"), is_anonymized("湖南省")
(True, False)
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Iterable, Mapping, Optional, Sequence

from kg.models import DocumentExtraction, OrganizationMention, Provenance, RegionMention, SourceMeta

_QUOTES = "“”‘’\"'「」『』"
_QUOTE_TABLE = str.maketrans("", "", _QUOTES)

# Division suffixes, longest first, so 自治区 wins over 区.
_LEVEL_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "省", "市", "县", "区", "州", "盟", "旗")
_SUFFIX_ALT = "|".join(_LEVEL_SUFFIXES)
_ANON_PREFIX_RE = re.compile(rf"(?:[XxＸｘ×*＊]{{1,3}}|某)(?:{_SUFFIX_ALT}|镇|乡|街道)")
# 我省, 全市, 本区, 省 ... refer to the document's own region without naming it.
_DEICTIC_RE = re.compile(rf"(?:[我本全该各此]|当地)?(?:{_SUFFIX_ALT})")
# Scope words in front of a mechanism name never belong to the name (guideline: stop at 全省/各级).
_SCOPE_RE = re.compile(r"^(?:(?:全|我|本)(?:省|市|区|县|州|国)|各级|各地|各类)+")
_LEVEL_OF_SUFFIX = {
    "特别行政区": "province", "自治区": "province", "省": "province",
    "自治州": "city", "地区": "city", "市": "city", "州": "city", "盟": "city",
    "自治县": "county", "自治旗": "county", "县": "county", "区": "county", "旗": "county",
}
# A bare prefix is a division word written alone in front of a body's name (省应急管理厅).
_BARE_MARKERS = ("自治区", "自治州", "省", "市", "县", "区", "州")


def strip_quotes(text: str) -> str:
    """``text`` without any quotation marks (the merge key of quoted names)."""
    return text.translate(_QUOTE_TABLE).strip()


@lru_cache(maxsize=1 << 16)
def _mechanism_key(name: str) -> str:
    """The key a mechanism name is attested by (names repeat across a corpus: worked out once)."""
    return strip_quotes(Resolver._mechanism_base(name)[0])


def quote_count(text: str) -> int:
    return sum(1 for ch in text if ch in _QUOTES)


def is_anonymized(name: str) -> bool:
    """True for an anonymised division name: X市, XX省, 某县."""
    return _ANON_PREFIX_RE.fullmatch(name) is not None


def is_deictic(form: str) -> bool:
    """True for 我省, 全市, 省 …: a reference to the document's region, not a name."""
    return _DEICTIC_RE.fullmatch(form) is not None


def level_from_name(name: str) -> Optional[str]:
    """Division level implied by the name's suffix (a fallback when no table says).

    >>> level_from_name("吉林省"), level_from_name("X市"), level_from_name("灵璧县")
    ('province', 'city', 'county')
    """
    for suffix in _LEVEL_SUFFIXES:
        if name.endswith(suffix):
            return _LEVEL_OF_SUFFIX[suffix]
    return None


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.dt.check_initialized()
    return jieba


@lru_cache(maxsize=4096)
def short_forms(name: str) -> tuple[str, ...]:
    """Short forms of a canonical region name (湖南省 -> 湖南, 延边朝鲜族自治州 -> 延边).

    One gazetteer serves extraction and resolution: the short form of the division table
    (:mod:`kg.extract.lexicon`); a name outside it (a province-qualified county, 福建省鼓楼区) is
    shortened by the same rule, at the level its suffix implies.
    """
    from kg.extract.lexicon import divisions_by_name, short_form

    if is_anonymized(name):
        return ()
    exact = [d for d in divisions_by_name().get(name, ()) if d.name == name]
    if exact:
        return (exact[0].short,) if exact[0].short else ()
    level = level_from_name(name)
    short = short_form(name, level) if level else None
    return (short,) if short else ()


def bare_marker(name: str) -> Optional[str]:
    """The bare division word a body's name starts with (省防办 -> 省), by jieba's first word.

    >>> bare_marker("省防汛抗旱指挥部办公室"), bare_marker("市场监督管理局"), bare_marker("区域应急救援中心")
    ('省', None, None)
    """
    if not name.startswith(_BARE_MARKERS):
        return None
    first = next(iter(_jieba().cut(name, HMM=False)), "")
    return first if first in _BARE_MARKERS and len(name) > len(first) else None


@lru_cache(maxsize=256)
def _division_name(adcode: str) -> Optional[str]:
    """Full name of the division with this adcode in the division table, if any."""
    from kg.extract.lexicon import divisions

    return next((d.name for d in divisions() if d.adcode == adcode), None)


def region_label(canonical: str) -> str:
    """Display name of a region canonical (drops the document scope of an anonymised one)."""
    return canonical.split("@", 1)[0]


def scoped(name: str, doc_id: str) -> str:
    """Canonical of a name that is only meaningful inside one document."""
    return f"{name}@{doc_id}"


@dataclass(frozen=True)
class Resolved:
    """How one mention maps to a node."""

    canonical: str  # node id = <Type>:<canonical>
    display: str  # candidate label (written form minus what resolution dropped)
    written: tuple[str, ...]  # the forms as written (alias candidates)
    rule: str  # how written -> canonical, e.g. "organization.abbreviation"
    region: Optional[str] = None  # canonical of the region the entity is bound to
    rules: tuple[str, ...] = ()  # a rule per written form, when they differ (else ``rule`` for all)


@dataclass(frozen=True)
class DocRegion:
    """A document's own region, resolved."""

    canonical: str
    name: str
    level: Optional[str]
    anonymized: bool
    adcode: Optional[str]
    method: str
    evidence: tuple[Provenance, ...]


def _rule(prefix: str, applied: Iterable[str], default: str = "same_name") -> str:
    applied = list(dict.fromkeys(applied))
    return "+".join(f"{prefix}.{a}" for a in applied) if applied else f"{prefix}.{default}"


@dataclass
class _RegionFacts:
    levels: Counter = field(default_factory=Counter)
    adcodes: Counter = field(default_factory=Counter)


_STATED = ("manifest", "curated")  # DocumentRegion methods of a region a person stated


@dataclass(frozen=True)
class DocFacts:
    """What resolution reads of one document: its region mentions, own region, manifest
    region, mechanism names and principle pairs (a small part of its extraction).

    The corpus-wide tables of :class:`Resolver` are made from these alone, so a build that
    keeps them per document can re-make the resolver without reading any extraction.
    """

    doc_id: str
    regions: tuple[tuple[str, str, bool, str, Optional[str], Optional[str]], ...]  # surface, name, anonymized, province, level, adcode
    region: Optional[Any]  # the extraction's DocumentRegion
    meta_region: Optional[str]
    mechanisms: tuple[str, ...]
    principles: tuple[tuple[str, str], ...]
    names: tuple[str, ...] = ()  # names whose region prefix resolution looks up (bodies, posts)
    # (field, manifest value, value in the text) where they disagree (for the build report only)
    disagree: tuple[tuple[str, str, str], ...] = ()

    @classmethod
    def of(cls, ex: DocumentExtraction, meta: SourceMeta) -> "DocFacts":
        names = {m.name for m in ex.organizations}
        names.update(strip_quotes(m.full_name) for m in ex.organizations if m.full_name)
        names.update(m.org.strip() for m in ex.officials if m.org)
        return cls(ex.doc_id,
                   tuple((m.surface, m.name, m.anonymized, m.province or "", m.level, m.adcode) for m in ex.regions),
                   ex.region, meta.region, tuple(m.name for m in ex.mechanisms),
                   tuple((p.a, p.b) for p in ex.principle_pairs), tuple(sorted(names)))


class Resolver:
    """Resolution rules, primed with what the whole corpus says (order-independent)."""

    def __init__(self, docs: Sequence[tuple[DocumentExtraction, SourceMeta]] = (),
                 facts: Optional[Sequence[DocFacts]] = None):
        """From the corpus's ``(extraction, meta)`` pairs, or from their :class:`DocFacts`."""
        facts = list(facts) if facts is not None else [DocFacts.of(ex, meta) for ex, meta in docs]
        # county names repeat across provinces (鼓楼区 in 福建省 and 江苏省): a name the corpus
        # places in two provinces is qualified by its province, so the two never merge
        provinces: dict[str, set[str]] = defaultdict(set)
        for f in facts:
            for _surface, name, anonymized, province, _level, _adcode in f.regions:
                if province and province != name and not (anonymized or is_anonymized(name)):
                    provinces[name].add(province)
        self._ambiguous = {name for name, ps in provinces.items() if len(ps) > 1}
        self._doc_forms: dict[str, dict[str, str]] = {}
        self._doc_anon: dict[str, set[str]] = {}
        corpus: dict[str, set[str]] = defaultdict(set)
        region_facts: dict[str, _RegionFacts] = defaultdict(_RegionFacts)
        for f in facts:
            forms: dict[str, str] = {}
            anon: set[str] = set()
            for surface, name, anonymized, province in sorted(r[:4] for r in f.regions):
                if anonymized or is_anonymized(name):
                    anon.update((surface, name))
                    continue
                canonical = self.qualified(name, province)
                forms.setdefault(name, canonical)
                corpus[name].add(canonical)
                if not is_deictic(surface):
                    forms.setdefault(surface, canonical)
                    corpus[surface].add(canonical)
            r = f.region
            if r is not None:
                if r.anonymized or is_anonymized(r.name):
                    anon.add(r.name)
                elif r.name not in forms:
                    # a short form (浙江) of a region the text names in full resolves to it
                    full = [n for n in sorted(set(forms.values())) if r.name in short_forms(n)]
                    forms[r.name] = full[0] if len(full) == 1 else r.name
                    corpus[r.name].add(forms[r.name])
            for _surface, name, anonymized, _province, level, adcode in f.regions:
                if not (anonymized or is_anonymized(name)):
                    region_facts[name].levels[level] += 1
                    if adcode:
                        region_facts[name].adcodes[adcode] += 1
            self._doc_forms[f.doc_id] = forms
            self._doc_anon[f.doc_id] = anon
        for name in sorted({n for names in corpus.values() for n in names}):
            for short in short_forms(name):
                corpus[short].add(name)
        # a written form names a region corpus-wide only if it names exactly one (吉林: 吉林省 or 吉林市?)
        self._corpus_forms = {form: next(iter(names)) for form, names in corpus.items() if len(names) == 1}
        self._facts = region_facts
        self._max_form = max((len(f) for f in self._corpus_forms), default=0)
        self._doc_regions = {f.doc_id: self._resolve_doc_region(f) for f in facts}
        self._mechanism_keys = {_mechanism_key(name) for f in facts for name in f.mechanisms}
        self._principle_orientation = self._orientations(facts)

    def affected(self, other: "Resolver", facts: Iterable[DocFacts]) -> set[str]:
        """The documents of ``facts`` whose mentions may resolve differently under ``other``.

        A document's resolution reads its own facts, its region and a few corpus-wide
        tables (county names placed in two provinces, region forms, attested mechanism
        names, principle orientations). Where a table differs, the documents that look up
        a differing entry are affected (a name starting with a changed region form, a
        mechanism ending in a changed name ...): a slight over-estimate, never an under-one.
        """
        forms = tuple(f for f in self._corpus_forms.keys() | other._corpus_forms.keys()
                      if self._corpus_forms.get(f) != other._corpus_forms.get(f))
        ambiguous = self._ambiguous ^ other._ambiguous
        mechanisms = tuple(self._mechanism_keys ^ other._mechanism_keys)
        pairs = {k for k in self._principle_orientation.keys() | other._principle_orientation.keys()
                 if self._principle_orientation.get(k) != other._principle_orientation.get(k)}
        # region prefixes nest (吉林省长春市…): a changed form may sit anywhere in a name
        form_re = re.compile("|".join(map(re.escape, sorted(forms, key=len, reverse=True)))) if forms else None
        out = set()
        for f in facts:
            d = f.doc_id
            if self._doc_regions.get(d) != other._doc_regions.get(d):
                out.add(d)
            elif ambiguous and any(r[1] in ambiguous for r in f.regions):
                out.add(d)
            elif pairs and any(frozenset((strip_quotes(a), strip_quotes(b))) in pairs for a, b in f.principles):
                out.add(d)
            elif mechanisms and any(strip_quotes(n).endswith(mechanisms) for n in f.mechanisms):
                out.add(d)
            elif form_re is not None and any(form_re.search(n) for n in (*f.names, *f.mechanisms)):
                out.add(d)
        return out

    # ------------------------------------------------------------------ regions
    def qualified(self, name: str, province: Optional[str]) -> str:
        """Canonical of a real region: its name, prefixed by its province if the name is ambiguous."""
        return f"{province}{name}" if province and name in self._ambiguous else name

    def region_canonical(self, form: str, doc_id: str) -> Optional[str]:
        """Canonical region named by ``form`` in document ``doc_id`` (None if unknown)."""
        if form in self._doc_anon.get(doc_id, ()) or is_anonymized(form):
            return scoped(form, doc_id)
        return self._doc_forms.get(doc_id, {}).get(form) or self._corpus_forms.get(form)

    def split_region_prefix(self, text: str, doc_id: str) -> Optional[tuple[str, str, str]]:
        """``(region canonical, prefix as written, rest)`` if ``text`` starts with a region name.

        Nested names give the innermost region: 吉林省长春市应急管理局 -> 长春市, "吉林省长春市", 应急管理局.
        """
        found = self._split_once(text, doc_id)
        if found is None:
            return None
        region, prefix, rest = found
        while (inner := self._split_once(rest, doc_id)) is not None:
            region, prefix, rest = inner[0], prefix + inner[1], inner[2]
        return region, prefix, rest

    def _split_once(self, text: str, doc_id: str) -> Optional[tuple[str, str, str]]:
        m = _ANON_PREFIX_RE.match(text)
        if m and len(text) - m.end() >= 2:
            return scoped(m.group(), doc_id), m.group(), text[m.end():]
        doc_forms = self._doc_forms.get(doc_id, {})
        longest = min(len(text) - 2, max(self._max_form, max((len(f) for f in doc_forms), default=0)))
        for n in range(longest, 1, -1):
            prefix = text[:n]
            canonical = doc_forms.get(prefix) or self._corpus_forms.get(prefix)
            if canonical is None:
                continue
            rest = text[n:]
            if prefix != canonical and text.startswith(region_label(canonical)) and len(text) > len(canonical):
                # 东胜区委, 江西省委: the full name then a one-character body (委), not 东胜 + 区委
                return canonical, canonical, text[len(canonical):]
            # 吉林 + 市应急管理局 is 吉林市's bureau, not 吉林省's: a short form followed by a
            # bare division word names another region, so do not split there.
            if prefix != canonical and bare_marker(rest):
                return None
            return canonical, prefix, rest
        return None

    def region(self, m: RegionMention, doc_id: str) -> Resolved:
        if m.anonymized or is_anonymized(m.name):
            return Resolved(scoped(m.name, doc_id), m.name, (m.surface,), "region.same_name_in_document",
                            scoped(m.name, doc_id))
        canonical = self.qualified(m.name, m.province)
        if canonical != m.name:
            rule = "region.province_qualified"
        elif m.surface == m.name:
            rule = "region.same_name"
        elif is_deictic(m.surface):
            rule = "region.deictic"
        else:
            rule = "region.canonical_name"
        return Resolved(canonical, canonical, (m.surface,), rule, canonical)

    def _resolve_doc_region(self, f: DocFacts) -> Optional[DocRegion]:
        if f.region is not None and f.region.method in _STATED:
            # stated by a person (kg.graph.corrections.prepare): level and code as the corpus gives them
            r = f.region
            found = self._resolve_doc_region(replace(f, region=None, meta_region=r.name))
            if found is not None:
                return replace(found, level=found.level or r.level, adcode=found.adcode or r.adcode,
                               method=r.method, evidence=tuple(r.evidence))
        if f.region is not None:
            r = f.region
            name = r.name if (r.anonymized or is_anonymized(r.name)) else (self.region_canonical(r.name, f.doc_id) or r.name)
            anonymized = r.anonymized or is_anonymized(name)
            return DocRegion(scoped(name, f.doc_id) if anonymized else name, name, r.level, anonymized,
                             r.adcode, r.method, tuple(r.evidence))
        if f.meta_region:
            name = f.meta_region
            anonymized = is_anonymized(name)
            if not anonymized:
                name = self.region_canonical(name, f.doc_id) or name
            facts = self._facts.get(name)
            level = majority(facts.levels) if facts else None
            adcode = majority(facts.adcodes) if facts else None
            return DocRegion(scoped(name, f.doc_id) if anonymized else name, name,
                             level or level_from_name(name), anonymized, adcode, "manifest", ())
        return None

    def doc_region(self, doc_id: str) -> Optional[DocRegion]:
        return self._doc_regions.get(doc_id)

    # ------------------------------------------------------------------ officials, organisations
    def official(self, name: str) -> Resolved:
        name = name.strip()
        return Resolved(name, name, (name,), "official.same_name")

    def _body(self, text: str, doc_id: str, region: Optional[str] = None) -> tuple[Optional[str], str, list[str]]:
        """``(region canonical, rest of the name, rules applied)`` of a body's name."""
        applied: list[str] = []
        rest = text
        split = self.split_region_prefix(text, doc_id)
        if split:
            region, prefix, rest = split
            if prefix != region_label(region):
                applied.append("region_name")
        marker = bare_marker(rest)
        if marker:
            doc_region = self.doc_region(doc_id)
            own = region or (doc_region.canonical if doc_region else None)
            if own is not None and region_label(own).endswith(marker):
                region, rest = own, rest[len(marker):]
                applied.append("bare_region_prefix")
            elif region is None and (parent := self._containing(doc_region, marker, doc_id)) is not None:
                region, rest = parent, rest[len(marker):]  # 省安委会 in a prefecture's text: its province's
                applied.append("parent_region_prefix")
            elif region is None:
                applied.append("bare_prefix_in_document")
        return region, rest, applied

    def _containing(self, doc_region: Optional[DocRegion], marker: str, doc_id: str) -> Optional[str]:
        """Canonical of the division above the document's region that a bare level word names
        (省 in a city's text: its province; 市/州/盟 in a county's text: its prefecture)."""
        if doc_region is None or doc_region.anonymized or not doc_region.adcode:
            return None
        code = doc_region.adcode
        if _LEVEL_OF_SUFFIX.get(marker) == "province" and doc_region.level in ("city", "county"):
            key = code[:2] + "0000"
        elif _LEVEL_OF_SUFFIX.get(marker) == "city" and doc_region.level == "county":
            key = code[:4] + "00"
        else:
            return None
        name = _division_name(key)
        if name is None or not name.endswith(marker):
            return None
        return self.region_canonical(name, doc_id) or name

    def organization(self, m: OrganizationMention | str, doc_id: str) -> Resolved:
        """Canonical body: full name, canonical region prefix, doc-scoped when the region is anonymous."""
        if isinstance(m, str):
            name, surface, full_name, construction = m, m, None, "literal"
        else:
            name, surface, full_name, construction = m.name, m.surface, m.full_name, m.construction
        region, rest, applied = self._body(name, doc_id)
        if full_name:
            full = self._body(strip_quotes(full_name), doc_id, region)
            if full[:2] != (region, rest):  # the expansion names the body more fully
                region, rest, applied = full[0], full[1], ["abbreviation", *full[2]]
        display = (region_label(region) if region else "") + rest
        if region is not None and "@" in region:
            canonical = scoped(display, region.split("@", 1)[1])
        elif "bare_prefix_in_document" in applied:
            canonical = scoped(display, doc_id)  # 省应急管理厅 of an unknown province: only this document's
        else:
            canonical = display
        # the surface form went through the extractor's construction (region prefix, distributed
        # head, abbreviation) before the resolution rules; the name only through the rules
        written, rules = [name], [_rule("organization", applied)]
        if surface and surface != name:
            written.append(surface)
            rules.append(_rule("organization", ([] if construction == "literal" else [construction]) + applied))
        return Resolved(canonical, display, tuple(written), rules[0], region, tuple(rules))

    # ------------------------------------------------------------------ mechanisms
    @staticmethod
    def _mechanism_base(name: str) -> tuple[str, list[str]]:
        applied = []
        display = name.strip()
        m = _SCOPE_RE.match(display)
        if m and len(display) - m.end() >= 3:
            display = display[m.end():]
            applied.append("scope_prefix")
        return display, applied

    def mechanism(self, name: str, doc_id: str) -> Resolved:
        display, applied = self._mechanism_base(name)
        split = self.split_region_prefix(display, doc_id)
        if split and strip_quotes(split[2]) in self._mechanism_keys:
            display = split[2]
            applied.append("region_prefix")
        key = strip_quotes(display)
        if key != display:
            applied.append("quotes")
        return Resolved(key, display, (name,), _rule("mechanism", applied))

    # ------------------------------------------------------------------ formulas, principles, events
    def numbered(self, name: str) -> Resolved:
        key = strip_quotes(name)
        display = name.strip().strip(_QUOTES)
        return Resolved(key, display, (name,), _rule("numbered", ["quotes"] if quote_count(display) else []))

    def event(self, name: str, event_type: str) -> Resolved:
        key = strip_quotes(name)
        applied = ["quotes"] if key != name.strip() else []
        if event_type and key.startswith(event_type) and len(key) > len(event_type):
            key = key[len(event_type):]
            applied.append("type_prefix")
        return Resolved(key, key, (name,), _rule("event", applied))

    @staticmethod
    def _orientations(facts: Sequence[DocFacts]) -> dict[frozenset, tuple[str, str]]:
        counts: dict[frozenset, Counter] = defaultdict(Counter)
        for f in facts:
            for pa, pb in f.principles:
                a, b = strip_quotes(pa), strip_quotes(pb)
                counts[frozenset((a, b))][(a, b)] += 1
        # the orientation written most often; a tie goes to the one that sorts first
        return {k: min(c, key=lambda ab: (-c[ab], f"{ab[0]}与{ab[1]}")) for k, c in counts.items()}

    def principle_pair(self, a: str, b: str) -> tuple[Resolved, str, str]:
        """The pair's resolution and its canonical poles ``(a, b)``."""
        a0, b0 = strip_quotes(a), strip_quotes(b)
        ca, cb = self._principle_orientation.get(frozenset((a0, b0)), (a0, b0))
        applied = ["reversed"] if (ca, cb) != (a0, b0) and a0 != b0 else []
        written = f"{a0}与{b0}"
        canonical = f"{ca}与{cb}"
        return Resolved(canonical, canonical, (written,), _rule("principle", applied, "same_pair")), ca, cb


def majority(counter: Mapping[Any, int]) -> Optional[Any]:
    """Most frequent non-None value; ties go to the smallest (order-independent)."""
    items = [(v, n) for v, n in counter.items() if v is not None]
    if not items:
        return None
    best = max(n for _, n in items)
    return min(v for v, n in items if n == best)

"""Per-document state shared by the extractor components.

A :class:`DocContext` rides on ``doc._.kg``. It holds the normalised document, its
sentences, and the :class:`~kg.models.DocumentExtraction` being filled, and it makes
:class:`~kg.models.Provenance` for any character span. Extractors work on character
offsets of ``ctx.text`` (== ``doc.text``); tokens are used where word boundaries
help, and offsets never depend on them.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from kg.io.pdf import page_of
from kg.models import DocumentExtraction, NormalisedDocument, Provenance, RemovedSpan, trusted_provenance
from kg.text.sentences import split_sentences


@dataclass
class DocContext:
    norm: NormalisedDocument
    extraction: DocumentExtraction = field(init=False)
    sentences: list[tuple[int, int]] = field(init=False)
    _sent_starts: list[int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.extraction = DocumentExtraction(doc_id=self.norm.meta.id, file=self.norm.meta.file)
        self.sentences = split_sentences(self.norm.text)
        self._sent_starts = [s for s, _ in self.sentences]

    @property
    def text(self) -> str:
        return self.norm.text

    @property
    def doc_id(self) -> str:
        return self.norm.meta.id

    def sentence_of(self, start: int, end: int | None = None) -> tuple[int, int]:
        """The sentence containing offset ``start`` (or the span up to ``end`` if it runs over)."""
        i = bisect_right(self._sent_starts, start) - 1
        if i < 0:
            s, e = 0, len(self.text)
        else:
            s, e = self.sentences[i]
        if end is not None and end > e:
            j = bisect_right(self._sent_starts, max(end - 1, start)) - 1
            e = max(e, self.sentences[j][1])
        return s, e

    def prov(self, start: int, end: int, rule: str) -> Provenance:
        """Provenance of normalised ``[start, end)``, produced by ``rule``."""
        text = self.norm.text
        if not 0 <= start <= end <= len(text):
            raise ValueError(f"{self.doc_id}: span ({start}, {end}) outside the text (rule {rule})")
        ss, se = self.sentence_of(start, end)
        ss, se = min(ss, start), max(se, end)
        span = self.norm.offsets.orig_span
        os_, oe = span(start, end)
        qs, qe = span(ss, se)
        original = self.norm.original
        # every field is computed here from checked offsets: skip pydantic's per-field validation
        # (this is the hottest constructor of the pipeline, one call per extracted mention)
        return trusted_provenance({
            "doc_id": self.norm.meta.id, "rule": rule, "start": start, "end": end, "orig_start": os_,
            "orig_end": oe, "quote": original[os_:oe], "sentence": text[ss:se], "sentence_start": ss,
            "sentence_quote": original[qs:qe],
            "page": page_of(self.norm.page_starts, os_) if self.norm.page_starts else None,
        })

    def prov_removed(self, removed: RemovedSpan, start: int, end: int, rule: str) -> Provenance:
        """Provenance of original ``[start, end)`` inside a line normalisation dropped.

        Used for page metadata (a web timestamp) that is evidence but not body text:
        the normalised span is empty (at offset 0) and the quote comes from the original.
        """
        line = self.norm.original[removed.orig_start:removed.orig_end]
        return Provenance(
            doc_id=self.doc_id, rule=rule, start=0, end=0, orig_start=start, orig_end=end,
            quote=self.norm.original[start:end], sentence="", sentence_start=0, sentence_quote=line.strip(),
            page=page_of(self.norm.page_starts, start) if self.norm.page_starts else None,
        )

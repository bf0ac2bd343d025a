"""Every kg extractor registered as a spaCy component, in one place.

A component is ``Doc -> Doc``: it runs one extractor on ``doc._.kg`` (a
:class:`~kg.nlp.context.DocContext`), which appends typed items to the document's
extraction, and mirrors the new items as ``doc.spans["kg.<name>"]`` (token-aligned
views for spaCy users; the exact character offsets stay on the items).

Each extraction field is also a Doc extension, ``doc._.kg_<field>`` (read-only, a view of
``doc._.kg.extraction``), so that a component declares what it reads (``requires``) and
what it fills (``assigns``) as spaCy's own factories do: :func:`check_order` runs spaCy's
``analyze_pipes`` and refuses an order where a component reads what no earlier one made
(officials read organizations, organizations read regions, regions read the title).
"""

from __future__ import annotations

from importlib import import_module
from typing import Callable

from spacy.language import Language
from spacy.tokens import Doc

from kg.errors import ExtractionError, PipelineError

# component name -> (module in kg.extract, extraction fields it fills, fields it reads that
# earlier components fill); order is pipeline order
EXTRACTORS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "kg_meta": ("meta", ("title", "date"), ()),
    "kg_regions": ("regions", ("regions", "region"), ("title",)),
    "kg_organizations": ("organizations", ("organizations",), ("regions", "region")),
    "kg_officials": ("officials", ("officials",), ("regions", "region", "organizations")),
    "kg_mechanisms": ("mechanisms", ("mechanisms",), ("regions",)),
    "kg_duties": ("duties", ("duty_formulas", "duty_pairs"), ()),
    "kg_principles": ("principles", ("principle_pairs",), ()),
    "kg_numbered": ("numbered", ("numbered_formulas",), ()),
    "kg_statistics": ("statistics", ("statistics",), ()),
    "kg_events": ("events", ("events",), ("regions",)),
}

if not Doc.has_extension("kg"):
    Doc.set_extension("kg", default=None)


def attr(field: str) -> str:
    """The Doc attribute, as spaCy names it in ``requires``/``assigns``, of extraction ``field``."""
    return f"doc._.kg_{field}"


def _field_getter(field: str) -> Callable[[Doc], object]:
    def get(doc: Doc) -> object:
        ctx = doc._.kg
        return None if ctx is None else getattr(ctx.extraction, field)

    return get


for _module, _fields, _ in EXTRACTORS.values():
    for _field in _fields:
        if not Doc.has_extension(f"kg_{_field}"):
            Doc.set_extension(f"kg_{_field}", getter=_field_getter(_field))


def check_order(nlp) -> None:
    """Raise :class:`~kg.errors.PipelineError` if a component of ``nlp`` runs before a
    component that assigns what it requires (spaCy's ``analyze_pipes``, made an error)."""
    problems = {name: attrs for name, attrs in nlp.analyze_pipes()["problems"].items() if attrs}
    if problems:
        raise PipelineError(problems)


def _component(name: str, module: str, fields: tuple[str, ...]) -> Callable[[Doc], Doc]:
    def run(doc: Doc) -> Doc:
        ctx = doc._.kg
        if ctx is None:
            raise ValueError(f"{name}: doc._.kg is not set; use kg.nlp.pipeline.extract_document()")
        extract = import_module(f"kg.extract.{module}").extract
        before = {f: len(v) for f in fields if isinstance(v := getattr(ctx.extraction, f), list)}
        try:
            extract(ctx, doc)
        except Exception as e:  # a bug in one extractor must name the document and the component
            raise ExtractionError(ctx.doc_id, name, f"{type(e).__name__}: {e}") from e
        spans = []
        for f, n in before.items():
            for item in getattr(ctx.extraction, f)[n:]:
                sp = doc.char_span(item.prov.start, item.prov.end, label=f, alignment_mode="expand")
                if sp is not None:
                    spans.append(sp)
        doc.spans[f"kg.{module}"] = spans
        return doc

    run.__name__ = name
    return run


for _name, (_module, _fields, _reads) in EXTRACTORS.items():
    if not Language.has_factory(_name):
        Language.component(_name, func=_component(_name, _module, _fields),
                           assigns=[attr(f) for f in _fields] + ["doc.spans"],
                           requires=[attr(f) for f in _reads])

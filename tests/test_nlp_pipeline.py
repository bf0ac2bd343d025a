"""The spaCy pipeline: the registered extractor factories, their order, and what each
declares it requires and assigns (checked, as spaCy's ``analyze_pipes`` does)."""

import importlib
import inspect
import re

import pytest
import spacy

from kg.errors import PipelineError
from kg.nlp import factories
from kg.nlp.pipeline import make_nlp
from kg.nlp.tokenizer import JiebaTokenizer
from tests.extract_helpers import seed_context
from tests.paths import SEEDS

# The pipeline as a build runs it: (component, requires, assigns), in order. A change here is a
# change of what the extractors exchange: update this on purpose, never to make the test pass.
PIPELINE = [
    ("kg_meta", [], ["doc._.kg_title", "doc._.kg_date", "doc.spans"]),
    ("kg_regions", ["doc._.kg_title"], ["doc._.kg_regions", "doc._.kg_region", "doc.spans"]),
    ("kg_organizations", ["doc._.kg_regions", "doc._.kg_region"], ["doc._.kg_organizations", "doc.spans"]),
    ("kg_officials", ["doc._.kg_regions", "doc._.kg_region", "doc._.kg_organizations"],
     ["doc._.kg_officials", "doc.spans"]),
    ("kg_mechanisms", ["doc._.kg_regions"], ["doc._.kg_mechanisms", "doc.spans"]),
    ("kg_duties", [], ["doc._.kg_duty_formulas", "doc._.kg_duty_pairs", "doc.spans"]),
    ("kg_principles", [], ["doc._.kg_principle_pairs", "doc.spans"]),
    ("kg_numbered", [], ["doc._.kg_numbered_formulas", "doc.spans"]),
    ("kg_statistics", [], ["doc._.kg_statistics", "doc.spans"]),
    ("kg_events", ["doc._.kg_regions"], ["doc._.kg_events", "doc.spans"]),
]


def test_the_pipeline_order_and_declarations_are_pinned():
    nlp = make_nlp()
    assert isinstance(nlp.tokenizer, JiebaTokenizer)
    got = [(name, list(nlp.get_pipe_meta(name).requires), list(nlp.get_pipe_meta(name).assigns))
           for name in nlp.pipe_names]
    assert got == PIPELINE


def test_the_registered_factories_are_the_pipeline():
    registered = sorted(k for k in spacy.registry.factories.get_all() if k.startswith("kg_"))
    assert registered == sorted(name for name, *_ in PIPELINE)
    assert list(factories.EXTRACTORS) == [name for name, *_ in PIPELINE]
    for name, requires, assigns in PIPELINE:
        meta = spacy.language.Language.get_factory_meta(name)
        assert (list(meta.requires), list(meta.assigns)) == (requires, assigns)


def test_spacy_finds_no_problem_in_the_production_order():
    assert not any(make_nlp().analyze_pipes()["problems"].values())


def _blank(names):
    nlp = spacy.blank("zh")
    for name in names:
        nlp.add_pipe(name)
    return nlp


def test_officials_before_organizations_is_reported():
    names = [name for name, *_ in PIPELINE]
    i, j = names.index("kg_organizations"), names.index("kg_officials")
    names[i], names[j] = names[j], names[i]
    with pytest.raises(PipelineError) as e:
        factories.check_order(_blank(names))
    assert e.value.problems == {"kg_officials": ["doc._.kg_organizations"]}
    assert "[E061]" in str(e.value) and "kg_officials needs doc._.kg_organizations" in str(e.value)


def test_a_pipeline_without_meta_is_reported():
    with pytest.raises(PipelineError) as e:
        factories.check_order(_blank([name for name, *_ in PIPELINE if name != "kg_meta"]))
    assert e.value.problems == {"kg_regions": ["doc._.kg_title"]}


def test_the_field_extensions_are_views_of_the_extraction():
    nlp = make_nlp()
    assert nlp.make_doc("某省应急管理厅厅长张明出席会议。")._.kg_regions is None  # no context yet
    ctx, doc = seed_context(SEEDS[0])
    assert doc._.kg_organizations is ctx.extraction.organizations


class _Reads:
    """``DocContext.extraction`` seen through a proxy that records each field read."""

    def __init__(self, real):
        object.__setattr__(self, "_real", real)
        object.__setattr__(self, "read", set())

    def __getattr__(self, field):
        self.read.add(field)
        return getattr(self._real, field)

    def __setattr__(self, field, value):
        setattr(self._real, field, value)


def test_requires_are_the_fields_each_extractor_reads():
    """The declarations are not wishes: run on every seed, no component reads a field (besides
    its own) that it does not require; and every field it requires is read in its module."""
    nlp = make_nlp()
    read: dict[str, set] = {name: set() for name in nlp.pipe_names}
    for path in SEEDS:
        ctx, doc = seed_context(path)
        real = ctx.extraction
        for name, proc in nlp.pipeline:
            ctx.extraction = proxy = _Reads(real)
            try:
                proc(doc)
            finally:
                ctx.extraction = real
            read[name] |= proxy.read
    for name in nlp.pipe_names:
        module, fields, reads = factories.EXTRACTORS[name]
        assert read[name] - set(fields) <= set(reads), name
        source = inspect.getsource(importlib.import_module(f"kg.extract.{module}"))
        for field in reads:
            assert re.search(rf"\bextraction\.{field}\b", source), (name, field)

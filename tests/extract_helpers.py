"""Helpers shared by the extractor tests: a Doc made by the production tokenizer with a DocContext for a text
or a seed, the seed's gold file, string normalisation for comparison, and F1.

``context``/``extract`` take an already normalised text (identity offset map); ``seed_context``
loads and normalises a seed document once per process.
"""

import json
import re
from functools import lru_cache

from kg.models import NormalisedDocument, SourceMeta
from kg.nlp.context import DocContext
from kg.text.offsets import TextBuffer
from tests.paths import GOLD


def nlp():
    """kg's production pipeline (:func:`kg.nlp.pipeline.make_nlp`: kg's tokenizer, jieba with kg's
    dictionary, every extractor), built once per process: tests tokenise as a build does."""
    from kg.nlp.pipeline import make_nlp

    return make_nlp()


def context(text: str, original: str | None = None):
    """(ctx, doc) for an already normalised ``text`` (identity offset map)."""
    norm = NormalisedDocument(meta=SourceMeta(id="t", file="t.txt"), original=text, text=text,
                              offsets=TextBuffer(text).freeze())
    ctx = DocContext(norm)
    doc = nlp().make_doc(text)
    doc._.kg = ctx
    return ctx, doc


def extract(module, text: str):
    ctx, doc = context(text)
    module.extract(ctx, doc)
    return ctx


@lru_cache(maxsize=None)
def _seed_norm(path):
    from kg.io.loader import load_document
    from kg.text.normalize import normalise

    return normalise(load_document(path))


def seed_context(path):
    ctx = DocContext(_seed_norm(path))
    doc = nlp().make_doc(ctx.text)
    doc._.kg = ctx
    return ctx, doc


def gold(path) -> dict:
    return json.loads((GOLD / (path.stem + ".json")).read_text(encoding="utf-8"))


def norm(s):
    """Strings compare with quotes unified and spaces removed."""
    if s is None:
        return None
    return re.sub(r"\s", "", re.sub(r"[“”‘’\"]", '"', s))


def f1(tp: int, npred: int, ngold: int) -> float:
    p = tp / npred if npred else 1.0
    r = tp / ngold if ngold else 1.0
    return 2 * p * r / (p + r) if p + r else 0.0

"""Build the spaCy pipeline and run it: NormalisedDocument -> DocumentExtraction.

``spacy.blank("zh")`` with a jieba tokenizer (:mod:`kg.nlp.tokenizer`, linear-time);
kg's domain dictionary is loaded into jieba first (jieba's state is global, and the
tokenizer uses it), then the extractor components are added in the order of
:data:`kg.nlp.factories.EXTRACTORS`.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from kg.models import DocumentExtraction, NormalisedDocument

USERDICT = "userdict.txt"


def load_domain_dictionary() -> None:
    """Add kg's domain terms (kg/data/userdict.txt) to jieba's global dictionary, once."""
    _load_dictionary_once()


@lru_cache(maxsize=1)
def _load_dictionary_once() -> None:
    import jieba

    jieba.setLogLevel(60)  # jieba prints its cache status to stderr otherwise
    path = resources.files("kg") / "data" / USERDICT
    with resources.as_file(path) as p:
        jieba.load_userdict(str(p))
    from kg.extract import lexicon  # terms the extractors know (regions, titles, bodies)

    for word, tag in lexicon.jieba_terms():
        jieba.add_word(word, freq=None, tag=tag)


@lru_cache(maxsize=1)
def make_nlp():
    """The shared pipeline (built once per process)."""
    import spacy

    from kg.nlp.tokenizer import JiebaTokenizer

    load_domain_dictionary()
    nlp = spacy.blank("zh")
    nlp.tokenizer = JiebaTokenizer(nlp.vocab)
    import kg.nlp.factories as factories

    for name in factories.EXTRACTORS:
        nlp.add_pipe(name)
    return nlp


def extract_document(norm: NormalisedDocument, nlp=None) -> DocumentExtraction:
    """Run every extractor on one normalised document."""
    from kg.nlp.context import DocContext

    nlp = nlp or make_nlp()
    doc = nlp.tokenizer(norm.text)  # not nlp(): its max_length guard exists for parsers we do not run
    doc._.kg = DocContext(norm)
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return doc._.kg.extraction

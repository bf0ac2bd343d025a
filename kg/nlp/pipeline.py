"""Build the spaCy pipeline and run it: NormalisedDocument -> DocumentExtraction.

``spacy.blank("zh")`` with the jieba segmenter; kg's domain dictionary is loaded
into jieba first (jieba's state is global, and spaCy's tokenizer uses it), then
the extractor components are added in the order of
:data:`kg.nlp.factories.EXTRACTORS`.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from kg.models import DocumentExtraction, NormalisedDocument

USERDICT = "userdict.txt"
MAX_CHARS = 2_000_000  # spaCy's guard; longer texts are processed in line-aligned parts


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

    load_domain_dictionary()
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.max_length = MAX_CHARS + 1
    import kg.nlp.factories as factories

    for name in factories.EXTRACTORS:
        nlp.add_pipe(name)
    return nlp


def make_doc(nlp, text: str):
    """Tokenise ``text``; texts over spaCy's length guard are tokenised in line-aligned parts."""
    if len(text) <= MAX_CHARS:
        return nlp.make_doc(text)
    from spacy.tokens import Doc

    parts, pos = [], 0
    while pos < len(text):
        cut = text.rfind("\n", pos, pos + MAX_CHARS)
        end = cut + 1 if cut > pos else min(pos + MAX_CHARS, len(text))
        parts.append(nlp.make_doc(text[pos:end]))
        pos = end
    return Doc.from_docs(parts, ensure_whitespace=False)


def extract_document(norm: NormalisedDocument, nlp=None) -> DocumentExtraction:
    """Run every extractor on one normalised document."""
    from kg.nlp.context import DocContext

    nlp = nlp or make_nlp()
    doc = make_doc(nlp, norm.text)
    doc._.kg = DocContext(norm)
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return doc._.kg.extraction

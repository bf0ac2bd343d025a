"""Build the spaCy pipeline and run it: NormalisedDocument -> DocumentExtraction.

``spacy.blank("zh")`` with a jieba tokenizer (:mod:`kg.nlp.tokenizer`, linear-time);
kg's domain dictionary is loaded into jieba first (jieba's state is global, and the
tokenizer uses it), then the extractor components are added in the order of
:data:`kg.nlp.factories.EXTRACTORS`, and that order is checked against what each
component declares it requires (:func:`kg.nlp.factories.check_order`).
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
    factories.check_order(nlp)
    return nlp


# A short text of the genre that sets every extractor going (regions, a post, bodies, a
# mechanism, duty pairs and formulas, a principle pair, a numbered formula, figures, an event).
_WARM_TEXT = (
    "某省应急管理厅党委书记、厅长张明：坚持“两个至上”，健全双重预防机制和灾害事故复盘机制。\n"
    "应急管理部门“综合防、协同抗、主导救、统筹助”，行业部门“具体防、为主抗、支撑救、分工助”。\n"
    "处理好防与救的关系。2023年全省生产安全事故起数同比下降12.5%，应对“7·20”暴雨灾害。\n"
)


@lru_cache(maxsize=1)
def warm_up() -> None:
    """Load the pipeline and run it once, so that what the extractors build on first use
    (compiled patterns, jieba's tag table, the division table) is built: worker processes
    forked afterwards inherit it instead of each building it again."""
    from kg.models import LoadedDocument, SourceMeta
    from kg.text.normalize import normalise

    meta = SourceMeta(id="warm-up", file="warm-up.txt")
    loaded = LoadedDocument(meta=meta, path="", text=_WARM_TEXT, encoding="utf-8", format="txt", sha256="")
    extract_document(normalise(loaded))


def extract_document(norm: NormalisedDocument, nlp=None) -> DocumentExtraction:
    """Run every extractor on one normalised document."""
    from kg.nlp.context import DocContext

    nlp = nlp or make_nlp()
    doc = nlp.tokenizer(norm.text)  # not nlp(): its max_length guard exists for parsers we do not run
    doc._.kg = DocContext(norm)
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return doc._.kg.extraction

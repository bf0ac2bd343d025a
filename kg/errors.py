"""One exception root for kg, a few subclasses, and the message texts in one place.

Every message names the file or value at fault, so a user reading a one-line
``Error: ...`` knows what to fix. Codes (``E0xx``) are stable and tested.
"""

from __future__ import annotations

from pathlib import Path


def shown(name: object) -> str:
    r"""A name (file, folder, document id) as a message prints it: as it is when every
    character prints as itself, else quoted with escapes, so that a newline, an escape
    sequence or a bidirectional override in a file name cannot forge or hide a line.

    >>> shown("湖南 2023.txt")
    '湖南 2023.txt'
    >>> print(shown("x\nBuilt out: 99 documents.txt"))
    'x\nBuilt out: 99 documents.txt'
    """
    text = str(name)
    return text if text.isprintable() else repr(text)


def one_line(text: str) -> str:
    r"""``text`` with every character that does not print as itself escaped (``\n``, ``\x1b``,
    ``\u202e``): what the command line prints is one line per message, whatever a source held.

    >>> one_line("skipped a\x1b[2J.txt: is empty")
    'skipped a\\x1b[2J.txt: is empty'
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


class KgError(Exception):
    """Root of every error kg raises on purpose."""

    code = "E000"

    def __init__(self, message: str):
        super().__init__(f"[{self.code}] {message}")
        self.message = message


class SourceError(KgError):
    """A source document cannot be read, decoded or understood.

    The build skips that document (reporting this message) and goes on.
    """

    code = "E010"
    #: the categories a build report counts skipped documents by
    KINDS = ("empty", "binary", "encoding", "too-large", "unreadable", "unsupported", "symlink", "no-text",
             "duplicate", "id-clash", "not-found", "timeout", "damaged")

    def __init__(self, path: str | Path, problem: str, kind: str = "unreadable"):
        if kind not in self.KINDS:
            raise ValueError(f"unknown SourceError kind {kind!r}")
        self.path = str(path)
        self.problem = problem
        self.kind = kind
        super().__init__(f"{shown(self.path)}: {problem}")


class ManifestError(KgError):
    """The manifest (sources/manifest.csv) is malformed or names a missing file."""

    code = "E020"

    def __init__(self, path: str | Path, problem: str, line: int | None = None):
        self.path = str(path)
        self.problem = problem
        self.line = line
        where = f"{shown(self.path)}:{line}" if line is not None else shown(self.path)
        super().__init__(f"{where}: {problem}")


class OutputError(KgError):
    """The output directory cannot be created or written."""

    code = "E030"

    def __init__(self, path: str | Path, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{shown(self.path)}: {problem}")


class OntologyError(KgError):
    """A node or relation does not fit the declared ontology (schemas/ontology.json)."""

    code = "E040"


class ExportError(KgError):
    """A graph cannot be written in the requested format."""

    code = "E050"


class ExtractionError(KgError):
    """An extractor failed on a document (a bug, reported with the document id)."""

    code = "E060"

    def __init__(self, doc_id: str, component: str, detail: str):
        self.doc_id = doc_id
        self.component = component
        super().__init__(f"{shown(doc_id)}: extractor {component!r} failed: {detail}")


class PipelineError(KgError):
    """The extractor components are in an order where one runs before what it reads is made."""

    code = "E061"

    def __init__(self, problems: dict[str, list[str]]):
        self.problems = problems
        said = "; ".join(f"{name} needs {', '.join(attrs)}, which no earlier component assigns"
                         for name, attrs in problems.items())
        super().__init__(f"pipeline order: {said}")


class GoldError(KgError):
    """A gold annotation file is not in the agreed shape."""

    code = "E070"

    def __init__(self, path: str | Path, problem: str):
        self.path = str(path)
        super().__init__(f"{shown(self.path)}: {problem}")


class QueryError(KgError):
    """A question the graph cannot answer as asked (bad argument, ambiguous name, no graph)."""

    code = "E080"


class UnknownNodeError(QueryError, LookupError):
    """A name or id that matches no node of the graph."""

    code = "E081"


class UnknownRegionError(UnknownNodeError):
    """A region name that matches no region of the graph."""

    code = "E082"


class UnknownEdgeError(QueryError, LookupError):
    """A (head, relation, tail) that is not an edge of the graph."""

    code = "E083"


class CorrectionsError(KgError):
    """The corrections file (sources/corrections.toml) is malformed: the build stops before any work,
    so nothing is ever built with half the corrections."""

    code = "E090"

    def __init__(self, path: str | Path, problem: str, line: int | None = None):
        self.path = str(path)
        self.problem = problem
        self.line = line
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {problem}")


class CorrectionTargetError(CorrectionsError):
    """A correction being written names a node or document the last build does not have."""

    code = "E091"


class StoreError(KgError):
    """The build's database (kg.sqlite) is missing, damaged or of another format."""

    code = "E095"

    def __init__(self, path: str | Path, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")

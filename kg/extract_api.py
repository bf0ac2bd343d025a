"""Library calls behind ``kg extract`` and ``kg eval``: files -> summaries.

>>> summaries, problems = summarise_files(["no/such/file.txt"])
>>> problems
['no/such/file.txt: cannot be read: No such file or directory']
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from kg.errors import KgError
from kg.models import DocumentSummary, SourceMeta


def summarise_files(files: Iterable[str | Path]) -> tuple[list[DocumentSummary], list[str]]:
    """Extract and summarise each file; problems are returned one line each, never raised."""
    from kg.build import process_document
    from kg.summary import summarise

    summaries, problems = [], []
    for f in files:
        path = Path(f)
        try:
            ex = process_document(path, SourceMeta(id=path.stem, file=path.name))
        except KgError as e:
            problems.append(e.message)
            continue
        summaries.append(summarise(ex))
    return summaries, problems

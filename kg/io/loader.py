"""Find and read source documents: sources directory -> LoadedDocument per file.

Supported: ``.txt``, ``.md``, ``.html``/``.htm``. Every problem with one file becomes
a :class:`~kg.errors.SourceError` for that file only; the others still load.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import KgError, SourceError, shown
from kg.io.encoding import decode_bytes
from kg.io.html import html_to_text, looks_like_html
from kg.io.manifest import MANIFEST_NAME, read_manifest
from kg.models import LoadedDocument, SourceMeta

SUFFIXES = {".txt": "txt", ".md": "md", ".html": "html", ".htm": "html"}
MAX_BYTES = 20 * 1024 * 1024  # default: a single "article" larger than this is a dump, not a document


@dataclass
class Discovery:
    """What a sources directory holds: the documents to load and the problems already found."""

    sources_dir: Path
    documents: list[tuple[Path, SourceMeta]] = field(default_factory=list)
    #: documents that cannot be loaded at all (manifest row without a file, id used twice)
    skipped: list[tuple[SourceMeta, SourceError]] = field(default_factory=list)
    #: problems with the manifest itself (the documents still load)
    problems: list[KgError] = field(default_factory=list)


def discover(sources_dir: str | Path) -> Discovery:
    """List the documents of ``sources_dir`` (sorted by file name) with their metadata."""
    root = Path(sources_dir)
    if not root.is_dir():
        raise SourceError(root, "is not a directory of sources", "not-found")
    found = Discovery(root)
    rows: dict[str, SourceMeta] = {}
    manifest = root / MANIFEST_NAME
    if manifest.exists():
        rows, found.problems[:0] = read_manifest(manifest)
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
                   and not any(part.startswith(".") for part in p.relative_to(root).parts))
    seen_ids: dict[str, str] = {}
    for path in files:
        rel = path.relative_to(root).as_posix()
        meta = rows.pop(rel, None) or SourceMeta(id=path.stem if "/" not in rel else rel.rsplit(".", 1)[0].replace("/", "__"), file=rel)
        if meta.id in seen_ids:
            found.skipped.append((meta, SourceError(path, f"document id {meta.id!r} is already used by {shown(seen_ids[meta.id])}", "id-clash")))
            continue
        seen_ids[meta.id] = rel
        found.documents.append((path, meta))
    for rel in sorted(rows):
        found.skipped.append((rows[rel], SourceError(root / rel, f"is named in {MANIFEST_NAME} but does not exist", "not-found")))
    return found


def load_document(path: str | Path, meta: SourceMeta | None = None, max_bytes: int = MAX_BYTES) -> LoadedDocument:
    """Read and decode one file; raises :class:`SourceError` naming the file on any problem."""
    path = Path(path)
    meta = meta or SourceMeta(id=path.stem, file=path.name)
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise SourceError(path, f"unsupported file type {path.suffix!r} (use .txt, .md or .html)", "unsupported")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise SourceError(path, f"is {size / 2**20:.1f} MB, over the {max_bytes / 2**20:g} MB limit for one "
                                    "document (raise it with --max-doc-mb)", "too-large")
        data = path.read_bytes()
    except PermissionError:
        raise SourceError(path, "cannot be read: permission denied") from None
    except OSError as e:
        raise SourceError(path, f"cannot be read: {e.strerror or e}") from None
    if not data.strip():
        raise SourceError(path, "is empty" if not data else "contains only whitespace", "empty")
    text, encoding = decode_bytes(data, str(path))
    if fmt != "html" and looks_like_html(text):
        fmt = "html"
    if fmt == "html":
        text = html_to_text(text)
    if not text.strip():
        raise SourceError(path, "has no text" + (" after removing HTML markup" if fmt == "html" else ""), "no-text")
    return LoadedDocument(meta=meta, path=str(path), text=text, encoding=encoding, format=fmt,
                          sha256=hashlib.sha256(data).hexdigest())

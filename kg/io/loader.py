"""Find and read source documents: sources directory -> LoadedDocument per file.

Supported: ``.txt``, ``.md``, ``.html``/``.htm``, ``.pdf`` (its text layer, :mod:`kg.io.pdf`; a
PDF without one, a scan, is skipped ``no-text``) and ``.docx`` (:mod:`kg.io.docx`). Every problem with one file becomes
a :class:`~kg.errors.SourceError` for that file only; the others still load.

Every entry of the sources folder is accounted for (:func:`discover`): a document, a
file skipped with its reason (``unsupported`` for .doc, .wps, images and any other
format, ``symlink`` for a symbolic link leading out of the folder), or one of the
files that are not documents (:data:`NOT_DOCUMENTS`: kg's own manifest, hidden files
and folders, the build's output folder when it lies inside).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from kg.errors import KgError, ManifestError, SourceError, shown
from kg.io.docx import DocxError, read_docx
from kg.io.encoding import decode_bytes
from kg.io.html import looks_like_html
from kg.io.webpage import read_page, redecode
from kg.io.manifest import CORRECTIONS_NAME, MANIFEST_NAME, read_manifest
from kg.io.pdf import UNMAPPED_LIMIT, PdfError, read_pdf, unmapped_share
from kg.models import LoadedDocument, SourceMeta

SUFFIXES = {".txt": "txt", ".md": "md", ".html": "html", ".htm": "html", ".pdf": "pdf", ".docx": "docx"}
MAX_BYTES = 20 * 1024 * 1024  # default: a single "article" larger than this is a dump, not a document

#: what the formats kg does not read are, for the reason a skipped file is given
FORMATS = {
    ".doc": "a Word 97-2003 document", ".docm": "a Word document",
    ".wps": "a WPS Writer document", ".rtf": "an RTF document", ".odt": "an OpenDocument text",
    ".ofd": "an OFD document", ".caj": "a CAJ document",
    ".xlsx": "a spreadsheet", ".xls": "a spreadsheet", ".et": "a WPS spreadsheet", ".ods": "a spreadsheet",
    ".csv": "a CSV table", ".pptx": "a presentation", ".ppt": "a presentation", ".dps": "a WPS presentation",
    ".png": "an image", ".jpg": "an image", ".jpeg": "an image", ".gif": "an image", ".bmp": "an image",
    ".tif": "an image", ".tiff": "an image", ".webp": "an image", ".svg": "an image",
    ".zip": "an archive", ".rar": "an archive", ".7z": "an archive", ".gz": "an archive", ".tar": "an archive",
    ".json": "a JSON file", ".xml": "an XML file",
}

#: roles of the entries that are not documents (build-report.json's ``other_files``)
NOT_DOCUMENTS = {
    "manifest": f"{MANIFEST_NAME}: the documents' metadata (top level only)",
    "corrections": f"{CORRECTIONS_NAME}: the corrections applied to the graph (top level only), never read as a document",
    "hidden": "a name starting with '.' (.git/, .DS_Store ...): never read, folders not entered",
    "output": "the build's own output folder, inside the sources folder: not entered",
}


def unsupported_reason(path: Path) -> str:
    """Why a file of a format kg does not read is skipped, naming the format."""
    suffix = path.suffix.lower()
    what = FORMATS.get(suffix, f"{suffix} files") if suffix else "a file without an extension"
    return f"unsupported format: {what}{f' ({suffix})' if suffix in FORMATS else ''}; kg reads .txt, .md, .html, .pdf and .docx"


@dataclass
class Discovery:
    """What a sources directory holds: the documents to load and the problems already found."""

    sources_dir: Path
    documents: list[tuple[Path, SourceMeta]] = field(default_factory=list)
    #: entries that are not loaded: manifest row without a file, id used twice, unsupported
    #: format, symbolic link out of the folder, not a regular file
    skipped: list[tuple[SourceMeta, SourceError]] = field(default_factory=list)
    #: problems with the manifest itself (the documents still load)
    problems: list[KgError] = field(default_factory=list)
    #: entries that are not documents: (path relative to the folder, "/" ending a folder; role
    #: in :data:`NOT_DOCUMENTS`)
    other: list[tuple[str, str]] = field(default_factory=list)


def _doc_id(rel: str) -> str:
    return Path(rel).stem if "/" not in rel else rel.rsplit(".", 1)[0].replace("/", "__")


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _walk(root: Path, follow_symlinks: bool, exclude: list[Path], found: Discovery) -> list[tuple[str, Path]]:
    """The files to consider as documents (relative path, path), in sorted order; every other
    entry goes to ``found.skipped`` or ``found.other``."""
    real_root = root.resolve()
    entered = {real_root}  # folders entered, by real path: a link loop is entered once
    files: list[tuple[str, Path]] = []

    def skip(rel: str, problem: str, kind: str) -> None:
        found.skipped.append((SourceMeta(id=_doc_id(rel), file=rel), SourceError(root / rel, problem, kind)))

    def visit(folder: Path, prefix: str) -> None:
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as e:
            skip(prefix.rstrip("/") or ".", f"folder cannot be read: {e.strerror or e}", "unreadable")
            return
        for entry in entries:
            rel = prefix + entry.name
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir()  # (follows a link)
                is_link = entry.is_symlink()
            except OSError:
                is_dir = is_link = False
            if entry.name.startswith("."):
                found.other.append((rel + ("/" if is_dir else ""), "hidden"))
                continue
            if is_dir and any(_inside(path.resolve(), x) for x in exclude):
                found.other.append((rel + "/", "output"))
                continue
            if not prefix and entry.name == MANIFEST_NAME and not is_dir:
                found.other.append((rel, "manifest"))
                continue
            if not prefix and entry.name == CORRECTIONS_NAME and not is_dir:
                found.other.append((rel, "corrections"))
                continue
            if is_link:
                target = path.resolve()
                if not target.exists():
                    skip(rel, "is a symbolic link to nothing (its target is missing)", "symlink")
                    continue
                if not follow_symlinks and not (not is_dir and _inside(target, real_root)):
                    where = "to a folder" if is_dir else "to a file outside the sources folder"
                    skip(rel, f"is a symbolic link {where}: not followed (--follow-symlinks reads it)", "symlink")
                    continue
            if is_dir:
                real = path.resolve()
                if real in entered:
                    skip(rel, "is a symbolic link to a folder already read (a loop)", "symlink")
                    continue
                entered.add(real)
                visit(path, rel + "/")
                continue
            try:
                regular = entry.is_file()
            except OSError:
                regular = False
            if not regular:
                skip(rel, "is not a regular file (a named pipe, socket or device)", "unsupported")
            elif path.suffix.lower() not in SUFFIXES:
                skip(rel, unsupported_reason(path), "unsupported")
            else:
                files.append((rel, path))

    visit(root, "")
    return files


def discover(sources_dir: str | Path, follow_symlinks: bool = False, exclude: Iterable[str | Path] = ()) -> Discovery:
    """List the documents of ``sources_dir`` (sorted by file name) with their metadata, and
    account for every other entry (see the module docstring). Symbolic links are read only
    when they lead to a file inside the folder, or with ``follow_symlinks``. Folders in
    ``exclude`` (the build's output) are not entered."""
    root = Path(sources_dir)
    if not root.is_dir():
        raise SourceError(root, "is not a directory of sources", "not-found")
    found = Discovery(root)
    rows: dict[str, SourceMeta] = {}
    manifest = root / MANIFEST_NAME
    if manifest.is_symlink() and not follow_symlinks and not _inside(manifest.resolve(), root.resolve()):
        # its titles and dates would reach the exports: the rule of every other link
        found.problems.append(ManifestError(manifest, "is a symbolic link out of the sources folder: ignored "
                                                      "(--follow-symlinks reads it)"))
    elif manifest.is_file():
        rows, found.problems[:0] = read_manifest(manifest)
    files = _walk(root, follow_symlinks, [Path(x).resolve() for x in exclude], found)
    files.sort(key=lambda item: item[1])  # the order documents have always been listed in
    seen_ids: dict[str, str] = {}
    for rel, path in files:
        meta = rows.pop(rel, None) or SourceMeta(id=_doc_id(rel), file=rel)
        if meta.id in seen_ids:
            found.skipped.append((meta, SourceError(path, f"document id {meta.id!r} is already used by {shown(seen_ids[meta.id])}", "id-clash")))
            continue
        seen_ids[meta.id] = rel
        found.documents.append((path, meta))
    listed = {m.file for m, _ in found.skipped} | {rel for rel, _ in found.other}
    for rel in sorted(rows):
        if rel in listed:  # (a row for a file skipped for its format or link: it exists)
            continue
        found.skipped.append((rows[rel], SourceError(root / rel, f"is named in {MANIFEST_NAME} but does not exist", "not-found")))
    return found


def load_document(path: str | Path, meta: SourceMeta | None = None, max_bytes: int = MAX_BYTES) -> LoadedDocument:
    """Read and decode one file; raises :class:`SourceError` naming the file on any problem."""
    path = Path(path)
    meta = meta or SourceMeta(id=path.stem, file=path.name)
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise SourceError(path, unsupported_reason(path), "unsupported")
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
    sha256 = hashlib.sha256(data).hexdigest()
    if fmt in ("pdf", "docx"):
        return _load_binary(path, meta, fmt, data, sha256)
    text, encoding = decode_bytes(data, str(path))
    if fmt != "html" and looks_like_html(text):
        fmt = "html"
    page = None
    if fmt == "html":  # the text stays the page's source; its article is read with a map into it
        text, encoding = redecode(data, text, encoding)
        page = read_page(text)
    if not (page.buffer.text if page else text).strip():
        raise SourceError(path, "has no text" + (" after removing HTML markup" if fmt == "html" else ""), "no-text")
    return LoadedDocument(meta=meta, path=str(path), text=text, encoding=encoding, format=fmt,
                          sha256=sha256,
                          content=page.buffer.text if page else None, content_map=page.buffer.freeze() if page else None,
                          html=page.mode if page else None)


def _load_binary(path: Path, meta: SourceMeta, fmt: str, data: bytes, sha256: str) -> LoadedDocument:
    """A PDF's text layer or a Word document's text: that extracted text is the document's
    original, the text every quote is a slice of."""
    starts = None
    try:
        if fmt == "pdf":
            text, starts = read_pdf(data)
        else:
            text = read_docx(data)
    except (PdfError, DocxError) as e:
        raise SourceError(path, str(e), "damaged") from None
    if not text.strip():
        why = ("has no text layer (a scanned PDF: its pages are images; kg does not run OCR)" if fmt == "pdf"
               else "has no text (no paragraph or table cell holds any)")
        raise SourceError(path, why, "no-text")
    if fmt == "pdf" and unmapped_share(text) >= UNMAPPED_LIMIT:
        raise SourceError(path, f"has a text layer that does not map to characters ({unmapped_share(text):.0%} of "
                                "its glyphs have no Unicode: fonts without a ToUnicode map); treated as no text",
                          "no-text")
    return LoadedDocument(meta=meta, path=str(path), text=text, encoding=fmt, format=fmt, sha256=sha256,
                          page_starts=starts)

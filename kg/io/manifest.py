"""The sources manifest: one row of metadata per document (all columns but ``file`` optional).

``sources/manifest.csv`` has the columns ``id,file,title,region,date,publisher,origin``.
A document without a row still loads, with its metadata inferred later; a row that
names a missing file, or a manifest that cannot be parsed, is reported and the
documents still load.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from kg.errors import ManifestError
from kg.models import SourceMeta

MANIFEST_NAME = "manifest.csv"
CORRECTIONS_NAME = "corrections.toml"  # beside the manifest (kg.io.corrections reads it): never a document
COLUMNS = ("id", "file", "title", "region", "date", "publisher", "origin")


def read_manifest(path: Path) -> tuple[dict[str, SourceMeta], list[ManifestError]]:
    """Rows keyed by file name, plus the problems found (never raises for bad rows)."""
    problems: list[ManifestError] = []
    try:
        raw = path.read_bytes()
    except OSError as e:
        return {}, [ManifestError(path, f"cannot be read: {e.strerror or e}")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        return {}, [ManifestError(path, f"is not UTF-8 (bad byte at {e.start}); manifest ignored")]
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        header = reader.fieldnames or []
        if "file" not in header:
            return {}, [ManifestError(path, f"has no 'file' column (columns: {', '.join(header) or 'none'}); manifest ignored", 1)]
        unknown = [c for c in header if c not in COLUMNS]
        if unknown:
            problems.append(ManifestError(path, f"unknown columns ignored: {', '.join(unknown)}", 1))
        rows: dict[str, SourceMeta] = {}
        for row in reader:
            line = reader.line_num
            if None in row or any(v is None for v in row.values()):
                problems.append(ManifestError(path, "row has a different number of fields than the header; row ignored", line))
                continue
            file = (row.get("file") or "").strip()
            if not file:
                problems.append(ManifestError(path, "row has an empty 'file'; row ignored", line))
                continue
            if file in rows:
                problems.append(ManifestError(path, f"file {file!r} is listed twice; the later row is ignored", line))
                continue
            values = {c: (row.get(c) or "").strip() or None for c in COLUMNS if c != "file"}
            values["id"] = values["id"] or Path(file).stem
            rows[file] = SourceMeta(file=file, from_manifest=True, **values)
    except csv.Error as e:
        return {}, [ManifestError(path, f"is not valid CSV: {e}; manifest ignored")]
    return rows, problems

"""Every file of ``schemas/``, generated from the pydantic models: the stage models,
the graph ontology and the node-link JSON schema; and the store's tables (``kg-store.sql``).

``python -m kg.schema_export schemas`` rewrites them; a test fails when the committed
files are stale.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import TypeAdapter

from kg.models import DocumentExtraction, DocumentSummary, LoadedDocument, NormalisedDocument, SourceMeta

SCHEMAS = {
    "source-meta.schema.json": SourceMeta,
    "loaded-document.schema.json": LoadedDocument,
    "normalised-document.schema.json": NormalisedDocument,
    "document-extraction.schema.json": DocumentExtraction,
    "document-summary.schema.json": DocumentSummary,
    "extract-output.schema.json": list[DocumentSummary],
}


def render_schemas() -> dict[str, str]:
    """File name -> schema text (deterministic: sorted keys, UTF-8, trailing newline)."""
    out = {}
    for name, model in SCHEMAS.items():
        schema = TypeAdapter(model).json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema.setdefault("title", name.removesuffix(".schema.json"))
        out[name] = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    from kg.graph.ontology import render_graph_schemas  # the ontology and node-link JSON schemas
    from kg.io.corrections import file_schema

    out.update(render_graph_schemas())
    schema = file_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    out["corrections.schema.json"] = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    from kg.store.schema import STORE_SCHEMA_FILE, render_store_schema  # kg.sqlite's tables

    out[STORE_SCHEMA_FILE] = render_store_schema()
    return out


def write_schemas(directory: str | Path) -> list[Path]:
    from kg.io.atomic import atomic_write_text

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render_schemas().items():
        atomic_write_text(directory / name, text)
        written.append(directory / name)
    return written


if __name__ == "__main__":  # pragma: no cover
    for p in write_schemas(sys.argv[1] if len(sys.argv) > 1 else "schemas"):
        print(p)

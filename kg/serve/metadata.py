"""Datasette metadata for ``kg.sqlite``: a title and description for every table and column,
and the canned queries.

Descriptions come from where kg already writes them: a table's from the table of tables in
:mod:`kg.store`'s docstring, a column's from the parenthesis after it there, else from the
field of the ontology's or the provenance model that the column stores; the few columns
neither describes are described in :data:`_COLUMNS`. Every canned query's parameters are
optional (an empty field matches everything).
"""

from __future__ import annotations

import re
from functools import lru_cache

import kg.store
from kg.graph.ontology import DocumentNode, EdgeBase, NodeBase, node_attributes, NODE_TYPES
from kg.models import Provenance
from kg.store.schema import TABLES

DATABASE = "kg"

TITLES = {
    "meta": "Build facts", "documents": "Documents", "sentences": "Evidence sentences",
    "mentions": "Mentions", "nodes": "Nodes", "edges": "Edges", "node_evidence": "Node evidence",
    "edge_evidence": "Edge evidence", "merges": "Entity-resolution merges",
}

# columns that neither kg.store's docstring nor a model describes
_COLUMNS = {
    ("meta", "key"): "Name of the fact",
    ("meta", "value"): "Its value",
    ("documents", "id"): "Document id: what sentences, mentions and the nodes' docs cite",
    ("mentions", "doc_id"): "Id of the document",
    ("mentions", "n"): "Number of the mention in its document (the n of its id)",
    ("mentions", "sentence_id"): "Id of the sentence it lies in (sentences.id)",
    ("sentences", "doc_id"): "Id of the document",
    ("sentences", "start"): "Start offset of the sentence in the normalised text",
    ("sentences", "end"): "End offset (exclusive) of the sentence in the normalised text",
    ("nodes", "id"): "Node id: Type:name",
    ("edges", "source"): "Id of the head node",
    ("edges", "target"): "Id of the tail node",
    ("node_evidence", "node_id"): "Id of the node",
    ("node_evidence", "mention_id"): "Id of a mention behind it (mentions.id)",
    ("edge_evidence", "edge_id"): "Id of the edge (edges.id)",
    ("edge_evidence", "mention_id"): "Id of a mention behind it (mentions.id)",
    ("merges", "node_id"): "Id of the node kept",
    ("merges", "alias"): "Written form merged into it",
    ("merges", "rule"): "Rule that decided the merge",
    ("merges", "doc_id"): "Document the alias was written in",
}

_ROW = re.compile(r"^``(\w+)``\s+(.*)$")
_COLUMN = re.compile(r"``(\w+)``(?: \(((?:[^()]|\([^()]*\))*)\))?")


def _strip_rst(text: str) -> str:
    return re.sub(r":\w+:`~?([^`]+)`", r"\1", text).replace("``", "").strip()


@lru_cache(maxsize=1)
def store_table_docs() -> dict[str, tuple[str, dict[str, str]]]:
    """Table -> (its description, column -> the parenthesis after it) from kg.store's docstring."""
    out: dict[str, list[str]] = {}
    current = None
    for line in (kg.store.__doc__ or "").splitlines():
        if line.startswith("="):
            continue
        m = _ROW.match(line)
        if m and m.group(1) in TABLES or (m and m.group(1) == "sentences_fts"):
            current = m.group(1)
            out[current] = [m.group(2)]
        elif current and line.startswith(" " * 10) and line.strip():
            out[current].append(line.strip())
        else:
            current = None
    docs = {}
    for table, parts in out.items():
        text = " ".join(parts)
        columns = {c: _strip_rst(d) for c, d in _COLUMN.findall(text) if d}
        docs[table] = (_strip_rst(text), columns)
    return docs


def _model_description(table: str, column: str) -> str | None:
    models = {"documents": (DocumentNode,), "nodes": (NodeBase,), "edges": (EdgeBase,),
              "mentions": (Provenance,), "sentences": (Provenance,)}.get(table, ())
    alias = {("sentences", "text"): "sentence_quote", ("sentences", "normalised"): "sentence"}
    name = alias.get((table, column), column)
    for model in models:
        field = model.model_fields.get(name)
        if field is not None and field.description:
            return field.description
    return None


def _attributes_description() -> str:
    parts = []
    for t in NODE_TYPES:
        own = [a for a in node_attributes(t) if a not in NodeBase.model_fields and a != "type"]
        if own:
            parts.append(f"{t}: {', '.join(own)}")
    return "JSON object of the node type's other attributes (json_extract(attributes, '$.name')): " + "; ".join(parts)


def column_description(table: str, column: str) -> str:
    if (table, column) == ("nodes", "attributes"):
        return _attributes_description()
    if (table, column) == ("edges", "attributes"):
        return "JSON object of the relation's other attributes (position, phase, titles)"
    if (table, column) in _COLUMNS:
        return _COLUMNS[(table, column)]
    from_store = store_table_docs().get(table, ("", {}))[1].get(column)
    model = _model_description(table, column)
    text = model or from_store
    if model and from_store and from_store not in model:
        text = f"{model} ({from_store})"
    if not text:
        raise KeyError(f"no description of {table}.{column}")  # a new column: describe it here
    return text


def _title(column: str) -> str:
    return column.replace("_", " ").capitalize()


# --------------------------------------------------------------------------- canned queries
# Each: title, description, SQL. Parameters default to '' (Datasette's), which matches all.
QUERIES: dict[str, dict[str, str]] = {
    "duty_formulas": {
        "title": "Duty formulas by region and phase",
        "description": "Each region's duty formulas (综合防、协同抗 …) item by item: the duty, its phase "
                       "(防/抗/救/助), its role (lead/support) and the documents. Filter by region or phase.",
        "sql": """SELECT r.label AS region, f.label AS formula, json_extract(i.attributes, '$.position') AS position,
  d.label AS duty, json_extract(d.attributes, '$.phase') AS phase, json_extract(d.attributes, '$.role') AS role,
  s.count AS mentions, s.docs AS documents
FROM edges s JOIN nodes r ON r.id = s.source JOIN nodes f ON f.id = s.target
JOIN edges i ON i.source = f.id AND i.relation = 'has_item' JOIN nodes d ON d.id = i.target
WHERE s.relation = 'states' AND r.type = 'Region'
  AND (:region = '' OR r.label = :region) AND (:phase = '' OR json_extract(d.attributes, '$.phase') = :phase)
ORDER BY r.label, f.label, position""",
    },
    "regions_mechanisms": {
        "title": "Regions × mechanisms",
        "description": "Which region builds, runs or improves which mechanism (机制/体系/制度/平台/工程/格局), "
                       "with the number of mentions and the documents. Filter by region or by a part of the name.",
        "sql": """SELECT r.label AS region, m.label AS mechanism, json_extract(m.attributes, '$.head') AS head,
  a.count AS mentions, a.docs AS documents
FROM edges a JOIN nodes r ON r.id = a.source JOIN nodes m ON m.id = a.target
WHERE a.relation = 'adopts' AND r.type = 'Region'
  AND (:region = '' OR r.label = :region) AND (:mechanism = '' OR instr(m.label, :mechanism))
ORDER BY r.label, a.count DESC, m.label""",
    },
    "officials_posts": {
        "title": "Officials and their posts",
        "description": "Every named official with the posts held (titles) and the body of each post and its region.",
        "sql": """SELECT o.label AS official, coalesce(json_extract(p.attributes, '$.titles'),
  json_extract(o.attributes, '$.titles')) AS titles, b.label AS body, json_extract(b.attributes, '$.region') AS region,
  o.count AS mentions, o.docs AS documents
FROM nodes o LEFT JOIN edges p ON p.source = o.id AND p.relation = 'holds_post_in' LEFT JOIN nodes b ON b.id = p.target
WHERE o.type = 'Official' AND (:official = '' OR instr(o.label, :official))
ORDER BY o.label, b.label""",
    },
    "figures": {
        "title": "Figures by region and subject",
        "description": "Every stated figure: as written (value, unit) and in base units (normalized_value, "
                       "normalized_unit: 12.3万人 -> 123000 人), so that figures compare and sum. Filter by region "
                       "or by a part of the subject.",
        "sql": """SELECT json_extract(n.attributes, '$.region') AS region, json_extract(n.attributes, '$.subject') AS subject,
  json_extract(n.attributes, '$.value') AS value, json_extract(n.attributes, '$.unit') AS unit,
  json_extract(n.attributes, '$.normalized_value') AS normalized_value,
  json_extract(n.attributes, '$.normalized_unit') AS normalized_unit,
  json_extract(n.attributes, '$.direction') AS direction, json_extract(n.attributes, '$.baseline') AS baseline,
  n.docs AS documents, n.id AS node
FROM nodes n WHERE n.type = 'Statistic'
  AND (:region = '' OR json_extract(n.attributes, '$.region') = :region)
  AND (:subject = '' OR instr(json_extract(n.attributes, '$.subject'), :subject))
ORDER BY region, subject, normalized_value""",
    },
    "node": {
        "title": "One node and its sentences",
        "description": "Every sentence a node rests on, with its document and the words quoted (the views link here).",
        "sql": """SELECT n.type, n.label, d.title AS document, d.date, m.quote, s.text AS sentence, m.rule, m.id AS mention
FROM nodes n JOIN node_evidence e ON e.node_id = n.id JOIN mentions m ON m.id = e.mention_id
JOIN sentences s ON s.id = m.sentence_id LEFT JOIN documents d ON d.id = m.doc_id
WHERE n.id = :id ORDER BY m.doc_id, m.n""",
    },
    "edge": {
        "title": "One edge and its sentences",
        "description": "Every sentence an edge (source -relation-> target, node ids) rests on (the views link here).",
        "sql": """SELECT x.source, x.relation, x.target, d.title AS document, d.date, m.quote, s.text AS sentence, m.rule
FROM edges x JOIN edge_evidence e ON e.edge_id = x.id JOIN mentions m ON m.id = e.mention_id
JOIN sentences s ON s.id = m.sentence_id LEFT JOIN documents d ON d.id = m.doc_id
WHERE x.source = :source AND x.relation = :relation AND x.target = :target ORDER BY m.doc_id, m.n""",
    },
}


def metadata() -> dict:
    """The Datasette metadata of a served ``kg.sqlite``."""
    docs = store_table_docs()
    tables = {}
    for table, (columns, _key) in TABLES.items():
        tables[table] = {
            "title": TITLES[table],
            "description": docs[table][0],
            "columns": {c: column_description(table, c) for c in columns},
            "column_titles": {c: _title(c) for c in columns},
        }
    tables["documents"]["label_column"] = "title"
    tables["nodes"]["label_column"] = "label"
    tables["sentences"]["sort"] = "id"
    tables["sentences_fts"] = {"title": "Search index", "description": docs["sentences_fts"][0], "hidden": True}
    return {
        "title": "kg: knowledge graph of emergency-management texts",
        "description": "Every document, evidence sentence, mention, node and edge of the build. Search every "
                       "sentence for a term of any length: /kg/sentences?_search=叫应",
        "databases": {DATABASE: {
            "title": "kg",
            "description": "The build's store (kg.sqlite); the canned queries below answer the usual questions.",
            "tables": tables,
            "queries": QUERIES,
        }},
    }

"""The tables of ``kg.sqlite`` (see :mod:`kg.store` for what each holds)."""

from __future__ import annotations

from kg.store.bigrams import TOKENIZE

STORE_FILE = "kg.sqlite"
FORMAT = "kg-store"
VERSION = 1

# An element's evidence is a set of links; its order is the mentions' (document, then n),
# the order every evidence list of a build has.
# Table -> (columns in dump order, primary key). Natural keys everywhere: the ids come from
# the documents themselves, so a row changed in place by a rebuild is the row a fresh build
# writes (sentences' rowids, which only tie them to the search index, are the exception,
# and no dump or reader depends on them).
TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "meta": (("key", "value"), ("key",)),
    "documents": (("id", "file", "title", "date", "region"), ("id",)),
    "sentences": (("id", "doc_id", "start", "end", "text", "normalised"), ("id",)),
    "mentions": (("id", "doc_id", "n", "rule", "start", "end", "orig_start", "orig_end", "quote", "sentence_id"),
                 ("id",)),
    "nodes": (("id", "type", "label", "count", "docs", "attributes"), ("id",)),
    "edges": (("id", "source", "relation", "target", "count", "docs", "attributes"), ("source", "relation", "target")),
    "node_evidence": (("node_id", "mention_id"), ("node_id", "mention_id")),
    "edge_evidence": (("edge_id", "mention_id"), ("edge_id", "mention_id")),
    "merges": (("node_id", "alias", "rule", "doc_id"), ("node_id", "alias", "doc_id", "rule")),
}

DDL = f"""
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    file TEXT NOT NULL,
    title TEXT,
    date TEXT,
    region TEXT
) WITHOUT ROWID;
CREATE TABLE sentences (
    id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(id),
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    normalised TEXT
);
CREATE VIRTUAL TABLE sentences_fts USING fts5(bigrams, content='', columnsize=0, tokenize="{TOKENIZE}");
CREATE TABLE mentions (
    id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(id),
    n INTEGER NOT NULL,
    rule TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    orig_start INTEGER NOT NULL,
    orig_end INTEGER NOT NULL,
    quote TEXT NOT NULL,
    sentence_id TEXT NOT NULL REFERENCES sentences(id)
) WITHOUT ROWID;
CREATE INDEX mentions_sentence ON mentions(sentence_id);
CREATE TABLE nodes (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    label TEXT NOT NULL,
    count INTEGER,
    docs TEXT NOT NULL,
    attributes TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX nodes_type ON nodes(type, label);
CREATE TABLE edges (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL REFERENCES nodes(id),
    relation TEXT NOT NULL,
    target TEXT NOT NULL REFERENCES nodes(id),
    count INTEGER,
    docs TEXT NOT NULL,
    attributes TEXT NOT NULL
);
CREATE TABLE node_evidence (
    node_id TEXT NOT NULL REFERENCES nodes(id),
    mention_id TEXT NOT NULL REFERENCES mentions(id),
    PRIMARY KEY (node_id, mention_id)
) WITHOUT ROWID;
CREATE INDEX node_evidence_mention ON node_evidence(mention_id);
CREATE TABLE edge_evidence (
    edge_id INTEGER NOT NULL REFERENCES edges(id),
    mention_id TEXT NOT NULL REFERENCES mentions(id),
    PRIMARY KEY (edge_id, mention_id)
) WITHOUT ROWID;
CREATE INDEX edge_evidence_mention ON edge_evidence(mention_id);
CREATE TABLE merges (
    node_id TEXT NOT NULL REFERENCES nodes(id),
    alias TEXT NOT NULL,
    rule TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    PRIMARY KEY (node_id, alias, doc_id, rule)
) WITHOUT ROWID;
"""

"""``kg.sqlite``: the build's evidence stored once, in an embedded database (stdlib sqlite3).

Every sentence a node or edge rests on lives here, once; the other exports (GraphML,
graph.json, the CSVs) cite mentions by provenance id ``<doc id>#<n>`` and carry counts
(``kg build --inline-evidence`` writes the sentences into them too). The views embed the
first few quotes of each element and point here for the rest.

Tables (every id is made from the documents themselves: a row does not change when other
documents do, so a rebuild updates the changed documents' rows in place):

=================  ==========================================================================
``meta``           ``key``, ``value``: format and versions, row counts, how search works
``documents``      ``id``, ``file``, ``title``, ``date``, ``region``
``sentences``      ``id`` (``<doc id>#<start>-<end>``, the normalised span), ``doc_id``,
                   ``start``, ``end``, ``text`` (as written in the source), ``normalised``
                   (the normalised text, NULL where it equals ``text``); each sentence once
``sentences_fts``  FTS5 index of the sentences' (normalised) text as character bigrams,
                   contentless, rowid = ``sentences.rowid`` (see :mod:`kg.store.bigrams`)
``mentions``       ``id`` (``<doc id>#<n>``), ``doc_id``, ``n``, ``rule``, ``start``, ``end``
                   (normalised offsets), ``orig_start``, ``orig_end`` (offsets in the source
                   file's text), ``quote`` (as written), ``sentence_id``
``nodes``          ``id`` (``Type:name``), ``type``, ``label``, ``count``, ``docs`` (JSON list),
                   ``attributes`` (JSON object: every attribute of the node's type)
``edges``          ``id`` (63 bits of a hash of ``head|relation|tail``), ``source``, ``relation``, ``target``,
                   ``count``, ``docs``, ``attributes``
``node_evidence``  ``node_id``, ``mention_id``: the mentions behind each node (their order is
                   the mentions': by document, then ``n``)
``edge_evidence``  ``edge_id``, ``mention_id``
``merges``         ``node_id``, ``alias``, ``rule``, ``doc_id``: entity-resolution decisions
=================  ==========================================================================

Search: :func:`search` finds the sentences holding any term, two-character and
one-character terms included (FTS5's trigram tokenizer would miss 叫应 and 台风). A term of
``n`` characters is the FTS5 phrase of its ``n - 1`` bigrams; a single character is a scan.
For Datasette, declare ``"sentences": {"fts_table": "sentences_fts"}`` in its metadata;
``?_search=叫应`` then works as it is (a two-character term is one bigram), and a plugin's
``filters_from_request`` hook applies :func:`kg.store.bigrams.match_expression` (or
:func:`search_sql`) to longer and shorter terms.

>>> import sqlite3, tempfile, pathlib
>>> from kg.graph.build import Snapshot
>>> from kg.graph.model import KnowledgeGraph
>>> from kg.models import Provenance
>>> kg = KnowledgeGraph(documents={"d1": {"file": "d1.txt", "title": "示例", "date": None, "region": None}})
>>> p = Provenance(doc_id="d1", rule="mechanism.head", start=4, end=6, orig_start=4, orig_end=6, quote="叫应",
...                sentence="落实预警叫应机制。", sentence_start=0, sentence_quote="落实预警叫应机制。")
>>> kg.graph.add_node("Mechanism:叫应机制", type="Mechanism", label="叫应机制", aliases=[], docs=["d1"], count=1)
>>> kg.evidence["Mechanism:叫应机制"] = [p]
>>> path = pathlib.Path(tempfile.mkdtemp()) / STORE_FILE
>>> _ = write_store(Snapshot.of(kg), path)
>>> [row["text"] for row in search(path, "叫应")], search(path, "应机制")[0]["sentence_id"], len(search(path, "警"))
(['落实预警叫应机制。'], 'd1#0-9', 1)
>>> sqlite3.connect(path).execute("SELECT quote, sentence_id FROM mentions").fetchall()
[('叫应', 'd1#0-9')]
"""

from kg.store.read import connect, dump, iter_dump, mentions, read_store, search, search_sql
from kg.store.schema import STORE_FILE, TABLES
from kg.store.write import sentence_id, update_store, write_store

__all__ = ["STORE_FILE", "TABLES", "connect", "dump", "iter_dump", "mentions", "read_store", "search",
           "search_sql", "sentence_id", "update_store", "write_store"]

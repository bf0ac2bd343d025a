"""The Datasette plugin ``kg serve`` registers: search of ``sentences`` for terms of any
length, and links from each sentence to the nodes it supports.

Datasette's own ``?_search=`` quotes the whole term as one FTS5 phrase, which finds a
two-character term in the bigram index (``叫应`` is one token) but nothing longer or
shorter. So the store's FTS table is not declared to Datasette (its contentless index is
not detected either), and :func:`filters_from_request` applies kg's own rewriting,
:func:`kg.store.search_sql` (the bigram phrase, a scan for one character): the
result is the same set of sentences :func:`kg.store.search` returns, in the HTML and the
JSON of ``/kg/sentences``.
"""

from __future__ import annotations

from urllib.parse import urlencode

from datasette import hookimpl
from datasette.filters import FilterArguments
from markupsafe import Markup, escape

from kg.store import search_sql

DATABASE = "kg"
SEARCH_TABLE = "sentences"
NODES_SHOWN = 12  # node links under a sentence; the rest are counted (the sentence's row page lists them all)


# trylast: Datasette's own search hook says ``supports_search = False`` for a table without a
# declared FTS table; ours runs after it, so its True (the search box) is the one kept
@hookimpl(trylast=True)
def filters_from_request(request, database, table, datasette):
    if database != DATABASE or table != SEARCH_TABLE:
        return None
    term = (request.args.get("_search") or "").strip()
    if not term:
        return FilterArguments([], extra_context={"supports_search": True})
    sql, values = search_sql(term)
    # search_sql selects sentence ids; Datasette wants named parameters
    clause = f"id IN ({sql})"
    params = {}
    for i, value in enumerate(values):
        params[f"kg_search_{i}"] = value
        clause = clause.replace("?", f":kg_search_{i}", 1)
    return FilterArguments([clause], params=params, human_descriptions=[f'text contains "{term}"'],
                           extra_context={"supports_search": True, "search": term})


def node_url(datasette, node_id: str) -> str:
    """The page of one node: the canned query listing its every sentence."""
    return datasette.urls.database(DATABASE) + "/node?" + urlencode({"id": node_id})


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """Under each sentence's text, links to the nodes it is evidence of."""
    if database != DATABASE or table != SEARCH_TABLE or column != "text":
        return None

    async def cell():
        db = datasette.get_database(DATABASE)
        rows = (await db.execute(
            "SELECT DISTINCT n.id, n.type, n.label FROM mentions m JOIN node_evidence e ON e.mention_id = m.id "
            "JOIN nodes n ON n.id = e.node_id WHERE m.sentence_id = ? ORDER BY n.type, n.label, n.id",
            [row["id"]])).rows
        links = [Markup('<a class="kg-node" href="{}">{} {}</a>').format(node_url(datasette, r[0]), r[1], r[2])
                 for r in rows[:NODES_SHOWN]]
        more = len(rows) - len(links)
        if more > 0:
            links.append(escape(f"… {more} more"))
        supports = Markup(" · ").join(links) if links else escape("no node")
        return Markup('{}<div class="kg-supports">supports: {}</div>').format(value, supports)

    return cell

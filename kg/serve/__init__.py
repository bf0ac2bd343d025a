"""``kg serve``: the build's ``kg.sqlite`` in Datasette, on loopback unless told otherwise.

The database is named ``kg`` (Datasette names a database after its file's stem, and the
store is ``kg.sqlite``); :mod:`kg.serve.metadata` titles and describes every table and
column and holds the canned queries; :mod:`kg.serve.plugin` makes ``?_search=`` on
``sentences`` find a term of any length. The store is opened read-only and checked first
(:func:`kg.store.connect`), so a missing or foreign file is a clear error, not an empty site.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

from kg.store import STORE_FILE, connect

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8001  # Datasette's own default; the views' links point here
BASE_URL = f"http://{DEFAULT_HOST}:{DEFAULT_PORT}/kg"


def store_path(out: str | Path) -> Path:
    """The store of build directory ``out``, checked to be one (StoreError if not)."""
    path = Path(out) / STORE_FILE
    connect(path).close()
    return path


def datasette_app(out: str | Path):
    """The Datasette instance serving ``<out>/kg.sqlite`` with kg's metadata and plugin."""
    from datasette.app import Datasette
    from datasette.plugins import pm

    from kg.serve import plugin
    from kg.serve.metadata import metadata

    path = store_path(out)
    if not pm.is_registered(plugin):
        pm.register(plugin, name="kg")
    # immutable: the file is never written while served (a rebuild renames a new store into
    # place, which the open connections do not see: restart kg serve after a build); its row
    # counts are given, since Datasette's own count(*) fails on the contentless index
    return Datasette(immutables=[str(path)], metadata=metadata(), inspect_data={"kg": _inspect(path)},
                     settings={"default_page_size": 50})


def _inspect(path: Path) -> dict:
    """What ``datasette inspect`` would say of the store: its hash, size and row counts (the
    search index holds one row per sentence)."""
    from datasette.inspect import inspect_hash

    con = connect(path)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        counts = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                  for t in tables if not t.startswith("sentences_fts")}
    finally:
        con.close()
    counts["sentences_fts"] = counts["sentences"]
    return {"hash": inspect_hash(path), "size": path.stat().st_size, "file": str(path),
            "tables": {t: {"count": n} for t, n in counts.items()}}


def serve(out: str | Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
          announce: Optional[Callable[[str], None]] = None) -> None:
    """Serve ``<out>/kg.sqlite`` until interrupted (``announce`` is told the address first)."""
    import uvicorn

    ds = datasette_app(out)
    if announce is not None:
        shown = f"[{host}]" if ":" in host else host
        announce(f"Serving {store_path(out)} at http://{shown}:{port}/kg (Ctrl-C to stop)")
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning")

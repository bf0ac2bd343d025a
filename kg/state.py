"""What one build leaves for the next, so that a rebuild does work in proportion to the change.

Kept in ``<out>/.kgcache/build-state.pickle`` (beside the per-document extraction cache):
which documents were built from which cached extraction, the graph's
:class:`~kg.graph.update.GraphState`, each export's record index with the size and
modification time the file had when written, and each document's summary text. A
rebuild that finds it (and finds the code unchanged) updates the graph for the documents
that changed and copies every untouched record from the previous exports.

The state is a cache: anything wrong with it (missing, unreadable, from other code, an
export changed since) costs only speed, never correctness: the build then starts afresh.
It is pickled because it is the builder's own objects, so it is signed with a key of the
user's own (``~/.cache/kg/state.key``) and never unpickled unless the signature holds: an
output directory from elsewhere cannot run code through it.
"""

from __future__ import annotations

import hashlib
import hmac
import mmap
import os
import pickle
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Optional

from kg.export.records import ExportIndex, FileIndex, KeyOrder
from kg.graph.update import GraphState
from kg.models import SourceMeta
from kg.portable import O_BINARY
from kg.signing import MAC_BYTES, key

STATE_NAME = "build-state.pickle"


@lru_cache(maxsize=1)
def code_fingerprint(extractor: str) -> str:
    """Hash of the extractor's fingerprint and the code that turns extractions into outputs."""
    h = hashlib.sha256(extractor.encode())
    root = resources.files("kg")
    for sub in ("graph", "export", "store"):
        for entry in sorted((root / sub).iterdir(), key=lambda p: p.name):
            if entry.is_file() and entry.name.endswith(".py"):
                h.update(entry.name.encode())
                h.update(entry.read_bytes())
    for name in ("summary.py", "state.py", "build.py"):
        h.update((root / name).read_bytes())
    return h.hexdigest()[:16]


@dataclass
class BuildState:
    fingerprint: str
    docs: dict[str, tuple[str, SourceMeta]]  # doc id -> (cache file name, metadata) it was built from
    graph: GraphState
    exports: dict[str, tuple[int, int, FileIndex]] = field(default_factory=dict)  # file -> (size, mtime_ns, index)
    order: Optional[KeyOrder] = None  # the elements' keys in the order the exports list them
    summaries: dict[str, tuple[str, str]] = field(default_factory=dict)  # doc id -> (file, summary JSON text)

    def export_source(self, out_dir: Path, name: str) -> Optional[tuple[mmap.mmap, int, FileIndex]]:
        """The previous build's export ``name``, if the file is as written then: its bytes (a
        read-only map: nothing is read until used), the open file and its record index. The
        caller closes both."""
        recorded = self.exports.get(name)
        if recorded is None:
            return None
        size, mtime, index = recorded
        try:
            fd = os.open(out_dir / name, os.O_RDONLY | O_BINARY)
        except OSError:
            return None
        try:
            st = os.fstat(fd)
            if (st.st_size, st.st_mtime_ns) != (size, mtime) or not size:
                raise OSError("changed since")
            return mmap.mmap(fd, 0, access=mmap.ACCESS_READ), fd, index
        except (OSError, ValueError):
            os.close(fd)
            return None

    def record_exports(self, out_dir: Path, index: ExportIndex) -> None:
        self.exports = {}
        self.order = index.order
        for name, file_index in index.files.items():
            try:
                st = (out_dir / name).stat()
            except OSError:
                continue
            self.exports[name] = (st.st_size, st.st_mtime_ns, file_index)


_MAC = MAC_BYTES  # bytes of HMAC-SHA256 in front of the pickle


def _key() -> Optional[bytes]:
    """This user's secret for signing build states (see :mod:`kg.signing`).

    A state is a pickle, and unpickling runs code: an output directory copied from someone
    else (``.kgcache`` included) must not be able to run theirs. A state is therefore only
    read back if it carries the HMAC of this user's key; without a key (an unwritable home)
    no state is kept, and every build starts afresh.
    """
    return key()


def load_state(cache_dir: Path, fingerprint: str) -> Optional[BuildState]:
    """The state the last build left in ``cache_dir``, if it is there, whole, signed by this
    user and from this code."""
    from kg.graph.build import paused_gc

    key = _key()
    if key is None:
        return None
    try:
        data = (cache_dir / STATE_NAME).read_bytes()
    except OSError:
        return None
    mac, body = data[:_MAC], memoryview(data)[_MAC:]
    if len(mac) != _MAC or not hmac.compare_digest(mac, hmac.new(key, body, hashlib.sha256).digest()):
        return None  # damaged, or not written by this user's kg: never unpickled
    try:
        with paused_gc(freeze=True):  # a million objects that all survive: no collections
            state = pickle.loads(body)
    except Exception:  # noqa: BLE001 - a damaged cache only costs speed: build afresh
        return None
    if not isinstance(state, BuildState) or state.fingerprint != fingerprint:
        return None
    return state


def save_state(cache_dir: Path, state: BuildState) -> None:
    """Write ``state`` atomically, signed; a state that cannot be written only costs speed next
    time (hence no flush to disk: a state lost to a power cut is unreadable or absent, and the
    next build starts afresh)."""
    from kg.graph.build import paused_gc
    from kg.io.atomic import atomic_write_bytes

    key = _key()
    if key is None:
        return
    try:
        with paused_gc():
            body = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
        atomic_write_bytes(cache_dir / STATE_NAME, hmac.new(key, body, hashlib.sha256).digest() + body,
                           durable=False)
    except OSError:
        pass

"""This user's key, and what kg signs with it: whatever a build reads back from its output folder.

An output folder can come from anyone (copied, downloaded, shared), ``.kgcache`` included.
The build state is a pickle (unpickling runs code) and each cache entry is an extraction
that goes into the exports as quotes "as written in the source": neither is read back
unless it carries the HMAC-SHA256 of the user's own key (``~/.cache/kg/state.key``, or
under ``$XDG_CACHE_HOME``; made on first use, readable by the user only). Anything else,
altered by hand, damaged or made by someone else, is ignored: the build extracts again.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path
from typing import Optional

MAC_BYTES = 32  # an HMAC-SHA256
_ENTRY_TAG = b"kg-hmac-sha256 "  # a cache entry's first line: the tag and its MAC in hex


def key() -> Optional[bytes]:
    """This user's secret (made on first use); None where it cannot be kept (an unwritable
    home): then nothing is signed, and nothing is read back."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kg"
    path = base / "state.key"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    except OSError:
        return None
    try:
        base.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(os.urandom(32))
        return path.read_bytes()
    except FileExistsError:  # another build made it meanwhile
        return path.read_bytes()
    except OSError:
        return None


def mac(secret: bytes, *parts: bytes) -> bytes:
    h = hmac.new(secret, digestmod=hashlib.sha256)
    for part in parts:
        h.update(len(part).to_bytes(8, "big"))  # (lengths first: no two splits of one text sign alike)
        h.update(part)
    return h.digest()


def seal_entry(name: str, body: bytes, secret: bytes) -> bytes:
    """A cache entry's bytes: a first line with the MAC of its name and body, then the body.
    The name (document, content hash, extractor version) is signed too, so an entry cannot
    be passed off as another document's."""
    return _ENTRY_TAG + mac(secret, name.encode("utf-8"), body).hex().encode("ascii") + b"\n" + body


def open_entry(name: str, data: bytes, secret: bytes) -> Optional[bytes]:
    """The body of a cache entry named ``name`` if it is signed with ``secret``, else None."""
    head, sep, body = data.partition(b"\n")
    if not sep or not head.startswith(_ENTRY_TAG):
        return None
    try:
        got = bytes.fromhex(head[len(_ENTRY_TAG):].decode("ascii"))
    except ValueError:
        return None
    return body if hmac.compare_digest(got, mac(secret, name.encode("utf-8"), body)) else None

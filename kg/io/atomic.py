"""Write files atomically: a temporary file in the same directory, then ``os.replace``.

An interrupted build leaves either the previous file or the new one, never half of one.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> atomic_write_text(d / "a.json", "{}")
>>> (d / "a.json").read_text(encoding="utf-8")
'{}'
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Iterator


_UMASK = os.umask(0)
os.umask(_UMASK)  # read once: written files get the mode open() would give them, not mkstemp's 0600


@contextmanager
def atomic_writer(path: str | Path, durable: bool = True) -> Iterator[BinaryIO]:
    """A binary file that replaces ``path`` when the block ends without an error (and is
    removed if it raises). ``durable=False`` skips the flush to disk: for caches, where a
    file lost to a power cut only costs the time to make it again."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            if hasattr(os, "fchmod"):  # POSIX (Windows has no such modes before Python 3.13)
                os.fchmod(f.fileno(), 0o666 & ~_UMASK)
            if durable:
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write_bytes(path: str | Path, data: bytes, durable: bool = True) -> None:
    """Replace ``path`` by ``data`` in one step (see :func:`atomic_writer`)."""
    with atomic_writer(path, durable) as f:
        f.write(data)


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write ``text`` as UTF-8 (always explicit: never the locale's encoding)."""
    atomic_write_bytes(path, text.encode("utf-8"))

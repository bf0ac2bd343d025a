"""What kg needs from the operating system, with a plain fallback wherever a call is not everywhere.

``os.copy_file_range`` is Linux (and FreeBSD) only and ``os.pread`` is missing on Windows:
the copies fall back to reading and writing through this process. Forking workers is what
makes ``--jobs`` cheap (they inherit the loaded pipeline), but it exists on POSIX only and
is unsafe on macOS (system libraries there break in a forked child; Python itself spawns
there by default): :func:`can_fork` says where kg forks, and elsewhere the callers use
their spawn-safe or one-process path.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys

#: add to ``os.open`` flags: Windows opens in text mode (CRLF translation) without it
O_BINARY = getattr(os, "O_BINARY", 0)

_BLOCK = 1 << 24  # bytes per read when copying through this process


def can_fork() -> bool:
    """Whether kg starts its workers and writers by forking here."""
    return sys.platform != "darwin" and "fork" in mp.get_all_start_methods()


def read_at(fd: int, length: int, offset: int) -> bytes:
    """``length`` bytes of ``fd`` from ``offset`` (fewer only at the end of the file)."""
    pread = getattr(os, "pread", None)
    if pread is None:
        os.lseek(fd, offset, os.SEEK_SET)  # the descriptor is this process's own: its offset is free to move
    chunks = []
    while length:
        data = pread(fd, min(length, _BLOCK), offset) if pread is not None else os.read(fd, min(length, _BLOCK))
        if not data:
            break
        chunks.append(data)
        offset += len(data)
        length -= len(data)
    return b"".join(chunks)


def write_all(fd: int, data) -> None:
    """Write every byte of ``data`` to ``fd`` (``os.write`` may write fewer)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def copy_range(src: int, out: int, offset: int, length: int) -> None:
    """Append ``length`` bytes of ``src`` from ``offset`` to ``out``: by the kernel where it can,
    else through this process."""
    kernel = getattr(os, "copy_file_range", None)
    while length and kernel is not None:
        try:
            n = kernel(src, out, length, offset)
        except OSError:  # not between these files here (another file system, an old kernel)
            n = 0
        if n == 0:
            break
        offset += n
        length -= n
    while length:
        data = read_at(src, min(length, _BLOCK), offset)
        if not data:
            raise OSError(f"{length} bytes missing at offset {offset} of the file copied from")
        write_all(out, data)
        offset += len(data)
        length -= len(data)

"""A time budget per document: past it, the document's work is stopped and the build goes on.

``with budget(seconds): ...`` raises :class:`OverBudget` in the thread running the block
once ``seconds`` have passed. One watchdog thread per process keeps the deadlines; at a
deadline it raises the exception in the working thread (``PyThreadState_SetAsyncExc``,
CPython's portable way to interrupt a thread: no signals, so it works on every
platform and in any thread). The exception arrives at the next Python instruction, so
a single long call into C (one regular-expression search) finishes first; the parent of
``--jobs`` workers also kills a worker that overruns by :data:`GRACE` more
(:mod:`kg.workers`).

:class:`OverBudget` derives from ``BaseException``: code that catches ``Exception`` (an
extractor guarding itself) cannot swallow it.
"""

from __future__ import annotations

import ctypes
import heapq
import itertools
import os
import threading
import time
from contextlib import contextmanager
from typing import Iterator, Optional

#: default ``--doc-timeout``: seconds per MB of a document's file, at least this many. A
#: document of normal text takes well under 5 s per MB here; 60 leaves room for slow machines
#: and stops a document that has made an extractor go quadratic within a minute.
DOC_TIMEOUT = 60.0
GRACE = 10.0  # seconds past a budget after which a worker still busy is killed
MB = 2**20


class OverBudget(BaseException):
    """The block ran past its budget."""


def allowance(seconds: Optional[float], size: int) -> Optional[float]:
    """The budget of a document of ``size`` bytes: ``seconds`` per MB, at least ``seconds``
    (None or 0: no budget)."""
    return seconds * max(1.0, size / MB) if seconds else None


_SET_ASYNC_EXC = getattr(getattr(ctypes, "pythonapi", None), "PyThreadState_SetAsyncExc", None)


def supported() -> bool:
    """Whether a block can be interrupted here (CPython); elsewhere only workers are."""
    return _SET_ASYNC_EXC is not None


def _raise_in(thread_id: int, exc: Optional[type]) -> None:
    assert _SET_ASYNC_EXC is not None
    # exc None clears an exception that was raised there but has not arrived yet
    _SET_ASYNC_EXC(ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc is not None else None)


class _Token:
    """One block's deadline. Its own lock: the watchdog fires under it and the block's end
    takes it to disarm, so an exception never arrives after the block has ended."""

    __slots__ = ("thread_id", "lock", "active", "fired")

    def __init__(self, thread_id: int):
        self.thread_id = thread_id
        self.lock = threading.Lock()
        self.active = True
        self.fired = False


class _Watchdog:
    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.heap: list[tuple[float, int, _Token]] = []
        self.seq = itertools.count()
        self.thread: Optional[threading.Thread] = None

    def arm(self, seconds: float) -> _Token:
        token = _Token(threading.get_ident())
        with self.cond:
            if self.thread is None or not self.thread.is_alive():  # (a forked child has none yet)
                self.heap = []
                self.thread = threading.Thread(target=self._run, name="kg-budget", daemon=True)
                self.thread.start()
            heapq.heappush(self.heap, (time.monotonic() + seconds, next(self.seq), token))
            if self.heap[0][2] is token:  # the watchdog sleeps to the earliest deadline: this one now
                self.cond.notify()
        return token

    @staticmethod
    def disarm(token: _Token) -> None:
        with token.lock:
            token.active = False
            fired = token.fired
        if fired:
            _raise_in(token.thread_id, None)  # fired but not arrived: it never will

    def _run(self) -> None:
        while True:
            with self.cond:
                while not self.heap or not self.heap[0][2].active:
                    if self.heap:  # ended in time: dropped
                        heapq.heappop(self.heap)
                        continue
                    self.cond.wait()
                deadline, _, token = self.heap[0]
                wait = deadline - time.monotonic()
                if wait > 0:
                    self.cond.wait(wait)
                    continue
                heapq.heappop(self.heap)
            with token.lock:
                if token.active and not token.fired:
                    token.fired = True
                    _raise_in(token.thread_id, OverBudget)


_WATCHDOG = _Watchdog()


def _after_fork() -> None:
    """A forked child starts with a watchdog of its own (the parent's thread is not there,
    and its lock may have been held at the fork)."""
    global _WATCHDOG
    _WATCHDOG = _Watchdog()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)


@contextmanager
def budget(seconds: Optional[float]) -> Iterator[None]:
    """Raise :class:`OverBudget` in this thread if the block runs longer than ``seconds``
    (None or 0, or where threads cannot be interrupted: no limit)."""
    if not seconds or not supported():
        yield
        return
    token = _WATCHDOG.arm(seconds)
    try:
        yield
    finally:
        _WATCHDOG.disarm(token)

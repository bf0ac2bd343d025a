"""Worker processes that extract documents, keep them, and build their part of the graph.

A fresh build with ``jobs > 1`` runs here (:func:`extract_and_build`). Forked workers
share out the documents, the largest first, two ahead each. A worker keeps every
extraction it makes (or reads from the cache) and sends back only what the parent
needs: the document's status and timings, its summary, and the facts entity resolution
reads (:class:`~kg.graph.resolve.DocFacts`). When every document is in, each worker is
sent the facts of the whole corpus, builds the graph of its own documents with that
resolver (a :class:`~kg.graph.accumulate._Builder`) and sends it back; the parent
merges the builders (:meth:`_Builder.merge`). While it does, each worker renders the
records of its own documents' mentions (:mod:`kg.export.mentions`), which the export
copies into place.

So extractions never cross a process boundary (pickling them out and validating them
again cost the parent, which is on the critical path, more than the graph build), and
the graph build itself runs in parallel. The merged builder is what one process adding
every document would have built: the exports are byte for byte the same.

A worker that dies (killed, out of memory) costs at most the document it was working on,
and only if that document kills a second worker, working on it alone: it is then
reported as skipped. The documents the dead worker held are extracted again by a
replacement.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import pickle
import signal
import time
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, Callable, Optional

from kg.budget import GRACE, allowance
from kg.build import Job, _Outcome, _read_cache, _warm_worker, _work, timeout_reason
from kg.graph.build import paused_gc
from kg.models import DocumentExtraction, SourceMeta
from kg.portable import can_fork

ATTEMPTS = 2  # a document that kills this many workers is skipped
IN_FLIGHT = 2  # documents sent to a worker ahead: it never waits for its next one


def available() -> bool:
    """Whether workers can be forked here (they inherit the loaded pipeline); elsewhere a
    build extracts in spawned processes (:func:`kg.build.extract_all`) or in one."""
    return can_fork()


# ----------------------------------------------------------------------------- in a worker
def _serve(conn: Connection) -> None:
    """A worker's loop: ``("doc", i, job)`` -> ``("start", i)``, then ``("doc", i, outcome)``; ``("build", facts)``
    -> ``("builder", pickled builder)``, then ``("mentions", records)``; ``("stop",)`` ends it."""
    from kg.graph.build import _add_document
    from kg.graph.corrections import prepare
    from kg.graph.resolve import Resolver
    from kg.summary import summarise, summary_item

    # Ctrl-C is the parent's to handle: it stops the workers
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # what it holds is long-lived and cycle-free: the collector would only rescan it
    gc.disable()
    held: dict[str, tuple[DocumentExtraction, SourceMeta]] = {}
    while True:
        try:
            message = conn.recv()
        except EOFError:  # the parent is gone
            return
        if message[0] == "doc":
            _, i, job, hold = message
            path, meta, cache_file = job[:3]
            conn.send(("start", i))  # the parent times the document from here (see kg.budget)
            ex = _read_cache(Path(cache_file), meta) if cache_file and Path(cache_file).exists() else None
            if ex is not None:
                out = _Outcome(meta, None, "cached", cache_name=Path(cache_file).name)  # type: ignore[arg-type]
            else:
                out = _work(job)
                ex, out.extraction = out.extraction, None
            if ex is not None:
                out.html = ex.html
            if ex is not None and not hold:  # sent back, as plain data (see kg.build._work_remote)
                out.data = ex.model_dump()
            elif ex is not None:
                ex, out.facts = prepare(ex, meta)  # as the graph is built from it (manifest values win)
                held[meta.id] = (ex, meta)
                out.summary = summary_item(summarise(ex))
                out.held = True
            conn.send(("doc", i, out))
        elif message[0] == "build":
            from kg.graph.accumulate import _Builder

            resolver = Resolver(facts=message[1])
            builder = _Builder()
            for doc_id in sorted(held):
                _add_document(builder, resolver, *held[doc_id])
            conn.send(("builder", pickle.dumps(builder, protocol=pickle.HIGHEST_PROTOCOL)))
            # then the records of its documents' mentions, while the parent merges the graph
            from kg.export.mentions import render_chunks

            conn.send(("mentions", render_chunks(builder)))
        else:
            conn.close()
            os._exit(0)  # nothing to flush or free: the parent has what it needs


# ----------------------------------------------------------------------------- in the parent
@dataclass
class _Worker:
    process: Any
    conn: Connection
    doing: list[int] = field(default_factory=list)  # the documents sent to it, in order (indexes)
    started: Optional[tuple[int, float]] = None  # the document it is working on, and since when (monotonic)
    held: list[int] = field(default_factory=list)  # indexes of the documents it keeps
    builder: Any = None  # the _Builder of what it holds, once built


def _start(ctx) -> _Worker:
    parent, child = ctx.Pipe()
    process = ctx.Process(target=_serve, args=(child,), daemon=True)
    process.start()
    child.close()  # the worker's end lives in the worker alone, so its death is an EOF here
    return _Worker(process, parent)


def _died(worker: _Worker) -> str:
    worker.process.join(1)
    code = worker.process.exitcode
    if code is None:
        worker.process.kill()
        return "stopped answering"
    return f"was killed by signal {-code}" if code < 0 else f"exited with status {code}"


@dataclass
class Result:
    """What the workers made: an outcome per job (in job order) and the merged builder."""

    outcomes: list[Any]
    builder: Any  # the merged _Builder of every document extracted
    facts: dict[str, Any]  # doc id -> DocFacts
    graph_seconds: float = 0.0  # wall time spent building and merging the graph
    prepared: Any = None  # what ``prepare`` made of the builder
    mentions: Optional[list[dict]] = None  # each worker's mention records (kg.export.mentions), if all came


def _mentions(building: list[_Worker]) -> Optional[list[dict]]:
    """Each worker's mention records (None if one could not send them: they are rendered then)."""
    out = []
    for w in building:
        try:
            message = w.conn.recv()
        except (EOFError, OSError):
            return None
        if message[0] != "mentions":
            return None
        out.append(message[1])
    return out


def extract_and_build(jobs: list[Job], workers: int, sizes: Optional[list[int]] = None,
                      progress: Optional[Callable[[int], None]] = None,
                      prepare: Optional[Callable[[Any], Any]] = None, hold: bool = True) -> Result:
    """Extract ``jobs`` in ``workers`` forked processes, then build the graph of what was
    extracted; see the module docstring. ``sizes`` (bytes per job) sets the order: largest
    first. ``prepare(builder)`` runs on the merged builder while the workers render the
    records of their mentions (its result is ``Result.prepared``).

    ``hold=False`` only extracts: each outcome comes back with its extraction as plain data
    (``_Outcome.data``), and no graph is built (an update's changed documents, see
    :func:`kg.build.extract_all`). Deaths and time budgets are handled the same way."""
    from kg.graph.accumulate import _Builder

    _warm_worker()  # forked workers inherit the loaded pipeline, frozen: their collectors never scan it
    ctx = mp.get_context("fork")
    queue = deque(sorted(range(len(jobs)), key=lambda i: (-(sizes[i] if sizes else 0), i)))
    outcomes: list[Any] = [None] * len(jobs)
    attempts = [0] * len(jobs)
    # each document's budget (kg.budget), past which (and GRACE) its worker is killed
    limits = [allowance(job[4] if len(job) > 4 else None, sizes[i] if sizes else 0) for i, job in enumerate(jobs)]
    counted: set[int] = set()
    solo: set[int] = set()  # in flight when a worker died: from then on sent alone, so a death is its own
    pool: list[_Worker] = []
    graph_seconds = 0.0

    def done(i: int) -> None:
        if progress and i not in counted:
            progress(1)
        counted.add(i)

    def give(w: _Worker) -> None:
        while queue and len(w.doing) < IN_FLIGHT:
            if w.doing and (queue[0] in solo or w.doing[0] in solo):
                break
            i = queue.popleft()
            w.doing.append(i)
            w.conn.send(("doc", i, jobs[i], hold))

    def lost(w: _Worker, overran: Optional[int] = None) -> None:
        """``w`` died (or was killed for overrunning its document ``overran``'s budget): skip
        that one, retry or skip what else it was doing, extract again what it held, replace it."""
        why = _died(w)
        pool.remove(w)
        retry = []
        for i in w.doing:
            if i == overran:
                outcomes[i] = _Outcome(jobs[i][1], None, "skipped", timeout_reason(limits[i] or 0), "timeout")
                done(i)
                continue
            if overran is None:  # (a worker killed for another's overrun is no fault of these)
                attempts[i] += 1
            if attempts[i] < ATTEMPTS:
                retry.append(i)
                solo.add(i)
            else:
                outcomes[i] = _Outcome(jobs[i][1], None, "skipped",
                                       f"the process extracting it {why} ({ATTEMPTS} times)", "crash")
                done(i)
        queue.extendleft(reversed(retry + w.held))
        replacement = _start(ctx)
        pool.append(replacement)
        give(replacement)

    def overdue(now: float) -> Optional[float]:
        """Kill every worker past its document's budget and :data:`GRACE` (still at it although
        told to stop: in one long call into C, say); the seconds to the next such deadline."""
        soonest = None
        for w in list(pool):
            if w.started is None or limits[w.started[0]] is None:
                continue
            left = w.started[1] + limits[w.started[0]] + GRACE - now  # type: ignore[operator]
            if left <= 0:
                w.process.kill()
                lost(w, overran=w.started[0])
            elif soonest is None or left < soonest:
                soonest = left
        return soonest

    # the outcomes received and the graph live on, without cycles: frozen at the end, so the
    # next collection need not scan them all
    with paused_gc(freeze=True):
        try:
            for _ in range(max(1, min(workers, len(jobs)))):
                pool.append(_start(ctx))
                give(pool[-1])  # at work while the next one is forked
            while True:
                # phase 1: every document extracted (or read from the cache) by some worker
                while any(w.doing for w in pool):
                    busy = {w.conn: w for w in pool if w.doing}
                    for conn in wait(list(busy), timeout=overdue(time.monotonic())):
                        w = busy[conn]
                        if w not in pool:  # (killed just now for overrunning)
                            continue
                        try:
                            message = conn.recv()
                        except (EOFError, OSError):
                            lost(w)
                            continue
                        if message[0] == "start":
                            w.started = (message[1], time.monotonic())
                            continue
                        _, i, out = message
                        w.started = None
                        outcomes[i] = out
                        w.doing.remove(i)
                        if out.held:
                            w.held.append(i)
                        done(i)
                        give(w)
                if not hold:
                    return Result(outcomes, None, {})
                # phase 2: each worker builds the graph of what it holds, with the corpus's resolver
                t = time.perf_counter()
                facts = {outcomes[i].meta.id: outcomes[i].facts for w in pool for i in w.held}
                ordered = [facts[d] for d in sorted(facts)]
                building = [w for w in pool if w.held]
                request = pickle.dumps(("build", ordered), protocol=pickle.HIGHEST_PROTOCOL)  # pickled once for all
                for w in building:
                    w.conn.send_bytes(request)
                whole = True
                waiting = {w.conn: w for w in building}
                while waiting:
                    for conn in wait(list(waiting)):
                        w = waiting.pop(conn)
                        try:
                            message = conn.recv()
                            while message[0] != "builder":  # (mentions of a build that was redone)
                                message = conn.recv()
                            w.builder = pickle.loads(message[1])  # while the others still build
                        except (EOFError, OSError):
                            lost(w)  # its documents go back to the queue, for a replacement
                            whole = False
                if whole:
                    break
                graph_seconds += time.perf_counter() - t
                # back to phase 1 for the dead worker's documents; then every worker builds anew
            builder = None
            for w in sorted(building, key=lambda w: min(w.held)):  # a fixed order: the same state every time
                if builder is None:
                    builder = w.builder
                else:
                    builder.merge(w.builder)
            builder = builder if builder is not None else _Builder()
            prepared = prepare(builder) if prepare is not None else None
            graph_seconds += time.perf_counter() - t
            return Result(outcomes, builder, facts, graph_seconds, prepared, _mentions(building))
        finally:
            _stop(pool)


_EXITING: list[Any] = []  # stopped workers not yet waited for


def _stop(pool: list[_Worker]) -> None:
    """Tell the workers to exit, without waiting: the system takes a while to tear down a
    process of several hundred MB, and the exports need not wait for that (see :func:`reap`)."""
    for w in pool:
        try:
            w.conn.send(("stop",))
        except OSError:
            pass
        w.conn.close()
        _EXITING.append(w.process)


def reap(timeout: float = 5.0) -> None:
    """Wait for the stopped workers to be gone (killing any still there after ``timeout`` s)."""
    while _EXITING:
        process = _EXITING.pop()
        process.join(timeout)
        if process.exitcode is None:
            process.kill()
            process.join()

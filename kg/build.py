"""The main job: sources directory -> knowledge graph, exports and views in an output directory.

Stages: discover -> (per document, in parallel with ``jobs > 1``) load, normalise,
extract -> build the graph -> write exports -> render views -> write the report.

A document that cannot be read or understood is skipped with one line naming the
file and the reason; it never costs the other documents their results. Extractions
are cached by content hash (``<out>/.kgcache``), so a rebuild after changing one
document re-extracts only that document; with the build state kept there too
(:mod:`kg.state`), the rebuild also updates the last graph for the documents that
changed (:mod:`kg.graph.update`) and copies every export record they did not touch
(:mod:`kg.export.records`), giving the same bytes as a fresh build.
"""

from __future__ import annotations

import gc
import hashlib
import json
import multiprocessing as mp
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from pydantic import BaseModel, Field

from kg import __version__
from kg.budget import DOC_TIMEOUT
from kg.errors import KgError, OutputError, SourceError, shown
from kg.models import DocumentExtraction, SourceMeta

CACHE_DIR = ".kgcache"
REPORT_NAME = "build-report.json"
SUMMARIES_NAME = "summaries.json"


class DocumentStatus(BaseModel):
    id: str
    file: str
    status: str = Field(description="extracted | cached | skipped")
    reason: Optional[str] = None
    kind: Optional[str] = Field(None, description="Category of a skip: empty, binary, encoding, duplicate, ...")
    html: Optional[str] = Field(None, description="A web page's article: main (extracted) or fallback (no main "
                                                  "text found: the plain path)")


class CorrectionStatus(BaseModel):
    """What one entry of sources/corrections.toml did in this build."""

    line: int
    op: str
    applied: bool
    reason: str = Field(description="What it did, or why it did nothing (stale: it points at nothing)")


class Disagreement(BaseModel):
    """A manifest value the text contradicts (the manifest's is the one built)."""

    doc: str
    field: str = Field(description="title | region | date")
    manifest: str
    text: str


class OtherFile(BaseModel):
    """An entry of the sources folder that is not a document (see kg.io.loader.NOT_DOCUMENTS)."""

    file: str = Field(description="Path relative to the sources folder ('/' ends a folder, not entered)")
    role: str = Field(description="manifest | corrections | hidden | output")


class BuildReport(BaseModel):
    """What a build did; written as build-report.json and printed as the closing line."""

    sources: str
    out: str
    documents: list[DocumentStatus] = Field(default_factory=list,
                                            description="Every file of the sources folder that could be a "
                                                        "document (and every manifest row), with its status")
    other_files: list[OtherFile] = Field(default_factory=list,
                                         description="The other entries of the sources folder: the manifest, "
                                                     "hidden files and folders, the output folder")
    problems: list[str] = Field(default_factory=list, description="Manifest and source problems, one line each")
    nodes: int = 0
    edges: int = 0
    outputs: list[str] = Field(default_factory=list)
    updated: bool = Field(False, description="True if the last build's graph and exports were updated for the "
                                              "documents that changed rather than built afresh")
    seconds: dict[str, float] = Field(default_factory=dict, description="Wall-clock time of each build stage")
    cpu_seconds: dict[str, float] = Field(default_factory=dict,
                                          description="load / normalise / extract time summed over documents")
    corrections: list[CorrectionStatus] = Field(default_factory=list,
                                                description="Every entry of the sources' corrections.toml")
    disagreements: list[Disagreement] = Field(default_factory=list,
                                              description="Where a manifest value and the text disagree")

    @property
    def built(self) -> int:
        return sum(1 for d in self.documents if d.status != "skipped")

    @property
    def skipped(self) -> list[DocumentStatus]:
        return [d for d in self.documents if d.status == "skipped"]

    def summary_line(self) -> str:
        total = sum(self.seconds.values())
        skipped = self.skipped
        extra = ""
        if skipped:
            kinds: dict[str, int] = {}
            for d in skipped:
                kinds[d.kind or "error"] = kinds.get(d.kind or "error", 0) + 1
            extra = f", {len(skipped)} skipped (" + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) + ")"
        if self.other_files:
            roles: dict[str, int] = {}
            for f in self.other_files:
                roles[f.role] = roles.get(f.role, 0) + 1
            extra += ", not documents: " + ", ".join(f"{n} {k}" for k, n in sorted(roles.items()))
        cached = sum(1 for d in self.documents if d.status == "cached")
        cache = f" ({cached} from cache{', graph updated' if self.updated else ''})" if cached else ""
        fixes = ""
        if self.corrections:
            stale = sum(1 for c in self.corrections if not c.applied)
            fixes = f", {len(self.corrections)} correction{'s' * (len(self.corrections) != 1)} ({stale} stale)"
        return (f"Built {shown(self.out)}: {self.built} documents{cache}{extra}, {self.nodes} nodes, "
                f"{self.edges} edges{fixes} in {total:.1f} s")


Job = tuple[str, SourceMeta, Optional[str], Optional[int], Optional[float]]  # path, meta, cache file, max bytes,
# seconds per MB (kg.budget.allowance)


@dataclass
class _Outcome:
    meta: SourceMeta
    extraction: Optional[DocumentExtraction]
    status: str
    reason: Optional[str] = None
    kind: Optional[str] = None
    seconds: Optional[dict[str, float]] = None
    data: Optional[dict] = None  # the extraction as plain data, on its way back from a worker
    cache_name: Optional[str] = None  # its extraction's file in the cache (content hash)
    kept: bool = False  # unchanged since the last build: its extraction was not even read
    held: bool = False  # its extraction stays in the worker that made it (see kg.workers)
    facts: Any = None  # with ``held``: what resolution reads of it (DocFacts)
    summary: Optional[str] = None  # with ``held``: its summary's text
    html: Optional[str] = None  # a web page: how its article was found


# ----------------------------------------------------------------------------- cache
@lru_cache(maxsize=1)
def extractor_fingerprint() -> str:
    """Hash of everything that shapes an extraction (code and data), so stale caches are never used."""
    h = hashlib.sha256(__version__.encode())
    root = resources.files("kg")
    for sub in ("extract", "text", "nlp", "data", "io"):
        folder = root / sub
        for entry in sorted(folder.iterdir(), key=lambda p: p.name):
            if entry.is_file() and entry.name.endswith((".py", ".txt", ".json", ".csv")):
                h.update(entry.name.encode())
                h.update(entry.read_bytes())
    for name in ("models.py", "datafiles.py"):
        h.update((root / name).read_bytes())
    return h.hexdigest()[:16]


def _cache_name(meta: SourceMeta, sha: str) -> str:
    safe = hashlib.sha1(f"{meta.id}\0{meta.file}".encode()).hexdigest()[:12]
    return f"{safe}-{sha[:16]}-{extractor_fingerprint()}.json"


def _file_sha(path: Path) -> Optional[str]:
    try:
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        return h.hexdigest()
    except OSError:
        return None


# ----------------------------------------------------------------------------- per document
def process_document(path: str | Path, meta: SourceMeta, max_bytes: Optional[int] = None,
                     seconds: Optional[dict[str, float]] = None) -> DocumentExtraction:
    """Load, normalise and extract one document (raises KgError subclasses on bad input).

    ``seconds``, if given, receives the time spent in each stage.
    """
    from kg.io.loader import MAX_BYTES, load_document
    from kg.nlp.pipeline import extract_document
    from kg.text.normalize import normalise

    t0 = time.perf_counter()
    loaded = load_document(path, meta, max_bytes or MAX_BYTES)
    t1 = time.perf_counter()
    norm = normalise(loaded)
    if not norm.text.strip():  # every line was page chrome: nothing to extract is no result to report
        raise SourceError(path, "has no text after removing web page boilerplate", "no-text")
    t2 = time.perf_counter()
    ex = extract_document(norm)
    ex.html = loaded.html  # (a web page's article found by extraction or by the fallback)
    if seconds is not None:
        seconds["load"] = seconds.get("load", 0.0) + t1 - t0
        seconds["normalise"] = seconds.get("normalise", 0.0) + t2 - t1
        seconds["extract"] = seconds.get("extract", 0.0) + time.perf_counter() - t2
    return ex


def timeout_reason(limit: float) -> str:
    return (f"took longer than {limit:g} s, its time budget (--doc-timeout: seconds per MB, at least that "
            "many): stopped")


def _work(job: Job) -> _Outcome:
    from kg.budget import OverBudget, allowance, budget

    path, meta, cache_file, max_bytes, timeout = job
    seconds: dict[str, float] = {}
    limit = allowance(timeout, _size(path))
    try:
        # an extraction makes no reference cycles (reference counting frees it all), so the
        # collector's passes over the growing heap during one would only cost time
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            with budget(limit):
                ex = process_document(path, meta, max_bytes, seconds)
        finally:
            if was_enabled:
                gc.enable()
    except OverBudget:
        return _Outcome(meta, None, "skipped", timeout_reason(limit or 0), "timeout")
    except SourceError as e:
        return _Outcome(meta, None, "skipped", e.problem, e.kind)
    except KgError as e:  # an extractor bug on this document: reported, the others go on
        return _Outcome(meta, None, "skipped", e.message, "error")
    if cache_file:
        _write_cache(Path(cache_file), ex)
    return _Outcome(meta, ex, "extracted", seconds=seconds, cache_name=Path(cache_file).name if cache_file else None,
                    html=ex.html)


def _work_remote(job: Job) -> _Outcome:
    """:func:`_work` in a worker process: the extraction travels back as plain data.

    Unpickling pydantic models object by object costs the parent (which is on the
    critical path) almost twice what validating the same data as one dict does.
    """
    out = _work(job)
    if out.extraction is not None:
        out.data, out.extraction = out.extraction.model_dump(), None
    return out


def _quiet_libraries() -> None:
    """jieba announces its dictionary on stderr ("Building prefix dict ...") wherever a build
    first touches it (the pipeline, or entity resolution in an update that extracts nothing):
    never wanted, least of all under ``-q``. Its logger is set silent before anything does."""
    import jieba

    jieba.setLogLevel(60)  # above CRITICAL: nothing of jieba's is printed


def _warm_worker() -> None:
    """Load the pipeline, then move everything alive into the collector's permanent
    generation: the dictionaries and gazetteers live as long as the process, and
    rescanning them on every collection costs more than the extraction of small texts."""
    from kg.nlp.pipeline import warm_up

    _quiet_libraries()  # (a spawned worker starts without the parent's setting)
    warm_up()
    gc.freeze()


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _previous_html(out_dir: Path) -> dict[str, Optional[str]]:
    """What the last build's report said of each web page (a kept document is not read again)."""
    try:
        docs = json.loads((out_dir / REPORT_NAME).read_text(encoding="utf-8"))["documents"]
        return {d["file"]: d.get("html") for d in docs}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _write_cache(cache_file: Path, ex: DocumentExtraction) -> None:
    """Keep ``ex`` in the cache, signed with the user's key (:mod:`kg.signing`)."""
    from kg.io.atomic import atomic_write_bytes
    from kg.signing import key, seal_entry

    secret = key()
    if secret is None:
        return  # unsigned, it would never be read back
    try:
        atomic_write_bytes(cache_file, seal_entry(cache_file.name, ex.model_dump_json().encode("utf-8"), secret),
                           durable=False)  # (an entry lost to a power cut is made again)
    except OSError:
        pass  # a cache that cannot be written only costs speed next time


def _read_cache(cache_file: Path, meta: SourceMeta) -> Optional[DocumentExtraction]:
    """The cached extraction of ``meta`` if the entry is whole and signed with the user's key
    for this very name (document, content, extractor): anything else is extracted again, so
    no text but the source's reaches the exports."""
    from kg.signing import key, open_entry

    secret = key()
    if secret is None:
        return None
    try:
        body = open_entry(cache_file.name, cache_file.read_bytes(), secret)
        if body is None:
            return None
        ex = DocumentExtraction.model_validate_json(body)
    except (OSError, ValueError):
        return None
    return ex if ex.doc_id == meta.id and ex.file == meta.file else None


def _plan(documents: list[tuple[Path, SourceMeta]], cache_dir: Optional[Path],
          progress: Optional[Callable[[int], None]], keep: Optional[Callable[[SourceMeta, str], bool]],
          max_bytes: Optional[int], read_cache: bool = True,
          timeout: Optional[float] = None) -> tuple[list[Optional[_Outcome]], list[tuple[int, Job]]]:
    """The outcomes known without extracting (duplicates, kept documents and, with
    ``read_cache``, cached ones), and the jobs left to do with their positions."""
    outcomes: list[Optional[_Outcome]] = [None] * len(documents)
    todo: list[tuple[int, Job]] = []
    first_with: dict[str, str] = {}
    for i, (path, meta) in enumerate(documents):
        cache_file = None
        sha = _file_sha(path)
        if sha and sha in first_with:
            outcomes[i] = _Outcome(meta, None, "skipped", f"same content as {shown(first_with[sha])}", "duplicate")
            if progress:
                progress(1)
            continue
        if sha:
            first_with[sha] = meta.file
        if cache_dir is not None:
            if sha:
                name = _cache_name(meta, sha)
                cache_file = cache_dir / name
                if keep is not None and keep(meta, name):
                    outcomes[i] = _Outcome(meta, None, "cached", cache_name=name, kept=True)
                    if progress:
                        progress(1)
                    continue
                if read_cache and cache_file.exists():
                    ex = _read_cache(cache_file, meta)
                    if ex is not None:
                        outcomes[i] = _Outcome(meta, ex, "cached", cache_name=name, html=ex.html)
                        if progress:
                            progress(1)
                        continue
        todo.append((i, (str(path), meta, str(cache_file) if cache_file else None, max_bytes, timeout)))
    return outcomes, todo


def extract_all(
    documents: list[tuple[Path, SourceMeta]],
    jobs: int = 1,
    cache_dir: Optional[Path] = None,
    progress: Optional[Callable[[int], None]] = None,
    max_bytes: Optional[int] = None,
    keep: Optional[Callable[[SourceMeta, str], bool]] = None,
    timeout: Optional[float] = None,
) -> list[_Outcome]:
    """Extract every document (cached ones are read back), preserving input order.

    A file whose bytes repeat an earlier document's is skipped as a duplicate: its
    evidence would only double-count the first one's. A document for which
    ``keep(meta, cache name)`` is true is neither extracted nor read (``kept``): the
    last build's graph already holds it.
    """
    from kg.graph.build import paused_gc

    from kg.portable import can_fork

    outcomes, todo = _plan(documents, cache_dir, progress, keep, max_bytes, timeout=timeout)
    if jobs > 1 and len(todo) > 1 and can_fork():
        from kg.workers import extract_and_build

        # forked workers (kg.workers: a worker that dies or overruns costs only its document),
        # sending each extraction back as plain data; received long-lived and cycle-free
        with paused_gc(freeze=True):
            result = extract_and_build([job for _, job in todo], jobs, [_size(job[0]) for _, job in todo],
                                       progress, hold=False)
            for (i, _), out in zip(todo, result.outcomes):
                if out.data is not None:
                    out.extraction, out.data = DocumentExtraction.model_validate(out.data), None
                outcomes[i] = out
    elif jobs > 1 and len(todo) > 1:
        # no fork here: spawned workers, each loading the pipeline itself (the initializer)
        context = mp.get_context("spawn")
        # the largest documents first, one at a time: no worker is left with a long tail alone
        by_size = sorted(todo, key=lambda item: (-_size(item[1][0]), item[0]))
        # the extractions received are long-lived and cycle-free (see _work); frozen at the end,
        # as _warm_worker does with the pipeline: else the first collection scans them all
        with paused_gc(freeze=True), ProcessPoolExecutor(max_workers=jobs, mp_context=context,
                                                         initializer=_warm_worker) as pool:
            futures = {pool.submit(_work_remote, job): i for i, job in by_size}
            for future in as_completed(futures):
                out = future.result()
                if out.data is not None:
                    out.extraction, out.data = DocumentExtraction.model_validate(out.data), None
                outcomes[futures[future]] = out
                if progress:
                    progress(1)
    elif todo:
        _warm_worker()
        with paused_gc(freeze=True):  # as above: the extractions kept here live on, cycle-free
            for i, job in todo:
                outcomes[i] = _work(job)
                if progress:
                    progress(1)
    return [o for o in outcomes if o is not None]


def _extract_and_build(documents: list[tuple[Path, SourceMeta]], jobs: int, cache_dir: Optional[Path],
                       progress: Optional[Callable[[int], None]], max_bytes: Optional[int], views: bool,
                       timeout: Optional[float] = None):
    """A fresh build's documents extracted and their graph built in ``jobs`` workers
    (:mod:`kg.workers`): the outcomes, in input order, and the merged builder and facts."""
    from kg.workers import extract_and_build

    outcomes, todo = _plan(documents, cache_dir, progress, None, max_bytes, read_cache=False, timeout=timeout)
    # the graph the views need, or only what the exports need, made while the workers render mentions
    prepare = (lambda builder: builder.finish()) if views else (lambda builder: builder.snapshot())
    result = extract_and_build([job for _, job in todo], jobs, [_size(job[0]) for _, job in todo], progress,
                               prepare)
    for (i, _), out in zip(todo, result.outcomes):
        outcomes[i] = out
    return [o for o in outcomes if o is not None], result


# ----------------------------------------------------------------------------- output dir
def prepare_output_dir(out: str | Path) -> Path:
    """Create ``out`` if needed and prove it is writable, before any work starts.

    Temporary files left by a build that was killed mid-write are removed (the
    files they were to replace are intact: writes are atomic).
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise OutputError(out, "exists and is not a directory")
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / f".kg-write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as e:
        raise OutputError(out, f"cannot be written: {e.strerror or e}") from None
    for stale in list(out.glob(".*.tmp")) + list(out.glob("*/.*.tmp")):
        try:
            stale.unlink()
        except OSError:
            pass
    return out


# ----------------------------------------------------------------------------- the job
def build(
    sources: str | Path = "sources",
    out: str | Path = "out",
    jobs: int = 1,
    views: bool = True,
    cache: bool = True,
    progress_factory: Optional[Callable[[int], "ProgressLike"]] = None,
    max_doc_bytes: Optional[int] = None,
    follow_symlinks: bool = False,
    doc_timeout: Optional[float] = DOC_TIMEOUT,
    inline_evidence: bool = False,
) -> BuildReport:
    """Build the graph of ``sources`` into ``out`` and return what happened.

    A document whose extraction takes longer than ``doc_timeout`` seconds per MB (at least
    ``doc_timeout``; None or 0: no limit) is stopped and skipped (``timeout``).

    Symbolic links leading out of ``sources`` (and links to folders) are skipped unless
    ``follow_symlinks``.

    The sentences go to the store (``kg.sqlite``) only, unless ``inline_evidence``: then
    GraphML, graph.json and provenance.csv hold them too."""
    from kg.io.atomic import atomic_write_text
    from kg.io.corrections import read_corrections
    from kg.io.loader import discover

    t0 = time.perf_counter()
    corrections = read_corrections(sources)  # a malformed file stops the build before any work
    _quiet_libraries()
    out_dir = prepare_output_dir(out)
    if Path(sources).is_dir() and out_dir.resolve() == Path(sources).resolve():
        raise OutputError(out_dir, "is the sources folder: the exports would be read as sources by the next build")
    found = discover(sources, follow_symlinks=follow_symlinks, exclude=[out_dir])
    report = BuildReport(sources=str(sources), out=str(out_dir))
    report.problems = [p.message for p in found.problems]
    report.other_files = [OtherFile(file=rel, role=role) for rel, role in found.other]
    cache_dir = None
    if cache:
        cache_dir = out_dir / CACHE_DIR
        cache_dir.mkdir(exist_ok=True)
    report.seconds["discover"] = time.perf_counter() - t0

    state = None
    if cache_dir is not None:
        from kg.state import code_fingerprint, load_state

        t = time.perf_counter()
        state = load_state(cache_dir, _state_key(code_fingerprint, corrections, inline_evidence))
        report.seconds["state"] = time.perf_counter() - t
    keep = None
    if state is not None:
        known = state.docs
        keep = lambda meta, name: known.get(meta.id) == (name, meta)  # noqa: E731

    t = time.perf_counter()
    bar = progress_factory(len(found.documents)) if progress_factory else None
    progress = bar.update if bar else None
    built_by_workers = None
    try:
        from kg import workers

        if jobs > 1 and state is None and len(found.documents) > 1 and workers.available() and not corrections:
            # a fresh build: the workers keep what they extract and build the graph of it too
            outcomes, built_by_workers = _extract_and_build(found.documents, jobs, cache_dir, progress, max_doc_bytes,
                                                            views, doc_timeout)
        else:
            outcomes = extract_all(found.documents, jobs=jobs, cache_dir=cache_dir, progress=progress,
                                   max_bytes=max_doc_bytes, keep=keep, timeout=doc_timeout)
    finally:
        if bar:
            bar.close()
    report.seconds["documents"] = time.perf_counter() - t
    if built_by_workers is not None:  # the workers built the graph too: that time is the graph's
        report.seconds["documents"] -= built_by_workers.graph_seconds
    # per-stage time summed over documents (over all workers when jobs > 1)
    for o in outcomes:
        for k, v in (o.seconds or {}).items():
            report.cpu_seconds[k] = report.cpu_seconds.get(k, 0.0) + v
    report.cpu_seconds = {k: round(v, 3) for k, v in report.cpu_seconds.items()}
    built = [o for o in outcomes if o.extraction is not None or o.kept or o.held]
    curation = None
    if corrections:
        from kg.graph.corrections import compile_corrections

        t = time.perf_counter()
        paths = {m.id: p for p, m in found.documents}
        curation = compile_corrections(corrections, [(paths[o.meta.id], o.meta) for o in built], max_doc_bytes)
        report.seconds["corrections"] = time.perf_counter() - t

    from kg.graph.build import paused_gc

    # the graph and its exports are hundreds of thousands of objects that all live on (to the
    # end of the build, and without cycles: frozen, no collection ever scans them)
    with paused_gc(freeze=True):
        t = time.perf_counter()
        stage = _graph_stage(state, built, found.documents, out_dir, cache_dir, jobs, max_doc_bytes, views,
                             built_by_workers, curation, corrections, doc_timeout, inline_evidence)
        report.updated = stage.updated
        report.nodes, report.edges = len(stage.snap.nodes), len(stage.snap.edges)
        report.seconds["graph"] = time.perf_counter() - t
        if built_by_workers is not None:
            report.seconds["graph"] += built_by_workers.graph_seconds
        for meta, err in found.skipped:
            report.documents.append(DocumentStatus(id=meta.id, file=meta.file, status="skipped", reason=err.problem,
                                                   kind=err.kind))
        before = _previous_html(out_dir) if any(o.kept for o in outcomes) else {}
        for o in outcomes:
            html = o.html if not o.kept else o.extraction.html if o.extraction is not None else before.get(o.meta.file)
            report.documents.append(DocumentStatus(id=o.meta.id, file=o.meta.file, status=o.status,
                                                   reason=o.reason, kind=o.kind, html=html))
        report.documents.sort(key=lambda d: d.file)
        _report_corrections(report, stage, curation)
        if cache_dir is not None:
            _prune_cache(cache_dir, {o.cache_name for o in outcomes if o.cache_name})

        t = time.perf_counter()
        try:
            written = _export_stage(stage, out_dir, jobs, inline_evidence)
        finally:
            stage.close()
        report.seconds["export"] = time.perf_counter() - t
        if stage.state is not None and cache_dir is not None:
            from kg.state import save_state

            t = time.perf_counter()
            stage.state.docs = {o.meta.id: (o.cache_name, o.meta) for o in stage.built if o.cache_name}
            stage.state.summaries = stage.summaries
            stage.state.record_exports(out_dir, stage.index)
            save_state(cache_dir, stage.state)
            report.seconds["state"] = report.seconds.get("state", 0.0) + time.perf_counter() - t

    if views:
        t = time.perf_counter()
        from kg.views import render_views

        written += [Path(p) for p in render_views(stage.graph, out_dir)]
        report.seconds["views"] = time.perf_counter() - t
    report.outputs = sorted(str(p.relative_to(out_dir)) for p in written)
    report.seconds = {k: round(v, 3) for k, v in report.seconds.items()}
    atomic_write_text(out_dir / REPORT_NAME, report.model_dump_json(indent=2) + "\n")
    if built_by_workers is not None:
        workers.reap()  # they exited while the exports were written
    return report


@dataclass
class _Stage:
    """The graph stage's result: what the exports and the next build's state are made from."""

    graph: Any  # the KnowledgeGraph, or (updated without views) the builder's Snapshot
    snap: Any  # the Snapshot the exporters walk
    state: Any  # the BuildState to save (None without a cache)
    built: list[_Outcome]
    summaries: dict[str, tuple[str, str]]  # doc id -> (file, summary text)
    reuse: dict[str, Any] = field(default_factory=dict)  # file -> Reuse of last build's bytes
    updated: bool = False
    index: Any = None  # filled by the exports: the next build's ExportIndex
    builder: Any = None  # the graph builder (what the corrections did is kept in it)
    facts: dict = field(default_factory=dict)  # doc id -> DocFacts
    store: Any = None  # a StoreUpdate: what changed since the last build's store (None: written afresh)

    def close(self) -> None:
        """Let go of the last build's export files (mapped and open while they were copied from)."""
        for r in self.reuse.values():
            if r.fd is not None:
                r.old.close()
                os.close(r.fd)
                r.fd = None


def _graph_stage(state, built: list[_Outcome], documents: list[tuple[Path, SourceMeta]], out_dir: Path,
                 cache_dir: Optional[Path], jobs: int, max_bytes: Optional[int], views: bool,
                 by_workers=None, curation=None, corrections=None, timeout: Optional[float] = None,
                 inline: bool = False) -> _Stage:
    """Update the last build's graph for what changed, or build it afresh (or take the
    graph the workers built, ``by_workers``: a :class:`kg.workers.Result`), applying the
    corrections (``curation``, see :mod:`kg.graph.corrections`)."""
    from kg.export import FILES, key_order
    from kg.export.records import KINDS, Reuse, plan
    from kg.graph.build import Snapshot
    from kg.graph.corrections import prepare
    from kg.summary import summarise, summary_item

    def summary(o: _Outcome) -> str:
        return summary_item(summarise(prepare(o.extraction, o.meta, curation)[0]))  # type: ignore[arg-type]

    changed = (_update_graph(state, built, cache_dir, curation) if state is not None and cache_dir is not None
               else None)
    if changed is not None:
        result, dirty, fresh = changed
        # the networkx graph is made for the views; the exports need only the builder's snapshot
        graph = result.graph if views else result.snapshot()
        ids = {o.meta.id for o in built}
        items = {d: v for d, v in state.summaries.items() if d in ids and d not in fresh}
        for o in built:
            if o.meta.id in fresh:
                assert o.extraction is not None
                items[o.meta.id] = (o.meta.file, summary(o))
    else:
        from kg.graph.update import GraphState, build_state

        if by_workers is not None:
            graph_state = GraphState(by_workers.builder, by_workers.facts)
            items = {o.meta.id: (o.meta.file, o.summary) for o in built}
            graph = by_workers.prepared
        else:
            _read_kept(built, {m.id: p for p, m in documents}, cache_dir, jobs, max_bytes, timeout)
            built = [o for o in built if o.extraction is not None]
            graph_state = build_state([o.extraction for o in built], [o.meta for o in built],  # type: ignore[misc]
                                      curation)
            items = {o.meta.id: (o.meta.file, summary(o)) for o in built}
            graph = graph_state.builder.finish() if views else graph_state.builder.snapshot()
        state = None
        if cache_dir is not None:
            from kg.state import BuildState, code_fingerprint

            state = BuildState(_state_key(code_fingerprint, corrections, inline), {}, graph_state)
    snap = graph if isinstance(graph, Snapshot) else Snapshot.of(graph)
    stage = _Stage(graph, snap, state, built, items, updated=changed is not None)
    stage.builder, stage.facts = (changed[0].builder, state.graph.facts) if changed is not None else \
        (graph_state.builder, graph_state.facts)
    if by_workers is not None and by_workers.mentions is not None and not inline:
        from kg.export.mentions import reuse_of

        # the workers rendered their documents' mention records: copied into place, not rendered again
        stage.reuse = reuse_of(by_workers.mentions, snap.ids)
    if changed is not None and state.order is not None:
        segments = plan(state.order, key_order(snap), dirty)
        sizes = {kind: len(state.order.of(kind)) for kind in KINDS}
        for name in FILES:
            got = state.export_source(out_dir, name)
            if got is not None:
                stage.reuse[name] = Reuse(got[0], got[2], segments, sizes, fd=got[1])
        stage.store = _store_update(state, out_dir, snap, dirty, changed[2])
    return stage


def _store_update(state, out_dir: Path, snap, dirty: dict[str, set], docs: set[str]):
    """What to change in the last build's store, if it is there as written (else None: written afresh)."""
    from kg.export import STORE_FILE, StoreUpdate, key_order

    got = state.export_source(out_dir, STORE_FILE)
    if got is None:
        return None
    got[0].close()
    os.close(got[1])
    new = key_order(snap)
    # touched elements, and those gone (their rows are deleted)
    nodes = set(dirty["n"]) | (set(state.order.nodes) - set(new.nodes))
    edges = set(dirty["e"]) | (set(state.order.edges) - set(new.edges))
    return StoreUpdate(out_dir / STORE_FILE, set(docs), nodes, edges)


def _export_stage(stage: _Stage, out_dir: Path, jobs: int, inline: bool = False) -> list[Path]:
    from kg.export import write_all
    from kg.export.records import ExportIndex
    from kg.summary import join_summary_items

    def summaries() -> bytes:
        ordered = [text for _, text in sorted(stage.summaries.values())]
        return (join_summary_items(ordered) + "\n").encode("utf-8")

    stage.index = ExportIndex()
    return [Path(p) for p in write_all(stage.snap, out_dir, jobs=jobs, extra={SUMMARIES_NAME: summaries},
                                       reuse=stage.reuse, index=stage.index, inline_evidence=inline,
                                       store=stage.store)]


def _kept_extraction(o: _Outcome, cache_dir: Optional[Path]) -> Optional[DocumentExtraction]:
    """The cached extraction of a document the last build already held (None if it is gone)."""
    return _read_cache(cache_dir / o.cache_name, o.meta) if cache_dir is not None and o.cache_name else None


def _read_kept(outcomes: list[_Outcome], paths: dict[str, Path], cache_dir: Optional[Path], jobs: int,
               max_bytes: Optional[int], timeout: Optional[float] = None) -> None:
    """Give every kept outcome its extraction (from the cache, or extracted again if it is gone)."""
    again = []
    for o in outcomes:
        if o.kept and o.extraction is None:
            ex = _kept_extraction(o, cache_dir)
            if ex is None:
                again.append(o)
            o.extraction = ex
    if again:
        redo = extract_all([(paths[o.meta.id], o.meta) for o in again], jobs=jobs, cache_dir=cache_dir,
                           max_bytes=max_bytes, timeout=timeout)
        for o, new in zip(again, redo):
            o.extraction, o.status, o.reason, o.kind = new.extraction, new.status, new.reason, new.kind


def _update_graph(state, built: list[_Outcome], cache_dir: Path, curation=None):
    """``(update, dirty record keys, changed doc ids)`` by updating the last build's graph, or
    None when a fresh build is due (much changed, an old extraction gone, too many documents
    to re-resolve). Records not dirty may be copied from last time's exports."""
    from kg.graph.update import update

    current = {o.meta.id: o for o in built}
    gone = [d for d in sorted(state.docs) if d not in current or not current[d].kept]
    fresh = [o for o in built if not o.kept]
    if len(gone) + len(fresh) > max(8, len(current) // 4):
        return None  # a fresh build costs about as much
    remove = []
    for d in gone:
        name, meta = state.docs[d]
        ex = _read_cache(cache_dir / name, meta)
        if ex is None:
            return None
        remove.append((ex, meta))

    def load(doc_id: str):
        o = current.get(doc_id)
        ex = _kept_extraction(o, cache_dir) if o is not None and o.kept else None
        return (ex, o.meta) if ex is not None else None

    result = update(state.graph, remove, [(o.extraction, o.meta) for o in fresh], load=load,
                    max_affected=max(8, len(current) // 10), curation=curation)
    if result is None:
        return None
    changed = set(gone) | {o.meta.id for o in fresh}
    # records that may differ from last time: touched elements, and the mentions of the
    # documents that changed (their ids are local, so nobody else's moved)
    dirty: dict[str, set] = {"n": set(), "e": set(), "p": set()}
    for key in result.touched:
        dirty[key[0]].add(key[1] if key[0] == "n" else key[1:])
    if state.order is not None:
        dirty["p"].update(pid for pid in state.order.provenance if pid.rpartition("#")[0] in changed)
    return result, dirty, changed


def _state_key(code_fingerprint: Callable[[str], str], corrections, inline: bool) -> str:
    """What a build state is keyed on: the code, whether sentences are inline (the other mode's
    export records cannot be copied), and the corrections it applied (a change of them builds
    the graph again, from the cached extractions)."""
    code = code_fingerprint(extractor_fingerprint()) + ("-inline" if inline else "")
    digest = corrections.digest() if corrections else ""
    return f"{code}+{digest}" if digest else code


def _report_corrections(report: BuildReport, stage: _Stage, curation) -> None:
    """What each correction did, and where a manifest value and the text disagree."""
    if curation:
        from kg.graph.corrections import statuses

        ids = [o.meta.id for o in stage.built]
        report.corrections = [CorrectionStatus(**s) for s in statuses(curation, stage.builder, ids)]
    report.disagreements = [Disagreement(doc=d, field=f, manifest=m, text=t)
                            for d in sorted(stage.facts) for f, m, t in getattr(stage.facts[d], "disagree", ())]


def _prune_cache(cache_dir: Path, keep: set[str]) -> None:
    """Drop cache entries of documents that are gone or changed (the cache never grows stale)."""
    for entry in cache_dir.glob("*.json"):
        if entry.name not in keep:
            try:
                entry.unlink()
            except OSError:
                pass


class ProgressLike:  # pragma: no cover - typing aid only
    def update(self, n: int) -> None: ...
    def close(self) -> None: ...


def iter_problem_lines(report: BuildReport) -> Iterable[str]:
    """One line per problem and per skipped document, for the terminal (names quoted where
    they hold characters that do not print as themselves, see :func:`kg.errors.shown`)."""
    yield from report.problems
    for d in report.skipped:
        yield f"skipped {shown(d.file)}: {d.reason}"
    for c in report.corrections:
        if not c.applied:
            yield f"stale correction {shown(str(Path(report.sources) / 'corrections.toml'))}:{c.line} ({c.op}): {c.reason}"


def report_json(report: BuildReport) -> str:
    return json.dumps(report.model_dump(), ensure_ascii=False, indent=2)

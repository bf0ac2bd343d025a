"""kg.workers: documents extracted and their graph built in forked workers, merged in the parent.

The graph must be byte for byte the one-process graph, whatever the workers do; a worker
that dies costs at most the document that killed it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import kg.build
import kg.graph.build
from kg.build import extract_all
from kg.export import render_all
from kg.graph.update import build_state
from kg.io.loader import discover
from kg.workers import available, extract_and_build
from tests.paths import SEEDS, SOURCES

pytestmark = pytest.mark.skipif(not available(), reason="workers are forked")


@pytest.fixture(scope="module")
def documents():
    return discover(SOURCES).documents


@pytest.fixture(scope="module")
def serial(documents):
    """Exports of the one-process build of ``documents`` minus any left out, by left-out file."""
    outcomes = extract_all(documents)
    cache: dict = {}

    def without(*files: str) -> dict[str, bytes]:
        if files not in cache:
            kept = [o for o in outcomes if o.meta.file not in files]
            state = build_state([o.extraction for o in kept], [o.meta for o in kept])
            cache[files] = render_all(state.builder.finish())
        return cache[files]

    return without


def _jobs(documents):
    return [(str(path), meta, None, None, None) for path, meta in documents]


def _exports(result) -> dict[str, bytes]:
    return render_all(result.builder.finish())


@pytest.mark.parametrize("workers", [2, 3])
def test_the_workers_graph_is_the_one_process_graph(documents, serial, workers):
    seen = []
    result = extract_and_build(_jobs(documents), workers, progress=seen.append)
    assert _exports(result) == serial()
    assert [o.meta.id for o in result.outcomes] == [m.id for _, m in documents]
    assert all(o.status == "extracted" and o.held and o.extraction is None for o in result.outcomes)
    assert sorted(result.facts) == sorted(m.id for _, m in documents)
    assert all(o.summary for o in result.outcomes)
    assert sum(seen) == len(documents)


def _dies(monkeypatch, tmp_path: Path, victim: str, times: int) -> None:
    """Extracting ``victim`` kills its worker the first ``times`` times (counted in files: each
    attempt is another process)."""
    real = kg.build.process_document

    def process(path, meta, *args, **kwargs):
        (tmp_path / f"x-{Path(path).name}-{os.getpid()}").touch()  # who extracted what
        if Path(path).name == victim:
            deaths = len(list(tmp_path.glob("death-*")))
            if deaths < times:
                (tmp_path / f"death-{deaths}").touch()
                os._exit(3)
        return real(path, meta, *args, **kwargs)

    monkeypatch.setattr(kg.build, "process_document", process)  # forked workers inherit it


def test_a_document_that_kills_two_workers_is_skipped_and_costs_nothing_else(documents, serial, monkeypatch,
                                                                            tmp_path):
    victim = SEEDS[2].name
    _dies(monkeypatch, tmp_path, victim, times=99)
    seen = []
    result = extract_and_build(_jobs(documents), 2, progress=seen.append)
    # the document sent along with it each time is extracted again, alone, and kept
    (skipped,) = [o for o in result.outcomes if o.status == "skipped"]
    assert skipped.meta.file == victim and skipped.kind == "crash"
    assert skipped.reason == "the process extracting it exited with status 3 (2 times)"
    assert _exports(result) == serial(victim)
    assert sum(seen) == len(documents)


def test_a_worker_killed_once_loses_nothing(documents, serial, monkeypatch, tmp_path):
    # the smallest document comes last, when the worker that dies already holds others
    victim = min(SEEDS, key=lambda p: p.stat().st_size).name
    _dies(monkeypatch, tmp_path, victim, times=1)
    result = extract_and_build(_jobs(documents), 2)
    assert {o.status for o in result.outcomes} == {"extracted"}
    assert _exports(result) == serial()
    assert len(list(tmp_path.glob("death-*"))) == 1
    extracted = [p.name.rsplit("-", 1)[0][2:] for p in tmp_path.glob("x-*")]
    again = {name for name in extracted if extracted.count(name) > 1} - {victim}
    assert again, "what the dead worker held is extracted again"


def test_a_worker_dying_while_building_is_replaced(documents, serial, monkeypatch, tmp_path):
    real = kg.graph.build._add_document

    def add(builder, resolver, ex, meta):
        if not list(tmp_path.glob("death-*")):
            (tmp_path / "death-0").touch()
            os._exit(5)
        return real(builder, resolver, ex, meta)

    monkeypatch.setattr(kg.graph.build, "_add_document", add)
    result = extract_and_build(_jobs(documents), 2)
    assert {o.status for o in result.outcomes} == {"extracted"}
    assert _exports(result) == serial()


def test_cached_documents_are_read_by_the_workers(documents, serial, tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    jobs = [(str(path), meta, str(cache / f"{meta.id}.json"), None, None) for path, meta in documents]
    first = extract_and_build(jobs, 2)
    assert {o.status for o in first.outcomes} == {"extracted"} and len(list(cache.glob("*.json"))) == len(jobs)
    (cache / f"{documents[1][1].id}.json").write_text("{not json", encoding="utf-8")  # a damaged entry
    again = extract_and_build(jobs, 2)
    assert [o.status for o in again.outcomes] == ["cached", "extracted"] + ["cached"] * (len(jobs) - 2)
    assert _exports(again) == serial()


def test_no_document_gives_an_empty_builder():
    result = extract_and_build([], 2)
    assert result.outcomes == [] and result.facts == {} and not result.builder.nodes


def test_the_workers_render_the_mention_records_and_the_build_copies_them(tmp_path, monkeypatch):
    import kg.export.nodelink
    import kg.export.tables
    from kg.build import build

    reference = build(SOURCES, tmp_path / "one", views=False, cache=False)

    def never(*args):
        raise AssertionError("a mention record was rendered after the workers had rendered it")

    # the exporters' own references (the workers render through kg.export.mentions.RENDERERS)
    monkeypatch.setattr(kg.export.nodelink, "provenance_text", never)
    monkeypatch.setattr(kg.export.tables, "provenance_line", never)
    again = build(SOURCES, tmp_path / "two", views=False, cache=False, jobs=2)
    assert again.nodes == reference.nodes
    for name in ("graph.json", "provenance.csv", "graph.graphml", "evidence.csv"):
        assert (tmp_path / "two" / name).read_bytes() == (tmp_path / "one" / name).read_bytes(), name

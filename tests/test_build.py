"""The main job end to end on the demo corpus: outputs, cache, determinism, interrupted builds."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import networkx as nx
import pytest

from kg.build import CACHE_DIR, build
from tests.paths import SEEDS, SOURCES

EXPORTS = ("graph.graphml", "graph.json", "nodes.csv", "edges.csv", "evidence.csv", "summaries.json")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "out"
    report = build(SOURCES, out)
    return out, report


def test_demo_build_writes_every_output(demo):
    out, report = demo
    assert report.built == 5 and report.skipped == []
    assert report.nodes > 50 and report.edges > 50
    for name in EXPORTS + ("index.html", "build-report.json"):
        assert (out / name).is_file(), name
    assert set(report.outputs) >= set(EXPORTS) | {"index.html"}
    assert report.summary_line().startswith(f"Built {out}: 5 documents")


def test_rebuild_reads_the_cache_and_gives_identical_exports(demo, tmp_path):
    out, _ = demo
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    again = build(SOURCES, copy)
    assert {d.status for d in again.documents} == {"cached"}
    for name in EXPORTS + ("index.html",):
        assert (copy / name).read_bytes() == (out / name).read_bytes(), name


def test_changed_document_alone_is_re_extracted(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(SOURCES, src)
    build(src, tmp_path / "out", views=False)
    changed = src / SEEDS[1].name
    changed.write_text(changed.read_text(encoding="utf-8") + "\n全市生产安全事故起数同比下降。\n", encoding="utf-8")
    again = build(src, tmp_path / "out", views=False)
    status = {d.file: d.status for d in again.documents}
    assert status.pop(SEEDS[1].name) == "extracted"
    assert set(status.values()) == {"cached"}
    assert len(list((tmp_path / "out" / CACHE_DIR).glob("*.json"))) == 5  # the stale entry is pruned


def test_order_of_sources_and_workers_do_not_change_exports(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    for p in SEEDS:
        shutil.copy(p, a / p.name)
    for p in reversed(SEEDS):
        shutil.copy(p, b / p.name)
    build(a, tmp_path / "oa", views=False, cache=False)
    build(b, tmp_path / "ob", views=False, cache=False, jobs=2)
    for name in EXPORTS:
        assert (tmp_path / "oa" / name).read_bytes() == (tmp_path / "ob" / name).read_bytes(), name


def _complete(out: Path) -> None:
    """Every output is a whole file: parseable, closed."""
    nx.read_graphml(out / "graph.graphml")
    json.loads((out / "graph.json").read_text(encoding="utf-8"))
    json.loads((out / "summaries.json").read_text(encoding="utf-8"))
    for page in out.rglob("*.html"):
        assert page.read_text(encoding="utf-8").rstrip().endswith("</html>"), page


@pytest.mark.slow
def test_killed_build_leaves_previous_outputs_whole(demo, tmp_path):
    out, _ = demo
    target = tmp_path / "out"
    shutil.copytree(out, target)
    shutil.rmtree(target / CACHE_DIR)  # force real work so the kill lands mid-build
    before = {p.name: p.read_bytes() for p in target.iterdir() if p.is_file()}
    for delay in (0.5, 1.5, 2.5, 3.5, 5.0):
        proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "build", str(SOURCES), "--out", str(target), "-q"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        _complete(target)
        for name in before:
            assert (target / name).exists(), name
    # the next build cleans the killed builds' temporary files and gives the same exports
    build(SOURCES, target)
    assert not list(target.glob(".*.tmp"))
    for name in EXPORTS:
        assert (target / name).read_bytes() == before[name], name


def test_a_document_that_kills_its_worker_is_reported_and_the_rest_is_built(tmp_path, monkeypatch):
    import os

    import kg.build

    victim = SEEDS[3].name
    real = kg.build.process_document

    def process(path, meta, *args, **kwargs):
        if Path(path).name == victim:
            os._exit(7)  # as a segfault or the OOM killer would end it
        return real(path, meta, *args, **kwargs)

    monkeypatch.setattr(kg.build, "process_document", process)
    report = build(SOURCES, tmp_path / "out", views=False, jobs=2)
    (skipped,) = report.skipped
    assert skipped.file == victim and skipped.kind == "crash" and "exited with status 7" in skipped.reason
    assert report.built == len(SEEDS) - 1
    assert "1 skipped (1 crash)" in report.summary_line()
    docs = json.loads((tmp_path / "out" / "graph.json").read_text(encoding="utf-8"))["graph"]
    assert victim not in json.dumps(docs, ensure_ascii=False)


def _slow(monkeypatch, victim: str, how: str = "python", seconds: float = 40.0) -> None:
    """Extracting ``victim`` takes ``seconds``: in Python code (stopped at the budget) or in
    one call into C that cannot be interrupted (its worker is killed past budget and grace)."""
    import kg.build

    real = kg.build.process_document

    def process(path, meta, *args, **kwargs):
        if Path(path).name == victim:
            if how == "python":
                end, n = time.monotonic() + seconds, 0
                while time.monotonic() < end:  # an extractor gone quadratic
                    n += len(str(n))
            else:
                time.sleep(seconds)  # one long call into C
        return real(path, meta, *args, **kwargs)

    monkeypatch.setattr(kg.build, "process_document", process)  # forked workers inherit it


def _without(tmp_path: Path, victim: str, sources: Path = SOURCES) -> Path:
    src = tmp_path / "without"
    src.mkdir()
    for p in sorted(sources.glob("*.txt")):
        if p.name != victim:
            shutil.copy(p, src / p.name)
    out = tmp_path / "ref"
    build(src, out, views=False, cache=False)
    return out


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_document_past_its_time_budget_is_skipped_and_the_others_complete(tmp_path, monkeypatch, jobs):
    victim = SEEDS[2].name
    src = tmp_path / "src"
    src.mkdir()
    for p in SEEDS:
        shutil.copy(p, src / p.name)
    reference = _without(tmp_path, victim)
    _slow(monkeypatch, victim)
    t = time.monotonic()
    report = build(src, tmp_path / "out", views=False, jobs=jobs, doc_timeout=3)
    assert time.monotonic() - t < 30
    (skipped,) = report.skipped
    assert (skipped.file, skipped.kind) == (victim, "timeout")
    assert skipped.reason.startswith("took longer than 3 s, its time budget (--doc-timeout")
    assert report.built == len(SEEDS) - 1 and "1 skipped (1 timeout)" in report.summary_line()
    saved = json.loads((tmp_path / "out" / "build-report.json").read_text(encoding="utf-8"))
    assert [d["kind"] for d in saved["documents"] if d["status"] == "skipped"] == ["timeout"]
    for name in EXPORTS:  # what the others give is whole: the graph without the victim
        assert (tmp_path / "out" / name).read_bytes() == (reference / name).read_bytes(), name


def test_a_worker_stuck_past_budget_and_grace_is_killed(tmp_path, monkeypatch):
    import kg.workers

    if not kg.workers.available():
        pytest.skip("workers are forked")
    victim = SEEDS[1].name
    src = tmp_path / "src"
    src.mkdir()
    for p in SEEDS:
        shutil.copy(p, src / p.name)
    reference = _without(tmp_path, victim)
    monkeypatch.setattr(kg.workers, "GRACE", 1.0)
    _slow(monkeypatch, victim, how="c")
    t = time.monotonic()
    report = build(src, tmp_path / "out", views=False, jobs=2, doc_timeout=2)
    assert time.monotonic() - t < 35
    assert [(d.file, d.kind) for d in report.skipped] == [(victim, "timeout")]
    for name in EXPORTS:
        assert (tmp_path / "out" / name).read_bytes() == (reference / name).read_bytes(), name


def test_a_rebuild_keeps_the_budget(tmp_path, monkeypatch):
    src = tmp_path / "src"
    shutil.copytree(SOURCES, src)
    out = tmp_path / "out"
    build(src, out, views=False)
    victim = src / SEEDS[3].name
    victim.write_text(victim.read_text(encoding="utf-8") + "\n全市生产安全事故起数同比下降。\n", encoding="utf-8")
    _slow(monkeypatch, victim.name)
    report = build(src, out, views=False, doc_timeout=2)
    assert [(d.file, d.kind) for d in report.skipped] == [(victim.name, "timeout")]


def test_the_command_line_takes_a_budget(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from kg.cli import cli

    _slow(monkeypatch, SEEDS[0].name)
    result = CliRunner().invoke(cli, ["build", str(SOURCES), "--out", str(tmp_path / "o"), "--no-views",
                                      "--doc-timeout", "2"])
    assert result.exit_code == 3, result.output
    assert f"skipped {SEEDS[0].name}: took longer than 2 s" in result.output
    help_text = CliRunner().invoke(cli, ["build", "--help"]).output
    assert "--doc-timeout SECONDS" in help_text and "[default: 60.0; x>=0]" in help_text


@pytest.mark.parametrize("how", ["dies", "stuck"])
def test_a_parallel_rebuild_survives_a_worker_that_dies_or_is_stuck(tmp_path, monkeypatch, how):
    """An update's changed documents are extracted by kg.workers too: a death or an overrun
    costs that document only (a process pool would have broken, or waited for ever)."""
    import os

    import kg.build
    import kg.workers

    if not kg.workers.available():
        pytest.skip("workers are forked")
    src = tmp_path / "src"
    shutil.copytree(SOURCES, src)
    out = tmp_path / "out"
    build(src, out, views=False)
    docs = sorted(src.glob("*.txt"))
    for p in docs[:3]:
        p.write_text(p.read_text(encoding="utf-8") + "\n全市森林火灾受害面积同比下降12.5%。\n", encoding="utf-8")
    victim = docs[1].name
    if how == "dies":
        real = kg.build.process_document

        def process(path, meta, *args, **kwargs):
            if Path(path).name == victim:
                os._exit(9)
            return real(path, meta, *args, **kwargs)

        monkeypatch.setattr(kg.build, "process_document", process)
    else:
        monkeypatch.setattr(kg.workers, "GRACE", 1.0)
        _slow(monkeypatch, victim, how="c")
    t = time.monotonic()
    report = build(src, out, views=False, jobs=2, doc_timeout=2)
    assert time.monotonic() - t < 35
    assert [(d.file, d.kind) for d in report.skipped] == [(victim, "crash" if how == "dies" else "timeout")]
    assert sorted(d.status for d in report.documents) == ["cached", "cached", "extracted", "extracted", "skipped"]
    reference = _without(tmp_path, victim, src)
    for name in EXPORTS:
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name

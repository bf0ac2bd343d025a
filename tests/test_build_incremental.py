"""kg.build with its state: a rebuild after a change updates the graph and copies unchanged
records, and every output is byte for byte what a fresh build of the same sources gives."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from kg.build import CACHE_DIR, build
from kg.export import FILES
from kg.state import STATE_NAME
from kg.store import STORE_FILE, dump
from tests.paths import SOURCES

OUTPUTS = FILES + ("summaries.json",)


def _fresh(src: Path, tmp: Path, **kw) -> Path:
    out = tmp / "fresh"
    shutil.rmtree(out, ignore_errors=True)
    build(src, out, cache=False, **kw)
    return out


def _same(a: Path, b: Path, names=OUTPUTS) -> list[str]:
    """The outputs that differ; the stores are compared by their canonical dump (a database
    file is not byte-stable: a store updated in place holds the rows of a fresh one)."""
    differ = [n for n in names if (a / n).read_bytes() != (b / n).read_bytes()]
    return differ + ([STORE_FILE] if dump(a / STORE_FILE) != dump(b / STORE_FILE) else [])


@pytest.fixture()
def corpus(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(SOURCES, src)
    out = tmp_path / "out"
    first = build(src, out, views=False)
    assert not first.updated and (out / CACHE_DIR / STATE_NAME).is_file()
    return src, out


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_a_changed_document_updates_the_graph_and_equals_a_fresh_build(corpus, tmp_path, monkeypatch):
    import kg.store as store

    src, out = corpus
    doc = sorted(src.glob("*.txt"))[1]
    _append(doc, "\n全市生产安全事故起数同比下降12.5%，森林火灾受害面积为零。\n")
    updates = []
    real = store.update_store
    monkeypatch.setattr(store, "update_store", lambda snap, old, path, docs, *rest: updates.append(docs) or
                        real(snap, old, path, docs, *rest))
    again = build(src, out, views=False)
    assert updates == [{doc.stem}]  # the store was updated in place for that document alone
    assert again.updated
    assert sorted(d.status for d in again.documents) == ["cached"] * 4 + ["extracted"]
    assert "graph updated" in again.summary_line()
    assert _same(out, _fresh(src, tmp_path)) == []


def test_added_and_removed_documents(corpus, tmp_path):
    src, out = corpus
    docs = sorted(src.glob("*.txt"))
    extra = src / "005_extra.txt"
    extra.write_text(docs[0].read_text(encoding="utf-8").replace("湖南", "江西"), encoding="utf-8")
    added = build(src, out, views=False)
    assert added.built == 6
    assert _same(out, _fresh(src, tmp_path)) == []
    docs[3].unlink()
    removed = build(src, out, views=False)
    assert removed.built == 5
    assert _same(out, _fresh(src, tmp_path)) == []


def test_a_manifest_change_is_a_change_of_that_document(corpus, tmp_path):
    src, out = corpus
    manifest = src / "manifest.csv"
    rows = list(csv.DictReader(manifest.open(encoding="utf-8")))
    rows[2]["date"] = "2020-01-01"
    with manifest.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    again = build(src, out, views=False)
    assert again.updated
    assert _same(out, _fresh(src, tmp_path)) == []


def test_a_store_edited_by_hand_is_written_afresh(corpus, tmp_path, monkeypatch):
    import sqlite3

    import kg.store as store

    src, out = corpus
    with sqlite3.connect(out / STORE_FILE) as con:
        con.execute("UPDATE sentences SET text = 'edited' WHERE rowid = 1")
    con.close()
    _append(sorted(src.glob("*.txt"))[0], "\n全省生产安全事故起数同比下降。\n")
    monkeypatch.setattr(store, "update_store", lambda *a: pytest.fail("an edited store was updated in place"))
    again = build(src, out, views=False)
    assert again.updated  # the graph was, the store was not
    assert _same(out, _fresh(src, tmp_path)) == []


def test_switching_inline_evidence_builds_afresh_and_equals_a_fresh_build(corpus, tmp_path):
    src, out = corpus
    again = build(src, out, views=False, inline_evidence=True)
    assert not again.updated  # the records of the other mode cannot be copied
    assert _same(out, _fresh(src, tmp_path, inline_evidence=True)) == []
    assert "sentence_quote" in (out / "provenance.csv").read_text(encoding="utf-8-sig").splitlines()[0]


def test_an_export_edited_by_hand_is_rendered_afresh(corpus, tmp_path):
    src, out = corpus
    (out / "graph.json").write_text("{}", encoding="utf-8")
    _append(sorted(src.glob("*.txt"))[0], "\n全省生产安全事故起数同比下降。\n")
    again = build(src, out, views=False)
    assert again.updated
    assert _same(out, _fresh(src, tmp_path)) == []


@pytest.mark.parametrize("damage", [b"", b"not a pickle", None])
def test_a_damaged_or_missing_state_costs_only_speed(corpus, tmp_path, damage):
    src, out = corpus
    state = out / CACHE_DIR / STATE_NAME
    if damage is None:
        state.unlink()
    else:
        state.write_bytes(damage)
    _append(sorted(src.glob("*.txt"))[4], "\n全省生产安全事故起数同比下降。\n")
    again = build(src, out, views=False)
    assert not again.updated
    assert _same(out, _fresh(src, tmp_path)) == []
    assert state.stat().st_size > 1000  # and the next build has one again


def test_a_lost_cache_entry_of_the_old_version_means_a_fresh_build(corpus, tmp_path):
    src, out = corpus
    for entry in (out / CACHE_DIR).glob("*.json"):
        entry.unlink()
    _append(sorted(src.glob("*.txt"))[2], "\n全省生产安全事故起数同比下降。\n")
    again = build(src, out, views=False)
    assert not again.updated
    assert {d.status for d in again.documents} == {"extracted"}  # kept ones whose cache went were extracted again
    assert _same(out, _fresh(src, tmp_path)) == []


def test_parallel_update_with_views_equals_a_fresh_build(corpus, tmp_path):
    src, out = corpus
    _append(sorted(src.glob("*.txt"))[3], "\n全省生产安全事故起数同比下降。\n")
    again = build(src, out, jobs=2, views=True)
    assert again.updated
    fresh = _fresh(src, tmp_path, views=True)
    views = sorted(p.name for p in fresh.glob("*.html"))
    assert views and _same(out, fresh, OUTPUTS + tuple(views)) == []


def test_an_unchanged_rebuild_copies_everything(corpus, tmp_path):
    src, out = corpus
    before = {n: (out / n).read_bytes() for n in OUTPUTS}
    again = build(src, out, views=False)
    assert again.updated and {d.status for d in again.documents} == {"cached"}
    assert {n: (out / n).read_bytes() for n in OUTPUTS} == before


def test_a_state_signed_by_another_key_is_not_read(corpus, tmp_path):
    """An output directory from someone else (their .kgcache included) is built afresh."""
    import os

    src, out = corpus
    key = Path(os.environ["XDG_CACHE_HOME"]) / "kg" / "state.key"
    mine = key.read_bytes()
    try:
        key.write_bytes(b"x" * 32)
        again = build(src, out, views=False)
        assert not again.updated and _same(out, _fresh(src, tmp_path)) == []
    finally:
        key.write_bytes(mine)


def test_a_state_file_is_never_unpickled_unsigned(corpus, tmp_path):
    import os
    import pickle

    src, out = corpus
    marker = tmp_path / "ran"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    (out / CACHE_DIR / STATE_NAME).write_bytes(b"\0" * 32 + pickle.dumps(Evil()))
    again = build(src, out, views=False)
    assert not marker.exists() and not again.updated


def test_without_kernel_copies_the_update_is_the_same(corpus, tmp_path, monkeypatch):
    def unsupported(*args, **kwargs):
        raise OSError(38, "Function not implemented")

    monkeypatch.setattr("os.copy_file_range", unsupported)  # (an old kernel, another file system)
    src, out = corpus
    _append(sorted(src.glob("*.txt"))[2], "\n全市生产安全事故起数同比下降12.5%。\n")
    assert build(src, out, views=False).updated
    assert _same(out, _fresh(src, tmp_path)) == []


def test_the_old_exports_are_let_go_after_an_update(corpus, tmp_path):
    import os

    src, out = corpus
    _append(sorted(src.glob("*.txt"))[0], "\n全市生产安全事故起数同比下降。\n")
    before = set(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None
    assert build(src, out, views=False).updated
    if before is not None:  # every file the update copied from is closed again
        assert set(os.listdir("/proc/self/fd")) <= before


def test_a_state_the_workers_built_serves_the_next_update(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(SOURCES, src)
    out = tmp_path / "out"
    assert not build(src, out, views=False, jobs=2).updated  # merged from the workers' builders
    _append(sorted(src.glob("*.txt"))[3], "\n全市生产安全事故起数同比下降12.5%。\n")
    again = build(src, out, views=False)
    assert again.updated
    assert _same(out, _fresh(src, tmp_path)) == []

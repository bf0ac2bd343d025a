"""kg.build with its state: a rebuild after a change updates the graph and copies unchanged
records, and every output is byte for byte what a fresh build of the same sources gives."""

from __future__ import annotations

import csv
import shutil
import zipfile
from pathlib import Path

import pytest

from kg.build import CACHE_DIR, build
from kg.export import FILES
from kg.state import STATE_NAME
from kg.store import STORE_FILE, dump
from tests.paths import SOURCES

OUTPUTS = FILES + ("summaries.json",)


def _text(path: Path) -> str:
    """An output's text; the workbook's is that of the XML files in its zip."""
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as z:
            return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
    return path.read_text(encoding="utf-8-sig")


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


# --------------------------------------------------------------------------- corrections
# one entry of every kind, on nodes and documents of the demo corpus (the add's quote is a
# sentence of document 000, its document untouched by the changes below)
CORRECTIONS = """\
# kept as written: comments survive every append
[[reject]]
node = "Mechanism:全周期应急体系"
note = "too vague"

[[reject]]
edge = ["Region:湖南省", "adopts", "Mechanism:五级联动应急指挥体系"]

[[merge]]
nodes = ["Official:伍斌", "Official:凌志峰"]
label = "两位厅长"

[[relabel]]
node = "Official:李大剑"
label = "李大剑厅长"

[[alias]]
node = "Mechanism:双重预防机制"
alias = "双预防机制"

[[split]]
node = "Organization:X市安全生产委员会@001_dee7a70e350022e0"
alias = "X市安委会"

[[region]]
doc = "002_4d54c61dd288b2e5"
region = "长春市"

[[title]]
doc = "004_7cbc520e83e34382"
title = "修正后的标题"

[[add]]
doc = "000_f964f0785da45e89"
type = "Mechanism"
name = "法治手段解决问题机制"
quote = "提高运用法治思想和法治手段解决问题的能力"
"""


@pytest.fixture()
def corrected(corpus):
    src, out = corpus
    (src / "corrections.toml").write_text(CORRECTIONS, encoding="utf-8")
    first = build(src, out, views=False)
    # the corrections changed: the graph is built again, every extraction read from the cache
    assert not first.updated and {d.status for d in first.documents} == {"cached"}
    assert [c.applied for c in first.corrections] == [True] * 9
    return src, out


def test_corrections_are_built_as_a_fresh_build_builds_them(corrected, tmp_path):
    src, out = corrected
    assert _same(out, _fresh(src, tmp_path)) == []
    merges = (out / "merges.csv").read_text(encoding="utf-8")
    assert "Mechanism:全周期应急体系,全周期应急体系,curated.reject," in merges
    assert "Official:伍斌,凌志峰,curated.merge,004_7cbc520e83e34382" in merges


def test_a_changed_document_under_corrections_is_updated(corrected, tmp_path):
    src, out = corrected
    _append(sorted(src.glob("*.txt"))[3], "\n全省生产安全事故起数同比下降12.5%。\n")  # 003: merged official's
    again = build(src, out, views=False)
    assert again.updated
    assert _same(out, _fresh(src, tmp_path)) == []


def test_a_removed_document_under_corrections_is_updated_and_its_corrections_go_stale(corrected, tmp_path):
    src, out = corrected
    sorted(src.glob("*.txt"))[2].unlink()  # 002, whose region was corrected
    again = build(src, out, views=False)
    assert again.updated
    assert [(c.op, c.applied, c.reason) for c in again.corrections if not c.applied] == \
        [("region", False, "no document 002_4d54c61dd288b2e5")]
    assert _same(out, _fresh(src, tmp_path)) == []


def test_a_changed_document_an_add_cites_is_built_afresh(corrected, tmp_path):
    src, out = corrected
    _append(sorted(src.glob("*.txt"))[0], "\n全省生产安全事故起数同比下降。\n")
    again = build(src, out, views=False)
    assert not again.updated  # the item was found in the old text
    assert _same(out, _fresh(src, tmp_path)) == []


@pytest.mark.parametrize("edit", ["add", "change", "remove", "delete-file", "comment"])
def test_added_changed_and_removed_corrections(corrected, tmp_path, edit):
    src, out = corrected
    path = src / "corrections.toml"
    text = path.read_text(encoding="utf-8")
    if edit == "add":
        text += '\n[[relabel]]\nnode = "Region:湖南省"\nlabel = "湖南"\n'
    elif edit == "change":
        text = text.replace('label = "李大剑厅长"', 'label = "李厅长"')
    elif edit == "remove":
        text = text.split("[[relabel]]")[0] + "[[alias]]" + text.split("[[alias]]")[1]
    elif edit == "comment":
        text = "# a comment moves every line, and changes nothing built\n" + text
    before = {n: (out / n).read_bytes() for n in OUTPUTS}
    if edit == "delete-file":
        path.unlink()
    else:
        path.write_text(text, encoding="utf-8")
    again = build(src, out, views=False)
    assert {d.status for d in again.documents} == {"cached"}  # no document extracted again
    assert _same(out, _fresh(src, tmp_path)) == []
    if edit == "comment":
        assert again.updated and {n: (out / n).read_bytes() for n in OUTPUTS} == before
        assert [c.line for c in again.corrections][:2] == [3, 7]
    else:
        assert not again.updated and _same(out, tmp_path / "fresh") == []


def test_corrections_with_workers_equal_one_process(corrected, tmp_path):
    src, out = corrected
    two = tmp_path / "two"
    build(src, two, jobs=2, views=False, cache=False)
    assert _same(two, _fresh(src, tmp_path)) == []


def test_manifest_values_win_and_every_disagreement_is_reported(corpus, tmp_path):
    src, out = corpus
    manifest = src / "manifest.csv"
    rows = list(csv.DictReader(manifest.open(encoding="utf-8")))
    rows[2]["title"], rows[2]["region"] = "一个人写的标题", "长春市"
    with manifest.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    again = build(src, out, views=False)
    doc = rows[2]["id"]
    assert [(d.doc, d.field, d.manifest) for d in again.disagreements] == \
        [(doc, "title", "一个人写的标题"), (doc, "region", "长春市")]
    nodes = {r["id:ID"]: r for r in csv.DictReader((out / "nodes.csv").open(encoding="utf-8-sig"))}
    assert nodes[f"Document:{doc}"]["title"] == "一个人写的标题"
    assert nodes[f"Document:{doc}"]["region"] == "长春市"
    import json

    summary = next(s for s in json.loads((out / "summaries.json").read_text(encoding="utf-8"))
                   if s["file"] == rows[2]["file"])
    assert summary["title"] == "一个人写的标题" and summary["region"]["name"] == "长春市"
    assert _same(out, _fresh(src, tmp_path)) == []


def test_an_update_under_corrections_renders_the_views_a_fresh_build_renders(corrected, tmp_path):
    src, out = corrected
    build(src, out, views=True)  # the state now comes from a build with views
    _append(sorted(src.glob("*.txt"))[3], "\n全省生产安全事故起数同比下降。\n")
    again = build(src, out, views=True)
    assert again.updated
    fresh = _fresh(src, tmp_path, views=True)
    views = sorted(p.name for p in fresh.glob("*.html"))
    assert views and _same(out, fresh, OUTPUTS + tuple(views)) == []
    assert "curated-legend" in (out / "overview.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("missing", [("copy_file_range",), ("copy_file_range", "pread")])
@pytest.mark.parametrize("jobs", [1, 2])
def test_without_linux_only_calls_rebuilds_are_the_same(corpus, tmp_path, monkeypatch, missing, jobs):
    """Where ``os.copy_file_range`` (macOS, Windows) or ``os.pread`` (Windows) does not exist,
    the records kept from the last build are copied through the process instead."""
    import os

    for name in missing:
        monkeypatch.delattr(os, name, raising=False)  # forked writers inherit the loss
    src, out = corpus
    _append(sorted(src.glob("*.txt"))[2], "\n全市生产安全事故起数同比下降12.5%。\n")
    assert build(src, out, views=False, jobs=jobs).updated
    assert _same(out, _fresh(src, tmp_path)) == []
    assert build(src, out, views=False, jobs=jobs).updated  # and an unchanged one copies it all
    assert _same(out, _fresh(src, tmp_path)) == []


def test_without_fork_builds_and_rebuilds_are_the_same(tmp_path, monkeypatch):
    """Where processes cannot be forked (Windows, and macOS where it is unsafe), ``--jobs``
    extracts in spawned processes and writes the exports in one: the same bytes."""
    import multiprocessing
    import os

    src = tmp_path / "src"
    shutil.copytree(SOURCES, src)
    reference = _fresh(src, tmp_path)
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    monkeypatch.delattr(os, "fork")  # as on Windows: a fork would fail
    out = tmp_path / "out"
    first = build(src, out, views=False, jobs=2)
    assert not first.updated and {d.status for d in first.documents} == {"extracted"}
    assert _same(out, reference) == []
    docs = sorted(src.glob("*.txt"))
    _append(docs[1], "\n全市生产安全事故起数同比下降12.5%。\n")
    _append(docs[3], "\n全省森林火灾受害面积为零。\n")
    again = build(src, out, views=False, jobs=2)
    assert again.updated
    assert _same(out, _fresh(src, tmp_path)) == []


def _entries(out: Path) -> list[Path]:
    return sorted((out / CACHE_DIR).glob("*.json"))


def _alter(entry: Path, old: str, new: str) -> None:
    data = entry.read_bytes()
    assert old.encode("utf-8") in data
    entry.write_bytes(data.replace(old.encode("utf-8"), new.encode("utf-8")))


def test_an_altered_cache_entry_is_extracted_again(corpus, tmp_path):
    """One character changed in the entry of a document that is then edited: the update must
    not take out of the graph what that document never gave (the exports would differ)."""
    src, out = corpus
    docs = sorted(src.glob("*.txt"))
    (entry,) = [e for e in _entries(out) if docs[1].stem[:3] in _doc_of(e)]
    _alter(entry, "机制", "机滞")
    _append(docs[1], "\n全市生产安全事故起数同比下降12.5%，森林火灾受害面积为零。\n")
    again = build(src, out, views=False)
    assert _same(out, _fresh(src, tmp_path)) == []
    # and an altered entry of a document left as it was is not trusted either
    _alter(_entries(out)[3], "机制", "机滞")
    _append(docs[0], "\n全省森林火灾受害面积为零。\n")
    build(src, out, views=False)
    assert _same(out, _fresh(src, tmp_path)) == []
    assert again.built == 5


def test_an_altered_entry_of_a_kept_document_is_extracted_again_when_much_changed(corpus, tmp_path):
    """Many documents added: the rebuild builds the graph afresh, from the cache entries of
    the documents that did not change; an altered one is extracted again instead."""
    src, out = corpus
    for entry in _entries(out):
        if "双重预防机制".encode("utf-8") in entry.read_bytes():
            _alter(entry, "双重预防机制", "伪造的机制")
    base = sorted(src.glob("*.txt"))[0].read_text(encoding="utf-8")
    for i in range(9):
        (src / f"new_{i}.txt").write_text(base + f"\n第{i}次会议强调，全市生产安全事故起数同比下降。\n", encoding="utf-8")
    again = build(src, out, views=False)
    assert not again.updated
    for name in OUTPUTS:
        assert "伪造" not in _text(out / name), name
    assert "双重预防机制" in _text(out / "kg.xlsx")  # (the workbook's text is read, not its zip)
    assert _same(out, _fresh(src, tmp_path)) == []


def _doc_of(entry: Path) -> str:
    import json

    data = entry.read_bytes()
    return json.loads(data if data.startswith(b"{") else data.partition(b"\n")[2])["file"]


def test_text_planted_in_the_cache_never_reaches_the_exports(corpus, tmp_path):
    src, out = corpus
    (out / CACHE_DIR / STATE_NAME).unlink()  # no state: the build reads every entry
    planted = 0
    for entry in _entries(out):
        data = entry.read_bytes()
        if "双重预防机制".encode("utf-8") in data:
            _alter(entry, "双重预防机制", "伪造的机制")
            planted += 1
    assert planted
    again = build(src, out, views=False)
    for name in OUTPUTS:
        assert "伪造" not in _text(out / name), name
    assert _same(out, _fresh(src, tmp_path)) == []
    assert sum(d.status == "extracted" for d in again.documents) == planted  # the others were read back


def test_an_entry_signed_for_another_document_is_not_taken(corpus, tmp_path):
    """A valid entry copied over another one (same key, other name) is refused too."""
    src, out = corpus
    (out / CACHE_DIR / STATE_NAME).unlink()
    a, b = _entries(out)[:2]
    b.write_bytes(a.read_bytes())
    again = build(src, out, views=False)
    assert sorted(d.status for d in again.documents) == ["cached"] * 4 + ["extracted"]
    assert _same(out, _fresh(src, tmp_path)) == []

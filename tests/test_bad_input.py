"""Bad and awkward sources: each is decoded and extracted correctly, or skipped with one clear
line naming the file and the reason; the other documents' results are complete either way."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import opencc
import pytest

from kg.build import build
from kg.errors import OutputError
from tests.paths import SEEDS, seed

_S2T = opencc.OpenCC("s2t")
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"


def _text(prefix: str) -> str:
    return seed(prefix).read_text(encoding="utf-8")


def make_bad_corpus(root: Path) -> dict[str, str | None]:
    """Write the awkward corpus; returns file -> expected skip kind (None: must be extracted)."""
    root.mkdir(parents=True, exist_ok=True)
    expect: dict[str, str | None] = {}

    def put(name: str, data: bytes, kind: str | None) -> None:
        (root / name).write_bytes(data)
        expect[name] = kind

    put("a_good.txt", _text("000").encode("utf-8"), None)
    put("b_empty.txt", b"", "empty")
    put("c_whitespace.txt", b" \n\t\r\n  ", "empty")
    put("d_png.txt", PNG, "binary")
    put("e_truncated.txt", _text("002").encode("utf-8")[:-1], "encoding")
    put("f_gb18030.txt", _text("002").encode("gb18030").replace(b"2019", b"2018", 1), None)
    big5 = _S2T.convert("\n".join(ln for ln in _text("004").splitlines() if ln.strip()))
    put("g_big5.txt", big5.encode("big5", errors="ignore"), None)
    put("h_utf16_bom.txt", _text("003").encode("utf-16"), None)
    put("i_utf16_nobom.txt", ("某市应急管理局召开会议。\n" + _text("001")).encode("utf-16-le"), None)
    html = ("<!DOCTYPE html><html><head><style>body{color:red}</style><script>window.x='<p>不是正文</p>';"
            "</script></head><body><nav>首页 > 新闻</nav><h1>某省应急管理工作综述</h1><p>"
            + _text("004").replace("\n", "</p><p>") + "</p><footer>版权所有</footer></body></html>")
    put("j_page.html", html.encode("utf-8"), None)
    put("k_repeat.txt", _text("000").encode("utf-8"), "duplicate")
    put("l_markup.txt", ("<script>alert('x')</script><img src=x onerror=alert(1)> 某省应急管理厅厅长张三表示，"
                         "要建立健全双重预防机制。javascript:alert(1)\n" + _text("002")).encode("utf-8"), None)
    return expect


@pytest.fixture(scope="module")
def bad_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad")
    expect = make_bad_corpus(root / "sources")
    (root / "sources" / "manifest.csv").write_text(
        "id,file,title\nghost,ghost.txt,Not there\n", encoding="utf-8")
    report = build(root / "sources", root / "out", views=False)
    return root, expect, report


def test_each_awkward_file_is_extracted_or_skipped_for_its_reason(bad_build):
    _, expect, report = bad_build
    status = {d.file: d for d in report.documents}
    for name, kind in expect.items():
        d = status[name]
        if kind is None:
            assert d.status == "extracted", (name, d.reason)
        else:
            assert (d.status, d.kind) == ("skipped", kind), (name, d)
            assert d.reason
    assert status["ghost.txt"].kind == "not-found"


def test_workers_skip_the_same_files_and_build_the_same_graph(bad_build, tmp_path):
    root, _, report = bad_build
    again = build(root / "sources", tmp_path / "out", views=False, jobs=2)
    assert [(d.file, d.status, d.kind, d.reason) for d in again.documents] == \
        [(d.file, d.status, d.kind, d.reason) for d in report.documents]
    for name in ("graph.json", "graph.graphml", "evidence.csv", "summaries.json"):
        assert (tmp_path / "out" / name).read_bytes() == (root / "out" / name).read_bytes(), name


def test_the_good_documents_are_complete_despite_the_bad_ones(bad_build, tmp_path):
    root, expect, _ = bad_build
    good = tmp_path / "good"
    good.mkdir()
    shutil.copy(root / "sources" / "a_good.txt", good / "a_good.txt")
    alone = build(good, tmp_path / "out", views=False)
    assert alone.skipped == []
    summaries = {s["file"]: s for s in json.loads((root / "out" / "summaries.json").read_text(encoding="utf-8"))}
    together = summaries["a_good.txt"]
    (single,) = json.loads((tmp_path / "out" / "summaries.json").read_text(encoding="utf-8"))
    assert together == single
    assert together["officials"] and together["mechanisms"]


def test_encodings_give_the_same_extraction_as_utf8(bad_build):
    root, _, _ = bad_build
    summaries = {s["file"]: s for s in json.loads((root / "out" / "summaries.json").read_text(encoding="utf-8"))}
    assert summaries["h_utf16_bom.txt"]["officials"][0]["name"] == "伍斌"
    assert summaries["f_gb18030.txt"]["region"]["name"] == "吉林省"
    assert summaries["g_big5.txt"]["region"]["name"] == "浙江省"
    # HTML: the script's string is not content, the article is
    html = summaries["j_page.html"]
    assert html["region"]["name"] == "浙江省"


def test_summary_line_counts_skips_by_reason(bad_build):
    _, _, report = bad_build
    line = report.summary_line()
    assert "6 skipped (1 binary, 1 duplicate, 2 empty, 1 encoding, 1 not-found), not documents: 1 manifest," in line


def test_markup_in_a_source_is_text_not_markup(bad_build):
    root, _, _ = bad_build
    graph = json.loads((root / "out" / "graph.json").read_text(encoding="utf-8"))
    quotes = json.dumps(graph, ensure_ascii=False)
    assert "双重预防机制" in quotes  # the sentence after the markup was extracted


def _run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True, cwd=cwd)


def test_cli_prints_one_line_per_skip_and_exits_3(bad_build, tmp_path):
    root, expect, _ = bad_build
    result = _run_cli("build", str(root / "sources"), "--out", str(tmp_path / "o"), "--no-views")
    assert result.returncode == 3
    lines = result.stderr.strip().splitlines()
    for name, kind in expect.items():
        if kind:
            assert sum(1 for ln in lines if ln.startswith(f"skipped {name}: ")) == 1, (name, lines)
    assert "skipped" in result.stdout
    ok = _run_cli("build", str(root / "sources"), "--out", str(tmp_path / "o"), "--no-views", "--allow-skipped")
    assert ok.returncode == 0


def test_unreadable_file_is_skipped(tmp_path, monkeypatch):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(seed("000"), src / "a.txt")
    locked = src / "b.txt"
    shutil.copy(seed("002"), locked)
    if os.geteuid() != 0:
        locked.chmod(0)
    else:  # root reads anything: make the read fail the way a permission error does
        real = Path.read_bytes

        def read_bytes(self):
            if self == locked:
                raise PermissionError(13, "Permission denied", str(self))
            return real(self)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)
    report = build(src, tmp_path / "out", views=False, cache=False)
    status = {d.file: d for d in report.documents}
    assert status["a.txt"].status == "extracted"
    assert (status["b.txt"].kind, status["b.txt"].reason) == ("unreadable", "cannot be read: permission denied")


def test_malformed_manifest_is_reported_and_documents_still_load(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(seed("003"), src / seed("003").name)
    (src / "manifest.csv").write_bytes(b'id,file,title\n"unclosed,quote\n')
    report = build(src, tmp_path / "out", views=False)
    assert report.problems and "manifest.csv" in report.problems[0]
    assert [d.status for d in report.documents] == ["extracted"]


def test_oversized_file_is_skipped_with_its_size(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    big = src / "big.txt"
    line = "全省应急管理系统坚持人民至上、生命至上，事故起数同比下降。\n".encode("utf-8")
    with open(big, "wb") as f:  # 50 MB, written in blocks
        block = line * 10_000
        while f.tell() < 50 * 2**20:
            f.write(block)
    shutil.copy(seed("004"), src / "ok.txt")
    report = build(src, tmp_path / "out", views=False)
    status = {d.file: d for d in report.documents}
    assert status["ok.txt"].status == "extracted"
    assert status["big.txt"].kind == "too-large"
    assert "MB, over the 20 MB limit" in status["big.txt"].reason


@pytest.mark.parametrize("make", ["file", "under-a-file"])
def test_bad_output_directory_fails_before_any_work(tmp_path, make):
    target = tmp_path / "out"
    if make == "file":
        target.write_text("x", encoding="utf-8")
        problem = "exists and is not a directory"
    else:  # fails for root too, unlike a read-only directory
        (tmp_path / "plain").write_text("x", encoding="utf-8")
        target = tmp_path / "plain" / "out"
        problem = "cannot be written: Not a directory"
    with pytest.raises(OutputError) as e:
        build(SEEDS[0].parent, target)
    assert str(target) in str(e.value) and problem in str(e.value)
    result = _run_cli("build", str(SEEDS[0].parent), "--out", str(target))
    assert result.returncode == 1
    assert result.stderr.startswith(f"Error: [E030] {target}: {problem}")


def test_control_characters_of_a_source_reach_no_csv(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_bytes("湖南省应急管理厅\x1b[31m建立健全\x00双重预防机制\x07，落实\x7f安全生产责任制。\x0c\n"
                                "全省生产安全事故起数同比下降12.5%。\n".encode("utf-8"))
    # with the sentences inline (--inline-evidence) the CSVs hold every sentence too: the worst case
    for jobs, out in ((1, tmp_path / "one"), (2, tmp_path / "two")):
        report = build(src, out, views=False, jobs=jobs, cache=False, inline_evidence=True)
        assert report.skipped == []
        for name in ("evidence.csv", "provenance.csv", "nodes.csv", "edges.csv", "merges.csv"):
            text = (out / name).read_bytes().decode("utf-8-sig")
            assert not {ch for ch in text if ch < " " and ch not in "\t\r\n" or ch == "\x7f"}, name
        assert "建立健全双重预防机制" in (out / "provenance.csv").read_text(encoding="utf-8-sig")
        # graph.json keeps the quote exactly as written (escaped, as JSON escapes it)
        assert "\\u001b[31m" in (out / "graph.json").read_text(encoding="utf-8")
    assert (tmp_path / "one" / "provenance.csv").read_bytes() == (tmp_path / "two" / "provenance.csv").read_bytes()
    # by default the sentences live in kg.sqlite only, and the CSVs stay clean all the same
    slim = tmp_path / "slim"
    build(src, slim, views=False, cache=False)
    for name in ("evidence.csv", "provenance.csv", "nodes.csv", "edges.csv", "merges.csv"):
        text = (slim / name).read_bytes().decode("utf-8-sig")
        assert not {ch for ch in text if ch < " " and ch not in "\t\r\n" or ch == "\x7f"}, name


FORGED = "x\nBuilt out: 99 documents, 0 skipped.txt"


def test_a_newline_in_a_file_name_cannot_forge_a_line(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(seed("000"), src / "a.txt")
    (src / FORGED).write_bytes(b"")  # skipped (empty): its name is printed
    (src / "b\x1b[2J\u202e.txt").write_bytes(PNG)  # an escape sequence, a right-to-left override
    out = tmp_path / "o\nBuilt fake"
    result = _run_cli("build", str(src), "--out", str(out), "--no-views")
    assert result.returncode == 3
    lines = result.stdout.splitlines() + result.stderr.splitlines()
    assert not [ln for ln in lines if ln.startswith("Built out") or ln.startswith("Built fake")], lines
    assert not [ch for ch in result.stdout + result.stderr if ch in "\x1b\u202e"]
    assert f"skipped {FORGED!r}: is empty" in result.stderr.splitlines()
    assert "skipped 'b\\x1b[2J\\u202e.txt': not a text file: looks like a PNG image" in result.stderr.splitlines()
    (closing,) = result.stdout.splitlines()
    assert closing.startswith(f"Built {str(out)!r}: 1 documents, 2 skipped")
    # the report is JSON: the names there are the names, escaped as JSON escapes
    report = json.loads((out / "build-report.json").read_text(encoding="utf-8"))
    assert {d["file"] for d in report["documents"]} == {"a.txt", FORGED, "b\x1b[2J\u202e.txt"}


def test_a_name_in_a_reason_is_quoted_too(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(seed("000"), src / "a\nb.txt")
    shutil.copy(seed("000"), src / "c.txt")
    result = _run_cli("build", str(src), "--out", str(tmp_path / "out"), "--no-views", "-q")
    assert result.stderr.splitlines() == ["skipped c.txt: same content as 'a\\nb.txt'"]


def test_every_file_is_in_the_closing_line_and_the_report(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(seed("000"), src / "a.txt")
    for name, data in {"b.docx": b"PK\x03\x04", "c.pdf": b"%PDF-1.7", "d.jpg": b"\xff\xd8\xff", "e.doc": b"x",
                       ".DS_Store": b"x", "manifest.csv": b"id,file\n"}.items():
        (src / name).write_bytes(data)
    report = build(src, tmp_path / "out", views=False)
    # a .docx or .pdf is read, and these two are damaged; a .doc or an image is not read at all
    assert {d.file: d.kind for d in report.skipped} == {"b.docx": "damaged", "c.pdf": "damaged",
                                                        "d.jpg": "unsupported", "e.doc": "unsupported"}
    assert {(f.file, f.role) for f in report.other_files} == {(".DS_Store", "hidden"), ("manifest.csv", "manifest")}
    line = report.summary_line()
    assert "1 documents, 4 skipped (2 damaged, 2 unsupported), not documents: 1 hidden, 1 manifest, " in line
    saved = json.loads((tmp_path / "out" / "build-report.json").read_text(encoding="utf-8"))
    listed = {d["file"] for d in saved["documents"]} | {f["file"] for f in saved["other_files"]}
    assert listed == {p.name for p in src.iterdir()}
    reasons = {d["file"]: d["reason"] for d in saved["documents"]}
    assert "a Word 97-2003 document (.doc)" in reasons["e.doc"]
    assert reasons["b.docx"].startswith("is a damaged Word document (BadZipFile")
    assert reasons["c.pdf"].startswith("is a damaged PDF (")


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_a_symbolic_link_out_of_the_sources_is_not_read(tmp_path):
    secret = tmp_path / "home" / "notes.txt"
    secret.parent.mkdir()
    secret.write_text("浙江省应急管理厅厅长王秘密表示，要建立健全隐秘预警机制。\n", encoding="utf-8")
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(seed("000"), src / "a.txt")
    (src / "notes.txt").symlink_to(secret)
    result = _run_cli("build", str(src), "--out", str(tmp_path / "out"), "--no-views")
    assert result.returncode == 3
    assert "skipped notes.txt: is a symbolic link to a file outside the sources folder: not followed " \
           "(--follow-symlinks reads it)" in result.stderr.splitlines()
    assert "1 skipped (1 symlink)" in result.stdout
    for name in ("graph.json", "provenance.csv", "summaries.json"):
        assert "王秘密" not in (tmp_path / "out" / name).read_text(encoding="utf-8-sig"), name
    followed = _run_cli("build", str(src), "--out", str(tmp_path / "out"), "--no-views", "--follow-symlinks")
    assert followed.returncode == 0, followed.stderr
    assert "王秘密" in (tmp_path / "out" / "graph.json").read_text(encoding="utf-8")


def test_the_sources_folder_cannot_be_the_output_folder(tmp_path):
    shutil.copy(seed("000"), tmp_path / "a.txt")
    with pytest.raises(OutputError, match="is the sources folder"):
        build(tmp_path, tmp_path)

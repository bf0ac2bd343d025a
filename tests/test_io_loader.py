import os

import opencc
import pytest

from kg.errors import SourceError
from kg.io.loader import discover, load_document
from kg.models import SourceMeta
from tests.paths import SOURCES, seed

_S2T = opencc.OpenCC("s2t")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le", "utf-16-be"])
def test_same_text_from_every_encoding(tmp_path, encoding):
    text = seed("002").read_text(encoding="utf-8")
    p = tmp_path / f"copy-{encoding}.txt"
    p.write_bytes(text.encode(encoding))
    doc = load_document(p)
    assert doc.text == text
    assert doc.sha256


def test_big5_copy_of_the_traditional_seed(tmp_path):
    text = seed("003").read_text(encoding="utf-8")
    # Big5 has no pinyin tone marks; the traditional text itself must come back exactly
    body = "\n".join(ln for ln in text.splitlines() if ln.strip())
    body = body.encode("big5", errors="ignore").decode("big5")
    p = tmp_path / "fujian-big5.txt"
    p.write_bytes(body.encode("big5"))
    doc = load_document(p)
    assert doc.encoding.startswith("big5")
    assert doc.text == body


def test_html_is_reduced_to_main_text(tmp_path):
    p = tmp_path / "page.html"
    p.write_text("<html><head><style>p{}</style><script>var a=1;</script></head><body><nav>首页 | 新闻</nav>"
                 "<h1>某省应急管理工作综述</h1><p>全省事故起数同比下降。</p></body></html>", encoding="gb18030")
    doc = load_document(p)
    assert doc.format == "html"
    # the text stays the page's source (quotes index it); the article is read with a map into it
    assert doc.text == p.read_text(encoding="gb18030")
    assert doc.content == "某省应急管理工作综述\n全省事故起数同比下降。"


@pytest.mark.parametrize("content,message", [
    (b"", "is empty"),
    (b"  \n\t ", "contains only whitespace"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file: looks like a PNG image"),
    ("应急管理".encode("utf-8")[:-1], "truncated UTF-8"),
])
def test_bad_files_raise_an_error_naming_the_file(tmp_path, content, message):
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    with pytest.raises(SourceError) as e:
        load_document(p)
    assert str(p) in str(e.value) and message in str(e.value)


def test_demo_corpus_is_discovered_with_manifest_metadata():
    found = discover(SOURCES)
    assert found.problems == []
    metas = [m for _, m in found.documents]
    assert [m.id for m in metas] == sorted(m.id for m in metas)
    assert len(metas) == 5 and all(m.from_manifest for m in metas)
    by_region = {m.region: m for m in metas}
    assert by_region["福建省"].date == "2023-02-17"


def test_document_without_manifest_row_still_loads(tmp_path):
    (tmp_path / "manifest.csv").write_text("id,file\nx,missing.txt\n", encoding="utf-8")
    (tmp_path / "new.txt").write_text("某省应急管理厅召开会议。", encoding="utf-8")
    found = discover(tmp_path)
    assert [(m.id, m.from_manifest) for _, m in found.documents] == [("new", False)]
    assert [(m.file, e.kind) for m, e in found.skipped] == [("missing.txt", "not-found")]
    assert "missing.txt: is named in manifest.csv but does not exist" in str(found.skipped[0][1])


def test_load_document_keeps_given_meta(tmp_path):
    p = tmp_path / "a.md"
    p.write_text("# 标题\n正文。", encoding="utf-8")
    doc = load_document(p, SourceMeta(id="a1", file="a.md", region="湖南省"))
    assert doc.meta.region == "湖南省" and doc.format == "md"


def _tree(root, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def test_every_entry_of_the_folder_is_accounted_for(tmp_path):
    text = "某省应急管理厅召开会议。".encode("utf-8")
    _tree(tmp_path, {"a.txt": text, "b.docx": b"PK\x03\x04", "c.pdf": b"%PDF-1.7", "d.png": b"\x89PNG",
                     "e": text, "f.doc": b"\xd0\xcf\x11\xe0", "g.wps": b"x", "h.xyz": b"x",
                     ".DS_Store": b"x", ".git/config": b"x", "manifest.csv": b"id,file\n", "corrections.toml": b"",
                     "sub/i.md": text, "sub/.j.txt": text, "sub/manifest.csv": b"id,file\n"})
    found = discover(tmp_path)
    # .docx and .pdf are documents (whether they can be read is load_document's business)
    assert [m.file for _, m in found.documents] == ["a.txt", "b.docx", "c.pdf", "sub/i.md"]
    reasons = {m.file: (e.kind, e.problem) for m, e in found.skipped}
    assert reasons == {
        "d.png": ("unsupported", "unsupported format: an image (.png); kg reads .txt, .md, .html, .pdf and .docx"),
        "e": ("unsupported", "unsupported format: a file without an extension; kg reads .txt, .md, .html, .pdf and .docx"),
        "f.doc": ("unsupported", "unsupported format: a Word 97-2003 document (.doc); kg reads .txt, .md, .html, .pdf and .docx"),
        "g.wps": ("unsupported", "unsupported format: a WPS Writer document (.wps); kg reads .txt, .md, .html, .pdf and .docx"),
        "h.xyz": ("unsupported", "unsupported format: .xyz files; kg reads .txt, .md, .html, .pdf and .docx"),
        "sub/manifest.csv": ("unsupported", "unsupported format: a CSV table (.csv); kg reads .txt, .md, .html, .pdf and .docx"),
    }
    assert found.other == [(".DS_Store", "hidden"), (".git/", "hidden"), ("corrections.toml", "corrections"),
                           ("manifest.csv", "manifest"), ("sub/.j.txt", "hidden")]


def test_a_manifest_row_of_an_unsupported_file_is_not_called_missing(tmp_path):
    _tree(tmp_path, {"a.doc": b"\xd0\xcf\x11\xe0", "manifest.csv": b"id,file\nx,a.doc\n"})
    found = discover(tmp_path)
    assert [(m.file, e.kind) for m, e in found.skipped] == [("a.doc", "unsupported")]


needs_links = pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")


@needs_links
def test_symbolic_links_out_of_the_folder_are_skipped_unless_followed(tmp_path):
    outside = tmp_path / "outside"
    _tree(outside, {"secret.txt": "机密".encode("utf-8"), "folder/x.txt": "机密".encode("utf-8")})
    src = tmp_path / "src"
    _tree(src, {"a.txt": "某省应急管理厅召开会议。".encode("utf-8"), "real/b.txt": "某市应急管理局。".encode("utf-8")})
    (src / "out.txt").symlink_to(outside / "secret.txt")
    (src / "in.txt").symlink_to(src / "real" / "b.txt")  # inside: read (its bytes repeat b.txt's)
    (src / "gone.txt").symlink_to(tmp_path / "nothing.txt")
    (src / "linked").symlink_to(outside / "folder", target_is_directory=True)
    (src / "real" / "loop").symlink_to(src / "real", target_is_directory=True)
    found = discover(src)
    assert [m.file for _, m in found.documents] == ["a.txt", "in.txt", "real/b.txt"]
    reasons = {m.file: (e.kind, e.problem) for m, e in found.skipped}
    assert reasons == {
        "out.txt": ("symlink", "is a symbolic link to a file outside the sources folder: not followed "
                               "(--follow-symlinks reads it)"),
        "gone.txt": ("symlink", "is a symbolic link to nothing (its target is missing)"),
        "linked": ("symlink", "is a symbolic link to a folder: not followed (--follow-symlinks reads it)"),
        "real/loop": ("symlink", "is a symbolic link to a folder: not followed (--follow-symlinks reads it)"),
    }
    followed = discover(src, follow_symlinks=True)
    assert [m.file for _, m in followed.documents] == ["a.txt", "in.txt", "linked/x.txt", "out.txt", "real/b.txt"]
    assert {m.file: e.kind for m, e in followed.skipped} == {"gone.txt": "symlink", "real/loop": "symlink"}
    assert "a loop" in str(dict((m.file, e) for m, e in followed.skipped)["real/loop"])


def test_the_output_folder_inside_the_sources_is_not_entered(tmp_path):
    _tree(tmp_path, {"a.txt": "某省应急管理厅召开会议。".encode("utf-8"), "out/index.html": b"<html></html>"})
    found = discover(tmp_path, exclude=[tmp_path / "out"])
    assert [m.file for _, m in found.documents] == ["a.txt"] and found.other == [("out/", "output")]


@needs_links
def test_a_manifest_linked_from_outside_is_not_read(tmp_path):
    outside = tmp_path / "elsewhere.csv"
    outside.write_text("id,file,title\na,a.txt,Planted title\n", encoding="utf-8")
    src = tmp_path / "src"
    _tree(src, {"a.txt": "某省应急管理厅召开会议。".encode("utf-8")})
    (src / "manifest.csv").symlink_to(outside)
    found = discover(src)
    assert [m.title for _, m in found.documents] == [None]
    assert "is a symbolic link out of the sources folder: ignored" in str(found.problems[0])
    assert [m.title for _, m in discover(src, follow_symlinks=True).documents] == ["Planted title"]

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

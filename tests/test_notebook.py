"""notebooks/explore.ipynb: committed clean, and runs top to bottom in a real kernel.

The notebook is executed with nbclient in the ``python3`` kernel (ipykernel, this
interpreter), from the notebook's own folder as Jupyter would, with TMPDIR pointed at a
scratch directory: it must finish without error, write nothing next to itself or into
sources/, and remove what it wrote.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest

from tests.paths import ROOT, SOURCES

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"
TIMEOUT_S = 600  # per cell; the build cell is the slow one (spaCy and jieba load)


def read() -> "nbformat.NotebookNode":
    return nbformat.read(NOTEBOOK, as_version=4)


def tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def by_tag(nb) -> dict[str, "nbformat.NotebookNode"]:
    return {tag: cell for cell in nb.cells for tag in cell.metadata.get("tags", [])}


def text_of(cell) -> str:
    """Everything a cell showed, as text: streams, plain-text and HTML results."""
    parts = []
    for out in cell.outputs:
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type in ("execute_result", "display_data"):
            parts += [out.data.get("text/plain", ""), out.data.get("text/html", "")]
    return "\n".join(parts)


# --------------------------------------------------------------------------- the committed file
def test_committed_notebook_is_valid_and_has_no_outputs():
    nb = read()
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, "the notebook has no code cells"
    for cell in code:
        assert cell.outputs == [] and cell.execution_count is None, cell.id
    assert nb.metadata.kernelspec.name == "python3"
    assert [c.id for c in nb.cells] == [f"{i:02d}-{c.id.split('-', 1)[1]}" for i, c in enumerate(nb.cells)]
    # written by nbformat: reading and writing it back changes nothing
    assert nbformat.writes(nb) + "\n" == NOTEBOOK.read_text(encoding="utf-8")


def test_markdown_explains_each_step():
    nb = read()
    kinds = [c.cell_type for c in nb.cells]
    assert kinds[0] == "markdown"
    assert sum(k == "markdown" for k in kinds) >= 8
    tags = by_tag(nb)
    for step in ("build", "duty-table", "mechanisms", "evidence", "sentences", "timeline", "figures", "figure-plot",
                 "ego-view", "graphml", "cleanup"):
        assert step in tags, step


# --------------------------------------------------------------------------- execution
@pytest.mark.slow
def test_notebook_runs_top_to_bottom(tmp_path, monkeypatch):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))  # the kernel inherits it: tempfile writes only here
    before = {"notebooks": tree(NOTEBOOK.parent), "sources": tree(SOURCES)}
    nb = read()
    client = nbclient.NotebookClient(nb, kernel_name="python3", timeout=TIMEOUT_S,
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    t0 = time.perf_counter()
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as e:
        pytest.fail(f"the notebook failed:\n{e}")
    print(f"notebook executed in {time.perf_counter() - t0:.1f} s")

    cells = by_tag(nb)
    assert "Built " in text_of(cells["build"]) and "skipped" not in text_of(cells["build"])
    duties = text_of(cells["duty-table"])
    assert all(d in duties for d in ("综合防", "具体防", "协同抗", "为主抗", "主导救", "支撑救", "统筹助", "分工助"))
    assert "no duty formula; " in duties  # the regions without one say what they have instead
    found = text_of(cells["find"])
    assert "Mechanism:预警叫应机制" in found and "sentence" in found  # names, then sentence matches
    assert "双重预防机制" in text_of(cells["mechanisms"])
    evidence = text_of(cells["evidence"])
    assert "adopts 双重预防机制" in evidence and "构建双重预防机制" in evidence  # the edge and its sentence
    assert "灾害救助叫应机制" in text_of(cells["sentences"])  # a two-character term found in the sentences
    timeline = text_of(cells["timeline"])
    assert "双重预防机制" in timeline and "2022-02-10" in timeline  # a first mention with its date as written
    assert "normalized_value" in text_of(cells["figures"])
    (plot,) = [o for o in cells["figure-plot"].outputs if "image/png" in o.get("data", {})]
    assert len(plot.data["image/png"]) > 1000  # a drawn chart, base64
    (view,) = [o for o in cells["ego-view"].outputs if "text/html" in o.get("data", {})]
    assert '<iframe srcdoc="' in view.data["text/html"] and "湖南省" in view.data["text/html"]
    assert "hunan-ego.graphml" in text_of(cells["graphml"])
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out.output_type != "error", cell.id
            warned = out.output_type == "stream" and out.name == "stderr" and "Warning" in out.text
            assert not warned, out.text

    # the last cell removed everything the notebook wrote; jieba keeps its dictionary cache
    # in the temporary directory of whatever process loads it, as any kg build does
    assert [p.name for p in scratch.iterdir() if p.name != "jieba.cache"] == []
    assert {"notebooks": tree(NOTEBOOK.parent), "sources": tree(SOURCES)} == before

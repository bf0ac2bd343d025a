"""kg.datafiles: the one loader of the sectioned word lists, and proof that an edit to a data file
changes what is extracted (a domain expert adds a word to kg/data, no Python)."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from kg import datafiles
from kg.datafiles import entries, pairs, sections
from tests.paths import ROOT


def test_every_data_file_parses_and_every_section_has_entries():
    for path in sorted((ROOT / "kg" / "data").glob("*.txt")):
        if path.name == "userdict.txt":
            continue  # jieba's own format
        found = sections(path.name)
        assert found, path.name
        for name, words in found.items():
            assert words, f"{path.name} [{name}] is empty"


def test_pairs_and_a_missing_section_name_the_file():
    assert ("安委会", "安全生产委员会") in pairs("bodies.txt", "abbreviations")
    with pytest.raises(KeyError, match=r"kg/data/bodies.txt has no \[nothing\] section"):
        entries("bodies.txt", "nothing")


def test_an_entry_before_any_section_is_an_error(tmp_path, monkeypatch):
    (tmp_path / "kg" / "data").mkdir(parents=True)
    (tmp_path / "kg" / "data" / "broken.txt").write_text("# comment\n孤立词\n[words]\n词\n", encoding="utf-8")
    monkeypatch.setattr(datafiles.resources, "files", lambda pkg: tmp_path / "kg")
    datafiles.clear_cache()
    try:
        with pytest.raises(ValueError, match=r"kg/data/broken.txt:2: an entry before any \[section\]"):
            sections("broken.txt")
    finally:
        monkeypatch.undo()
        datafiles.clear_cache()


# Run in a fresh interpreter on a copy of the package whose data files were edited: the module-level
# tables are built from the files at import, as in any new process.
_PROBE = r"""
import json, sys
from kg.models import LoadedDocument, SourceMeta
from kg.nlp.pipeline import extract_document
from kg.text.normalize import normalise

text = sys.argv[1]
doc = LoadedDocument(meta=SourceMeta(id="t", file="t.txt"), path="t.txt", text=text, encoding="utf-8",
                     format="txt", sha256="")
ex = extract_document(normalise(doc))
print(json.dumps({"officials": [[o.name, o.titles] for o in ex.officials],
                  "organizations": [o.name for o in ex.organizations],
                  "mechanisms": [m.name for m in ex.mechanisms],
                  "text": ex.title.value if ex.title else None}, ensure_ascii=False))
"""

# Made-up text: a post, a sector department and a mechanism name the stock lists do not know, and a
# variant character (one invented for the test: 㐀 folded to 江).
_TEXT = "㐀西省应急管理厅召开会议。会上，厅总规划师赵一平介绍工作，推动蚕桑、林草等部门完善联合会商机制。"


def _probe(package_root) -> dict:
    env = dict(os.environ, PYTHONPATH=str(package_root))
    out = subprocess.run([sys.executable, "-c", _PROBE, _TEXT], env=env, capture_output=True, text=True,
                         check=True, cwd=package_root)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_an_edit_to_a_data_file_takes_effect(tmp_path):
    shutil.copytree(ROOT / "kg", tmp_path / "kg", ignore=shutil.ignore_patterns("__pycache__"))
    before = _probe(tmp_path)
    data = tmp_path / "kg" / "data"

    def append(name: str, section: str, line: str) -> None:
        text = (data / name).read_text(encoding="utf-8")
        head = f"[{section}]\n"
        assert head in text, (name, section)
        (data / name).write_text(text.replace(head, head + line + "\n", 1), encoding="utf-8")

    append("titles.txt", "titles", "总规划师")  # a post
    append("bodies.txt", "sectors", "蚕桑")  # a sector department
    append("mechanism_words.txt", "generic_names", "联合会商机制")  # a name the guideline calls generic
    append("variants.txt", "variants", "㐀 = 江")  # a variant character
    after = _probe(tmp_path)

    assert ["赵一平", ["总规划师"]] not in before["officials"]
    assert ["赵一平", ["总规划师"]] in after["officials"]
    assert "蚕桑部门" not in before["organizations"] and "蚕桑部门" in after["organizations"]
    assert "林草部门" in before["organizations"]
    assert "联合会商机制" in before["mechanisms"] and "联合会商机制" not in after["mechanisms"]
    assert "江西省应急管理厅" not in before["organizations"]
    assert "江西省应急管理厅" in after["organizations"]

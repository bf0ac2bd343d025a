"""kg.io.corrections: read the corrections file whole or not at all (errors name the file and
the line), append to it keeping what is there, and its JSON Schema."""

from __future__ import annotations

import json
import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kg.io.corrections as io
from kg.errors import CorrectionsError
from kg.io.corrections import (Corrections, Relabel, Reject, append_entry, parse_corrections, read_corrections,
                               toml_string)
from tests.paths import ROOT

EXAMPLE = io.__doc__.split("::", 1)[1].split(":func:")[0]  # the module's example: one entry of every kind


def test_the_documented_example_has_every_kind_with_its_line():
    c = parse_corrections(EXAMPLE)
    assert [e.op for e in c.entries] == ["reject", "reject", "merge", "split", "relabel", "alias", "region", "add"]
    lines = EXAMPLE.splitlines()
    assert all(lines[e.line - 1].strip().startswith(f"[[{e.op}]]") for e in c.entries)
    assert c.entries[0].note == "a generic phrase, not a mechanism"


def test_no_file_means_no_corrections(tmp_path):
    c = read_corrections(tmp_path)
    assert not c and c.entries == [] and c.digest() == ""


@pytest.mark.parametrize("text, line, problem", [
    ('[[reject]]\nnode = "Mechanism:x"\nnode = "y"\n', 3, "is not valid TOML"),
    ('# c\n[[rejct]]\nnode = "Mechanism:x"\n', 2, "unknown kind of correction 'rejct'"),
    ('\n[[reject]]\nnode = "Mechanism:x"\nwhy = "?"\n', 2, "reject: unknown field 'why'"),
    ('[[relabel]]\nnode = "Mechanism:x"\n', 1, "relabel: label is missing"),
    ('reject = [{node = "Mechanism:x"}]\n', 1, "write each reject correction as a table of its own"),
    ('[[merge]]\nnodes = ["Official:a", "Region:b"]\n', 1, "nodes of different types cannot be merged"),
    ('[[merge]]\nnodes = ["Official:a"]\n', 1, "merge: nodes:"),
    ('[[reject]]\nnode = "Document:d1"\n', 1, "a document is not rejected"),
    ('[[reject]]\nnode = "Mechanism:x"\nedge = ["A:b", "c", "D:e"]\n', 1, "give either node or edge"),
    ('[[reject]]\nnode = "湖南省"\n', 1, "reject: node: not a node id"),
    ('[[reject]]\nnode = "Place:x"\n', 1, "has no node type of the ontology"),
    ('[[date]]\ndoc = "d"\ndate = "2020-1-1"\n', 1, "date: write a date as YYYY or YYYY-MM-DD"),
    ('[[split]]\nnode = "Region:浙江省"\nalias = "浙江省"\n', 1, "nothing to split"),
    ('[[add]]\ndoc = "d"\ntype = "PrinciplePair"\nname = "防救"\nquote = "防救"\n', 1, "joined by 与"),
    ('[[add]]\ndoc = "d"\ntype = "Duty"\nname = "x"\nquote = "x"\n', 1, "add: type:"),
    ('[[reject]]\nnode = "Mechanism:a"\n\n[[reject]]\nnode = "Mechanism:b"\nextra = 1\n', 4, "unknown field"),
])
def test_a_malformed_file_names_the_file_and_the_line(tmp_path, text, line, problem):
    (tmp_path / "corrections.toml").write_text(text, encoding="utf-8")
    with pytest.raises(CorrectionsError) as e:
        read_corrections(tmp_path)
    assert e.value.code == "E090" and e.value.line == line and problem in e.value.problem
    assert str(e.value).startswith(f"[E090] {tmp_path / 'corrections.toml'}:{line}: ")


def test_not_utf8_names_the_line(tmp_path):
    (tmp_path / "corrections.toml").write_bytes(b'[[reject]]\nnode = "Mechanism:\xff"\n')
    with pytest.raises(CorrectionsError) as e:
        read_corrections(tmp_path)
    assert e.value.line == 2 and "not UTF-8" in e.value.problem


def test_the_digest_is_what_the_entries_say_not_where_they_stand():
    a = parse_corrections('[[relabel]]\nnode = "Region:吉林省"\nlabel = "吉林"\n')
    b = parse_corrections('# moved down\n\n[[relabel]]  # a comment\nnode = "Region:吉林省"\nlabel = "吉林"\n')
    c = parse_corrections('[[relabel]]\nnode = "Region:吉林省"\nlabel = "吉林省"\n')
    assert a.digest() == b.digest() != c.digest() and b.entries[0].line == 3


def test_append_creates_the_file_then_keeps_what_is_there(tmp_path):
    first = append_entry(tmp_path, Reject(node="Mechanism:工作机制", note="too generic"))
    assert first.line == 1
    path = tmp_path / "corrections.toml"
    path.write_text(path.read_text(encoding="utf-8") + "# my own comment\n", encoding="utf-8")
    before = path.read_text(encoding="utf-8")
    second = append_entry(tmp_path, Relabel(node="Official:李大剑", label='李大剑"厅长"'))
    text = path.read_text(encoding="utf-8")
    assert text.startswith(before) and "# my own comment" in text
    assert second.line == len(before.splitlines()) + 2 and second.label == '李大剑"厅长"'
    assert [e.op for e in read_corrections(tmp_path).entries] == ["reject", "relabel"]
    assert [p.name for p in tmp_path.iterdir()] == ["corrections.toml"]  # no temporary file left


def test_append_never_touches_a_file_the_build_would_refuse(tmp_path):
    path = tmp_path / "corrections.toml"
    path.write_text("[[reject]\n", encoding="utf-8")
    with pytest.raises(CorrectionsError):
        append_entry(tmp_path, Reject(node="Mechanism:x"))
    assert path.read_text(encoding="utf-8") == "[[reject]\n"


def test_append_to_a_missing_sources_directory_is_an_error(tmp_path):
    with pytest.raises(CorrectionsError, match="is not a directory"):
        append_entry(tmp_path / "nope", Reject(node="Mechanism:x"))


@given(st.text())
def test_any_text_survives_toml_quoting(text):
    assert tomllib.loads(f"v = {toml_string(text)}\n")["v"] == text


def test_the_schema_is_committed_and_describes_the_example():
    import jsonschema

    schema = json.loads((ROOT / "schemas" / "corrections.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(tomllib.loads(EXAMPLE), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"reject": [{"node": "Mechanism:x", "op": "reject"}]}, schema)
    assert set(schema["properties"]) == set(io.KINDS)


def test_the_loader_does_not_take_the_corrections_file_for_a_document(tmp_path):
    from kg.io.loader import discover

    (tmp_path / "a.txt").write_text("应急管理。", encoding="utf-8")
    (tmp_path / "corrections.toml").write_text(EXAMPLE, encoding="utf-8")
    found = discover(tmp_path)
    assert [m.file for _, m in found.documents] == ["a.txt"] and not found.skipped and not found.problems


def test_corrections_model_is_falsy_when_empty():
    assert not Corrections() and Corrections(entries=[Reject(node="Mechanism:x")])


def test_appends_at_the_same_time_lose_nothing(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: append_entry(tmp_path, Relabel(node=f"Official:人{i}", label=f"标签{i}")), range(24)))
    assert sorted(e.label for e in read_corrections(tmp_path).entries) == sorted(f"标签{i}" for i in range(24))

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from kg.cli import cli

COMMANDS = sorted(cli.commands)


def test_there_are_commands():
    assert {"build", "extract", "eval"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_an_example(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and f"kg {name}" in result.output


def test_top_level_help_is_fast_through_the_real_entry_point():
    # the console script's module, in a fresh interpreter: heavy libraries must not load
    code = "import sys, kg.cli; assert 'spacy' not in sys.modules and 'pandas' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
    out = subprocess.run([sys.executable, "-m", "kg.cli", "--help"], capture_output=True, text=True, check=True)
    assert "build" in out.stdout


def test_eval_with_missing_gold_dir_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["eval", str(tmp_path / "nope"), "x.txt"])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_eval_with_empty_gold_dir_names_it(tmp_path):
    result = CliRunner().invoke(cli, ["eval", str(tmp_path), "x.txt"])
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: [E070] {tmp_path}: contains no gold *.json files"


def test_extract_reports_unreadable_file_and_exits_3(tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    result = CliRunner().invoke(cli, ["extract", str(bad)])
    assert result.exit_code == 3
    assert f"{bad}: is empty" in result.output
    assert json.loads(result.stdout) == []


def test_jiebas_banner_never_reaches_stderr(tmp_path):
    """jieba announces its dictionary ("Building prefix dict ...") when a build first touches
    it; an update that only re-resolves (a document removed) touched it before the pipeline
    had silenced it."""
    import shutil

    from tests.paths import SOURCES

    src = tmp_path / "src"
    shutil.copytree(SOURCES, src)
    run = [sys.executable, "-m", "kg.cli", "build", str(src), "--out", str(tmp_path / "out"), "--no-views"]
    first = subprocess.run(run + ["-q"], capture_output=True, text=True)
    assert first.returncode == 0 and first.stderr == "", first.stderr
    gone = sorted(src.glob("*.txt"))[1]
    gone.unlink()
    manifest = src / "manifest.csv"
    manifest.write_text("".join(ln for ln in manifest.read_text(encoding="utf-8").splitlines(keepends=True)
                                if gone.name not in ln), encoding="utf-8")
    for flags in (["-q"], []):
        again = subprocess.run(run + flags, capture_output=True, text=True)
        assert again.returncode == 0 and again.stderr == "", again.stderr
        assert ("graph updated" in again.stdout) == (not flags)


@pytest.mark.parametrize("how", ["parent", "safe-path", "inside"])
def test_where_import_kg_finds_the_package(tmp_path, how):
    """README: Python started in the folder holding a clone named kg (installed editable, as
    the README installs it) takes the clone for a namespace package (no kg.load); -P, or
    starting anywhere else, finds kg itself."""
    clone = tmp_path / "kg"
    clone.mkdir()
    (clone / "README.md").write_text("a clone\n", encoding="utf-8")
    code = "import kg; print(kg.__file__ is not None and hasattr(kg, 'load'))"
    flags, cwd = {"parent": ([], tmp_path), "safe-path": (["-P"], tmp_path), "inside": ([], clone)}[how]
    out = subprocess.run([sys.executable, *flags, "-c", code], cwd=cwd, capture_output=True, text=True, check=True)
    import kg

    editable = "site-packages" not in kg.__file__  # (an install into site-packages wins over a namespace)
    assert out.stdout.strip() == ("False" if how == "parent" and editable else "True")

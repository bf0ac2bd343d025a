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


# --------------------------------------------------------------------------- kg correct
CORRECT_COMMANDS = sorted(cli.commands["correct"].commands)


def test_correct_has_every_kind():
    assert set(CORRECT_COMMANDS) == {"reject", "reject-edge", "merge", "split", "relabel", "alias", "region", "title",
                                     "date", "add"}


@pytest.mark.parametrize("name", CORRECT_COMMANDS)
def test_every_correct_command_has_help_with_an_example(name):
    result = CliRunner().invoke(cli, ["correct", name, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and f"kg correct {name}" in result.output


def _kg(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "kg.cli", *map(str, args)], capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def demo_build(tmp_path_factory):
    import shutil

    from tests.paths import SOURCES

    root = tmp_path_factory.mktemp("correct")
    shutil.copytree(SOURCES, root / "sources")
    assert _kg("build", "sources", "--out", "out", "--no-views", "-q", cwd=root).returncode == 0
    return root


def test_correct_appends_checked_entries_and_the_build_applies_them(demo_build, tmp_path):
    import shutil

    root = tmp_path
    shutil.copytree(demo_build / "sources", root / "sources")
    shutil.copytree(demo_build / "out", root / "out")
    ok = _kg("correct", "relabel", "Official:李大剑", "李大剑厅长", "--note", "his post", cwd=root)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("Added to sources/corrections.toml:1: relabel node=Official:李大剑")
    assert _kg("correct", "region", "001_dee7a70e350022e0", "X市", cwd=root).returncode == 0
    assert _kg("correct", "merge", "Official:伍斌", "Official:凌志峰", "--label", "两位厅长", cwd=root).returncode == 0
    bad = _kg("correct", "reject", "Mechanism:双重预防", cwd=root)
    assert bad.returncode == 1 and bad.stdout == ""
    assert bad.stderr.startswith("Error: [E091] sources/corrections.toml: reject: no node Mechanism:双重预防 in the "
                                 "last build (out) (did you mean Mechanism:双重预防机制")
    # not checked: the build reports it stale
    assert _kg("correct", "reject", "Mechanism:双重预防", "--no-check", cwd=root).returncode == 0
    text = (root / "sources" / "corrections.toml").read_text(encoding="utf-8")
    assert text.count("[[") == 4 and 'note = "his post"' in text
    built = _kg("build", "sources", "--out", "out", "--no-views", cwd=root)
    assert built.returncode == 0, built.stderr
    assert "4 corrections (1 stale)" in built.stdout
    assert "stale correction sources/corrections.toml:14 (reject): no node Mechanism:双重预防" in built.stderr
    report = json.loads((root / "out" / "build-report.json").read_text(encoding="utf-8"))
    assert [(c["line"], c["op"], c["applied"]) for c in report["corrections"]] == [
        (1, "relabel", True), (6, "region", True), (10, "merge", True), (14, "reject", False)]


def test_a_malformed_corrections_file_stops_the_build_before_any_work(tmp_path):
    src = tmp_path / "sources"
    src.mkdir()
    (src / "a.txt").write_text("湖南省应急管理厅推动建立双重预防机制。", encoding="utf-8")
    (src / "corrections.toml").write_text('[[reject]]\nnode = "Mechanism:x"\n\n[[relabel]]\nnode = "Region:湖南省"\n',
                                          encoding="utf-8")
    result = _kg("build", "sources", "--out", "out", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == "Error: [E090] sources/corrections.toml:4: relabel: label is missing"
    assert not (tmp_path / "out").exists()


def test_correct_into_a_missing_sources_directory_fails_cleanly(tmp_path):
    result = _kg("correct", "reject", "Mechanism:x", "--sources", tmp_path / "nope", "--no-check")
    assert result.returncode == 1 and "[E090]" in result.stderr and "is not a directory" in result.stderr


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

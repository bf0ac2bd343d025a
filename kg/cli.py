"""The ``kg`` command line: a thin layer over the library.

Each command parses its arguments, makes one library call, and turns kg's errors
into a one-line ``Error: ...`` with a non-zero exit status. Heavy imports happen
inside the commands, so ``kg --help`` answers at once.

Exit status: 0 success; 1 error (nothing built); 2 usage error; 3 built, but some
documents were skipped (use ``--allow-skipped`` to exit 0 anyway).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

EXIT_ERROR = 1
EXIT_SKIPPED = 3


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(EXIT_ERROR)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kg")
def cli() -> None:
    """Knowledge graphs of Chinese emergency-management (应急管理) texts.

    \b
    Example:
        kg build sources --out out     # the demo corpus -> out/index.html
        kg extract sources/*.txt       # per-document summaries as JSON
        kg eval tests/data/gold sources/*.txt
    """


@cli.command()
@click.argument("sources", default="sources", type=click.Path(file_okay=False, path_type=Path))
@click.option("--out", "-o", default="out", show_default=True, type=click.Path(path_type=Path),
              help="Output directory (created if missing).")
@click.option("--jobs", "-j", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes for extraction.")
@click.option("--no-views", is_flag=True, help="Skip the HTML views (exports only).")
@click.option("--no-cache", is_flag=True, help="Re-extract every document (ignore <out>/.kgcache).")
@click.option("--allow-skipped", is_flag=True, help="Exit 0 even if some documents were skipped.")
@click.option("--inline-evidence", is_flag=True,
              help="Also write every sentence into graph.graphml, graph.json and provenance.csv "
                   "(self-contained files, several times larger; by default they live in kg.sqlite only).")
@click.option("--max-doc-mb", default=20.0, show_default=True, type=click.FloatRange(min=0, min_open=True),
              help="Skip any single document larger than this.")
@click.option("--quiet", "-q", is_flag=True, help="Print only problems and errors.")
def build(sources: Path, out: Path, jobs: int, no_views: bool, no_cache: bool, allow_skipped: bool,
          inline_evidence: bool, max_doc_mb: float, quiet: bool) -> None:
    """Build the graph, exports and views of SOURCES (default: sources/) into --out.

    Loads every .txt/.md/.html file (with sources/manifest.csv metadata where given),
    normalises and extracts it, builds one graph across documents and writes
    kg.sqlite (every sentence once, searchable), graph.graphml, graph.json,
    nodes/edges/evidence/provenance CSV (citing the sentences by id), summaries.json,
    the HTML views (index.html) and build-report.json.

    \b
    Example:
        kg build sources --out out --jobs 2
    """
    from kg.build import build as run_build
    from kg.build import iter_problem_lines
    from kg.errors import KgError

    def progress_factory(total: int):
        if quiet or not sys.stderr.isatty():
            return None
        bar = click.progressbar(length=total, label="Extracting", file=sys.stderr)
        bar.__enter__()

        class _Bar:
            update = bar.update

            def close(self) -> None:
                bar.__exit__(None, None, None)

        return _Bar()

    try:
        report = run_build(sources, out, jobs=jobs, views=not no_views, cache=not no_cache,
                           progress_factory=progress_factory, max_doc_bytes=int(max_doc_mb * 2**20),
                           inline_evidence=inline_evidence)
    except KgError as e:
        _fail(str(e))
    for line in iter_problem_lines(report):
        click.echo(line, err=True)
    if not quiet:
        click.echo(report.summary_line())
    if report.skipped and not allow_skipped:
        sys.exit(EXIT_SKIPPED)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the JSON here instead of standard output.")
def extract(files: tuple[Path, ...], output: Path | None) -> None:
    """Print a JSON array with one document-level summary per FILE, in the gold shape.

    The shape is exactly that of the gold files (file, title, region, date, officials,
    organizations, mechanisms, duty_formulas, duty_pairs, principle_pairs,
    numbered_formulas, statistics, events, notes). A file that cannot be read is
    reported on standard error and left out (exit status 3).

    \b
    Example:
        kg extract sources/000_f964f0785da45e89.txt > summary.json
    """
    from kg.extract_api import summarise_files
    from kg.summary import summary_json

    summaries, problems = summarise_files(files)
    for p in problems:
        click.echo(p, err=True)
    text = summary_json(summaries) + "\n"
    if output:
        from kg.io.atomic import atomic_write_text

        try:
            atomic_write_text(output, text)
        except OSError as e:
            _fail(f"{output}: cannot be written: {e.strerror or e}")
    else:
        click.echo(text, nl=False)
    if problems:
        sys.exit(EXIT_SKIPPED)


@cli.command(name="eval")
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the scores (and misses/extras) as JSON.")
@click.option("--details", is_flag=True, help="List every missed and extra item under the table.")
def eval_(gold_dir: Path, files: tuple[Path, ...], as_json: bool, details: bool) -> None:
    """Score the extraction of FILES against the gold summaries in GOLD_DIR.

    FILES are source documents (they are extracted first) or JSON files written by
    ``kg extract``. Prints precision, recall and F1 per field (strict, and lenient for
    organisations and mechanisms).

    \b
    Example:
        kg eval tests/data/gold sources/*.txt
    """
    import json

    from kg.errors import KgError
    from kg.evaluate import evaluate, load_gold
    from kg.extract_api import summarise_files
    from kg.summary import summary_dict

    try:
        gold = load_gold(gold_dir)
    except KgError as e:
        _fail(str(e))
    predicted: list[dict] = []
    sources = [f for f in files if f.suffix.lower() != ".json"]
    for f in files:
        if f.suffix.lower() == ".json":
            try:
                data = json.loads(f.read_text(encoding="utf-8"))
            except (OSError, ValueError) as e:
                _fail(f"{f}: cannot be read as kg extract JSON: {e}")
            predicted += data if isinstance(data, list) else [data]
    summaries, problems = summarise_files(sources)
    for p in problems:
        click.echo(p, err=True)
    predicted += [summary_dict(s) for s in summaries]
    result = evaluate(predicted, gold)
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(result.table())
        if details:
            for f, s in list(result.strict.items()):
                for m in s.missed:
                    click.echo(f"missed  {f:<18} {m}")
                for x in s.extra:
                    click.echo(f"extra   {f:<18} {x}")
    for name in result.unmatched_predictions:
        click.echo(f"no gold file for {name}", err=True)


def main() -> None:
    cli(prog_name="kg")


if __name__ == "__main__":  # pragma: no cover
    main()

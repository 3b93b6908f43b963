"""Readable terminal output (Rich) for check results and records."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .engine import CheckResult
from .findings import Finding
from .resolver import Unresolved

SEVERITY_STYLE = {"contraindicated": "bold white on red", "major": "bold red", "moderate": "yellow", "minor": "cyan"}


def describe_unresolved(u: Unresolved) -> str:
    where = f" (in {u.within!r})" if u.within else ""
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
    for u in res.unresolved:
        console.print(f"[bold red]{escape(describe_unresolved(u))}[/]")
    for mid in result.no_interaction_data:
        console.print(f"[yellow]Note: the knowledge base has no interaction data for {escape(mid)}; "
                      "no finding about it means nothing is known, not that it is safe.[/]")
    findings = list(result.interactions) + list(result.cumulative)
    if not findings:
        known = [i for i in res.ids if i not in result.no_interaction_data]
        if known:
            console.print(f"No interactions found among the recognised medicines ({escape(', '.join(known))}) "
                          "in the rxcombo knowledge base. This does not prove the combination is safe.")
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
    if res.unresolved:
        console.print("\n[bold red]Incomplete: the names above marked NOT CHECKED were not included.[/]")
    console.print("\n[dim]Information only, not medical advice. Ask a doctor or pharmacist before changing any medicine.[/]")


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

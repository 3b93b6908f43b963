"""The evidence report as plain text for the terminal (``rxcombo evidence``)."""

from __future__ import annotations

import textwrap
from typing import Any

WIDTH = 100


def _wrap(text: str, indent: str = "  ") -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent) or [indent]


def _source_line(source: dict[str, Any]) -> str:
    bits = [source.get("authors") or source.get("publisher") or "", source.get("title", ""), source.get("journal") or "",
            str(source.get("year") or "")]
    ids = [f"PMID {source['pmid']}" if source.get("pmid") else "", f"doi:{source['doi']}" if source.get("doi") else "",
           source.get("registry") or ""]
    text = ". ".join(b for b in bits if b)
    extra = "; ".join(i for i in ids if i)
    return f"{text}{'. ' + extra if extra else ''}. Read at {source['url']}"


def format_report(report: dict[str, Any], professional: bool = False) -> str:
    """Harm first (one line and where to see it), then each entry: why combined, guidelines,
    per outcome the numbers in words with certainty, dose evidence, caveat and references."""
    out = [f"Evidence of benefit: {report['title']}", "",
           f"Harm side: {report['harm']['headline']} (see: rxcombo check {' '.join(m['id'] for m in report['medicines'])})"]
    if not report["entries"]:
        out += ["", report["message"]]
        return "\n".join(out) + "\n"
    for entry in report["entries"]:
        level = "trials of these medicines" if entry["evidence_level"] == "combination" else "trials of related medicines (class-level)"
        out += ["", f"== {entry['title']} ==", f"  For: {entry['indication']} ({entry['role_words']}; evidence from {level})"]
        out += ["", "  Why they are combined:"] + _wrap(entry["why_combined"]["text"], "    ")
        if entry["guidelines"]:
            out += ["", "  Guidelines:"]
            for g in entry["guidelines"]:
                line = f" ({g['line']} line)" if g.get("line") else ""
                section = f", {g['section']}" if g.get("section") else ""
                out += _wrap(f"{g['body']} {g['year']}{section}{line}: {g['position']}", "    ")
        if entry["no_trials"]:
            out += ["", "  No trials:"] + _wrap(entry["no_trials"], "    ")
        for outcome in entry["outcomes"]:
            out += ["", f"  {outcome['name'][:1].upper()}{outcome['name'][1:]}:"]
            out += _wrap(outcome["professional"] if professional else outcome["plain"], "    ")
            if professional:
                for study in outcome["analysis"]["studies"]:
                    est = study["estimate"]
                    shown = "not estimable" if est is None else f"{est:.2f} ({study['ci_low']:.2f} to {study['ci_high']:.2f})"
                    out.append(f"      {study['label']}: {shown}, n = {study['n']}, risk of bias {study['risk_of_bias']}")
            for note in outcome["analysis"]["notes"]:
                out += _wrap(f"Note: {note}", "    ")
        for dose in entry["dose_evidence"]:
            out += ["", "  Dose:"] + _wrap(dose["text"], "    ")
        if entry["caveat"]:
            out += ["", "  Caveat:"] + _wrap(entry["caveat"], "    ")
        out += ["", "  References:"]
        for i, source in enumerate(entry["sources"].values(), 1):
            out += _wrap(f"[{i}] {_source_line(source)}", "    ")
    out += ["", report["disclaimer"]]
    return "\n".join(out) + "\n"

"""Evidence entries as monograph blocks ("Why they are combined", "Evidence of benefit"),
and the forest plots a Markdown page links to, written beside it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Protocol

from rxcombo.evidence.library import library_for


class CitationsLike(Protocol):
    def record(self, record: dict[str, Any], cites: list[str]) -> list[int]: ...


def _cite(cites: CitationsLike, view: dict[str, Any], keys: list[str]) -> list[int]:
    # "evidence:" keeps an entry's citations apart from a medicine's of the same name in the
    # resolution cache that pages share (medicine ids hold no colon)
    return cites.record({"id": f"evidence:{view['id']}", "sources": view["sources"]}, keys)


def _item(value: str, numbers: list[int] | None = None) -> dict[str, Any]:
    return {"text": value, "cites": numbers or []}


def matching_views(catalog: Any, ids: list[str]) -> list[dict[str, Any]]:
    library = library_for(catalog)
    return [library.view(item.entry.id) for item in library.matching(ids)]


def why_combined_blocks(views: list[dict[str, Any]], cites: CitationsLike) -> list[dict[str, Any]]:
    """One list: for each entry, its indication and why prescribers combine the medicines."""
    items = [_item(f"{v['indication']}: {v['why_combined']['text']}", _cite(cites, v, v["why_combined"]["sources"])) for v in views]
    return [{"type": "list", "title": "Why they are combined", "items": items}]


def evidence_blocks(views: list[dict[str, Any]], cites: CitationsLike, pro: bool) -> list[dict[str, Any]]:
    """Per entry: what it covers, guideline positions, per outcome the numbers in words with the
    certainty and the forest plot, dose evidence; the caveat in full for professionals."""
    blocks: list[dict[str, Any]] = []
    for v in views:
        level = ("Trials of these medicines." if v["evidence_level"] == "combination"
                 else "Trials of related medicines, not exactly these ones.")
        blocks.append({"type": "p", "text": f"{v['title']} ({v['indication']}). {level}", "cites": []})
        if v["caveat"] and pro:
            blocks.append({"type": "p", "text": f"Caveat: {v['caveat']}", "cites": []})
        if v["guidelines"]:
            items = [_item(f"{g['body']} {g['year']}{', ' + g['section'] if g.get('section') else ''}"
                           f"{' (' + g['line'] + ' line)' if g.get('line') else ''}: {g['position']}", _cite(cites, v, [g["source"]]))
                     for g in v["guidelines"]]
            blocks.append({"type": "list", "title": "Guideline positions", "items": items})
        if v["no_trials"]:
            blocks.append({"type": "p", "text": v["no_trials"], "cites": []})
        for o in v["outcomes"]:
            words = o["professional"] if pro else o["plain"]
            blocks.append({"type": "list", "title": f"{o['name'][:1].upper()}{o['name'][1:]}",
                           "items": [_item(words, _cite(cites, v, o["sources"]))]})
            blocks.append({"type": "figure", "svg": o["svg"], "file": o["svg_file"],
                           "caption": f"Forest plot: {o['name']} ({v['title']})"})
        for d in v["dose_evidence"]:
            blocks.append({"type": "p", "text": f"Dose: {d['text']}", "cites": []})
    return blocks


def figures(monograph: Any) -> list[tuple[str, str]]:
    """(file name, SVG) for every forest plot of a monograph."""
    return [(b["file"], b["svg"]) for s in monograph.sections for b in s["blocks"] if b["type"] == "figure"]


def write_figures(monograph: Any, folder: Path) -> list[Path]:
    """Write the page's forest plots beside its Markdown file (atomically: pages built in
    parallel may write the same plot)."""
    written = []
    for name, svg in figures(monograph):
        target = Path(folder) / name
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(svg)
        os.replace(tmp, target)
        written.append(target)
    return written

"""The static site's evidence pages: one per entry, and an index of them."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from rxcombo.evidence.library import entry_report, library_for


def write_evidence_pages(engine: Any, root: Path, nav: list[tuple[str, str]]) -> int:
    """Write ``evidence/<entry id>.html`` and ``evidence/index.html``; returns the number of pages."""
    from rxcombo.pages.render import environment

    library = library_for(engine.catalog)
    if not library.items:
        return 0
    folder = root / "evidence"
    folder.mkdir(parents=True, exist_ok=True)
    template = environment().get_template("evidence.html")
    rows = []
    for eid in sorted(library.items):
        report = entry_report(engine, eid, check_link="/checker.html")
        (folder / f"{eid}.html").write_text(template.render(r=report, base="..", nav=nav), encoding="utf-8")
        view = report["entries"][0]
        rows.append(f'<li><a href="{escape(eid)}.html">{escape(view["title"])}</a> ({escape(view["indication"])})</li>')
    body = ('<h1>Evidence of benefit</h1><p>Trials of combinations, pooled from the study data, with certainty and '
            'forest plots.</p><ul>' + "".join(rows) + "</ul>")
    index = environment().get_template("base.html").render(base="..", nav=nav).replace('<main id="main">\n', '<main id="main">\n' + body, 1)
    (folder / "index.html").write_text(index, encoding="utf-8")
    return len(rows) + 1

"""Full default site build (knowledge base pages, catalogue compositions, psychiatric pairs,
name index, checker data) side by side with a baseline measured in the same run: a plain
markdown-it + Jinja2 render of the seed site's 6,447 Markdown pages. Target: 500 pages/s.
Optional Pagefind indexing is excluded."""

from __future__ import annotations

import sys
import tarfile
import tempfile
import time
from pathlib import Path

from _common import fresh_engine, row
from jinja2 import Template
from markdown_it import MarkdownIt

from rxcombo.coverage import read_catalogue
from rxcombo.site import build_site

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "rxhive"
PAGE = Template("<!doctype html><html><head><title>{{ title }}</title></head><body>{{ body }}</body></html>")


def baseline(out: Path) -> tuple[int, float]:
    """markdown-it + Jinja2 over the seed pages, one process."""
    md = MarkdownIt()
    with tarfile.open(SHARED / "composition-pages.tar.gz") as tar:
        members = [(m.name, tar.extractfile(m).read().decode("utf-8", "replace")) for m in tar.getmembers() if m.isfile() and m.name.endswith(".md")]  # type: ignore[union-attr]
    start = time.perf_counter()
    for name, text in members:
        body = text.split("---", 2)[-1] if text.startswith("---") else text
        html = PAGE.render(title=name, body=md.render(body))
        target = out / name.replace(".md", ".html")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
    return len(members), time.perf_counter() - start


def main() -> None:
    if not (SHARED / "compositions.csv").exists():
        sys.exit(f"needs the seed catalogue in {SHARED}")
    engine, _ = fresh_engine()
    work = Path(tempfile.mkdtemp(prefix="rxbench-site-"))
    report = build_site(engine, work / "site", read_catalogue(SHARED / "compositions.csv"))
    base_pages, base_seconds = baseline(work / "baseline")
    row("", "pages", "seconds", "pages/s")
    row("rxcombo site build (default, all cores)", f"{report.pages:,}", f"{report.seconds:.1f}", f"{report.pages_per_second:.0f}")
    row("baseline: markdown-it + Jinja2, 1 process", f"{base_pages:,}", f"{base_seconds:.1f}", f"{base_pages / base_seconds:.0f}")
    print(f"ratio rxcombo/baseline pages per second: {report.pages_per_second / (base_pages / base_seconds):.2f}")
    import shutil

    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

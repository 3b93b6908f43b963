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
from rxcombo.engine.checker import Engine
from jinja2 import Template
from markdown_it import MarkdownIt

from rxcombo.knowledge.coverage import read_catalogue
from rxcombo.pages.site import build_site

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
    import shutil
    import statistics

    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    engine, _ = fresh_engine()
    catalogue = read_catalogue(SHARED / "compositions.csv")
    ours, theirs, pages, base_pages = [], [], 0, 0
    for _ in range(repeat):  # alternate, so that a busy moment of the machine hits both
        work = Path(tempfile.mkdtemp(prefix="rxbench-site-"))
        report = build_site(Engine(engine.catalog), work / "site", catalogue)  # a fresh engine: nothing cached
        pages = report.pages
        ours.append(report.seconds)
        base_pages, seconds = baseline(work / "baseline")
        theirs.append(seconds)
        shutil.rmtree(work, ignore_errors=True)
    ours_s, theirs_s = statistics.median(ours), statistics.median(theirs)
    row("", "pages", "median s", "pages/s")
    row("rxcombo site build (default, all cores)", f"{pages:,}", f"{ours_s:.1f}", f"{pages / ours_s:.0f}")
    row("baseline: markdown-it + Jinja2, 1 process", f"{base_pages:,}", f"{theirs_s:.1f}", f"{base_pages / theirs_s:.0f}")
    print(f"runs: {repeat}; ratio rxcombo/baseline pages per second (medians): {(pages / ours_s) / (base_pages / theirs_s):.2f}")


if __name__ == "__main__":
    main()

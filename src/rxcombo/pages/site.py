"""Build the static site: monograph pages, search, A-Z index and an offline checker.

One linear pipeline (``build_site``): choose pages, render each one straight from the
structured monograph (no Markdown round trip), write the name index and the checker's
data file, then swap the finished folder into place. The build writes to a temporary
folder beside the target, so an interrupted or failed build leaves the old site intact.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from itertools import combinations
from pathlib import Path
from typing import Any

from rxcombo.knowledge.coverage import Composition, classify_ingredient
from rxcombo.engine.checker import Engine
from rxcombo.evidence.blocks import write_figures
from rxcombo.evidence.library import library_for
from rxcombo.evidence.sitepages import write_evidence_pages
from rxcombo.engine.findings import SEVERITIES
from rxcombo.pages.monograph import MonographBuilder, slugify
from rxcombo.pages.render import environment, render_html, render_markdown
from rxcombo.engine.rules import CUMULATIVE_THRESHOLDS

NAV = [("/index.html", "Search"), ("/checker.html", "Interaction checker"), ("/az.html", "A-Z")]


@dataclass(frozen=True)
class Page:
    ids: tuple[str, ...]
    title: str
    path: str  # relative, without extension

    @property
    def letter(self) -> str:
        first = self.path.rsplit("/", 1)[-1][:1]
        return first if first.isalnum() else "#"


@dataclass
class SiteReport:
    out: Path
    pages: int = 0
    seconds: float = 0.0
    skipped: list[str] = field(default_factory=list)
    evidence_pages: int = 0  # evidence/<entry>.html and its index (not counted in ``pages``)

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


def composition_path(title: str) -> str:
    slug = slugify(title)
    return f"composition/{slug[0]}/{slug}"


def plan_pages(engine: Engine, catalogue: Iterable[Composition] | None, pairs: bool = True) -> tuple[list[Page], list[str]]:
    """Medicine pages, catalogue compositions that resolve completely, and every pair of
    psychiatric medicines in the knowledge base; duplicates (same ingredients) once."""
    catalog = engine.catalog
    pages: dict[tuple[str, ...], Page] = {}
    skipped: list[str] = []
    for mid, name in catalog.medicine_names.items():
        pages[(mid,)] = Page((mid,), name, f"medicine/{mid}")
    for comp in catalogue or ():
        ids = []
        for ingredient in comp.ingredients:
            status, mid = classify_ingredient(engine, ingredient)
            if status != "resolved" or mid is None:
                ids = []
                break
            ids.append(mid)
        ids = list(dict.fromkeys(ids))
        if not ids:
            skipped.append(comp.title)
            continue
        key = tuple(sorted(ids))
        if key not in pages:
            title = " + ".join(catalog.medicine_names[i] for i in ids)
            pages[key] = Page(tuple(ids), title, composition_path(title))
    psy_classes = catalog.psychiatric_classes
    psychiatric = sorted(m for m in catalog.medicine_names if any(c in psy_classes for c in catalog.profile(m).classes))
    for a, b in combinations(psychiatric if pairs else [], 2):
        key = (a, b)
        if key not in pages:
            title = f"{catalog.medicine_names[a]} + {catalog.medicine_names[b]}"
            pages[key] = Page(key, title, composition_path(title))
    used: set[str] = set()
    unique: list[Page] = []
    for page in pages.values():  # slugs are unique even if two titles slugify alike
        path, n = page.path, 2
        while path in used:
            path, n = f"{page.path}-{n}", n + 1
        used.add(path)
        unique.append(Page(page.ids, page.title, path))
    return unique, skipped


def checker_data(engine: Engine) -> dict[str, Any]:
    """The offline checker's data: every pair's findings as rule references and the
    per-medicine facts the whole-list rules count, so the page needs no server."""
    catalog = engine.catalog
    ids = sorted(catalog.medicine_names)
    index = {mid: i for i, mid in enumerate(ids)}
    rules = sorted(catalog.rules)
    texts: list[dict[str, str]] = [
        {k: catalog.rules[r][k] for k in ("title", "summary", "management", "type")} for r in rules
    ]
    text_index = {r: i for i, r in enumerate(rules)}
    params: list[dict[str, str]] = [{}]
    param_index: dict[str, int] = {"{}": 0}
    pairs: dict[str, list[list[int]]] = {}
    for a in ids:  # the pairs with findings, in the order of combinations(ids, 2)
        partners = engine.partners(a)
        for b in sorted(o for o in partners if o > a):
            entries = []
            for f in partners[b]:
                if f.rule not in catalog.rules:  # a curated pair or a guideline row: its words are already filled in
                    key = f"{f.rule}|{'|'.join(f.drugs)}"
                    text_index.setdefault(key, len(texts))
                    if text_index[key] == len(texts):
                        texts.append({"title": f.title, "summary": f.summary, "management": f.management, "type": f.type})
                    entries.append([text_index[key], SEVERITIES.index(f.severity), index[f.drugs[0]], index[f.drugs[1]], 0])
                    continue
                key = json.dumps(f.params)
                if key not in param_index:
                    param_index[key] = len(params)
                    params.append(dict(f.params))
                entries.append([text_index[f.rule], SEVERITIES.index(f.severity), index[f.drugs[0]], index[f.drugs[1]], param_index[key]])
            pairs[f"{index[a]},{index[b]}"] = entries
    cns_classes = catalog.cns_active_classes
    drugs = []
    for mid in ids:
        prof = catalog.profile(mid)
        acb = prof.risks.get("anticholinergic")
        qt = prof.risks.get("qt")
        drugs.append({
            "id": mid, "name": catalog.medicine_names[mid], "page": f"medicine/{mid}.html",
            "cns": int(any(c in cns_classes for c in prof.classes)),
            "acb": int(acb.value) if acb else 0,
            "qt": int(bool(qt and qt.value in ("known", "possible"))),
            "sero": int(prof.level("serotonergic") >= 2),
        })
    names = {key: index[mid] for key, (mid, _name, _kind) in catalog.names.items()}
    cumulative = {r: {k: catalog.rules[r][k] for k in ("title", "summary", "management")} for r in rules if r.startswith("cumulative-")}
    return {"version": 1, "severities": list(SEVERITIES), "drugs": drugs, "names": names, "texts": texts,
            "params": params, "pairs": pairs, "cumulative": cumulative, "thresholds": CUMULATIVE_THRESHOLDS}


def search_index(engine: Engine, pages: list[Page]) -> list[list[str]]:
    """[label, url, kind] for every medicine name (generic, brand, salt) and every combination page."""
    out = []
    for _key, (mid, name, kind) in sorted(engine.catalog.names.items()):
        out.append([name, f"medicine/{mid}.html", kind.split(":")[0] if kind != "generic" else "generic"])
    for page in pages:
        if len(page.ids) > 1:
            out.append([page.title, f"{page.path}.html", "combination"])
    return out


def build_site(
    engine: Engine,
    out: Path,
    catalogue: Iterable[Composition] | None = None,
    jekyll: bool = False,
    audience: str = "patient",
    limit: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
    pairs: bool = True,
) -> SiteReport:
    """Build the site into ``out``; ``workers`` processes render pages (default: one per core)."""
    started = time.perf_counter()
    out = Path(out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    pages, skipped = plan_pages(engine, catalogue, pairs)
    if limit is not None:
        pages = pages[:limit]
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    report = SiteReport(out, skipped=skipped)
    try:
        builder = MonographBuilder(engine)
        warm_up(engine, builder, workers)  # every interaction computed once, before the pages fork
        library_for(engine.catalog).warm()  # every evidence entry's view and forest plots, once
        global _STATE
        _STATE = (builder, tmp, jekyll, audience)
        chunks = [pages[i:i + CHUNK] for i in range(0, len(pages), CHUNK)]
        count = _worker_count(workers, len(chunks))
        written = 0
        with _forked_workers(count) as pool:
            results: Iterable[int] = pool.imap_unordered(_write_pages, chunks) if pool else map(_write_pages, chunks)
            shell = _write_shell(engine, tmp, pages, jekyll)  # with workers: while they write the pages
            for done in results:
                written += done
                if progress:
                    progress(written, len(pages))
        _STATE = None
        report.evidence_pages = write_evidence_pages(engine, tmp, NAV)
        report.pages = written + shell
        _swap(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    report.seconds = time.perf_counter() - started
    return report


def warm_up(engine: Engine, builder: MonographBuilder, workers: int | None = None) -> None:
    """Compute every pair of medicines, then every medicine's class table, in parallel.

    First each worker computes the pairs of its medicines with the medicines after them in the
    alphabet (so every pair is computed once, in one worker) and sends back those with findings;
    then, with every pair known, workers build the class tables. The caches of ``engine`` and
    ``builder`` end up as if the work had been done here, before the pages fork."""
    ids = sorted(engine.catalog.medicine_names)
    for mid in ids:  # read every profile and record once, before any fork, so workers share them
        engine.catalog.profile(mid)
        builder.record(mid)
    engine.index_label_owners()
    count = _worker_count(workers, len(ids))
    if count == 1:
        for mid in ids:
            builder.class_rows(mid)
        return
    chunks = [ids[i::WARM_CHUNKS] for i in range(WARM_CHUNKS)]
    global _WARM
    _WARM = (engine, builder, ids)
    try:
        found: dict[tuple[str, str], Any] = {}
        with _forked_workers(count) as pool:
            for pairs in pool.imap_unordered(_pairs_of, chunks):
                found.update(pairs)
        engine.seed_pairs(found.items(), every_pair_of=ids)
        with _forked_workers(count) as pool:
            for rows in pool.imap_unordered(_class_rows_of, chunks):
                builder.seed_class_rows(rows)
    finally:
        _WARM = None


def _worker_count(requested: int | None, jobs: int) -> int:
    """Processes to use: as asked, else one per core; never more than there are jobs."""
    return max(1, min(requested or os.cpu_count() or 1, jobs))


@contextmanager
def _forked_workers(count: int) -> Iterator[Any]:
    """A pool of ``count`` forked workers that share this process's memory (None for one: the
    caller then works in-process). The collector is frozen while they run, so that it does not
    touch, and so copy, the shared objects in every worker."""
    if count == 1:
        yield None
        return
    import multiprocessing

    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(count) as pool:
            yield pool
    finally:
        gc.unfreeze()


WARM_CHUNKS = 64
_WARM: tuple[Engine, MonographBuilder, list[str]] | None = None


def _pairs_of(mids: list[str]) -> dict[tuple[str, str], Any]:
    """The findings of each medicine's pairs with the medicines after it (those with findings)."""
    assert _WARM is not None
    engine, _builder, ids = _WARM
    pairs = {}
    for mid in mids:
        for other in ids:
            if other > mid:
                findings = engine.pair(mid, other)
                if findings:
                    pairs[(mid, other)] = findings
    return pairs


def _class_rows_of(mids: list[str]) -> dict[str, list[dict[str, Any]]]:
    assert _WARM is not None
    return {mid: _WARM[1].class_rows(mid) for mid in mids}


CHUNK = 100
_MADE: set[Path] = set()
_STATE: tuple[MonographBuilder, Path, bool, str] | None = None


def _write_pages(pages: list[Page]) -> int:
    """Render and write a chunk of pages (in a worker process after fork, or in-process)."""
    assert _STATE is not None
    builder, tmp, jekyll, audience = _STATE
    for page in pages:
        monograph = builder.build(list(page.ids), audience=audience, title=page.title)  # type: ignore[arg-type]
        if jekyll:
            path = tmp / f"composition/{page.letter}/{page.path.rsplit('/', 1)[-1]}.md"
            content = render_markdown(monograph)
        else:
            path = tmp / f"{page.path}.html"
            depth = page.path.count("/")
            content = render_html(monograph, base_url="/".join([".."] * depth) or ".", nav=NAV)
        if path.parent not in _MADE:
            path.parent.mkdir(parents=True, exist_ok=True)
            _MADE.add(path.parent)
        path.write_text(content, encoding="utf-8")
        if jekyll:
            write_figures(monograph, path.parent)  # the forest plots the Markdown links to
    return len(pages)


def _write_shell(engine: Engine, root: Path, pages: list[Page], jekyll: bool = False) -> int:
    """Home, A-Z, checker, data files and static assets; returns the number of HTML pages
    (none for a Jekyll build, which has its own layout)."""
    if jekyll:
        return 0
    static = root / "static"
    static.mkdir(parents=True, exist_ok=True)
    for name in ("rxcombo.css", "search.js", "checker.js"):
        (static / name).write_bytes(resources.files("rxcombo").joinpath("static", name).read_bytes())
    (root / "search-index.json").write_text(json.dumps(search_index(engine, pages), ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    (root / "checker-data.json").write_text(json.dumps(checker_data(engine), ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    env = environment()
    by_letter: dict[str, list[Page]] = {}
    for page in sorted(pages, key=lambda p: p.title.casefold()):
        by_letter.setdefault(page.title[:1].upper() if page.title[:1].isalpha() else "#", []).append(page)
    shell = {
        "index.html": env.get_template("home.html").render(base=".", nav=NAV, count=len(pages)),
        "az.html": env.get_template("az.html").render(base=".", nav=NAV, letters=sorted(by_letter.items())),
        "checker.html": env.get_template("checker.html").render(base=".", nav=NAV),
    }
    for name, content in shell.items():
        (root / name).write_text(content, encoding="utf-8")
    return len(shell)


def _swap(tmp: Path, out: Path) -> None:
    """Put the finished build in place; the old site is removed only after the new one is there."""
    os.chmod(tmp, 0o755)
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        out.rename(old)
        tmp.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        tmp.rename(out)


def print_progress(done: int, total: int) -> None:
    print(f"\r  {done}/{total} pages", end="" if done < total else "\n", file=sys.stderr, flush=True)

"""The static site: pages, search index, offline checker data, Jekyll layout, atomic builds, and a real browser."""

from __future__ import annotations

import functools
import http.server
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from rxcombo.knowledge.coverage import read_catalogue
from rxcombo.engine.checker import Engine
from rxcombo.pages.site import build_site

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CSV = """path,title,ingredients,n_ingredients
composition/p/paroxetine-clonazepam.md,Paroxetine + Clonazepam,Paroxetine;Clonazepam,2
composition/p/paroxetine-clonazepam-.md,Paroxetine + Clonazepam .,Paroxetine;Clonazepam,2
composition/d/diazepam-mirtazapine.md,Diazepam + Mirtazapine,Diazepam;Mirtazapine,2
composition/x/foozepam.md,Foozepam,Foozepam,1
"""


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cat") / "compositions.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def site(engine: Engine, catalogue: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "public"
    report = build_site(engine, out, read_catalogue(catalogue), pairs=False, workers=2)
    assert report.pages == len(engine.catalog.medicine_names) + 2 + 3  # medicines, two compositions, shell pages
    assert report.skipped == ["Foozepam"]
    return out


def test_site_layout(site: Path) -> None:
    page = site / "composition" / "p" / "paroxetine-clonazepam.html"
    html = page.read_text()
    assert "<h1>Paroxetine + Clonazepam</h1>" in html and "Additive CNS depression" in html
    assert '<a class="brand" href="../../index.html">' in html  # relative links work from a folder
    assert (site / "medicine" / "paroxetine.html").exists()
    assert not (site / "composition" / "p" / "paroxetine-clonazepam-2.html").exists()  # duplicate title built once
    index = json.loads((site / "search-index.json").read_text())
    assert ["Paxil", "medicine/paroxetine.html", "brand"] in index
    assert ["Paroxetine + Clonazepam", "composition/p/paroxetine-clonazepam.html", "combination"] in index
    az = (site / "az.html").read_text()
    assert 'href="./composition/p/paroxetine-clonazepam.html"' in az


def test_checker_data_matches_engine(site: Path, engine: Engine) -> None:
    data = json.loads((site / "checker-data.json").read_text())
    ids = [d["id"] for d in data["drugs"]]
    a, b = sorted([ids.index("paroxetine"), ids.index("tramadol")])
    entries = data["pairs"][f"{a},{b}"]
    severities = sorted(data["severities"][e[1]] for e in entries)
    assert severities == sorted(f.severity for f in engine.pair("paroxetine", "tramadol"))
    assert data["names"]["paxil"] == ids.index("paroxetine")


def test_jekyll_output(engine: Engine, catalogue: Path, tmp_path: Path) -> None:
    out = tmp_path / "jekyll"
    build_site(engine, out, read_catalogue(catalogue), jekyll=True, pairs=False, limit=None, workers=1)
    md = (out / "composition" / "p" / "paroxetine-clonazepam.md").read_text()
    assert md.startswith('---\nlayout: minimal-medicine\ntitle: "Paroxetine + Clonazepam"')
    assert (out / "composition" / "l" / "lithium.md").exists()


def test_failed_build_keeps_the_old_site(engine: Engine, tmp_path: Path) -> None:
    out = tmp_path / "public"
    out.mkdir()
    (out / "marker.txt").write_text("old site")

    def explode(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_site(engine, out, None, pairs=False, workers=1, progress=explode)
    assert (out / "marker.txt").read_text() == "old site"
    assert [p.name for p in tmp_path.iterdir()] == ["public"]  # no temporary folder left behind


def test_cli_site_build(run_cli, catalogue: Path, tmp_path: Path) -> None:
    proc = run_cli("site", "build", str(tmp_path / "out"), "--catalog", str(catalogue), "--no-pairs", "--limit", "20")
    assert proc.returncode == 0, proc.stderr
    assert "Wrote 23 pages" in proc.stdout and "pages/s" in proc.stdout
    proc = run_cli("site", "build", str(tmp_path / "out"), "--catalog", str(tmp_path / "missing.csv"))
    assert proc.returncode == 2 and "cannot read the catalogue" in proc.stderr


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    """The built site served on loopback, as a static host would."""
    handler = functools.partial(QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def chromium_page(playwright):  # type: ignore[no-untyped-def]
    browser = playwright.chromium.launch(
        executable_path=os.environ.get("RXCOMBO_CHROMIUM", "/usr/bin/chromium"),
        args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
              "--disable-component-update", "--disable-sync"],
    )
    return browser, browser.new_page(viewport={"width": 412, "height": 900})


def test_parallel_warm_up_gives_what_computing_each_pair_here_gives(engine: Engine) -> None:
    """The site build computes every pair in worker processes and then treats a pair it was not
    sent as one without findings: the checker data and class tables must be exactly those of an
    engine that computes each pair itself."""
    from rxcombo.pages.monograph import MonographBuilder
    from rxcombo.pages.site import checker_data, warm_up

    warmed = Engine(engine.catalog)
    builder = MonographBuilder(warmed)
    warm_up(warmed, builder, workers=2)
    fresh = Engine(engine.catalog)
    assert checker_data(warmed) == checker_data(fresh)
    fresh_builder = MonographBuilder(fresh)
    for mid in ("paroxetine", "clarithromycin", "warfarin", "atorvastatin", "lithium"):
        assert builder.class_rows(mid) == fresh_builder.class_rows(mid)
        assert warmed.partners(mid) == fresh.partners(mid)


def release(page, held: list) -> None:  # type: ignore[no-untyped-def]
    """Let through a request that ``page.route`` held back (waiting for it to arrive first)."""
    for _ in range(50):
        if held:
            break
        page.wait_for_timeout(100)
    held[0].continue_()


def add_to_checker(page, *names: str) -> None:  # type: ignore[no-untyped-def]
    """Type each name into the offline checker and press Enter, as a user does."""
    for name in names:
        page.fill("#drug", name)
        page.press("#drug", "Enter")


def test_browser_search_page_and_offline_checker(server: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser, page = chromium_page(p)
        page.goto(f"{server}/index.html")
        expect(page.locator("#status")).to_contain_text("names loaded")
        page.fill("#q", "paroxetine")
        page.get_by_role("link", name="Paroxetine + Clonazepam").click()
        expect(page.get_by_role("heading", name="How they interact")).to_be_visible()
        expect(page.locator("#how-they-interact")).to_contain_text("Additive CNS depression")
        page.screenshot(path=str(ARTIFACTS / "site-paroxetine-clonazepam.png"), full_page=False)

        page.goto(f"{server}/checker.html")
        expect(page.locator("#checker-status")).to_contain_text("medicines and substances loaded")
        add_to_checker(page, "Paxil", "tramadol")
        expect(page.locator("#results")).to_contain_text("MAJOR")
        expect(page.locator("#chips")).to_contain_text("Paroxetine")
        add_to_checker(page, "foobarzine")
        expect(page.locator("#unknown")).to_contain_text("not recognised and was NOT checked")
        page.screenshot(path=str(ARTIFACTS / "site-checker.png"), full_page=True)
        browser.close()


def test_browser_checker_keeps_names_typed_while_its_data_loads(server: str) -> None:
    """On a slow connection the names typed before checker-data.json arrives are held and
    checked once it has loaded; they are never dropped."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser, page = chromium_page(p)
        held: list = []
        page.route("**/checker-data.json", lambda route: held.append(route))
        page.goto(f"{server}/checker.html")
        expect(page.locator("#checker-status")).to_contain_text("Loading the checker data")
        add_to_checker(page, "Paxil", "tramadol")
        expect(page.locator("#checker-status")).to_contain_text("Paxil, tramadol will be checked")
        expect(page.locator("#results")).to_contain_text("Add two or more medicines.")
        release(page, held)
        expect(page.locator("#results")).to_contain_text("MAJOR")
        expect(page.locator("#chips")).to_contain_text("Paroxetine")
        expect(page.locator("#checker-status")).to_contain_text("medicines and substances loaded")
        browser.close()


def test_browser_search_says_it_is_still_loading_and_then_answers(server: str) -> None:
    """A name typed before the search index has arrived gets "still loading", not "no page
    matches", and its results appear once the index is there."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser, page = chromium_page(p)
        held: list = []
        page.route("**/search-index.json", lambda route: held.append(route))
        page.goto(f"{server}/index.html")
        page.fill("#q", "paroxetine")
        expect(page.locator("#status")).to_contain_text("Still loading the names")
        release(page, held)
        expect(page.get_by_role("link", name="Paroxetine + Clonazepam")).to_be_visible()
        browser.close()

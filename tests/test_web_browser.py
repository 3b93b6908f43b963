"""The web app in a real browser (Debian's chromium driven by Playwright), served by uvicorn on loopback."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from rxcombo.engine.checker import Engine
from rxcombo.web import create_app
from tests.test_site import ARTIFACTS, chromium_page


@pytest.fixture(scope="module")
def live_server(engine: Engine) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(engine), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            pytest.fail("the web app did not start within 20 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_checker_in_browser(live_server: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser, page = chromium_page(p)
        page.goto(live_server + "/")
        page.fill("#add", "Pax")
        expect(page.locator("#suggestions option[value='Paxil']")).to_have_count(1)  # autocomplete offers Paxil
        page.fill("#add", "Paxil")
        page.click("#add-button")
        expect(page.locator("#chips")).to_contain_text("Paxil")
        page.fill("#add", "Klonopin")
        page.click("#add-button")
        moderate = page.locator("details[data-severity='moderate'][data-rule='cns-depression']")
        expect(moderate).to_have_count(1)
        expect(moderate).to_contain_text("can both make you drowsy")
        expect(page.locator("#headline")).to_contain_text("1 moderate interaction among 2 medicines")
        page.fill("#add", "tramadol")
        page.click("#add-button")
        expect(page.locator("details[data-severity='major']").first).to_be_visible()
        page.locator("details[data-severity='major'] summary").first.click()
        expect(page.locator("details[data-severity='major']").first).to_contain_text("What to do")
        page.screenshot(path=str(ARTIFACTS / "web-checker.png"), full_page=True)
        page.fill("#add", "foobarzine")
        page.click("#add-button")
        expect(page.get_by_role("alert").first).to_contain_text("“foobarzine” is not recognised and was NOT checked")
        assert "drugs=Paxil%2CKlonopin%2Ctramadol%2Cfoobarzine" in page.url  # shareable URL
        browser.close()


def test_results_first_on_a_phone(live_server: str) -> None:
    """On a 412 x 900 screen: the one-line answer and the first pair are visible without scrolling
    past the list builder; one entry per pair; a bad entry does not wipe the result; the remove
    buttons are big enough to tap; after adding, the cursor is back in the input; Enter on a
    partly typed name takes the highlighted suggestion."""
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser, page = chromium_page(p)
        page.goto(live_server + "/check?drugs=Paxil,Klonopin,tramadol,%E2%80%94")
        headline = page.locator("#headline")
        expect(headline).to_contain_text("2 serious and 1 moderate interaction")
        expect(headline).to_contain_text("1 name not checked")
        first_pair = page.locator("details.pair").first
        assert headline.bounding_box()["y"] < 900 and first_pair.bounding_box()["y"] < 900, "scroll needed"
        assert first_pair.bounding_box()["y"] < page.locator("#builder").bounding_box()["y"]
        pairs = page.locator("details.pair")
        expect(pairs).to_have_count(3)
        keys = [pairs.nth(i).get_attribute("data-pair") for i in range(3)]
        assert len(set(keys)) == 3  # one entry per pair
        expect(page.get_by_role("alert").first).to_contain_text("NOT checked")
        for i in range(page.locator(".chip a.remove").count()):
            box = page.locator(".chip a.remove").nth(i).bounding_box()
            assert box["width"] >= 24 and box["height"] >= 24, box
        assert page.evaluate("window.scrollY") == 0
        page.screenshot(path=str(ARTIFACTS / "web-phone-results.png"), full_page=False)
        page.fill("#add", "Pax")
        expect(page.locator("#suggestions option[value='Paxil']")).to_have_count(1)
        page.press("#add", "Enter")
        expect(page.locator("#chips")).to_contain_text("Paxil")
        assert page.evaluate("document.activeElement.id") == "add"
        assert page.evaluate("window.scrollY") == 0, "adding must not scroll the answer out of view"
        browser.close()


def test_long_monograph_on_a_phone(live_server: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser, page = chromium_page(p)
        page.goto(live_server + "/monographs/paroxetine+clonazepam+tramadol")
        expect(page.locator("nav.toc")).to_be_visible()
        interact = page.locator("#h-how-they-interact")
        assert interact.bounding_box()["y"] < page.locator("#h-usage").bounding_box()["y"]
        folded = page.locator("details.collapse-small")
        expect(folded).to_have_count(2)
        assert all(folded.nth(i).get_attribute("open") is None for i in range(2)), "folded on a small screen"
        browser.close()

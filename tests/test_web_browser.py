"""The web app in a real browser (Debian's chromium driven by Playwright), served by uvicorn on loopback."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from rxcombo.engine import Engine
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

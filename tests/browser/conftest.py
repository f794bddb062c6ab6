"""Fixtures for the browser tests: headless Chromium (skipped, saying what to install,
where there is none) and served lessons, stopped after each test."""

from __future__ import annotations

import pytest
from served import CHROMIUM_FLAGS, Served, open_page, require_browser


@pytest.fixture(scope="module")
def browser():
    executable = require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_FLAGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def rooms(tmp_path):
    """A private rooms directory (XDG_RUNTIME_DIR) for this test alone."""
    path = tmp_path / "run"
    path.mkdir(mode=0o700)
    return path


@pytest.fixture
def serve(rooms):
    """serve(*args) -> a running `backprop-tui serve` on a free port."""
    started: list[Served] = []

    def start(*args: str) -> Served:
        served = Served(list(args), rooms)
        started.append(served)
        return served

    yield start
    for served in started:
        served.close()


@pytest.fixture
def visit(browser, serve):
    """visit(url, width, height) -> (page, ScreenText); its browser context is closed (and so
    its websocket and app process) before the servers stop."""
    opened = []

    def start(url: str, width: int = 1280, height: int = 800):
        result = open_page(browser, url, width, height)
        opened.append(result[0].context)
        return result

    yield start
    for context in opened:
        context.close()

"""Helpers for the browser tests: a `backprop-tui serve` process, headless Chromium, and
the screen's text read from the websocket stream with a terminal emulator (pyte)."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
INSTALL_HINT = (
    "browser tests need Chromium and Playwright for Python: "
    "apt-get install chromium; pip install -e '.[test]' (or run .ci/run, which does both)"
)
WAIT_SECONDS = 30.0


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def require_browser() -> str:
    """The Chromium to drive; the test is skipped, saying what to install, without it."""
    try:
        import playwright.sync_api  # noqa: F401
        import pyte  # noqa: F401
    except ImportError:
        pytest.skip(INSTALL_HINT)
    path = chromium_path()
    if path is None:
        pytest.skip(INSTALL_HINT)
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Served:
    """`backprop-tui serve ARGS` on a free loopback port, stopped on close."""

    def __init__(self, args: list[str], rooms: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        env = dict(os.environ, XDG_RUNTIME_DIR=str(rooms))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tui_backprop", "serve", *args, "--port", str(self.port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
        )
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"serve exited: {self.process.stdout.read().decode()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("serve did not start listening")

    def close(self) -> str:
        self.process.terminate()
        try:
            output, _ = self.process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            output, _ = self.process.communicate()
        return output.decode(errors="replace")


class ScreenText:
    """What the page's terminal shows, rebuilt from the bytes the server sends it."""

    def __init__(self, page) -> None:
        import pyte

        self.screen = pyte.Screen(200, 60)
        self.stream = pyte.ByteStream(self.screen)
        self.downloads: list[str] = []
        self.page = page
        page.on("websocket", self._attach)

    def _attach(self, websocket) -> None:
        websocket.on("framereceived", self._received)
        websocket.on("framesent", self._sent)

    def _received(self, payload) -> None:
        if isinstance(payload, bytes):
            self.stream.feed(payload)
        else:
            message = json.loads(payload)
            if message[0] == "deliver_file_start":
                self.downloads.append(message[1])

    def _sent(self, payload) -> None:
        if isinstance(payload, str) and payload.startswith('["resize"'):
            size = json.loads(payload)[1]
            self.screen.resize(size["height"], size["width"])

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)

    def wait_for(self, pattern: str, timeout: float = WAIT_SECONDS) -> re.Match:
        """Wait (letting the page run) until the screen's text matches `pattern`."""
        deadline = time.monotonic() + timeout
        while True:
            found = re.search(pattern, self.text())
            if found:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"{pattern!r} never shown; the screen:\n{self.text()}")
            self.page.wait_for_timeout(50)

    def press(self, *keys: str) -> None:
        for key in keys:
            self.page.keyboard.press(key)


def open_page(browser, url: str, width: int = 1280, height: int = 800):
    """A fresh page (own context) at `url`, its terminal focused for keys."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    screen = ScreenText(page)
    page.goto(url)
    screen.wait_for(r"(?:step )?\d+/\d+ ·")
    page.click("#terminal")
    return page, screen


WEIGHTS_BEFORE_B2_OUT = 9  # w walks x1->a1, x2->a1, ... b1->out, b2->out


def set_b2_out_to_half(page, screen) -> None:
    """On a served backprop-relu page: select b2->out with w, and e it to 0.5."""
    screen.press(*["w"] * WEIGHTS_BEFORE_B2_OUT, "e")
    screen.wait_for(r"New value for b2->out")
    screen.press(*["Backspace"] * 12)
    screen.wait_for(r"▊\s+▎")  # the input box is empty
    page.keyboard.type("0.5")
    screen.wait_for(r"▊\s+0\.5\s+▎")  # it holds 0.5: only now submit it
    screen.press("Enter")
    screen.wait_for(r"b2->out = 0\.5")

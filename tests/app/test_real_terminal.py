"""The app starts, steps and quits in a real (pseudo-)terminal, not only headless."""

from __future__ import annotations

import os
import re
import select
import signal
import struct
import sys
import time

import pytest

pty = pytest.importorskip("pty")
fcntl = pytest.importorskip("fcntl")
termios = pytest.importorskip("termios")

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")

COLUMNS, ROWS = 100, 30
TITLE = "Backpropagation with ReLU"
ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC
    r"|\x1bP[^\x1b]*\x1b\\"  # DCS
    r"|\x1b[@-Z\\-_=>()][0-9A-Za-z]?"  # other escapes
)


class Terminal:
    """A child process on a pty of a fixed size; its output, escapes stripped."""

    def __init__(self, *args: str) -> None:
        pid, fd = pty.fork()
        if pid == 0:  # the child: its stdin/stdout/stderr are the pty's slave side
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
                env = {
                    k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL", "PYTEST"))
                }
                env.update(TERM="xterm-256color", COLUMNS=str(COLUMNS), LINES=str(ROWS))
                os.execve(sys.executable, [sys.executable, "-m", "tui_backprop", *args], env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self.raw = b""
        self.status: int | None = None

    @property
    def text(self) -> str:
        return ANSI.sub("", self.raw.decode("utf-8", "replace"))

    def read(self, timeout: float) -> bool:
        """Read what is there within `timeout`; False once the pty is closed."""
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            return False
        self.raw += chunk
        return bool(chunk)

    def wait_for(self, pattern: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if re.search(pattern, self.text):
                return True
            if not self.read(0.1):
                break
        return bool(re.search(pattern, self.text))

    def send(self, data: str) -> None:
        os.write(self.fd, data.encode())

    def wait_exit(self, timeout: float) -> int | None:
        """The exit status within `timeout`, draining output meanwhile; None if still running."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(status)
                return self.status
            self.read(0.05)
        return None

    def close(self) -> None:
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        os.close(self.fd)


@pytest.fixture
def terminal():
    started: list[Terminal] = []

    def start(*args: str) -> Terminal:
        term = Terminal(*args)
        started.append(term)
        return term

    yield start
    for term in started:
        term.close()


def step_through(term: Terminal) -> None:
    assert term.wait_for(re.escape(TITLE), 20), f"no title within 20 s:\n{term.text[-2000:]}"
    assert term.wait_for(r"1\s*/\s*49", 5), term.text[-2000:]
    # each key waits for the screen to show its step: the header's "step n/49" in its
    # long form, "n/49" in its compact one (below 100 columns)
    for shown in (2, 3, 4):
        term.send("l")
        assert term.wait_for(rf"(?<![\d/]){shown}\s*/\s*49\b", 10), (
            f"l did not step to {shown}:\n{term.text[-2000:]}"
        )


def test_starts_steps_and_quits_with_q(terminal):
    term = terminal("backprop-relu")
    step_through(term)
    term.send("q")
    status = term.wait_exit(10)
    assert status == 0, f"exit status {status}:\n{term.text[-2000:]}"

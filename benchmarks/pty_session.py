"""Drive a terminal app through a real pseudo-terminal and time the bytes it writes back.

Nothing here knows the app: a command line goes in, keys are written as a terminal
would send them, and the answer is the times at which output bytes arrive. That keeps
the figures honest across rewrites of the app, and the minimal app is timed the same way.
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import os
import pty
import re
import select
import signal
import struct
import termios
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

TERMINAL = (120, 40)  # columns, lines

KEYS = {  # what a terminal sends for a key (xterm, normal cursor mode)
    "space": b" ",
    "left": b"\x1b[D",
    "right": b"\x1b[C",
    "home": b"\x1b[H",
    "end": b"\x1b[F",
    "}": b"}",
    "{": b"{",
    "]": b"]",
    "[": b"[",
    "q": b"q",
}

# Escape sequences: cursor moves become a line break (text from different places on
# the screen must not run together), everything else (colours, modes) goes.
_MOVES = re.compile(r"\x1b\[[0-9;]*[ABCDEFGHfd]")
_ESCAPES = re.compile(
    r"\x1b(\[[0-9;?<>=!]*[ -/]*[@-~]"  # CSI: colours, modes, queries
    r"|\][^\x07\x1b]*(\x07|\x1b\\)|P[^\x1b]*\x1b\\"  # OSC and DCS strings
    r"|[()][0-9A-Za-z]|[=>78])"
)


def screen_text(output: bytes) -> str:
    """The text in a stream of terminal output, escape sequences removed."""
    text = output.decode("utf-8", errors="replace")
    return _ESCAPES.sub("", _MOVES.sub("\n", text))


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# Textual moves the cursor to a row before each run of cells it repaints: ESC [ row ; col H
_CURSOR_TO = re.compile(rb"\x1b\[(\d+);\d+H")


def rows_written(output: bytes) -> int:
    """How many screen rows a stream of output repaints (cursor moves to distinct rows)."""
    return len(set(_CURSOR_TO.findall(output)))


@dataclass
class Answer:
    """The output one key caused: arrival times of its chunks, seconds after the write."""

    arrivals: list[float]
    size: int
    rows: int = 0  # screen rows the answer repainted

    def first(self) -> float:
        return self.arrivals[0]

    def last_before_gap(self, gap: float) -> float:
        """The last byte before the first quiet gap of `gap` seconds (the gap not counted)."""
        last = self.arrivals[0]
        for t in self.arrivals[1:]:
            if t - last > gap:
                break
            last = t
        return last

    def last(self) -> float:
        """The last byte before the app went idle."""
        return self.arrivals[-1]

    def longest_gap(self) -> float:
        """The longest quiet time inside the answer: must stay well below the idle gap."""
        pairs = itertools.pairwise(self.arrivals)
        return max((b - a for a, b in pairs), default=0.0)


class Session:
    """One app on its own pty of TERMINAL size, with its own session and process group."""

    def __init__(self, argv: list[str], env: dict[str, str], size=TERMINAL) -> None:
        self.name = " ".join(Path(argv[0]).name if i == 0 else a for i, a in enumerate(argv))
        self.started = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # the child: size the terminal before the app asks for it
            columns, lines = size
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
            try:
                os.execvpe(argv[0], argv, env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self.output = bytearray()
        self.closed = False

    def read(self, timeout: float) -> bytes:
        """What arrives within `timeout` seconds (b"" if nothing); EOF sets `closed`."""
        if self.closed:
            return b""
        ready, _, _ = select.select([self.fd], [], [], max(timeout, 0))
        if not ready:
            return b""
        try:
            chunk = os.read(self.fd, 1 << 16)
        except OSError:  # EIO: the child closed its side
            chunk = b""
        if not chunk:
            self.closed = True
        self.output += chunk
        return chunk

    def wait_for(self, markers: dict[str, Callable[[str], bool]], timeout: float) -> dict:
        """Seconds from the spawn until each marker holds for the text on screen so far.

        A marker is checked on everything received (a marker may straddle two reads);
        the time is the arrival of the chunk that made it true.
        """
        deadline = time.perf_counter() + timeout
        found: dict[str, float] = {}
        while len(found) < len(markers):
            chunk = self.read(deadline - time.perf_counter())
            if chunk:
                now = time.perf_counter() - self.started
                text = screen_text(bytes(self.output))
                for name, holds in markers.items():
                    if name not in found and holds(text):
                        found[name] = now
            elif self.closed or time.perf_counter() >= deadline:
                tail = screen_text(bytes(self.output))[-300:]
                why = "ended" if self.closed else f"no {sorted(set(markers) - set(found))}"
                raise RuntimeError(f"{self.name}: {why} after {timeout:g} s; output: {tail!r}")
        return found

    def wait_idle(self, quiet: float, timeout: float = 10.0) -> None:
        """Read until nothing has arrived for `quiet` seconds."""
        deadline = time.perf_counter() + timeout
        last = time.perf_counter()
        while time.perf_counter() < deadline:
            if self.read(last + quiet - time.perf_counter()):
                last = time.perf_counter()
            elif time.perf_counter() >= last + quiet or self.closed:
                return
        raise RuntimeError(f"{self.name} never went quiet for {quiet:g} s")

    def press(self, key: str, idle: float, timeout: float = 5.0) -> Answer | None:
        """Write one key; collect its output until the app has been quiet for a while.

        Quiet means no byte for `idle` seconds, or for as long as the answer has taken so
        far if that is longer: a key that took 200 ms to answer on a busy machine may
        well paint its second frame more than `idle` later, and that frame must not be
        taken for the next key's answer. None if nothing came back within `timeout`.
        """
        data = KEYS.get(key, key.encode())
        start = time.perf_counter()
        os.write(self.fd, data)
        arrivals: list[float] = []
        size = 0
        output = bytearray()
        deadline = start + timeout
        while True:
            now = time.perf_counter()
            if arrivals:
                wait = start + arrivals[-1] + max(idle, arrivals[-1]) - now
            else:
                wait = deadline - now
            if wait <= 0 or self.closed:
                break
            chunk = self.read(wait)
            if chunk:
                arrivals.append(time.perf_counter() - start)
                size += len(chunk)
                output += chunk
                if arrivals[-1] > timeout * 4:  # never idle: output without end
                    raise RuntimeError(f"{self.name}: output did not stop after {key!r}")
        return Answer(arrivals, size, rows_written(bytes(output))) if arrivals else None

    def cpu(self) -> float:
        return cpu_seconds(self.pid)

    def close(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)  # pty.fork made the child a session leader
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        with contextlib.suppress(OSError):
            os.close(self.fd)

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

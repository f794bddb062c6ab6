"""`backprop-tui serve`: the lesson in browsers, one app process per visit (textual-serve).

textual-serve's own page template links its font from the internet; ours (templates/) loads
the same font from the server itself, so a classroom with no outside network gets the page
as it should look. The page's addresses are built from the address the browser used, so a
server bound to 0.0.0.0 works for students who reach it by the machine's name or address.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import shlex
import signal
import socket
import sys
import time
from pathlib import Path
from typing import Any

FONT_SIZES = range(6, 73)  # ?fontsize=N is clamped to these
DEFAULT_FONT_SIZE = 16
TEMPLATES = Path(__file__).parent / "templates"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def font_size(text: str | None) -> int:
    """?fontsize=N from the address, clamped; anything else gives the default."""
    try:
        size = int(text or DEFAULT_FONT_SIZE)
    except ValueError:
        return DEFAULT_FONT_SIZE
    return min(max(size, FONT_SIZES.start), FONT_SIZES.stop - 1)


def app_command(arguments: list[str]) -> str:
    """The shell command each browser visit runs: this Python, this package. `exec`, so
    the app is the server's own child and stops with it."""
    return "exec " + shlex.join([sys.executable, "-m", "tui_backprop", *arguments])


def stop_children(grace: float = 3.0) -> None:
    """End the app processes this server started (textual-serve leaves them running when
    the server stops): SIGTERM, then SIGKILL after `grace` seconds."""
    children = child_processes(os.getpid())
    for pid in children:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while children and time.monotonic() < deadline:
        time.sleep(0.05)
        children = [pid for pid in children if _alive(pid)]
    for pid in children:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def child_processes(parent: int) -> list[int]:
    children = []
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = entry.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == parent:
            children.append(int(entry.parent.name))
    return children


def _alive(pid: int) -> bool:
    """Running (a zombie has ended; asyncio's own watcher reaps it)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return False
    return fields[0] != "Z"


def check_port_free(host: str, port: int) -> str | None:
    """A clear sentence if the address cannot be bound, else None."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except socket.gaierror:
        return f"--host {host}: no such address on this machine"
    except OSError as error:
        if error.errno == 98:  # EADDRINUSE
            return f"port {port} on {host} is in use; choose another with --port"
        return f"cannot listen on {host}:{port} ({error.strerror or error})"
    return None


def address_to_open(host: str, port: int) -> str:
    shown = host
    if host in ("0.0.0.0", "::", ""):
        shown = socket.gethostname()
    elif ":" in host:
        shown = f"[{host}]"
    return f"http://{shown}:{port}/"


def make_server(arguments: list[str], host: str, port: int, title: str):
    """A textual-serve Server running `backprop-tui ARGUMENTS` for each visit."""
    import aiohttp_jinja2
    from textual_serve.server import Server

    class ClassroomServer(Server):
        async def on_startup(self, app) -> None:
            address = address_to_open(host, port)
            self.console.print(f"backprop-tui: serving {title}")
            self.console.print(f"  open {address} in a browser", highlight=False)
            self.console.print(
                f"  on a projector, larger text: {address}?fontsize=28", highlight=False
            )
            self.console.print("  Ctrl+C to stop")

        async def on_shutdown(self, app) -> None:
            stop_children()

        @aiohttp_jinja2.template("app_index.html")
        async def handle_index(self, request) -> dict[str, Any]:
            origin = f"{request.scheme}://{request.host}"
            secure = request.scheme == "https"
            websocket = f"{'wss' if secure else 'ws'}://{request.host}"
            router = request.app.router
            return {
                "font_size": font_size(request.query.get("fontsize")),
                "app_websocket_url": websocket + str(router["websocket"].url_for()),
                "config": {"static": {"url": origin + "/static/"}},
                "application": {"name": title},
                "ping_url": "",
            }

    server = ClassroomServer(app_command(arguments), host=host, port=port, title=title)
    server.templates_path = TEMPLATES
    return server


def serve(arguments: list[str], host: str, port: int, title: str) -> int:
    problem = check_port_free(host, port)
    if problem:
        print(f"backprop-tui: error: {problem}", file=sys.stderr)
        return 2
    if not is_loopback(host):
        print(
            f"backprop-tui: note: listening on {host}, beyond this machine: anyone who can "
            f"reach port {port} can open a lesson.",
            file=sys.stderr,
        )
    server = make_server(arguments, host, port, title)
    server.serve()
    return 0

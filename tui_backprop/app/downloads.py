"""Files the lesson hands out: the screen as SVG and the lesson as a Markdown handout.

In a terminal they are written to the working directory. Served in a browser, the app's
working directory is the server's, out of the student's reach, so they are delivered to
the browser as downloads instead (textual-serve's deliver_text).
"""

from __future__ import annotations

import io
from pathlib import Path

from tui_backprop.handout import write_handout


def hand_out(screen, name: str, text: str, mime_type: str, title: str) -> None:
    """Deliver `text` as a download when served, else write ./name; say which."""
    app = screen.app
    if app.is_web:
        app.deliver_text(io.StringIO(text), save_filename=name, mime_type=mime_type)
        screen.notify(f"Downloading {name}", title=title)
        return
    path = Path.cwd() / name
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        screen.notify(f"Could not save {path}: {error.strerror or error}", severity="error")
        return
    screen.notify(f"Saved {path}", title=title)


def screenshot(screen) -> None:
    name = f"backprop-tui-{screen.scenario.name}-step{screen.index + 1}.svg"
    hand_out(screen, name, screen.app.export_screenshot(), "image/svg+xml", "Screenshot")


def handout(screen) -> None:
    out = io.StringIO()
    write_handout(screen.trace, out)
    name = f"backprop-tui-{screen.scenario.name}-handout.md"
    hand_out(screen, name, out.getvalue(), "text/markdown", "Handout")

"""Served in a browser, the screenshot key and the handout key deliver downloads."""

from __future__ import annotations

from pathlib import Path

from svg_text import svg_lines


def test_screenshot_and_handout_arrive_as_browser_downloads(visit, serve, tmp_path):
    served = serve("backprop-relu", "--start-at", "15")
    page, screen = visit(served.url)
    screen.wait_for(r"step 15/\d+")
    downloads = []

    def keep(download) -> None:
        downloads.append(download)

    page.context.on("page", lambda popup: popup.on("download", keep))
    page.on("download", keep)

    screen.press("s")
    screen.wait_for(r"Downloading backprop-tui-backprop-relu-step15\.svg")
    screen.press("H")
    screen.wait_for(r"Downloading backprop-tui-backprop-relu-handout\.md")
    deadline = 200
    while len(downloads) < 2 and deadline:
        page.wait_for_timeout(50)
        deadline -= 1
    files = {}
    for download in downloads:
        target = tmp_path / download.suggested_filename
        download.save_as(target)
        files[download.suggested_filename] = Path(target).read_text(encoding="utf-8")
    assert sorted(files) == [
        "backprop-tui-backprop-relu-handout.md",
        "backprop-tui-backprop-relu-step15.svg",
    ]
    svg = files["backprop-tui-backprop-relu-step15.svg"]
    assert svg.startswith("<svg")
    assert any("slope(b2->out) = 6 × 3 × 1 = 18" in line for line in svg_lines(svg))
    assert files["backprop-tui-backprop-relu-handout.md"].startswith("# Backpropagation with ReLU")

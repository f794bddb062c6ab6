"""`backprop-tui serve` in a real browser (headless Chromium): the page loads with no
outside network, the lesson answers keys, ?fontsize=N enlarges the text."""

from __future__ import annotations

import re


def test_served_lesson_steps_in_the_browser(visit, serve):
    served = serve("backprop-relu")
    page, screen = visit(served.url)
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(served.url) else outside.append(r.url))
    total = int(screen.wait_for(r"step 1/(\d+)")[1])
    screen.press("Space", "Space", "Space")
    screen.wait_for(rf"step 4/{total}")
    screen.press("ArrowLeft")
    screen.wait_for(rf"step 3/{total}")
    screen.press("End")
    screen.wait_for(rf"step {total}/{total}")
    assert "Backpropagation with ReLU" in screen.text()
    page.reload()  # a new visit: its own app process, at the first step
    screen.wait_for(rf"step 1/{total}")
    assert outside == []


def test_page_loads_nothing_from_outside(browser, serve):
    """Every request the page makes goes to the server itself (no web fonts, no CDN)."""
    served = serve("backprop-relu")
    context = browser.new_context()
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(served.url)
    page.wait_for_load_state("load")
    assert requested, "the page requested nothing at all"
    assert [url for url in requested if not url.startswith(served.url)] == []
    fonts = page.evaluate(
        "document.fonts.ready.then(() => [...document.fonts]"
        ".filter(f => f.status === 'loaded').map(f => f.family))"
    )
    context.close()
    assert any("Roboto Mono" in family for family in fonts)


def test_fontsize_in_the_address_enlarges_the_text(visit, serve):
    served = serve("backprop-relu")
    _, normal = visit(served.url)
    _, large = visit(served.url + "?fontsize=32")
    columns = {
        name: len(screen.screen.display[0]) for name, screen in (("16", normal), ("32", large))
    }
    # the same window holds about half the columns at twice the font size
    assert columns["32"] < 0.6 * columns["16"], columns
    assert re.search(r"(?:step )?1/\d+ ·", large.text())  # compact below 100 columns

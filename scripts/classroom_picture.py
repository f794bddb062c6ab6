"""Make docs/classroom.png: a student's page in headless Chromium, following the
lecturer at step 13 of backprop-relu with the what-if edit b2->out = 0.5.

    python scripts/classroom_picture.py [docs/classroom.png]

Needs Chromium (apt-get install chromium) and the test extras (playwright, pyte).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "browser"))

from served import (  # noqa: E402
    CHROMIUM_FLAGS,
    Served,
    chromium_path,
    open_page,
    set_b2_out_to_half,
)


def main() -> None:
    target = Path(sys.argv[1] if len(sys.argv) > 1 else REPO / "docs" / "classroom.png")
    from playwright.sync_api import sync_playwright

    rooms = Path(tempfile.mkdtemp(prefix="classroom-picture-"))
    rooms.chmod(0o700)
    leader_server = Served(["backprop-relu", "--lead", "lecture"], rooms)
    follower_server = Served(["backprop-relu", "--follow", "lecture"], rooms)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS
            )
            leader_page, leader = open_page(browser, leader_server.url)
            set_b2_out_to_half(leader_page, leader)
            leader.press(*["Space"] * 12)
            leader.wait_for(r"step 13/")
            page, student = open_page(browser, follower_server.url, 1280, 760)
            student.wait_for(r"step 13/")
            student.wait_for(r"following room lecture")
            page.mouse.move(0, 0)
            page.wait_for_timeout(500)  # the page fades in after its first bytes
            page.screenshot(path=str(target))
            browser.close()
    finally:
        leader_server.close()
        follower_server.close()
    print(f"wrote {target}")


if __name__ == "__main__":
    main()

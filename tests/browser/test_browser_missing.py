"""Without a browser the browser tests are skipped, saying what to install."""

from __future__ import annotations

import pytest
import served


def test_no_chromium_skips_with_what_to_install(monkeypatch):
    monkeypatch.setattr(served.shutil, "which", lambda name: None)
    with pytest.raises(pytest.skip.Exception, match=r"apt-get install chromium"):
        served.require_browser()

"""Nothing below the app imports Textual: the core works (and loads fast) without it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "tui_backprop"
APP = PACKAGE / "app"
TIMEOUT = 60

CORE = ["scenario", "engine", "trace", "writers", "numbers", "cli", "bundled", "errors"]
IMPORTS_TEXTUAL = re.compile(r"^\s*(import\s+textual\b|from\s+textual\b)", re.MULTILINE)


def core_module_files() -> list[Path]:
    return sorted(path for path in PACKAGE.rglob("*.py") if APP not in path.parents)


def core_module_names() -> list[str]:
    """Every module of the package outside tui_backprop/app/ (but not __main__)."""
    names = set()
    for path in core_module_files():
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__main__":
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.add(".".join(parts))
    return sorted(names)


def run_python(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=TIMEOUT)


def test_the_listed_core_modules_exist():
    for name in CORE:
        assert (PACKAGE / f"{name}.py").is_file(), name


def test_importing_the_core_does_not_import_textual():
    modules = [f"tui_backprop.{name}" for name in CORE] + core_module_names()
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "assert not bad, bad\n"
        "print('ok', len(sys.modules))\n"
    )
    result = run_python("-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok")


def test_the_check_does_see_textual_when_it_is_imported():
    """The sys.modules check above is able to fail: importing textual shows up."""
    pytest.importorskip("textual")
    code = (
        "import sys, textual\n"
        "print(any(m == 'textual' or m.startswith('textual.') for m in sys.modules))\n"
    )
    assert run_python("-c", code).stdout.strip() == "True"


def test_cli_trace_does_not_import_textual(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(
        'title = "s"\n[network]\ninputs = 1\n[[network.layers]]\nnodes = 1\n'
        "weights = [[2]]\n[data]\ninputs = [3]\ntargets = [10]\n",
        encoding="utf-8",
    )
    for args in (["--check"], ["--trace", "text"], ["--trace", "jsonl"]):
        result = run_python("-X", "importtime", "-m", "tui_backprop", str(path), *args)
        assert result.returncode == 0, result.stderr
        imported = [
            line.rsplit("|", 1)[-1].strip()
            for line in result.stderr.splitlines()
            if line.startswith("import time:")
        ]
        assert "tui_backprop.trace" in imported or args == ["--check"]
        textual = [m for m in imported if m == "textual" or m.startswith("textual.")]
        assert not textual, (args, textual)


@pytest.mark.parametrize("path", core_module_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_core_source_file_imports_textual(path):
    text = path.read_text(encoding="utf-8")
    assert not IMPORTS_TEXTUAL.search(text), path
    # anywhere, even after a ';' (textual_serve, a web server that never imports textual, is fine)
    assert not re.search(r"\b(import|from)\s+textual(?!\w)", text), path


def test_the_static_check_covers_the_core_and_not_the_app():
    files = core_module_files()
    assert {PACKAGE / f"{name}.py" for name in CORE} <= set(files)
    assert not any(APP in path.parents for path in files)
    assert IMPORTS_TEXTUAL.search("from textual.app import App")
    assert IMPORTS_TEXTUAL.search("    import textual")
    assert not IMPORTS_TEXTUAL.search("from textualize import x")


def test_the_opening_frame_is_drawn_before_numpy_is_imported():
    """`backprop-tui NAME` draws the network from the file's outline first: up to the
    app's start, the process holds no NumPy (the file is checked in a child process)."""
    code = (
        "import sys\n"
        "import tui_backprop.app.app as app\n"
        "def run_app(*args, **kwargs):\n"
        "    from tui_backprop.app.screens.opening import OpeningScreen  # noqa: F401\n"
        "    print('opening' if args[6] else 'lesson', 'numpy' in sys.modules)\n"
        "    return 0\n"
        "app.run_app = run_app\n"
        "from tui_backprop.cli import main\n"
        "sys.exit(main(['backprop-relu']))\n"
    )
    result = run_python("-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["opening", "False"], result.stdout


def test_the_prepared_first_frame_reaches_the_app_without_numpy():
    """The child process builds step 1's frame with NumPy; the app unpickles it, and
    draws it, without importing NumPy."""
    code = (
        "import sys\n"
        "from tui_backprop.bundled import bundled_path\n"
        "from tui_backprop.cli import check_in_parallel\n"
        "start, take_frame = check_in_parallel(bundled_path('backprop-relu'), None, (80, 24))()\n"
        "frame = take_frame(60)\n"
        "import tui_backprop.app.screens.opening\n"
        "print(start, frame.view.formula, frame.size, 'numpy' in sys.modules)\n"
    )
    result = run_python("-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0 point 1: x1 = 0.5, x2 = 1 (80, 24) False"

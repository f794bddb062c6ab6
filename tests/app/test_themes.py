"""Every theme, Textual's and ours, draws the lesson; colours come from the theme."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.color import Color
from textual.theme import BUILTIN_THEMES

from tui_backprop.app.app import BackpropApp
from tui_backprop.app.roles import ROLE_STYLES, rich_styles
from tui_backprop.app.themes import HIGH_CONTRAST, theme_names
from tui_backprop.cli import resolve

APP_DIR = Path(__file__).parents[2] / "tui_backprop" / "app"


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def test_theme_names_are_textuals_and_ours():
    assert set(theme_names()) == set(BUILTIN_THEMES) | {"backprop-high-contrast"}
    assert HIGH_CONTRAST.background == "#000000" and HIGH_CONTRAST.foreground == "#ffffff"


@pytest.mark.parametrize("name", theme_names())
async def test_every_theme_draws_the_lesson(name):
    app = BackpropApp(resolve("backprop-relu"), 12, theme=name)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == name
        assert app.current_theme.name == name
        assert "slope(out) = 2 × error = 2 × 3 = 6" in screen_text(app)
        await pilot.press("v", "question_mark")  # a plot and the key screen, drawn too
        await pilot.pause()
        assert "Step through the lesson" in screen_text(app)
        await pilot.press("escape", "space")
        assert app.screen.index == 13
        # the lesson's background is the theme's own
        expected = Color.parse(app.theme_variables["background"])
        assert app.screen.styles.background == expected


def test_no_colour_is_written_into_the_app_css_or_widgets():
    """Colours are theme variables ($accent, $error...), so every theme applies."""

    colour = re.compile(
        r":\s*[^;$]*\b(#[0-9a-fA-F]{3,8}|rgba?\(|hsl|white|black|red|green|blue|yellow|orange)\b"
    )
    for path in [APP_DIR / "app.tcss", *APP_DIR.glob("**/*.py")]:
        if path.name == "themes.py":  # the one place colours are defined
            continue
        text = path.read_text(encoding="utf-8")
        css = (
            text
            if path.suffix == ".tcss"
            else "\n".join(re.findall(r'CSS = """(.*?)"""', text, re.S))
        )
        for line in css.splitlines():
            assert not colour.search(line), (path.name, line)


def parsed_by_textual(style: str, variables: dict[str, str]) -> tuple:
    """The role's colours and flags as Textual's own markup parser reads them, alpha
    blended onto the background the way a terminal cell needs."""
    from textual.markup import parse_style

    if not style:
        return (None, None, None, None, None)
    parsed = parse_style(style, variables)
    ground = Color.parse(variables["background"])
    background = parsed.background
    if background is not None and background.a < 1:
        background = ground + background
    foreground = parsed.foreground
    if foreground is not None and foreground.a < 1:
        foreground = (background or ground) + foreground
    rich = parsed.rich_style
    return (
        foreground.rich_color if foreground else None,
        background.rich_color if background else None,
        rich.bold,
        rich.reverse,
        rich.underline,
    )


@pytest.mark.parametrize("name", theme_names())
async def test_canvas_roles_read_as_textuals_parser_reads_them(name):
    app = BackpropApp(theme=name)
    async with app.run_test(size=(80, 24)):
        variables = app.get_css_variables()
        ours = rich_styles(variables)
        for role, style in ROLE_STYLES.items():
            got = ours[role]
            expected = parsed_by_textual(style, variables)
            assert (got.color, got.bgcolor, got.bold, got.reverse, got.underline) == expected, role

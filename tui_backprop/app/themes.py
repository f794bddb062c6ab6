"""The themes the app offers: Textual's own and ours, registered in one place.

backprop-high-contrast is for projectors that wash colours out: pure black and white,
yellow for what is active, and only bright, saturated colours for signs and states.
"""

from __future__ import annotations

from textual.app import App
from textual.theme import BUILTIN_THEMES, Theme

HIGH_CONTRAST = Theme(
    name="backprop-high-contrast",
    primary="#00ffff",
    secondary="#ff00ff",
    accent="#ffff00",
    foreground="#ffffff",
    background="#000000",
    surface="#000000",
    panel="#202020",
    boost="#303030",
    success="#00ff00",
    warning="#ffaf00",
    error="#ff3b3b",
    dark=True,
    variables={
        "text-muted": "#ffffff",
        "footer-key-foreground": "#ffff00",
        "footer-description-foreground": "#ffffff",
        "block-cursor-background": "#ffff00",
        "block-cursor-foreground": "#000000",
        "input-selection-background": "#ffff00 40%",
    },
)

OUR_THEMES = (HIGH_CONTRAST,)


def theme_names() -> list[str]:
    """Every theme name `--theme` and TEXTUAL_THEME accept, Textual's first."""
    return sorted(BUILTIN_THEMES) + [theme.name for theme in OUR_THEMES]


def register_themes(app: App) -> None:
    for theme in OUR_THEMES:
        app.register_theme(theme)

"""One table: the colour of each role in the lesson (theme variables only).

The network canvas, the formula line and the data rows use the same roles, so the
three factors of a slope have the same colour in the formula and on the diagram.
Sign is never colour alone: a negative number always carries its minus sign.
"""

from __future__ import annotations

from functools import lru_cache

from rich.style import Style as RichStyle
from textual.color import Color

ROLE_STYLES = {
    "blank": "",
    "edge": "$foreground-muted",
    "lit": "bold $text-accent",
    "back": "bold $text-warning",
    "pulse": "bold $text-warning on $warning-muted",
    "border": "$foreground-muted",
    "border-input": "$text-secondary",
    "border-active": "bold $text-accent",
    "name": "bold $foreground",
    "name-active": "bold reverse $text-accent",
    "inside": "",
    "muted": "$foreground-muted",
    "unknown": "$foreground-muted",
    "number": "$foreground",
    "negative": "$text-error",
    "label-active": "bold $text-accent",
    "selected": "bold underline $text-primary",
    "changed": "bold reverse $text-accent",
    # the three factors of a weight's slope, and what they multiply to
    "fed": "bold $text-warning on $warning-muted",
    "feeding": "bold $text-success on $success-muted",
    "act": "bold $text-primary on $primary-muted",
    "result": "bold underline $text-accent",
}

FACTOR_MEANINGS = {  # {to}: the node fed into; {source}: the node feeding the weight
    "fed": "loss slope at {to}",
    "feeding": "value of {source}",
    "act": "activation slope at {to}",
}


def content_style(role: str | None) -> str:
    """The role's style for Content.styled (theme variables resolved at render)."""
    return ROLE_STYLES.get(role or "", "")


FLAGS = ("bold", "reverse", "underline")


def _colour(value: str) -> Color:
    """A theme variable's colour: `#E0E0E099`, or `ansi_default 50%` (ANSI themes)."""
    name, _, percent = value.partition(" ")
    colour = Color.parse(name)
    return colour.multiply_alpha(int(percent.rstrip("%")) / 100) if percent else colour


@lru_cache(maxsize=512)
def _rich(style: str, variables: tuple[tuple[str, str], ...]) -> RichStyle:
    """Read with a few lines rather than Textual's markup parser, which tokenizes all
    of the theme's 160 variables for every style (11 ms before the first frame).
    Colours with alpha (e.g. $foreground-muted) are blended onto the theme's
    background, since a terminal cell has no transparency."""
    values = dict(variables)
    flags: dict[str, bool] = {}
    colours: dict[str, Color] = {}
    slot = "color"
    for word in style.split():
        if word == "on":
            slot = "bgcolor"
        elif word.startswith("$"):
            colours[slot] = _colour(values[word[1:]])
        elif word in FLAGS:
            flags[word] = True
        else:
            raise ValueError(f"role style {style!r}: {word!r} is not a flag or $variable")
    ground = Color.parse(values.get("background", "black"))
    background = colours.get("bgcolor")
    if background is not None and background.a < 1:
        background = ground + background
    foreground = colours.get("color")
    if foreground is not None and foreground.a < 1:
        foreground = (background or ground) + foreground
    return RichStyle(
        color=foreground.rich_color if foreground is not None else None,
        bgcolor=background.rich_color if background is not None else None,
        **flags,
    )


def rich_styles(variables: dict[str, str]) -> dict[str, RichStyle]:
    """Every role as a Rich style for this theme's variables (line-API drawing)."""
    key = tuple(sorted(variables.items()))
    return {role: _rich(style, key) for role, style in ROLE_STYLES.items()}

"""One action table: the bindings, the footer, the `?` screen and the palette agree with it."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.command import CommandPalette
from textual.widgets import Footer, Input

from tui_backprop.app.actions import (
    ACTIONS,
    GROUPS,
    LESSON,
    TOOLS,
    bindings,
    markdown_table,
    rows,
)
from tui_backprop.app.screens.keys_help import KeyRow, KeysHelpScreen, split_into_columns
from tui_backprop.app.screens.lecture_tools import LectureToolsScreen
from tui_backprop.app.screens.lesson import LessonScreen

# Written out here, apart from the table: how a person reads each Textual key name.
READABLE = {
    "space": "space",
    "right": "→",
    "left": "←",
    "backspace": "backspace",
    "plus": "+",
    "equals_sign": "=",
    "minus": "-",
    "right_square_bracket": "]",
    "left_square_bracket": "[",
    "right_curly_bracket": "}",
    "left_curly_bracket": "{",
    "home": "home",
    "end": "end",
    "escape": "escape",
    "question_mark": "?",
    "pagedown": "pgdn",
    "pageup": "pgup",
}


def readable(key: str) -> str:
    return key if len(key) == 1 else READABLE[key]


def screen_lines(app) -> list[str]:
    """The text the terminal shows, one string a row (what is on top, after overlaps)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


# -- the table and the bindings ---------------------------------------------------------


def test_no_key_is_bound_twice_and_every_row_has_a_group():
    keys = [key for row in ACTIONS for key in row.keys.split(",")]
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)
    assert len({row.action for row in ACTIONS}) == len(ACTIONS)
    assert {row.group for row in ACTIONS} == set(GROUPS)


def test_every_readable_key_name_names_exactly_the_bound_keys():
    for row in ACTIONS:
        assert row.key_name == " / ".join(readable(k) for k in row.keys.split(",")), row


def test_the_screens_bindings_are_the_tables_rows():
    for cls, home in ((LessonScreen, LESSON), (LectureToolsScreen, TOOLS)):
        table = rows(home=home)
        own = cls.__dict__["BINDINGS"]
        assert [(b.key, b.action, b.description, b.show, b.tooltip) for b in own] == [
            (r.keys, r.action, r.footer, r.show, r.words) for r in table
        ]
        assert all(b.id == r.action.removeprefix("app.") for b, r in zip(own, table, strict=True))
    assert len(rows(home=LESSON)) + len(rows(home=TOOLS)) == len(ACTIONS)
    assert bindings(LESSON)[0].action == rows(home=LESSON)[0].action


def test_every_action_in_the_table_has_a_method():
    for row in ACTIONS:
        if row.action.startswith("app."):
            continue
        owner = LectureToolsScreen if row.home == TOOLS else LessonScreen
        assert callable(getattr(owner, f"action_{row.action}", None)), row.action


def test_groups_are_split_into_columns_in_order_and_about_evenly():
    assert split_into_columns([7, 11, 6, 5, 3, 8], 1) == [[0, 1, 2, 3, 4, 5]]
    assert split_into_columns([7, 11, 6, 5, 3, 8], 2) == [[0, 1], [2, 3, 4, 5]]
    assert split_into_columns([4, 4, 4], 3) == [[0], [1], [2]]
    assert split_into_columns([4, 4], 5) == [[0], [1]]


# -- the footer -------------------------------------------------------------------------


async def test_footer_at_80x24_shows_keys_and_quit(lesson):
    app = lesson(start=3)  # mid-lesson: back and next both apply
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(Footer)
        bottom = screen_lines(app)[footer.region.y]
        assert "? Keys" in bottom, bottom
        assert "q Quit" in bottom, bottom
        assert "space Next" in bottom, bottom
        shown = {key.description for key in footer.query("FooterKey")}
        assert shown >= {row.footer for row in ACTIONS if row.show and row.home == LESSON}


# -- the `?` screen ---------------------------------------------------------------------


async def test_keys_screen_lists_every_group_and_row_in_the_lessons_words(lesson):
    app = lesson(start=12)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, KeysHelpScreen)
        for group in GROUPS:
            listed = [row.row for row in help_screen.query_one(f"#keys-{group}").query(KeyRow)]
            assert listed == rows(group), group
        texts = [
            (str(row.query_one(".key-name").content), str(row.query_one(".key-words").content))
            for row in help_screen.query(KeyRow)
        ]
        assert sorted(texts) == sorted((row.key_name, row.words) for row in ACTIONS)


async def test_keys_screen_at_80x24_leaves_the_formula_and_network_visible(lesson):
    app = lesson(start=12)  # step 13: slope(out) = 2 × error = 2 × 3 = 6
    async with app.run_test(size=(80, 24)) as pilot:
        lesson_screen = app.screen
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, KeysHelpScreen)
        text = "\n".join(screen_lines(app))
        assert "13. slope(out) = 2 × error = 2 × 3 = 6" in text, text
        for node in ("x1", "x2", "a1", "a2", "b1", "b2", "out"):
            assert f"─ {node} ─" in text, (node, text)  # its box's top border and title
        assert "Step through the lesson" in text  # the panel is there too
        await pilot.press("x")  # any key closes it, and does nothing else
        assert app.screen is lesson_screen
        assert lesson_screen.index == 12


async def test_escape_and_arrows_on_the_keys_screen(lesson):
    app = lesson(start=5)
    async with app.run_test(size=(80, 24)) as pilot:
        lesson_screen = app.screen
        await pilot.press("question_mark")
        panel = app.screen.query_one("#keys-panel")
        assert panel.max_scroll_y > 0  # at 80x24 the list is longer than the panel
        await pilot.press("down", "pagedown")
        await pilot.pause()
        assert isinstance(app.screen, KeysHelpScreen)
        assert panel.scroll_y > 0
        await pilot.press("escape")
        assert app.screen is lesson_screen
        assert lesson_screen.index == 5
        await pilot.press("question_mark", "space")
        assert app.screen is lesson_screen
        assert lesson_screen.index == 5


# -- the command palette ----------------------------------------------------------------


async def test_palette_lists_every_action_with_its_readable_keys(lesson):
    app = lesson()
    async with app.run_test(size=(100, 34)):
        commands = {c.title: c.help for c in app.get_system_commands(app.screen)}
        for row in ACTIONS:
            assert commands.get(row.words) == f"Keys: {row.key_name}", row
        assert not any("plus" in str(help) or "_" in str(help) for help in commands.values())


async def test_palette_runs_a_lecture_tool(lesson):
    app = lesson(start=4)
    async with app.run_test(size=(100, 34)) as pilot:
        screen = app.screen
        before = screen.decimals
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        app.screen.query_one(Input).value = "More or fewer decimals"
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert screen.chosen_decimals is not None and screen.decimals > before


async def test_capital_a_turns_animation_off_and_on(lesson):
    app = lesson()
    async with app.run_test(size=(100, 34)) as pilot:
        assert app.animation_level == "none"  # the tests start with TEXTUAL_ANIMATIONS=none
        await pilot.press("A")
        assert app.animation_level == "full"
        await pilot.press("A")
        assert app.animation_level == "none"


async def test_keys_typed_fast_close_the_keys_screen_once(lesson):
    """Keys posted faster than the screen pops (as a terminal sends them) pop it only."""
    app = lesson(start=2)
    async with app.run_test(size=(80, 24)) as pilot:
        lesson_screen = app.screen
        await pilot.press("question_mark")
        help_screen = app.screen
        for key in ("x", "y", "z"):
            help_screen.post_message(events.Key(key, key))
        await pilot.pause()
        assert app.screen is lesson_screen
        assert lesson_screen.index == 2


def test_readme_keys_table_is_the_action_table():
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme

"""The Textual app: opens a lesson (or the picker) and offers palette commands."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import App, SystemCommand
from textual.screen import Screen

from tui_backprop.app.actions import ACTIONS
from tui_backprop.app.screens.lesson import LessonScreen
from tui_backprop.app.screens.picker import PickerScreen
from tui_backprop.app.themes import register_themes
from tui_backprop.bundled import bundled_names, bundled_path
from tui_backprop.scenario import Scenario, load_scenario


class BackpropApp(App):
    """backprop-tui: one scenario's lesson, stepped one keypress at a time."""

    CSS_PATH = "app.tcss"
    TITLE = "backprop-tui"
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        scenario: Scenario | None = None,
        start: int = 0,
        autoplay: float | None = None,
        theme: str | None = None,
        reveal: bool = False,
    ) -> None:
        super().__init__()
        register_themes(self)
        # Before the first frame, so it is drawn in this theme. Textual made the colours
        # from TEXTUAL_THEME before our themes were registered: make them again.
        chosen = theme or self.theme
        if chosen != self.theme:
            self.theme = chosen
        elif chosen in self.available_themes:
            self.mutate_reactive(BackpropApp.theme)
        self.scenario = scenario
        self.start = start
        self.autoplay = autoplay
        self.reveal = reveal

    def on_mount(self) -> None:
        if self.scenario is None:
            self.push_screen(PickerScreen())
        else:
            self.push_screen(LessonScreen(self.scenario, self.start, self.autoplay, self.reveal))

    def open_scenario(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.switch_screen(LessonScreen(scenario, reveal=self.reveal))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, LessonScreen):
            for row in ACTIONS:
                yield SystemCommand(
                    row.words,
                    f"Keys: {row.key_name}",
                    lambda action=row.action: screen.run_action(action),
                )
        for name in bundled_names():
            yield SystemCommand(
                f"Open scenario: {name}",
                "Open another bundled lesson",
                lambda name=name: self.open_scenario(load_scenario(bundled_path(name))),
            )


def run_app(
    scenario: Scenario | None,
    start: int = 0,
    autoplay: float | None = None,
    theme: str | None = None,
    reveal: bool = False,
) -> int:
    BackpropApp(scenario, start, autoplay, theme, reveal).run()
    return 0


def save_screenshot(
    scenario: Scenario,
    start: int,
    path: str,
    size: tuple[int, int],
    theme: str | None = None,
    reveal: bool = False,
) -> int:
    """Render one screen headless to SVG, as the lecturer would see it, and exit."""
    app = BackpropApp(scenario, start, theme=theme, reveal=reveal)

    async def shoot(pilot) -> None:
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        app.save_screenshot(path)
        app.exit()

    app.run(headless=True, size=size, auto_pilot=shoot)
    print(f"wrote {path}")
    return 0

"""The Textual app: opens a lesson (or the picker) and offers palette commands."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import App, SystemCommand
from textual.screen import Screen

from tui_backprop.app.screens.lesson import LessonScreen
from tui_backprop.app.screens.picker import PickerScreen
from tui_backprop.bundled import bundled_names, bundled_path
from tui_backprop.scenario import Scenario, load_scenario


class BackpropApp(App):
    """backprop-tui: one scenario's lesson, stepped one keypress at a time."""

    CSS_PATH = "app.tcss"
    TITLE = "backprop-tui"
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, scenario: Scenario | None = None, start: int = 0) -> None:
        super().__init__()
        self.scenario = scenario
        self.start = start

    def on_mount(self) -> None:
        if self.scenario is None:
            self.push_screen(PickerScreen())
        else:
            self.push_screen(LessonScreen(self.scenario, self.start))

    def open_scenario(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.switch_screen(LessonScreen(scenario))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, LessonScreen):
            for binding in screen.BINDINGS:
                if binding.action in ("toggle_help", "quit", "clear_details"):
                    continue
                yield SystemCommand(
                    binding.tooltip, f"Keys: {binding.key}",
                    lambda action=binding.action: screen.run_action(action),
                )
        for name in bundled_names():
            yield SystemCommand(
                f"Open scenario: {name}", "Open another bundled lesson",
                lambda name=name: self.open_scenario(load_scenario(bundled_path(name))),
            )


def run_app(scenario: Scenario | None, start: int = 0) -> int:
    BackpropApp(scenario, start).run()
    return 0

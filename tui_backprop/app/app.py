"""The Textual app: opens a lesson (or the picker) and offers palette commands."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.screen import Screen

from tui_backprop.app.actions import ACTIONS, APP, bindings
from tui_backprop.app.themes import register_themes
from tui_backprop.bundled import bundled_names, bundled_path
from tui_backprop.errors import ScenarioError

if TYPE_CHECKING:  # the lesson (NumPy, the trace) is imported after the first frame
    from tui_backprop.first_frame import FirstFrame
    from tui_backprop.outline import Outline
    from tui_backprop.scenario import Scenario

    Opening = tuple[Outline, Path, Callable[[], FirstFrame | None]]


class BackpropApp(App):
    """backprop-tui: one scenario's lesson, stepped one keypress at a time."""

    CSS_PATH = "app.tcss"
    TITLE = "backprop-tui"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = bindings(APP)  # f: a follower that stepped away follows again

    def __init__(
        self,
        scenario: Scenario | None = None,
        start: int = 0,
        autoplay: float | None = None,
        theme: str | None = None,
        room: tuple[str, Path] | None = None,
        reveal: bool = False,
        opening: Opening | None = None,
    ) -> None:
        """`opening`: instead of a scenario, the outline of a checked file, its path and
        what takes the first frame the check prepared (None if it is not ready): that
        frame is drawn first (or the network from the outline), and the file loaded
        after."""
        super().__init__()
        unknown = self.theme not in self.available_themes  # TEXTUAL_THEME names one of ours
        register_themes(self)
        # Before the first frame, so it is drawn in this theme. Textual made the colours
        # from TEXTUAL_THEME before our themes were registered: make them again (only
        # then: it parses the whole stylesheet a second time, 10 ms before the frame).
        chosen = theme or self.theme
        if chosen != self.theme:
            self.theme = chosen
        elif unknown and chosen in self.available_themes:
            self.mutate_reactive(BackpropApp.theme)
        self.scenario = scenario
        self.opening = opening
        self.failure: str | None = None  # printed when the app has closed (exit status 2)
        self.start = start
        self.autoplay = autoplay
        self.reveal = reveal
        self.classroom = None
        if room is not None:
            from tui_backprop.app.follow import Classroom

            self.classroom = Classroom(self, *room)

    def on_mount(self) -> None:
        if self.opening is not None:
            pass  # on Ready: see there
        elif self.scenario is None:
            from tui_backprop.app.screens.picker import PickerScreen

            self.push_screen(PickerScreen())
        else:
            self.push_screen(self._lesson_screen(self.scenario))
        if self.classroom is not None:
            self.classroom.start()
        if self.is_web:  # served: end with the server, even one that was killed
            self._server_pid = os.getppid()
            self.set_interval(2.0, self._exit_without_server)

    def on_ready(self) -> None:
        """The opening frame is pushed only now. Textual writes nothing during its
        start-up batch (compose and mount), so a screen pushed then has its first paint
        thrown away, and the terminal would get the rows that changed after it, on an
        empty screen, before the whole frame. Pushed after, its first paint is written
        whole."""
        if self.opening is not None:
            from tui_backprop.app.screens.opening import OpeningScreen

            outline, _, take_frame = self.opening
            self.push_screen(OpeningScreen(outline, take_frame(), self._load_lesson))

    def _lesson_screen(self, scenario: Scenario) -> Screen:
        """The lesson the command line asked for, at its step."""
        from tui_backprop.app.screens.lesson import LessonScreen

        return LessonScreen(scenario, self.start, self.autoplay, self.reveal)

    def _load_lesson(self) -> Screen | None:
        """After the opening frame: the file was checked before the app started, so this
        fails only if it changed since; then the app closes with the message."""
        from tui_backprop.scenario import load_scenario

        try:
            self.scenario = load_scenario(self.opening[1])
        except (ScenarioError, OSError) as error:
            where = "" if isinstance(error, ScenarioError) else f"{self.opening[1]}: "
            self.failure = f"{where}{error}"
            self.exit(return_code=2)
            return None
        return self._lesson_screen(self.scenario)

    def _exit_without_server(self) -> None:
        if os.getppid() != self._server_pid:
            self.exit()

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "follow_again":
            room = self.classroom
            if room is None or room.role != "follow":
                return False
            return None if room.following else True
        return True

    def action_follow_again(self) -> None:
        if self.classroom is not None and self.classroom.role == "follow":
            self.classroom.follow_again()

    def open_scenario(self, scenario: Scenario) -> None:
        self.scenario = scenario
        from tui_backprop.app.screens.lesson import LessonScreen

        self.switch_screen(LessonScreen(scenario, reveal=self.reveal))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        from tui_backprop.app.screens.lesson import LessonScreen
        from tui_backprop.scenario import load_scenario

        yield from super().get_system_commands(screen)
        if isinstance(screen, LessonScreen):
            for row in ACTIONS:
                target = self if row.home == APP else screen
                yield SystemCommand(
                    row.words,
                    f"Keys: {row.key_name}",
                    lambda action=row.action, target=target: target.run_action(action),
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
    room: tuple[str, Path] | None = None,
    reveal: bool = False,
    opening: Opening | None = None,
) -> int:
    app = BackpropApp(scenario, start, autoplay, theme, room, reveal, opening)
    try:
        app.run()
    finally:
        if app.classroom is not None:
            app.classroom.remove()  # a leader that leaves takes its room file with it
    if app.failure is not None:
        from tui_backprop.cli import fail

        return fail(app.failure)
    return app.return_code or 0  # 1 after a crash (Textual has printed it)


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

"""With no scenario named: pick one of the bundled scenarios."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from tui_backprop.bundled import DEFAULT, bundled_names, bundled_path
from tui_backprop.scenario import Scenario, load_scenario


class PickerScreen(Screen):
    BINDINGS = [Binding("q", "app.quit", "Quit", id="quit", tooltip="Quit backprop-tui")]

    def compose(self) -> ComposeResult:
        yield Static("backprop-tui: choose a lesson (↑/↓, Enter)", id="picker-title")
        self.scenarios: list[Scenario] = [load_scenario(bundled_path(n)) for n in bundled_names()]
        options = [
            Option(
                Content.assemble(
                    Content.styled(s.title, "bold"),
                    f"  ({s.name})\n",
                    Content.styled(s.description, "$text-muted"),
                ),
                id=s.name,
            )
            for s in self.scenarios
        ]
        yield OptionList(*options, id="picker")
        yield Footer()

    def on_mount(self) -> None:
        picker = self.query_one(OptionList)
        names = [s.name for s in self.scenarios]
        picker.highlighted = names.index(DEFAULT) if DEFAULT in names else 0
        picker.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        scenario = next(s for s in self.scenarios if s.name == event.option.id)
        self.app.open_scenario(scenario)

"""One scenario's lesson: the network, the explanation, the data; keys move the step."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical, VerticalScroll
from textual.widgets import Footer, Static

from tui_backprop import places
from tui_backprop.app.messages import ElementClicked
from tui_backprop.app.screens.lecture_tools import LectureToolsScreen
from tui_backprop.app.screens.narration_tools import PREDICT_HELP, REVEAL_HELP, NarrationTools
from tui_backprop.app.widgets.data_panel import DataPanel
from tui_backprop.app.widgets.explanation_panel import ExplanationPanel
from tui_backprop.app.widgets.lesson_header import LessonHeader
from tui_backprop.app.widgets.network_view import NetworkView
from tui_backprop.app.widgets.plot_panel import WIDE_SHARE, PlotPanel
from tui_backprop.layout import choose_sizes
from tui_backprop.scenario import Scenario
from tui_backprop.trace import Trace
from tui_backprop.view import StepView, element_details

MIN_WIDTH, MIN_HEIGHT = 60, 18
WIDE = 120
AUTOPLAY_DELAYS = (3.0, 2.0, 1.2, 0.8, 0.5, 0.3, 0.15)
PULSE_SECONDS = 0.33
PLOT_ACTIONS = ("cycle_plot", "next_plot_weight", "next_plot_weight_b", "toggle_log_scale")


def _b(
    key: str, action: str, description: str, tooltip: str, show: bool = True, **kwargs
) -> Binding:
    return Binding(key, action, description, show=show, id=action, tooltip=tooltip, **kwargs)


class LessonScreen(NarrationTools, LectureToolsScreen):
    """Renders step `index` of the trace; every key only moves the index."""

    BINDINGS = [
        _b("space,right,l", "next", "Next", "Next step"),
        _b("left,h,backspace", "previous", "Back", "Previous step: the screen as it was"),
        _b("right_square_bracket", "next_phase", "Phase»", "Next phase boundary"),
        _b("left_square_bracket", "previous_phase", "«Phase", "Previous phase boundary"),
        _b("right_curly_bracket", "next_iteration", "Iter»", "Next iteration (update)"),
        _b("left_curly_bracket", "previous_iteration", "«Iter", "Previous iteration", show=False),
        _b("home", "start", "Start", "First step", show=False),
        _b("end", "end", "End", "Last step: end of training", show=False),
        _b("p", "autoplay", "Play", "Autoplay on or off"),
        _b("plus,equals_sign", "faster", "Faster", "Autoplay faster", show=False),
        _b("minus", "slower", "Slower", "Autoplay slower", show=False),
        _b("g", "goto", "Go to", "Go to a step number or place"),
        _b("m", "toggle_reveal", "Reveal", REVEAL_HELP),
        _b("t", "predict", "Predict", PREDICT_HELP),
        _b("r", "restart", "Restart", "Back to the first step", show=False),
        _b("escape", "clear_details", "Clear", "Hide the clicked element's details", show=False),
        _b(
            "v",
            "cycle_plot",
            "Plot",
            "Show a plot: loss history, loss against a weight, landscape, none",
        ),
        _b("w", "next_plot_weight", "Weight", "Plot against the next weight", show=False),
        _b(
            "W", "next_plot_weight_b", "Weight 2", "Landscape: change the second weight", show=False
        ),
        _b("L", "toggle_log_scale", "Log", "Loss history on a log scale", show=False),
        _b("question_mark", "toggle_help", "Keys", "The keys and what they do"),
        _b("q", "app.quit", "Quit", "Quit backprop-tui"),
    ]

    def __init__(
        self,
        scenario: Scenario,
        start: int = 0,
        autoplay: float | None = None,
        reveal: bool = False,
    ) -> None:
        super().__init__()
        self.reveal = reveal
        self.autoplay = autoplay
        self.scenario = scenario
        self.trace = Trace(scenario)
        self.index = max(0, min(start, len(self.trace) - 1))
        self.details: str | None = None
        self.view: StepView | None = None
        self.delay_level = 3
        self.timer = None
        self.playing = False
        self._sizes = None
        self._enabled: tuple[bool, ...] = ()
        self._layers = scenario.layer_nodes
        self._biases = [layer.bias is not None for layer in scenario.layers]

    # -- layout -----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield LessonHeader(id="header")
        with Vertical(id="main"):
            with Container(id="stage"):
                with Container(id="network-slot"):
                    # laid out for the size now, so the first frame needs no rebuild
                    self._sizes = self._sizes_for(self.app.size.width, self.app.size.height)
                    yield NetworkView(self._layers, self._biases, self._sizes, id="network")
                yield PlotPanel(self.trace, id="plots")
            with Container(id="side"):
                with VerticalScroll(id="explanation-scroll", can_focus=False):
                    yield ExplanationPanel(id="explanation")
                with VerticalScroll(id="data-scroll", can_focus=False):
                    yield DataPanel(id="data")
        yield Static(id="too-small")
        yield Footer()

    def on_mount(self) -> None:
        self.timer = self.set_interval(AUTOPLAY_DELAYS[self.delay_level], self._tick, pause=True)
        self._fit(self.app.size.width, self.app.size.height)
        self.show()
        if self.autoplay is not None:
            self.timer.stop()
            self.timer = self.set_interval(self.autoplay, self._tick, pause=True)
            self._set_playing(True)

    def on_resize(self, event) -> None:
        self._fit(event.size.width, event.size.height)

    def _fit(self, width: int, height: int) -> None:
        small = width < MIN_WIDTH or height < MIN_HEIGHT
        self.set_class(small, "-too-small")
        self.set_class(width >= WIDE, "-wide")
        self.query_one("#too-small", Static).update(
            f"The terminal is {width}×{height}; this lesson needs at least "
            f"{MIN_WIDTH}×{MIN_HEIGHT}. Enlarge the window or reduce the font size."
        )
        sizes = self._sizes_for(width, height)
        if sizes != self._sizes:
            self._sizes = sizes
            self.run_worker(self._rebuild_network(sizes), group="network", exclusive=True)

    def _sizes_for(self, width: int, height: int):
        return choose_sizes(
            self._layers, self._biases, width - 2 - self._plot_columns(width), roomy=height >= 30
        )

    async def _rebuild_network(self, sizes) -> None:
        """Swap the network view for one laid out for the new size (one at a time)."""
        slot = self.query_one("#network-slot")
        await slot.remove_children()
        await slot.mount(NetworkView(self._layers, self._biases, sizes, id="network"))
        self.show()

    @property
    def decimals(self) -> int:
        if self.chosen_decimals is not None:
            return self.chosen_decimals
        return 3 if self._sizes.show_labels and self._sizes.content_lines < 3 else 4

    # -- rendering --------------------------------------------------------------

    def show(self, animate: bool = False) -> None:
        view = self.step_view(self.decimals)
        self.view = view
        departed = ""
        if self.trace.departures:
            departed = "what-if: " + "; ".join(self.trace.departures) + " (u: file values)"
        self.query_one(LessonHeader).show(
            view, departed=departed, playing=self.playing, status=self.reveal_status()
        )
        details = None
        if self.details is not None:
            details = (self.details, element_details(self.trace, self.index, self.details))
        self.query_one(ExplanationPanel).show(view, details, self.gradient_check_lines())
        self.query_one(DataPanel).show(view, self.scenario.inputs, self.scenario.has_targets)
        networks = self.query(NetworkView)
        if networks:
            network = networks.first()
            network.selected = self.details
            network.show(view)
            edges = network.edges
            if edges is None:
                pass
            elif animate and self.app.animation_level != "none" and view.active_edges:
                edges.pulse = 0.0
                edges.animate("pulse", 1.0, duration=PULSE_SECONDS, easing="out_cubic")
            else:
                edges.pulse = 1.0
        self._show_plots(view)
        # Only when what the keys can do has changed: a footer redraw every step flickers.
        enabled = (self.index == 0, self.index == len(self.trace) - 1, self.details is None)
        if enabled != self._enabled:
            self._enabled = enabled
            self.refresh_bindings()

    def go(self, index: int) -> None:
        index = max(0, min(index, len(self.trace) - 1))
        moved = index != self.index
        self.index = index
        self.show(animate=moved)

    # -- actions ----------------------------------------------------------------

    def check_action(self, action: str, parameters) -> bool | None:
        last = len(self.trace) - 1
        if action == "next" and self.reveal and self.view is not None and "?" in self.view.formula:
            return True  # numbers still to uncover, even on the last step
        if action in ("next", "next_phase", "next_iteration", "end"):
            return True if self.index < last else None
        if action in ("previous", "previous_phase", "previous_iteration", "start", "restart"):
            return True if self.index > 0 else None
        if action == "clear_details":
            return self.details is not None
        if action in PLOT_ACTIONS:
            return self._plot_action_ok(action)
        return True

    def action_next(self) -> None:
        if not self.uncover_next():
            self.go(self.index + 1)

    def action_previous(self) -> None:
        if not self.cover_previous():
            self.go(self.index - 1)

    def action_next_phase(self) -> None:
        self.go(places.next_phase(self.trace, self.index))

    def action_previous_phase(self) -> None:
        self.go(places.previous_phase(self.trace, self.index))

    def action_next_iteration(self) -> None:
        self.go(places.next_iteration(self.trace, self.index))

    def action_previous_iteration(self) -> None:
        self.go(places.previous_iteration(self.trace, self.index))

    def action_start(self) -> None:
        self.go(0)

    def action_end(self) -> None:
        self.go(len(self.trace) - 1)

    def action_restart(self) -> None:
        self._set_playing(False)
        self.details = None
        self.go(0)

    def action_autoplay(self) -> None:
        self._set_playing(not self.playing)

    def _set_playing(self, playing: bool) -> None:
        if playing and self.index >= len(self.trace) - 1:
            self.notify("At the end of the lesson; press home to start again.")
            playing = False
        self.playing = playing
        if playing:
            self.timer.resume()
        else:
            self.timer.pause()
        self.show()

    def _tick(self) -> None:
        if self.uncover_next():  # reveal mode: one number per tick, then the next step
            return
        if self.index >= len(self.trace) - 1:
            self._set_playing(False)
            return
        self.go(self.index + 1)

    def _change_speed(self, step: int) -> None:
        level = max(0, min(self.delay_level + step, len(AUTOPLAY_DELAYS) - 1))
        self.delay_level = level
        self.timer.stop()
        self.timer = self.set_interval(AUTOPLAY_DELAYS[level], self._tick, pause=not self.playing)
        self.notify(f"Autoplay: one step every {AUTOPLAY_DELAYS[level]} s", timeout=1.5)

    def action_faster(self) -> None:
        self._change_speed(+1)

    def action_slower(self) -> None:
        self._change_speed(-1)

    def action_goto(self) -> None:
        from tui_backprop.app.screens.goto import GoToScreen

        def jump(selector: str | None) -> None:
            if not selector:
                return
            try:
                self.go(places.resolve_place(self.trace, selector))
            except ValueError as error:
                self.notify(str(error), title="Go to", severity="error")

        self.app.push_screen(GoToScreen(len(self.trace), self.scenario.bookmarks), jump)

    def action_toggle_help(self) -> None:
        if self.query("HelpPanel"):
            self.app.action_hide_help_panel()
        else:
            self.app.action_show_help_panel()

    def action_clear_details(self) -> None:
        self.details = None
        self.show()

    def on_element_clicked(self, message: ElementClicked) -> None:
        self.details = None if self.details == message.element else message.element
        self.show()

    # -- plots: loss history, loss against a weight, landscape ----------------------

    def _plot_columns(self, width: int) -> int:
        """Columns the plot panel takes beside the network (wide screens only)."""
        panels = self.query(PlotPanel)
        if width < WIDE or not panels or panels.first().mode is None:
            return 0
        return width * WIDE_SHARE // 100

    def _plot_action_ok(self, action: str) -> bool | None:
        panels = self.query(PlotPanel)
        if not panels:
            return None
        panel = panels.first()
        if action == "next_plot_weight":
            return True if panel.names else None
        if action == "next_plot_weight_b":
            return True if "landscape" in panel.modes else None
        return True if panel.modes else None

    def _show_plots(self, view: StepView) -> None:
        panels = self.query(PlotPanel)
        if not panels:
            return
        panel = panels.first()
        panel.follow_click(self.details)
        self.set_class(panel.mode is not None, "-plots")
        panel.show(self.trace, self.index, view, self.decimals)

    def action_cycle_plot(self) -> None:
        self.query_one(PlotPanel).cycle()
        self._fit(self.app.size.width, self.app.size.height)  # beside it, the network narrows
        self.show()

    def action_next_plot_weight(self) -> None:
        """Select the next weight: the curve is drawn against it, 'e' edits it."""
        self.details = self.query_one(PlotPanel).next_weight()
        self.show()

    def action_next_plot_weight_b(self) -> None:
        self.query_one(PlotPanel).next_weight(second=True)
        self.show()

    def action_toggle_log_scale(self) -> None:
        panel = self.query_one(PlotPanel)
        panel.log_scale = not panel.log_scale
        self.show()

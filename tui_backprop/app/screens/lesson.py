"""One scenario's lesson: the network, the explanation, the data; keys move the step."""

from __future__ import annotations

from typing import TypeVar

from textual.app import ComposeResult
from textual.content import Content
from textual.widget import Widget

from tui_backprop import diagram, places
from tui_backprop.app import collector
from tui_backprop.app.actions import LESSON, bindings
from tui_backprop.app.messages import ElementClicked
from tui_backprop.app.screens.lecture_tools import LectureToolsScreen
from tui_backprop.app.screens.lesson_frame import (
    DIVERGING,
    compose_panels,
    panel_layout,
    size_panels,
    step_narration,
    warning_lines,
)
from tui_backprop.app.screens.narration_tools import NarrationTools
from tui_backprop.app.widgets.data_panel import DataPanel
from tui_backprop.app.widgets.formula_line import FormulaLine
from tui_backprop.app.widgets.lesson_header import LessonHeader
from tui_backprop.app.widgets.narration_panel import NarrationPanel
from tui_backprop.app.widgets.network_canvas import NetworkCanvas
from tui_backprop.app.widgets.plot_panel import PlotPanel
from tui_backprop.first_frame import DECIMALS, network_shape
from tui_backprop.reveal import covered_view
from tui_backprop.scenario import Scenario
from tui_backprop.sizing import (
    PanelPlan,
    Panels,
    formula_rows,
    iteration_needs,
    neighbours,
    plan_panels,
)
from tui_backprop.trace import Trace
from tui_backprop.view import StepView, build_view, element_details

PartT = TypeVar("PartT", bound=Widget)

AUTOPLAY_DELAYS = (3.0, 2.0, 1.2, 0.8, 0.5, 0.3, 0.15)
PLOT_ACTIONS = ("cycle_plot", "next_plot_weight", "next_plot_weight_b", "toggle_log_scale")


def remember(cache: dict, key, compute, keep: int = 8):
    """compute() once per key, keeping the `keep` newest (a few iterations either side)."""
    if key in cache:
        return cache[key]
    if len(cache) >= keep:
        del cache[next(iter(cache))]
    value = cache[key] = compute()
    return value


class LessonScreen(NarrationTools, LectureToolsScreen):
    """Renders step `index` of the trace; every key only moves the index."""

    BINDINGS = bindings(LESSON)

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
        self.narration_shown = True
        self.plot_zoomed = False
        self.shape = network_shape(scenario)
        self._needs_seen: dict[tuple, diagram.Needs] = {}
        self._layouts: dict[tuple, object] = {}
        self._fitted: tuple | None = None
        self._formula_rows = 1
        self._views_ahead: dict[tuple, StepView] = {}  # built between keys
        self._prefetch_timer = None
        self.ahead_done = False  # the pause's work (_prefetch_iteration) is done
        self._formula_need: dict[tuple, int] = {}
        self._data_rows = 1
        self._parts: dict[type, Widget] = {}

    def part(self, kind: type[PartT]) -> PartT:
        """The screen's one widget of this kind, looked up once (a query walks the DOM,
        and a step would make a dozen)."""
        found = self._parts.get(kind)
        if found is None:
            found = self._parts[kind] = self.query_one(kind)
        return found

    # -- layout -----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield from compose_panels(self, self.shape, PlotPanel(self.trace, id="plots"))

    def on_mount(self) -> None:
        self.timer = self.set_interval(AUTOPLAY_DELAYS[self.delay_level], self._tick, pause=True)
        self._collect_timer = self.set_interval(
            collector.IDLE_SECONDS, self._collect_in_pause, pause=True
        )
        self._fit(self.app.size.width, self.app.size.height)
        self.show()
        if self.autoplay is not None:
            self.timer.stop()
            self.timer = self.set_interval(self.autoplay, self._tick, pause=True)
            self._set_playing(True)

    def _collect_in_pause(self) -> None:
        self._collect_timer.pause()
        collector.collect_due()

    def on_unmount(self) -> None:
        collector.release()  # what the pauses froze, this screen's trace with it

    def refit(self) -> None:
        """Lay the panels out again for the terminal as it is (a panel came or went)."""
        self._fit(self.app.size.width, self.app.size.height)
        if self.view is not None:
            self.show()

    def on_resize(self, event) -> None:
        self._fit(event.size.width, event.size.height)
        if self.view is not None:
            self.show()

    @property
    def plot_shown(self) -> bool:
        panels = self.query(PlotPanel)
        return bool(panels) and panels.first().mode is not None

    def _fit(self, width: int, height: int) -> None:
        """Sizes for every panel, by priority: header, formula, data rows, network; the
        narration (or a plot) gets what is left."""
        self._formula_rows = self._formula_height(width - 2)
        plan = self._plan(width, height, self._formula_rows)
        self._data_rows = plan.data_rows
        plot = self.plot_shown
        size_panels(
            self,
            width,
            height,
            self._formula_rows,
            plan,
            self.narration_shown,
            plot,
            self.plot_zoomed,
        )
        self._fit_network(plan.net_width, plan.net_height)

    def _plan(self, width: int, height: int, formula: int) -> PanelPlan:
        """The panels' sizes for a terminal of this size and a formula of this height."""
        scenario = self.scenario
        panels = Panels(
            points=scenario.points,
            batch_size=scenario.batch_size,
            has_targets=scenario.has_targets,
            # header and footer, and a classroom's status line when there is one
            fixed_rows=2 + len(self.query("#room-status")),
            narration_shown=self.narration_shown,
            plot_shown=self.plot_shown,
            plot_zoomed=self.plot_zoomed,
        )
        return plan_panels(width, height, formula, panels)

    def _fit_network(self, width: int, height: int) -> None:
        needs = self._needs()
        key = (width, height, needs)
        if key != self._fitted:
            self._fitted = key
            self.part(NetworkCanvas).set_layout(self._layout(*key))

    def _layout(self, width: int, height: int, needs: diagram.Needs):
        return remember(
            self._layouts,
            (width, height, needs),
            lambda: panel_layout(self.shape, needs, width, height),
        )

    def _iteration_key(self, number: int) -> tuple:
        return (id(self.trace), len(self.trace.departures), self.decimals, number)

    def _needs(self, number: int | None = None) -> diagram.Needs:
        """Cells the numbers of an iteration (the current one by default) need."""
        if number is None:
            number = self.trace.iteration_of(self.index)[0]
        return diagram.Needs.widest([self._own_needs(n) for n in neighbours(self.trace, number)])

    def _own_needs(self, number: int) -> diagram.Needs:
        return remember(
            self._needs_seen,
            self._iteration_key(number),
            lambda: iteration_needs(self.trace, self.shape, number, self.decimals),
        )

    def _formula_height(self, width: int, number: int | None = None) -> int:
        """Rows for the longest formula of an iteration (and its neighbours), and the
        factors' legend."""
        if number is None:
            number = self.trace.iteration_of(self.index)[0]
        return max(
            self._own_formula_height(max(width, 20), n) for n in neighbours(self.trace, number)
        )

    def _own_formula_height(self, width: int, number: int) -> int:
        return remember(
            self._formula_need,
            (*self._iteration_key(number), width),
            lambda: formula_rows(self.trace, number, width),
        )

    @property
    def decimals(self) -> int:
        if self.chosen_decimals is not None:
            return self.chosen_decimals
        return DECIMALS

    # -- rendering --------------------------------------------------------------

    def _view_key(self, index: int) -> tuple:
        return (index, id(self.trace), len(self.trace.departures), self.decimals)

    def _prepare_next(self) -> None:
        """After a frame: build the next step's view and draw its panels ahead, so the
        next key only swaps in what changed; then, after a pause, the next iteration."""
        if self._prefetch_timer is not None:
            self._prefetch_timer.stop()
        self.ahead_done = False
        self._prefetch_timer = self.set_timer(0.01, self._prefetch_iteration)
        if self.index + 1 < len(self.trace):
            self._draw_ahead(self.index + 1, texts=True)  # (what is still ready is kept)

    def _draw_ahead(self, index: int, texts: bool = False) -> None:
        """Draw step `index` ahead: the canvas rows it changes (and, with `texts`, the
        text panels' lines), unless reveal mode covers its numbers or the panels are
        sized anew for it (then it is drawn when shown)."""
        view = self._view_ahead(index)
        if self.numbers_shown() is not None or self._fitted is None:
            return
        layout = None
        number = self.trace.iteration_of(index)[0]
        if number != self.trace.iteration_of(self.index)[0]:
            if self._formula_height(self.app.size.width - 2, number) != self._formula_rows:
                return
            layout = self._layout(*self._fitted[:2], self._needs(number))
        if texts:
            self.part(LessonHeader).prepare(self._header_lines(view))
            self.part(FormulaLine).prepare(FormulaLine.lines_for(view))
            lines, condensed = self._data_lines(view)
            self.part(DataPanel).prepare(lines)
            self.part(NarrationPanel).prepare(self.narration_lines(view, condensed))
        self.part(NetworkCanvas).prepare(view, layout)

    def _view_ahead(self, index: int) -> StepView:
        return remember(
            self._views_ahead,
            self._view_key(index),
            lambda: build_view(self.trace, index, self.decimals),
            keep=4,
        )

    def _prefetch_iteration(self) -> None:
        """In a pause between keys: draw the step before ahead, and build the next
        iteration (its steps, its sizes, its layout) and draw its first step ahead, so
        that a step back, `}` or stepping into the next iteration need not wait. Each
        part is its own callback, so a key that comes meanwhile waits for one part at
        most."""
        self._prefetch_timer = None
        if self._fitted is None:
            return
        number = self.trace.iteration_of(self.index)[0] + 1
        width, height = self.app.size
        trace = self.trace

        def layout() -> None:
            plan = self._plan(width, height, self._formula_height(width - 2, number))
            canvas = self.part(NetworkCanvas)
            canvas.prepare_layout(
                self._layout(plan.net_width, plan.net_height, self._needs(number))
            )

        parts = []
        if self.index > 0:
            parts.append(lambda: self._draw_ahead(self.index - 1, texts=True))  # a step back
        if number <= trace.iteration_of(len(trace) - 1)[0]:
            ahead = neighbours(trace, number)  # the next iteration is sized with its neighbours
            parts += [
                *(lambda n=n: trace.iteration(n) for n in ahead),
                *(lambda n=n: self._own_formula_height(max(width - 2, 20), n) for n in ahead),
                *(lambda n=n: self._own_needs(n) for n in ahead),
                layout,
                lambda: self._draw_ahead(trace.first_index(number), texts=True),  # `}`
            ]

        def run_next() -> None:
            self._prefetch_timer = None
            if self.trace is not trace or self.app.size != (width, height):
                return  # a what-if, or a new size: the next pause starts again
            if not parts:
                self.ahead_done = True
                collector.settle()  # the collector need not walk what was just built
                if collector.due():  # garbage to collect: when the lecturer pauses
                    self._collect_timer.reset()
                return
            parts.pop(0)()
            self._prefetch_timer = self.set_timer(0.001, run_next)

        run_next()

    def _header_lines(self, view: StepView) -> list[Content]:
        badges = []
        if self.playing:
            badges.append(("▶ playing", "$text-accent"))
        if self.trace.departures:
            badges.append(("✎ what-if", "bold $text-warning"))
        if view.warning:
            badges.append(DIVERGING)
        status = self.reveal_status()
        if status:  # reveal mode, the prediction score
            badges.append((status, "bold $text-accent"))
        return self.part(LessonHeader).lines_for(view, badges)

    def _data_lines(self, view: StepView) -> tuple[list[Content], bool]:
        scenario = self.scenario
        outputs = scenario.layers[-1].nodes
        return self.part(DataPanel).lines_for(
            view, scenario.inputs, outputs, scenario.has_targets, self._data_rows
        )

    def show(self, animate: bool = False) -> None:
        self._collect_timer.pause()  # a key: the lecturer is not pausing (_prefetch_iteration)
        self.ahead_done = False
        shown = self.numbers_shown()  # reveal mode: the step's numbers uncovered so far
        ready = self._views_ahead.get(self._view_key(self.index))
        if shown is None and ready is not None:
            view = ready
        else:
            view = covered_view(self.trace, self.index, self.decimals, shown)
        self.view = view
        if self._fitted is not None:
            size = self.app.size
            if self._formula_height(size.width - 2) != self._formula_rows:
                self._fit(size.width, size.height)  # this iteration's formulas differ
            else:
                self._fit_network(*self._fitted[:2])
        self.part(LessonHeader).set_lines(self._header_lines(view))
        animate = animate and self.app.animation_level != "none"
        formula = self.part(FormulaLine)
        # animated: the result (and a slope's factors) join the formula as they arrive
        formula.show(view, frozenset({"result"}) if animate else frozenset())
        lines, condensed = self._data_lines(view)
        data = self.part(DataPanel)
        data.condensed = condensed
        data.set_lines(lines)
        canvas = self.part(NetworkCanvas)
        canvas.selected = self.details
        arrival = (lambda: formula.show(view)) if animate else None
        canvas.show(view, animate=animate, on_arrival=arrival)
        self.part(NarrationPanel).show(self.narration_lines(view, condensed))
        self._show_plots(view)
        self.call_after_refresh(self._prepare_next)

    def narration_lines(self, view: StepView, condensed: bool) -> list[Content]:
        lines: list[Content] = []
        if self.trace.departures:
            departed = "; ".join(self.trace.departures)
            lines.append(Content.styled(f"✎ what-if: {departed} (u: file values)", "$text-warning"))
        lines.extend(warning_lines(view))
        lines.extend(self.gradient_check_lines())
        lines.extend(step_narration(view, condensed))
        if self.details is not None:
            formulas = element_details(self.trace, self.index, self.details)
            lines.append(
                Content.styled(f"{self.details}: its formulas so far", "bold $text-accent")
            )
            lines.extend(Content(f"   {line}") for line in formulas or ["(nothing computed yet)"])
        return lines

    def go(self, index: int) -> None:
        index = max(0, min(index, len(self.trace) - 1))
        forward_one = index == self.index + 1
        self.index = index
        self.show(animate=forward_one)

    # -- actions ----------------------------------------------------------------

    def check_action(self, action: str, parameters) -> bool | None:
        # Stepping keys stay enabled at the ends (go() clamps): greying them out would
        # rebuild the footer on the first and last steps, 30-50 ms each.
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
        from tui_backprop.app.screens.keys_help import KeysHelpScreen

        # The key list covers the narration only: the formula line and network stay in view.
        # Over the narration, below the network: the formula and the network stay in view.
        network = self.part(NetworkCanvas).region
        self.app.push_screen(KeysHelpScreen(keep_rows=network.y + network.height))

    def action_toggle_narration(self) -> None:
        self.narration_shown = not self.narration_shown
        self._fit(self.app.size.width, self.app.size.height)
        self.show()

    def action_narration_down(self) -> None:
        self.part(NarrationPanel).scroll_page_down(animate=False)

    def action_narration_up(self) -> None:
        self.part(NarrationPanel).scroll_page_up(animate=False)

    def action_clear_details(self) -> None:
        self.details = None
        self.show()

    def on_element_clicked(self, message: ElementClicked) -> None:
        self.details = None if self.details == message.element else message.element
        self.show()

    # -- plots: loss history, loss against a weight, landscape ----------------------

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
        panel = self.part(PlotPanel)
        panel.follow_click(self.details)
        panel.show(self.trace, self.index, view, self.decimals)

    def action_cycle_plot(self) -> None:
        self.part(PlotPanel).cycle()
        self._fit(self.app.size.width, self.app.size.height)  # the plot takes the side's place
        self.show()

    def action_zoom_plot(self) -> None:
        if not self.plot_shown:
            self.part(PlotPanel).cycle()
        self.plot_zoomed = not self.plot_zoomed
        self._fit(self.app.size.width, self.app.size.height)
        self.show()

    def action_next_plot_weight(self) -> None:
        """Select the next weight: the curve is drawn against it, 'e' edits it."""
        self.details = self.part(PlotPanel).next_weight()
        self.show()

    def action_next_plot_weight_b(self) -> None:
        self.part(PlotPanel).next_weight(second=True)
        self.show()

    def action_toggle_log_scale(self) -> None:
        panel = self.part(PlotPanel)
        panel.log_scale = not panel.log_scale
        self.show()

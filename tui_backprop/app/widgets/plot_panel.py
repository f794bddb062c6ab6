"""The plot panel: one of the three pictures, following the step index and the weight.

It keeps which picture is shown, which weight(s) it is drawn against, and the log
scale; the numbers come from tui_backprop.plots, the drawing from the plot widgets,
which are made (and textual-plot imported) the first time a plot is shown, so that
start-up does not pay for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.containers import Container

from tui_backprop import plots
from tui_backprop.numbers import fmt
from tui_backprop.trace import Trace
from tui_backprop.view import StepView

if TYPE_CHECKING:
    from tui_backprop.app.widgets.loss_curve_plot import LossCurvePlot
    from tui_backprop.app.widgets.loss_history_plot import LossHistoryPlot
    from tui_backprop.app.widgets.loss_landscape import LossLandscape

MODES = ("history", "curve", "landscape")
WIDE_SHARE = 45  # percent of the width beside the network (as in app.tcss)
MAX_GRID = 200  # at most this many grid values per axis of the landscape


class PlotPanel(Container, can_focus=False):
    """Shows `mode` (None: hidden) for the step given to show()."""

    def __init__(self, trace: Trace, **kwargs) -> None:
        super().__init__(**kwargs)
        self.trace = trace  # show() brings the lesson's current trace (what-if changes it)
        self.has_loss = trace.scenario.has_targets and trace.updates > 0
        self.names = plots.trainable_names(trace.scenario)
        self.mode: str | None = None
        self.weight_a = self.names[0] if self.names else None
        self.weight_b = self.names[1] if len(self.names) > 1 else None
        self.log_scale = False
        self._details_seen: str | None = None
        self._shown: tuple[Trace, int, StepView, int] | None = None
        # the pictures change once per iteration, not per step: keep the last of each
        self._memo: dict[str, tuple[tuple, object]] = {}
        self._waiting = False
        self._widgets: tuple[LossHistoryPlot, LossCurvePlot, LossLandscape] | None = None

    def plot_widgets(self) -> tuple[LossHistoryPlot, LossCurvePlot, LossLandscape]:
        """The three plot widgets, made and mounted the first time they are needed."""
        if self._widgets is None:
            from tui_backprop.app.widgets.loss_curve_plot import LossCurvePlot
            from tui_backprop.app.widgets.loss_history_plot import LossHistoryPlot
            from tui_backprop.app.widgets.loss_landscape import LossLandscape

            self._widgets = (
                LossHistoryPlot(id="loss-history", classes="plot"),
                LossCurvePlot(id="loss-curve", classes="plot"),
                LossLandscape(id="loss-landscape", classes="plot"),
            )
            self.mount(*self._widgets)
        return self._widgets

    # -- choices -------------------------------------------------------------------

    @property
    def modes(self) -> tuple[str, ...]:
        """The pictures this lesson can show: none without a loss; no landscape with
        only one weight."""
        if not self.has_loss or not self.names:
            return ()
        return MODES if len(self.names) > 1 else MODES[:2]

    def cycle(self) -> str | None:
        """Next picture: off -> history -> curve -> landscape -> off."""
        order = [None, *self.modes]
        self.mode = order[(order.index(self.mode) + 1) % len(order)]
        return self.mode

    def next_weight(self, second: bool = False) -> str | None:
        """w: the curve's weight (the landscape's across) moves on through all the
        weights, swapping places with the second if it lands there; W: the second
        weight (the landscape's up) moves on, skipping the first."""
        if not self.names:
            return None
        if not second:
            name = self._after(self.weight_a)
            if name == self.weight_b:
                self.weight_b = self.weight_a
            self.weight_a = name
            return name
        name = self._after(self.weight_b)
        if name == self.weight_a and len(self.names) > 1:
            name = self._after(name)
        self.weight_b = name
        return name

    def _after(self, name: str | None) -> str:
        index = self.names.index(name) if name in self.names else -1
        return self.names[(index + 1) % len(self.names)]

    def follow_click(self, details: str | None) -> None:
        """A newly clicked weight becomes the plotted one."""
        if details == self._details_seen:
            return
        self._details_seen = details
        if details in self.names and details != self.weight_a:
            if details == self.weight_b:
                self.weight_b = self.weight_a
            self.weight_a = details

    # -- drawing -------------------------------------------------------------------

    def on_resize(self) -> None:
        if self.mode is not None and self._shown is not None:
            self.call_after_refresh(self.redraw)

    def _sized(self) -> None:
        self._waiting = False
        if self.plot_widgets()[2].size.width:
            self.redraw()

    def redraw(self) -> None:
        if self._shown is not None:
            self.show(*self._shown)

    def show(self, trace: Trace, index: int, view: StepView, decimals: int = 4) -> None:
        self.trace = trace
        self._shown = (trace, index, view, decimals)
        if self.mode is None:
            if self.display:
                self.display = False
            return
        self.display = True
        for plot in self.plot_widgets():
            plot.display = plot.id == f"loss-{self.mode}"
        if self.mode == "history":
            self._show_history(index, view, decimals)
        elif self.mode == "curve":
            self._show_curve(index, view, decimals)
        elif self.mode == "landscape":
            self._show_landscape(index, view, decimals)

    def _cached(self, kind: str, key: tuple, compute):
        """compute() once per key (the trace, its what-if changes, the iteration...)."""
        key = (self.trace, tuple(self.trace.departures), *key)
        last = self._memo.get(kind)
        if last is None or last[0] != key:
            last = self._memo[kind] = (key, compute())
        return last[1]

    def _show_history(self, index: int, view: StepView, d: int) -> None:
        history = plots.loss_history(self.trace, index)
        self.plot_widgets()[0].show(history, self.log_scale)
        scale = "log scale · L: linear" if self.log_scale else "L: log scale"
        self.border_title = "Loss history: batch loss before each update"
        if len(history.losses):
            latest = f"iteration {history.iterations[-1]}: loss {fmt(history.losses[-1], d)}"
        else:
            latest = "no loss computed yet"
        self.border_subtitle = f"{latest} · {scale}"

    def _show_curve(self, index: int, view: StepView, d: int) -> None:
        name = self.weight_a
        number, _ = self.trace.iteration_of(index)
        curve = self._cached(
            "curve", (number, name), lambda: plots.loss_curve(self.trace, index, name)
        )
        known = view.weights.get(name)
        tangent = known is not None and known.slope is not None
        step = known is not None and known.new is not None
        self.plot_widgets()[1].show(curve, tangent, step)
        self.border_title = f"Loss against {name}, all else fixed"
        parts = [f"● w {fmt(curve.w, d)}", f"loss {fmt(curve.loss, d)}"]
        if tangent:
            parts.append(f"slope {fmt(curve.slope, d)}")
        if step:
            parts.append(f"▶ new w {fmt(curve.next_w, d)}")
        if len(self.names) > 1:
            parts.append("w: next weight")
        self.border_subtitle = " · ".join(parts)

    def _show_landscape(self, index: int, view: StepView, d: int) -> None:
        landscape = self.plot_widgets()[2]
        if not landscape.size.width and not self._waiting:
            self._waiting = True  # just shown: draw again once it has its size
            self.call_after_refresh(self._sized)
        across, rows = landscape.map_size()
        a, b = self.weight_a, self.weight_b
        size = plots.affordable_size(
            self.trace,
            index,
            [a, b],
            min(max(across, 41), MAX_GRID),
            min(max(2 * rows, 41), MAX_GRID),
        )
        number, _ = self.trace.iteration_of(index)
        grid = self._cached(
            "landscape",
            (number, a, b, size),
            lambda: plots.loss_grid(self.trace, index, a, b, size),
        )
        shown = [view.weights.get(n) for n in (a, b)]
        step = any(w is not None and w.new is not None for w in shown)
        landscape.show(grid, step)
        self.border_title = f"Loss over {a} and {b}"
        now = f"({fmt(grid.current[0], d)}, {fmt(grid.current[1], d)})"
        self.border_subtitle = f"● {now} · w/W: weights"

"""The batch loss before every update so far, epoch boundaries marked; log scale on L."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from textual_plot import HiResMode
from textual_plot.axis_formatter import NumericAxisFormatter

from tui_backprop.app.widgets.lesson_plot import LessonPlot
from tui_backprop.numbers import fmt
from tui_backprop.plots import LossHistory

LOG_FLOOR = 1e-12  # a loss of exactly 0 is drawn at this height on the log scale
MAX_BOUNDARY_SHARE = 6  # at most one epoch line every this many columns


class PowerLabels(NumericAxisFormatter):
    """Ticks on log10(loss) at round losses, labelled with the loss itself: the powers
    of 10 (0.01, 0.1, 1, 10) when there are at least three of them, else 1, 2, 5 x 10^k,
    else 1, 1.5, 2, 3, 5, 7 x 10^k; the plain numeric ticks for a very narrow range."""

    TIERS = ((1,), (1, 2, 5), (1, 1.5, 2, 3, 5, 7))

    def get_ticks(self, min_: float, max_: float, max_ticks: int = 8) -> list[float]:
        if not (np.isfinite(min_) and np.isfinite(max_)) or max_ - min_ > 60:
            return super().get_ticks(min_, max_, max_ticks)
        powers = range(int(np.floor(min_)), int(np.ceil(max_)) + 1)
        best: list[float] = []
        for multiples in self.TIERS:
            ticks = [k + float(np.log10(m)) for k in powers for m in multiples]
            ticks = [t for t in ticks if min_ <= t <= max_]
            if len(ticks) >= 2:
                best = ticks
            if len(ticks) >= 3:
                break
        if len(best) < 2:
            return super().get_ticks(min_, max_, max_ticks)
        every = -(-len(best) // max_ticks)
        return best[::every]

    def get_labels_for_ticks(self, ticks: Sequence[float]) -> list[str]:
        return [fmt(10.0**t, 3) for t in ticks]


class LossHistoryPlot(LessonPlot):
    """Draws a plots.LossHistory; unfocusable, so its pan and zoom keys never take ours."""

    COMPONENT_CLASSES = {"loss-history--line", "loss-history--point", "loss-history--epoch"}

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.history: LossHistory | None = None
        self.log_scale = False

    def show(self, history: LossHistory, log_scale: bool) -> None:
        old = self.history
        same = (
            old is not None
            and log_scale == self.log_scale
            and len(old.iterations) == len(history.iterations)
            and old.updates == history.updates
            and np.array_equal(old.losses, history.losses)
        )
        self.history = history
        self.log_scale = log_scale
        if not same:  # within an iteration the history only changes at its loss step
            self.draw()

    def on_resize(self) -> None:
        if self.history is not None and len(self.history.epoch_boundaries):
            self.draw()  # how many epoch lines fit depends on the width

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self.is_mounted and self.history is not None:
            self.draw()

    def _style(self, name: str) -> str:
        return str(self.get_component_rich_style(f"loss-history--{name}"))

    def heights(self) -> np.ndarray:
        """What is drawn up the y axis: the loss, or log10 of it."""
        losses = self.history.losses
        if not self.log_scale:
            return losses
        return np.log10(np.maximum(losses, LOG_FLOOR))

    def draw(self) -> None:
        history = self.history
        if history is None or not self.is_mounted:
            return
        self.clear()
        self.set_y_formatter(PowerLabels() if self.log_scale else NumericAxisFormatter())
        self.set_ylabel("log loss" if self.log_scale else "loss")
        self.set_xlabel("iteration")
        self.set_xlimits(0.5, max(history.updates, 1) + 0.5)
        ys = self.heights()
        finite = ys[np.isfinite(ys) & (np.abs(ys) < 1e150)]
        if finite.size:
            low, high = float(finite.min()), float(finite.max())
            low = low if self.log_scale else min(low, 0.0)
            pad = 0.05 * (high - low) or 1.0
            self.set_ylimits(low - (pad if self.log_scale else 0.0), high + pad)
        else:
            self.set_ylimits(0.0, 1.0)
        boundaries = history.epoch_boundaries
        width = max(self.size.width - self.margin_left, 1)
        if len(boundaries):
            every = int(np.ceil(len(boundaries) * MAX_BOUNDARY_SHARE / width))
            for x in boundaries[every - 1 :: every]:
                self.add_v_line(float(x), line_style=self._style("epoch"))
        drawn = np.isfinite(ys) & (np.abs(ys) < 1e150)  # a diverged run: finite part only
        if drawn.any():
            xs, ys = history.iterations[drawn], ys[drawn]
            if len(ys) > 1:
                self.plot(xs, ys, line_style=self._style("line"), hires_mode=HiResMode.BRAILLE)
            self.scatter(xs[-1:], ys[-1:], marker="●", marker_style=self._style("point"))

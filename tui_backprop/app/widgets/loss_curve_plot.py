"""Loss against one weight: the U, the current point, its tangent and the step downhill."""

from __future__ import annotations

import numpy as np
from textual_plot import HiResMode

from tui_backprop.app.widgets.lesson_plot import LessonPlot
from tui_backprop.plots import TANGENT_SLACK, LossCurve


class LossCurvePlot(LessonPlot):
    """Draws a plots.LossCurve; unfocusable, so its pan and zoom keys never take ours."""

    COMPONENT_CLASSES = {
        "loss-curve--curve",
        "loss-curve--tangent",
        "loss-curve--point",
        "loss-curve--next",
    }

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.curve: LossCurve | None = None
        self.show_tangent = False
        self.show_step = False

    def show(self, curve: LossCurve, tangent: bool, step: bool) -> None:
        """tangent: the slope is known; step: the weight's update has been shown."""
        tangent = tangent and curve.tangent is not None
        step = step and curve.next_w is not None
        if curve is self.curve and (tangent, step) == (self.show_tangent, self.show_step):
            return  # the same picture (a step within the same iteration)
        self.curve, self.show_tangent, self.show_step = curve, tangent, step
        self.draw()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self.is_mounted and self.curve is not None:
            self.draw()  # the theme changed: colours come from the component classes

    def _style(self, name: str) -> str:
        return str(self.get_component_rich_style(f"loss-curve--{name}"))

    def draw(self) -> None:
        curve = self.curve
        if curve is None or not self.is_mounted:
            return
        self.clear()
        self.set_ylabel("loss")
        self.set_xlabel(f"weight {curve.name}")
        # A diverged run gives inf and nan: draw what is finite, never hand the rest on.
        shown = np.isfinite(curve.ws) & (np.abs(curve.losses) < MAX_DRAWN)
        if not shown.any() or not np.isfinite([curve.ws[0], curve.ws[-1]]).all():
            self.set_xlimits(0.0, 1.0)
            self.set_ylimits(0.0, 1.0)
            return
        ws, losses = curve.ws[shown], curve.losses[shown]
        low, high = float(losses.min()), float(losses.max())
        pad = TANGENT_SLACK * (high - low) or 1.0
        self.set_xlimits(float(curve.ws[0]), float(curve.ws[-1]))
        self.set_ylimits(low - pad, high + pad)
        self.plot(ws, losses, line_style=self._style("curve"), hires_mode=HiResMode.BRAILLE)
        if self.show_tangent and _drawable(*curve.tangent[0], *curve.tangent[1]):
            (x0, y0), (x1, y1) = curve.tangent
            self.plot(
                [x0, x1], [y0, y1], line_style=self._style("tangent"), hires_mode=HiResMode.BRAILLE
            )
        if self.show_step and _drawable(curve.next_w, curve.next_loss):
            arrow = "▶" if curve.next_w > curve.w else "◀"
            self.scatter(
                [curve.next_w], [curve.next_loss], marker=arrow, marker_style=self._style("next")
            )
        if _drawable(curve.w, curve.loss):
            self.scatter([curve.w], [curve.loss], marker="●", marker_style=self._style("point"))


MAX_DRAWN = 1e150  # beyond this, pixel arithmetic overflows; such a loss is off any chart


def _drawable(*numbers: float) -> bool:
    return all(np.isfinite(x) and abs(x) < MAX_DRAWN for x in numbers)

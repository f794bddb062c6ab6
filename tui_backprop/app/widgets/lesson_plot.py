"""What our plots share: textual-plot's PlotWidget, tamed for a lesson screen."""

from __future__ import annotations

from textual_plot import PlotWidget


class LessonPlot(PlotWidget, can_focus=False):
    """Unfocusable without pan and zoom, so its keys never take ours; tight margins."""

    def __init__(self, **kwargs) -> None:
        super().__init__(allow_pan_and_zoom=False, **kwargs)

    def on_mount(self) -> None:
        super().on_mount()
        # the panel's title names the axes: no rows for axis labels at 80 x 24
        self.margin_top = 0
        self.margin_bottom = 1
        self.margin_left = 8
        self.draw()

    def draw(self) -> None:
        raise NotImplementedError

"""The network as one line-API canvas: nodes, weight labels and edges drawn into cells.

Each node and weight is its own region of the canvas (it lights up, animates and opens
its details on a click), but the whole is one widget whose rows are cached as Strips:
a step repaints only the rows its changes touch. Measured against one widget per node
and label, this is what lets a key answer within a frame (docs/performance.md).
"""

from __future__ import annotations

from rich.segment import Segment as RichSegment
from textual import events
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.strip import Strip

from tui_backprop import diagram
from tui_backprop.app.messages import ElementClicked
from tui_backprop.app.roles import rich_styles
from tui_backprop.app.widgets.cached_rows import CachedRows
from tui_backprop.layout import NetworkLayout, Shape
from tui_backprop.param import Param
from tui_backprop.view import StepView

ANIMATION_SECONDS = 0.33


class NetworkCanvas(CachedRows):
    """Draws the step's view; scrolls to keep the active node or weight in sight."""

    DEFAULT_CSS = """
    NetworkCanvas {
        background: $background;
        scrollbar-size: 1 1;
    }
    """

    progress: reactive[float] = reactive(1.0, repaint=False)

    def __init__(self, shape: Shape, **kwargs) -> None:
        super().__init__(**kwargs)
        self.shape = shape
        self.layout_info: NetworkLayout | None = None
        self.view: StepView | None = None
        self.selected: str | None = None
        self._dots: dict[str, list] = {}
        self._base: diagram.Cells = {}
        self._picture: diagram.Picture | None = None
        self._on_row: dict[int, list[str]] = {}
        self._styles: dict | None = None

    def on_mount(self) -> None:
        self.watch(self.app, "theme", self._theme_changed, init=False)

    def _theme_changed(self) -> None:
        self._styles = None
        self._strips.clear()
        self.refresh()

    # -- what is drawn ------------------------------------------------------------

    def set_layout(self, layout: NetworkLayout) -> None:
        self.layout_info = layout
        self._dots, self._base = diagram.base_edges(layout)
        self._picture = None
        self._strips.clear()
        self.virtual_size = Size(layout.width, layout.height)
        if self.view is not None:
            self.show(self.view)
        self.refresh()

    def show(self, view: StepView, animate: bool = False, on_arrival=None) -> None:
        """Draw this step; with `animate`, its numbers travel in over a third of a second
        and `on_arrival` is called when they are there (at once without animation)."""
        self._on_arrival = None  # the previous step's arrival: its formula is replaced
        self.finish_animation()
        self.view = view
        self._on_arrival = on_arrival
        if animate:
            self.set_reactive(NetworkCanvas.progress, 0.0)
            self._draw()
            self.animate("progress", 1.0, duration=ANIMATION_SECONDS, easing="out_cubic")
        else:
            self.set_reactive(NetworkCanvas.progress, 1.0)
            self._draw()
            self._arrived()
        self._follow_active()

    _on_arrival = None

    def _arrived(self) -> None:
        callback, self._on_arrival = self._on_arrival, None
        if callback is not None:
            callback()

    def finish_animation(self) -> None:
        """A key pressed mid-animation: jump to its end at once."""
        if self.progress < 1:
            self.app.animator.force_stop_animation(self, "progress")
            self.set_reactive(NetworkCanvas.progress, 1.0)
            self._draw()
            self._arrived()

    def watch_progress(self, progress: float) -> None:
        self._draw()
        if progress >= 1:
            self._arrived()

    def _draw(self) -> None:
        layout, view = self.layout_info, self.view
        if layout is None or view is None:
            return
        picture = diagram.draw(layout, self.shape, self._dots, view, self.progress, self.selected)
        rows = diagram.changed_rows(self._picture, picture)
        self._picture = picture
        self._on_row = diagram.rows_index(picture)
        if rows is None:
            self._strips.clear()
            self.refresh()
            return
        top = self.scroll_offset.y
        for y in rows:
            self._strips.pop(y, None)
        visible = [y - top for y in sorted(rows) if 0 <= y - top < self.size.height]
        if visible:
            self.refresh(*(Region(0, y, self.size.width, 1) for y in visible))

    def _follow_active(self) -> None:
        """Keep the active node, or the active weight's label and edge, on screen."""
        layout, view = self.layout_info, self.view
        region = None
        for name, node in view.nodes.items():
            if node.active:
                box = layout.nodes[name]
                region = Region(box.x, box.y, box.width, box.height)
        for name, weight in view.weights.items():
            if weight.active:
                box = layout.labels.get(name) or layout.floating_label(
                    name, diagram.floating_width(weight)
                )
                box = box or layout.nodes[Param.parse(name).target]
                region = Region(box.x, box.y, box.width, box.height)
                edge = layout.edges.get(name)
                if edge is not None:
                    x0 = int(min(edge.x0, edge.x1))
                    y0 = int(min(edge.y0, edge.y1))
                    span = Region(
                        x0, y0, int(abs(edge.x1 - edge.x0)) + 1, int(abs(edge.y1 - edge.y0)) + 1
                    )
                    if span.width <= self.size.width and span.height <= self.size.height:
                        region = region.union(span)
        if region is not None:
            self.scroll_to_region(region, animate=False, immediate=True, force=True)

    def text_lines(self) -> list[str]:
        """The whole canvas as plain text (what the tests read numbers from)."""
        if self.layout_info is None or self._picture is None:
            return []
        return diagram.picture_text(self.layout_info, self._base, self._picture)

    # -- painting -----------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        strip = self._row(y + scroll_y)
        return strip.crop_extend(scroll_x, scroll_x + width, self.base_style)

    def _row(self, y: int) -> Strip:
        cached = self._strips.get(y)
        if cached is not None:
            return cached
        layout = self.layout_info
        base_style = self.base_style
        if layout is None or self._picture is None or y >= layout.height:
            return Strip.blank(layout.width if layout else self.size.width, base_style)
        if self._styles is None:
            self._styles = rich_styles(self.app.get_css_variables())
        styles = self._styles
        runs = diagram.compose_row(y, layout.width, self._base, self._picture, self._on_row)
        segments = [RichSegment(text, base_style + styles[role]) for text, role in runs]
        strip = Strip(segments, layout.width)
        self._strips[y] = strip
        return strip

    def on_click(self, event: events.Click) -> None:
        if self.layout_info is None:
            return
        x = event.x + self.scroll_offset.x
        y = event.y + self.scroll_offset.y
        element = diagram.element_at(self.layout_info, x, y)
        if element is not None:
            self.post_message(ElementClicked(element))

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
from tui_backprop.app.widgets.cached_rows import READY_STEPS, CachedRows
from tui_backprop.layout import NetworkLayout, Shape
from tui_backprop.param import Param
from tui_backprop.view import StepView

ANIMATION_SECONDS = 0.33
# Drawn at most this many times on the way (the animator ticks at 60 Hz, about 20 times
# in a third of a second): a projector shows no difference, and each drawing costs CPU.
ANIMATION_FRAMES = 10


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
        self._base_rows: list[diagram.BaseRow] = []
        self._edges: dict[int, tuple] = {}
        self._picture: diagram.Picture | None = None
        self._styles: dict | None = None
        # steps drawn ahead (the next one, the first of the next iteration, the one
        # before), by their view's id: (the view, its layout, the picture it was drawn
        # against, the selected element, its picture, the columns that change, the
        # strips of those rows)
        self._ready: dict[int, tuple] = {}

    def on_mount(self) -> None:
        self.watch(self.app, "theme", self._theme_changed, init=False)

    def _theme_changed(self) -> None:
        self._styles = None
        self._ready.clear()
        self._strips.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._ready.clear()

    # -- what is drawn ------------------------------------------------------------

    def set_layout(self, layout: NetworkLayout) -> None:
        """Draw into this layout from now on; the lesson screen shows the step next."""
        self.layout_info = layout
        self._dots, self._base, self._base_rows = self._edges_of(layout)
        self._picture = None  # drawn again by the next show, or when a row is painted
        self._strips.clear()
        self.set_virtual_size(Size(layout.width, layout.height))
        self.refresh()

    def prepare_layout(self, layout: NetworkLayout) -> None:
        """Between keys: rasterise the edges of a layout the lesson will need soon."""
        self._edges_of(layout)

    def _edges_of(self, layout: NetworkLayout) -> tuple:
        """Each layout's edges, rasterised once: a lesson goes back and forth between
        the layouts of a few iterations."""
        key = id(layout)
        known = self._edges.get(key)
        if known is None or known[0] is not layout:
            if len(self._edges) >= 8:
                del self._edges[next(iter(self._edges))]
            dots, base = diagram.base_edges(layout)
            rows = diagram.base_rows(layout.width, layout.height, base)
            known = self._edges[key] = (layout, dots, base, rows)
        return known[1:]

    def show(self, view: StepView, animate: bool = False, on_arrival=None) -> None:
        """Draw this step; with `animate`, its numbers travel in over a third of a second
        and `on_arrival` is called when they are there (at once without animation)."""
        self._on_arrival = None  # the previous step's arrival: its formula is replaced
        self.finish_animation()
        self.view = view
        self._on_arrival = on_arrival
        if animate:
            self.set_reactive(NetworkCanvas.progress, 0.0)
            self._frame = 0
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

    _frame = 0

    def watch_progress(self, progress: float) -> None:
        frame = int(progress * ANIMATION_FRAMES)
        if progress < 1 and frame == self._frame:
            return
        self._frame = frame
        self._draw()
        if progress >= 1:
            self._arrived()

    def prepare(self, view: StepView, layout: NetworkLayout | None = None) -> None:
        """Between keys: draw `view` (not animated), in `layout` if the step it belongs
        to is laid out anew, and compose the rows it changes, so the key that shows it
        only swaps them in."""
        if not self.is_mounted or self.layout_info is None:
            return
        layout = layout or self.layout_info
        before = self._picture if layout is self.layout_info else None
        if self._is_ready(self._ready.get(id(view)), view, layout, before):
            return
        dots, _, base_rows = self._edges_of(layout)
        picture = diagram.draw(layout, self.shape, dots, view, 1.0, self.selected)
        spans = diagram.changed_spans(before, picture)
        rows = range(layout.height) if spans is None else spans
        strips = {y: self._compose_strip(y, picture, layout, base_rows) for y in rows}
        if len(self._ready) >= READY_STEPS:
            del self._ready[next(iter(self._ready))]
        self._ready[id(view)] = (view, layout, before, self.selected, picture, spans, strips)

    def _is_ready(self, ready: tuple | None, view: StepView, layout, before) -> bool:
        """Whether a step drawn ahead still holds: drawn for this view and layout, over
        the picture on the canvas then, with the same element selected, not animated."""
        return (
            ready is not None
            and ready[0] is view
            and ready[1] is layout
            and ready[2] is before
            and ready[3] == self.selected
        )

    def _draw(self) -> None:
        layout, view = self.layout_info, self.view
        if layout is None or view is None:
            return
        ready = self._ready.pop(id(view), None)
        if self.progress >= 1 and self._is_ready(ready, view, layout, self._picture):
            picture, spans, strips = ready[4:]
        else:
            picture = diagram.draw(
                layout, self.shape, self._dots, view, self.progress, self.selected
            )
            spans, strips = diagram.changed_spans(self._picture, picture), {}
        self._picture = picture
        if spans is None:
            self._strips = dict(strips)
            self.refresh()
            return
        for y in spans:
            self._strips.pop(y, None)
        self._strips.update(strips)
        scroll_x, top = self.scroll_offset
        shown = Region(0, 0, *self.size)
        regions = [
            region
            for y, (x0, x1) in spans.items()
            if (region := Region(x0 - scroll_x, y - top, x1 - x0, 1).intersection(shown))
        ]
        if regions:
            self.refresh(*regions)

    def _follow_active(self) -> None:
        """Keep the active node, or the active weight's label and edge, on screen; with
        neither (a point's inputs), the nodes the step set, as many as fit."""
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
        if region is None:  # no node or weight is active: what the step set (an input)
            boxes = [layout.nodes[name] for name, node in view.nodes.items() if node.changed]
            for box in boxes:
                box_region = Region(box.x, box.y, box.width, box.height)
                if region is None:
                    region = box_region
                elif region.union(box_region).height <= self.size.height:
                    region = region.union(box_region)
        shown = Region(*self.scroll_offset, *self.size)
        if region is not None and shown.intersection(region) != region:
            self.scroll_to_region(region, animate=False, immediate=True, force=True)

    def text_lines(self) -> list[str]:
        """The whole canvas as plain text (what the tests read numbers from)."""
        if self._picture is None and self.view is not None:
            self._draw()
        if self.layout_info is None or self._picture is None:
            return []
        return diagram.picture_text(self.layout_info, self._base, self._picture)

    def drawn_rows(self) -> list[Strip]:
        """Every row of the canvas as drawn (from a step drawn ahead or on the spot),
        scrolled off rows included: what the tests compare."""
        height = self.layout_info.height if self.layout_info is not None else 0
        return [self._row(y) for y in range(height)]

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
        if layout is None or self.view is None or y >= layout.height:
            return Strip.blank(layout.width if layout else self.size.width, self.base_style)
        if self._picture is None:  # laid out anew and not shown since
            self._draw()
        strip = self._strips[y] = self._compose_strip(y, self._picture)
        return strip

    def _compose_strip(
        self, y: int, picture: diagram.Picture, layout=None, base_rows=None
    ) -> Strip:
        if self._styles is None:
            self._styles = rich_styles(self.app.get_css_variables())
        styles, base_style = self._styles, self.base_style
        width = (layout or self.layout_info).width
        base = (base_rows or self._base_rows)[y]
        runs = diagram.compose_row(y, width, base, picture)
        return Strip([RichSegment(text, base_style + styles[role]) for text, role in runs], width)

    def on_click(self, event: events.Click) -> None:
        if self.layout_info is None:
            return
        x = event.x + self.scroll_offset.x
        y = event.y + self.scroll_offset.y
        element = diagram.element_at(self.layout_info, x, y)
        if element is not None:
            self.post_message(ElementClicked(element))

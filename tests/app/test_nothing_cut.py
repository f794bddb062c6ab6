"""Issue 10 part 4, "Nothing is cut": every number of a step's view is on screen, whole.

Each bundled scenario is walked at 80x24 and 120x40, every step (sgd's 1738 too);
big-network's 106,911 steps are sampled: the first and last 3 steps of every phase,
and of every kind of step in it, of iterations 1 and 2 and of the final pass. Then
backprop-relu again after `d` (more decimals) and after a what-if. At each step the numbers of
build_view(trace, index, decimals) are looked for where they belong:

- the formula, whole, in the formula line's painted text;
- each node's z, value, f′, ∂, target and error on a line of its own box, the box's
  border intact (nothing drawn over it);
- each weight's value, ∂slope or old→new on its label row, starting at the label's
  left edge and not running on into another number (a dense network has no label per
  weight: there the active weight's label, whole);
- the active node or weight inside the part of the canvas in view;
- no panel changing size between two steps of one iteration.

The text is read from the widgets' render_lines and the canvas's text_lines (fast),
and steps are reached with screen.go, which is what every stepping key calls.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from conftest import click_element, widget_text
from textual.geometry import Region

from tui_backprop.app.app import BackpropApp
from tui_backprop.app.widgets.network_canvas import NetworkCanvas
from tui_backprop.bundled import bundled_names
from tui_backprop.cli import resolve
from tui_backprop.trace import Trace
from tui_backprop.view import StepView, build_view

SIZES = [(80, 24), (120, 40)]
SAMPLED = {"big-network": 3}  # scenario -> steps kept at each end of every phase
NUMBER_CHAR = re.compile(r"[\d.\-]")

# how a node writes each of its numbers: short prefix, or the long one where it fits
PREFIXES = {
    "pre_activation": ("z",),
    "value": ("=",),
    "activation_slope": ("f′",),
    "slope": ("∂",),
    "target": ("t", "target"),
    "error": ("e", "error"),
}


def phase_ends(trace: Trace, number: int, keep: int) -> list[int]:
    """The first and last `keep` steps of each phase of iteration `number`, and of each
    kind of step within it (a weighted sum, a node's value, a weight's slope...)."""
    groups: dict[tuple[str, ...], list[int]] = {}
    for step in trace.iteration(number).steps:
        groups.setdefault((step.phase,), []).append(step.index)
        groups.setdefault((step.phase, step.kind), []).append(step.index)
    picked = []
    for indices in groups.values():
        picked += indices[:keep] + indices[-keep:]
    return sorted(set(picked))


def steps_to_walk(name: str, trace: Trace) -> list[int]:
    keep = SAMPLED.get(name)
    if keep is None:
        return list(range(len(trace)))
    final = trace.iterations  # the pass after training is the last "iteration"
    return sorted({i for n in (1, 2, final) for i in phase_ends(trace, n, keep)})


def collapse(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Findings:
    problems: list[str] = field(default_factory=list)

    def add(self, where: str, what: str) -> None:
        if len(self.problems) < 40:
            self.problems.append(f"{where}: {what}")


def label_wanted(name: str, value: str, slope: str | None, new: str | None) -> str:
    """A weight label as the issue describes it: value; value ∂slope; old→new."""
    prefix = "b " if name.startswith("bias:") else ""
    if new is not None:
        return f"{prefix}{value}→{new}"
    if slope is not None:
        return f"{prefix}{value} ∂{slope}"
    return prefix + value


def whole_at(row: str, x: int, text: str) -> bool:
    """`text` is written at column x of `row` and does not run on into more digits."""
    if row[x : x + len(text)] != text:
        return False
    after = row[x + len(text) : x + len(text) + 1]
    before = row[x - 1 : x] if x else ""
    return not NUMBER_CHAR.match(after or " ") and not re.match(r"[\d.]", before or " ")


def identity_nodes(screen) -> set[str]:
    """Nodes whose value is their z (the issue asks for z on non-identity nodes only)."""
    layers = screen.scenario.layers
    return {name for layer in layers if layer.activation == "identity" for name in layer.nodes}


def check_nodes(screen, view: StepView, lines: list[str], where: str, out) -> None:
    layout = screen.query_one(NetworkCanvas).layout_info
    identity = identity_nodes(screen)
    for name, node in view.nodes.items():
        box = layout.nodes[name]
        rows = [lines[y][box.x : box.x + box.width] for y in range(box.y, box.y + box.height)]
        if not (rows[0].startswith("╭") and rows[0].endswith("╮") and name in rows[0]):
            out.add(where, f"node {name}: top border {rows[0]!r}")
        if rows[-1] != "╰" + "─" * (box.width - 2) + "╯":
            out.add(where, f"node {name}: bottom border {rows[-1]!r}")
        inside = []
        for row in rows[1:-1]:
            if not (row.startswith("│") and row.endswith("│")):
                out.add(where, f"node {name}: side border broken in {row!r}")
            inside.append(collapse(row[1:-1]))
        for attribute, prefixes in PREFIXES.items():
            number = getattr(node, attribute)
            if number is None or (attribute == "pre_activation" and name in identity):
                continue
            if not any(f"{prefix} {number}" in inside for prefix in prefixes):
                out.add(where, f"node {name}: {attribute} {number} not whole in {rows}")


def check_labels(view: StepView, canvas: NetworkCanvas, lines: list[str], where: str, out):
    layout = canvas.layout_info
    for name, weight in view.weights.items():
        wanted = label_wanted(name, weight.value, weight.slope, weight.new)
        box = layout.labels.get(name)
        if box is not None:
            if box.x + len(wanted) > box.x + box.width:
                out.add(where, f"label {name}: {wanted!r} wider than its box {box}")
            if not whole_at(lines[box.y], box.x, wanted):
                seen = lines[box.y][max(box.x - 1, 0) : box.x + box.width + 1]
                out.add(where, f"label {name}: {wanted!r} not whole in {seen!r}")
        elif weight.active:  # dense networks: only the active weight's label, on its edge
            if not any(f" {wanted} " in line for line in lines):
                out.add(where, f"floating label {name}: {wanted!r} not drawn whole")
        elif layout.show_labels:
            out.add(where, f"label {name}: no place for it in the layout")


def active_region(view: StepView, canvas: NetworkCanvas, lines: list[str]) -> list[tuple]:
    """(what, Region) of the active node and weight, in canvas cells; with neither, the
    first node the step set."""
    layout = canvas.layout_info
    found = []
    for name, node in view.nodes.items():
        if node.active:
            box = layout.nodes[name]
            found.append((f"node {name}", Region(box.x, box.y, box.width, box.height)))
    for name, weight in view.weights.items():
        if not weight.active:
            continue
        box = layout.labels.get(name)
        if box is not None:
            found.append((f"label {name}", Region(box.x, box.y, box.width, 1)))
            continue
        wanted = f" {label_wanted(name, weight.value, weight.slope, weight.new)} "
        for y, line in enumerate(lines):
            x = line.find(wanted)
            if x >= 0:
                found.append((f"floating label {name}", Region(x, y, len(wanted), 1)))
    if not found:  # nothing active (a point's inputs): the first node the step set
        for name, node in view.nodes.items():
            if node.changed:
                box = layout.nodes[name]
                found.append((f"set node {name}", Region(box.x, box.y, box.width, box.height)))
                break
    return found


def check_step(screen, where: str, out: Findings) -> None:
    view = build_view(screen.trace, screen.index, screen.decimals)
    formula = widget_text(screen.query_one("#formula"))
    wanted = collapse(f"{view.step.number}. {view.formula}")
    if wanted not in collapse(formula):
        out.add(where, f"formula {wanted!r} not whole in {formula!r}")
    canvas = screen.query_one(NetworkCanvas)
    lines = canvas.text_lines()
    check_nodes(screen, view, lines, where, out)
    check_labels(view, canvas, lines, where, out)
    shown = Region(*canvas.scroll_offset, *canvas.size)
    for what, region in active_region(view, canvas, lines):
        if not shown.contains_region(region):
            out.add(where, f"active {what} at {region} is outside the view {shown}")


def panel_sizes(screen) -> tuple:
    """What the lesson screen has decided about its panels' sizes."""
    canvas = screen.query_one(NetworkCanvas)
    panels = [screen.query_one(selector) for selector in ("#formula", "#data", "#side")]
    return (
        *(str(panel.styles.height) for panel in [*panels, canvas]),
        str(canvas.styles.width),
        canvas.virtual_size,
    )


async def walk(app: BackpropApp, pilot, steps: list[int], label: str, out: Findings) -> None:
    """Step to each index and check it. Panels may change size only when a new iteration
    needs it (issue 10: no size change from one step to the next); then the screen is
    laid out again before it is read."""
    screen = app.screen
    iteration = sizes = None
    for index in steps:
        screen.go(index)
        assert screen.index == index
        where = f"{label} step {index + 1}"
        number = screen.trace.iteration_of(index)[0]
        if number != iteration:
            iteration = number
            await pilot.pause()
            sizes = panel_sizes(screen)
        elif panel_sizes(screen) != sizes:
            out.add(where, f"a panel changed size within iteration {number}")
            await pilot.pause()
            sizes = panel_sizes(screen)
        check_step(screen, where, out)


def scenario_cases() -> list:
    return [
        pytest.param(name, size, id=f"{name}-{size[0]}x{size[1]}")
        for name in bundled_names()
        for size in SIZES
    ]


@pytest.mark.parametrize(("name", "size"), scenario_cases())
async def test_every_number_of_every_step_is_on_screen_whole(name, size):
    app = BackpropApp(resolve(name))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        out = Findings()
        await walk(app, pilot, steps_to_walk(name, app.screen.trace), name, out)
        assert not out.problems, "\n".join(out.problems)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_more_decimals_and_a_what_if_cut_nothing(size):
    app = BackpropApp(resolve("backprop-relu"))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = app.screen
        every = list(range(len(screen.trace)))
        out = Findings()
        for _ in range(2):  # 4 decimals -> 6 -> 8
            await pilot.press("d")
            await pilot.pause()
            await walk(app, pilot, every, f"{screen.decimals} decimals", out)
        # A what-if with a long value: the weight is selected by clicking its label.
        screen.go(30)
        await pilot.pause()
        await click_element(pilot, "x2->a2")
        assert screen.details == "x2->a2"
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#ask-input").value = "-12.3456789"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen and screen.trace.departures
        assert screen.view.weights["x2->a2"].value.startswith("-12.345")
        await walk(app, pilot, every, f"what-if, {screen.decimals} decimals", out)
        await pilot.press("d")  # back to 2 decimals, the what-if kept
        await pilot.pause()
        await walk(app, pilot, every, f"what-if, {screen.decimals} decimals", out)
        assert not out.problems, "\n".join(out.problems)

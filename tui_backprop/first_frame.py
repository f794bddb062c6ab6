"""The lesson's first frame, as data: computed where NumPy is (the child process that
checks the file at start-up) and drawn where it is not yet (the app's opening frame),
so step 1's numbers come with the app's first frame.

Everything in it is plain Python (the view's step reduced to a StepMark), so the app can
unpickle it without importing NumPy.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from tui_backprop import diagram
from tui_backprop.sizing import Panels, formula_rows, iteration_needs, neighbours
from tui_backprop.view import StepMark, StepView, build_view

if TYPE_CHECKING:
    from tui_backprop.scenario import Scenario

DECIMALS = 4  # the lesson's own, until `d` changes it


@dataclass(frozen=True)
class FirstFrame:
    size: tuple[int, int]  # the terminal it was sized for
    view: StepView  # the step's view, its step reduced to a StepMark
    needs: diagram.Needs  # cells the numbers of the iteration (and its neighbours) need
    formula_rows: int
    panels: Panels
    inputs: tuple[str, ...]  # the data table's column names
    outputs: tuple[str, ...]


def network_shape(scenario: Scenario) -> diagram.Shape:
    return diagram.network_shape(
        scenario.layer_nodes,
        [layer.bias is not None for layer in scenario.layers],
        [layer.activation for layer in scenario.layers],
    )


def first_frame(scenario: Scenario, index: int, size: tuple[int, int]) -> FirstFrame:
    """Step `index` as the lesson screen shows it first on a terminal of `size`."""
    from tui_backprop.trace import Trace

    trace = Trace(scenario)
    number = trace.iteration_of(index)[0]
    near = neighbours(trace, number)
    shape = network_shape(scenario)
    view = build_view(trace, index, DECIMALS)
    step = view.step
    return FirstFrame(
        size=size,
        view=replace(view, step=StepMark(step.index, step.node, step.weight)),
        needs=diagram.Needs.widest([iteration_needs(trace, shape, n, DECIMALS) for n in near]),
        formula_rows=max(formula_rows(trace, n, max(size[0] - 2, 20)) for n in near),
        panels=Panels(scenario.points, scenario.batch_size, scenario.has_targets),
        inputs=tuple(scenario.inputs),
        outputs=tuple(scenario.layers[-1].nodes),
    )

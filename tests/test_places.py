"""Named places in a lesson, and phase/iteration jumps (no Textual)."""

from __future__ import annotations

import pytest

from tui_backprop import places
from tui_backprop.cli import resolve
from tui_backprop.errors import ScenarioError
from tui_backprop.scenario import parse_scenario
from tui_backprop.trace import Trace


@pytest.fixture(scope="module")
def relu() -> Trace:
    return Trace(resolve("backprop-relu"))


@pytest.fixture(scope="module")
def sgd() -> Trace:
    return Trace(resolve("sgd"))


def test_phase_names_go_to_the_first_iterations_phases(relu: Trace):
    for phase in ("forward", "loss", "backward", "update"):
        index = places.resolve_place(relu, phase)
        step = relu[index]
        assert (step.phase, step.iteration) == (phase, 1)
        assert index == 0 or relu[index - 1].phase != phase
    # the slides' backprop-relu: step 13 is the output's slope 2 × error
    assert places.resolve_place(relu, "backward") == 12
    assert relu[12].text == "slope(out) = 2 × error = 2 × 3 = 6"


def test_numbers_iterations_epochs_final_and_end(sgd: Trace):
    assert places.resolve_place(sgd, "1") == 0
    assert places.resolve_place(sgd, str(len(sgd))) == len(sgd) - 1
    assert places.resolve_place(sgd, "end") == len(sgd) - 1
    third = places.resolve_place(sgd, "iteration:3")
    assert sgd[third].iteration == 3 and sgd[third - 1].iteration == 2
    backward = places.resolve_place(sgd, "iteration:3:backward")
    assert (sgd[backward].iteration, sgd[backward].phase) == (3, "backward")
    epoch = places.resolve_place(sgd, "epoch:2")
    assert (sgd[epoch].epoch, sgd[epoch].iteration) == (2, sgd.batches_per_epoch + 1)
    final = places.resolve_place(sgd, "final")
    assert sgd[final].final and not sgd[final - 1].final


@pytest.mark.parametrize(
    "selector",
    [
        "0",
        "100000",
        "iteration:0",
        "iteration:999",
        "epoch:99",
        "iteration:2:sideways",
        "backwards",
        "",
        "step 3",
    ],
)
def test_bad_places_say_what_is_wrong(sgd: Trace, selector: str):
    with pytest.raises(ValueError) as error:
        places.resolve_place(sgd, selector)
    assert str(error.value)


def test_forward_only_has_no_final_pass():
    trace = Trace(resolve("forward-propagation"))
    with pytest.raises(ValueError, match="no training"):
        places.resolve_place(trace, "final")
    with pytest.raises(ValueError, match="no backward"):
        places.resolve_place(trace, "backward")


def test_phase_and_iteration_jumps_walk_the_boundaries(sgd: Trace):
    index, boundaries = 0, [0]
    while index < len(sgd) - 1:
        index = places.next_phase(sgd, index)
        boundaries.append(index)
    starts = [
        i
        for i in range(len(sgd))
        if i == 0 or (sgd[i].phase, sgd[i].iteration) != (sgd[i - 1].phase, sgd[i - 1].iteration)
    ]
    assert boundaries[:-1] == starts[: len(boundaries) - 1]
    assert boundaries[-1] == len(sgd) - 1
    # and back again, from the end
    index, back = len(sgd) - 1, []
    while index > 0:
        index = places.previous_phase(sgd, index)
        back.append(index)
    assert back == starts[::-1]
    assert places.next_iteration(sgd, 0) == sgd.first_index(2)
    assert places.previous_iteration(sgd, sgd.first_index(2) + 3) == sgd.first_index(2)
    assert places.previous_iteration(sgd, sgd.first_index(2)) == 0
    assert places.next_iteration(sgd, len(sgd) - 1) == len(sgd) - 1


BOOKMARKED = """
title = "bookmarks"
[network]
inputs = 1
[[network.layers]]
nodes = 1
weights = [[2]]
[data]
inputs = [3]
targets = [10]
[training]
epochs = 3
[[bookmarks]]
name = "slopes"
step = "backward"
note = "the slope -24"
[[bookmarks]]
name = "second"
step = "iteration:2"
[[bookmarks]]
name = "myself"
step = "STEP"
"""


def test_bookmarks_resolve_and_are_checked():
    good = Trace(parse_scenario(BOOKMARKED.replace("STEP", "7"), "b.toml"))
    places.check_bookmarks(good)
    assert places.resolve_place(good, "slopes") == places.resolve_place(good, "backward")
    assert good[places.resolve_place(good, "second")].iteration == 2
    assert places.resolve_place(good, "myself") == 6
    for bad in ("myself", "slopes", "iteration:9"):  # a bookmark is not a step selector
        trace = Trace(parse_scenario(BOOKMARKED.replace("STEP", bad), "b.toml"))
        with pytest.raises(ScenarioError) as error:
            places.check_bookmarks(trace)
        assert error.value.where == "bookmarks[2].step"

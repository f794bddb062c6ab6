"""The plot panel in the app: each plot appears on `v`, follows the step and the weight."""

from __future__ import annotations

import pytest
import textual.constants
from conftest import click_element

from tui_backprop.app.app import BackpropApp
from tui_backprop.app.widgets.loss_curve_plot import LossCurvePlot
from tui_backprop.app.widgets.loss_history_plot import LossHistoryPlot
from tui_backprop.app.widgets.loss_landscape import LossLandscape
from tui_backprop.app.widgets.network_canvas import NetworkCanvas
from tui_backprop.app.widgets.plot_panel import PlotPanel
from tui_backprop.cli import resolve

SIZE = (100, 34)


@pytest.fixture(autouse=True)
def no_animations(monkeypatch: pytest.MonkeyPatch) -> None:
    """TEXTUAL_ANIMATIONS=none; textual reads it at import, so set the constant too."""
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    monkeypatch.setattr(textual.constants, "TEXTUAL_ANIMATIONS", "none")


def lesson(name: str) -> BackpropApp:
    return BackpropApp(resolve(name))


def shown(app: BackpropApp) -> str | None:
    """Which plot is on screen (None: the panel is hidden)."""
    panel = app.screen.query_one(PlotPanel)
    if not panel.display:
        return None
    visible = [
        w
        for w in (LossHistoryPlot, LossCurvePlot, LossLandscape)
        if app.screen.query_one(w).display
    ]
    assert len(visible) == 1
    return visible[0].__name__


async def go_to(pilot, app: BackpropApp, index: int) -> None:
    app.screen.go(index)
    await pilot.pause()


async def test_v_cycles_through_the_plots():
    app = lesson("two-inputs")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert shown(app) is None
        expected = ["LossHistoryPlot", "LossCurvePlot", "LossLandscape", None, "LossHistoryPlot"]
        for name in expected:
            await pilot.press("v")
            await pilot.pause()
            assert shown(app) == name
        assert app.screen.plot_shown
        # the network stays on screen beside or above the plot
        assert app.screen.query_one(NetworkCanvas).region.height > 0


async def test_single_weight_has_no_landscape():
    app = lesson("single-weight")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        seen = []
        for _ in range(4):
            await pilot.press("v")
            await pilot.pause()
            seen.append(shown(app))
        assert seen == ["LossHistoryPlot", "LossCurvePlot", None, "LossHistoryPlot"]


async def test_curve_follows_the_step_forward_and_back():
    app = lesson("single-weight")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("v", "v")
        await pilot.pause()
        plot = app.screen.query_one(LossCurvePlot)
        trace = app.screen.trace
        assert plot.curve.w == 2 and not plot.show_tangent and not plot.show_step

        await go_to(pilot, app, trace.phase_start_in(1, "backward"))
        slope_step = next(s.index for s in trace.iteration(1).steps if s.kind == "weight_slope")
        await go_to(pilot, app, slope_step - 1)
        assert not plot.show_tangent  # the slope is not known yet
        await go_to(pilot, app, slope_step)
        assert plot.show_tangent and not plot.show_step
        assert plot.curve.slope == pytest.approx(-24)

        await go_to(pilot, app, trace.phase_start_in(1, "update"))
        assert plot.show_tangent and plot.show_step
        assert plot.curve.next_w == pytest.approx(2.24)

        await pilot.press("right_curly_bracket")  # next iteration
        await pilot.pause()
        assert plot.curve.w == pytest.approx(2.24)
        assert not plot.show_tangent and not plot.show_step
        await pilot.press("right_curly_bracket")
        await pilot.pause()
        third = plot.curve.w
        assert 2.24 < third < 10 / 3

        await pilot.press("left_curly_bracket")  # and back
        await pilot.pause()
        assert plot.curve.w == pytest.approx(2.24)
        await pilot.press("home")
        await pilot.pause()
        assert plot.curve.w == 2


async def test_history_grows_with_the_steps_and_log_scale_toggles():
    app = lesson("sgd")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("v")
        await pilot.pause()
        plot = app.screen.query_one(LossHistoryPlot)
        trace = app.screen.trace
        assert len(plot.history.losses) == 0
        await go_to(pilot, app, trace.first_index(5))
        assert list(plot.history.iterations) == [1, 2, 3, 4]
        await go_to(pilot, app, trace.first_index(3))
        assert list(plot.history.iterations) == [1, 2]
        assert list(plot.history.epoch_boundaries[:2]) == [3.5, 6.5]
        assert not plot.log_scale
        await pilot.press("L")
        await pilot.pause()
        assert plot.log_scale
        assert plot.heights()[0] == pytest.approx(
            float(__import__("math").log10(plot.history.losses[0]))
        )


async def test_curve_follows_a_clicked_weight_and_w():
    app = lesson("two-inputs")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("v", "v")
        await pilot.pause()
        plot = app.screen.query_one(LossCurvePlot)
        assert plot.curve.name == "x1->prediction"  # the first weight by default

        await click_element(pilot, "x2->prediction")
        await pilot.pause()
        assert app.screen.details == "x2->prediction"
        assert plot.curve.name == "x2->prediction"
        assert plot.curve.w == 2

        await pilot.press("w")  # the next weight, selected like a click
        await pilot.pause()
        assert plot.curve.name == "x1->prediction"
        assert app.screen.details == "x1->prediction"
        assert plot.curve.w == 1

        await pilot.press("right_curly_bracket")  # it keeps following the step
        await pilot.pause()
        assert plot.curve.name == "x1->prediction"
        assert plot.curve.w == pytest.approx(0.7)


async def test_landscape_follows_the_steps_and_the_weights():
    app = lesson("sgd")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("v", "v", "v")
        await pilot.pause()
        landscape = app.screen.query_one(LossLandscape)
        trace = app.screen.trace
        assert landscape.grid.names == ("x1->y", "x2->y")
        await go_to(pilot, app, trace.first_index(4))
        assert list(landscape.grid.path_iterations) == [1, 2, 3, 4]
        assert not landscape.show_next
        await go_to(pilot, app, trace.phase_start_in(4, "update"))
        assert landscape.show_next
        assert landscape.grid.next == pytest.approx(
            tuple(trace.iteration(4).new_params.weights[0][0])
        )
        await go_to(pilot, app, trace.first_index(2))
        assert list(landscape.grid.path_iterations) == [1, 2]

        await pilot.press("W")  # the second weight moves on: to the bias
        await pilot.pause()
        assert landscape.grid.names == ("x1->y", "bias:y")
        await pilot.press("w")  # the first weight moves on, skipping the second
        await pilot.pause()
        assert landscape.grid.names == ("x2->y", "bias:y")
        # its lines paint: a heat map, then the two legend lines
        text = [landscape.render_line(y).text for y in range(landscape.size.height)]
        assert "▀" in text[0]
        assert "x2->y" in text[-2] and "bias:y" in text[-2]
        assert text[-1].startswith("loss ")


async def test_wide_screens_put_the_plot_beside_the_network():
    app = lesson("two-inputs")
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        await pilot.press("v", "v")
        await pilot.pause()
        network = app.screen.query_one(NetworkCanvas).region
        panel = app.screen.query_one(PlotPanel).region
        assert panel.x >= network.right
        assert panel.y == network.y
        assert app.screen.query_one("#data").region.height > 0


async def test_plot_keys_do_nothing_without_a_loss():
    app = lesson("forward-propagation")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("v")
        await pilot.pause()
        assert shown(app) is None


def test_log_scale_ticks_are_round_losses():
    from tui_backprop.app.widgets.loss_history_plot import PowerLabels

    labels = PowerLabels()
    assert labels.get_ticks_and_labels(-3.2, 0.8)[1] == ["0.001", "0.01", "0.1", "1"]
    assert labels.get_ticks_and_labels(-0.7, 0.75)[1] == ["0.2", "0.5", "1", "2", "5"]


# -- one snapshot of each plot ---------------------------------------------------------


def test_snapshot_loss_curve(snap_compare):
    # single-weight, iteration 3's update: the U, the tangent and the step downhill
    keys = ["v", "v", "right_curly_bracket", "right_curly_bracket"]
    keys += ["right_square_bracket"] * 3
    assert snap_compare(lesson("single-weight"), press=keys, terminal_size=SIZE)


def test_snapshot_loss_history(snap_compare):
    keys = ["v", *["right_curly_bracket"] * 20, "L"]
    assert snap_compare(lesson("sgd"), press=keys, terminal_size=SIZE)


def test_snapshot_loss_landscape(snap_compare):
    keys = ["v", "v", "v", *["right_curly_bracket"] * 3, *["right_square_bracket"] * 3]
    assert snap_compare(lesson("two-inputs"), press=keys, terminal_size=SIZE)

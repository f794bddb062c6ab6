"""Lead and follow a room in the running app (issue 13): the leader publishes its step
and what-if edits; a follower lands on them, detaches on a stepping key, catches up on f,
waits without a leader, refuses another scenario and ignores a bad room file."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tui_backprop.app.app import BackpropApp
from tui_backprop.app.follow import RoomStatus
from tui_backprop.classroom.room import (
    Edit,
    Place,
    private_directory,
    read_place,
    room_path,
    scenario_digest,
    write_place,
)
from tui_backprop.cli import resolve

SIZE = (100, 34)
# b2->out is 2 in backprop-relu; at 0.5 the output is 1 × 1 + 3 × 0.5 = 2.5 (by hand),
# the error 2.5 − 4 = −1.5, and at step 13 the output's slope is 2 × (−1.5) = −3.
WHAT_IF = Edit("weight", 1, 0.5, "b2->out")


@pytest.fixture
def room(tmp_path, monkeypatch) -> Path:
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    path = room_path("lecture")
    private_directory(path.parent)  # as the command line does before the app starts
    return path


def relu_place(step: int, edits=(), name: str = "backprop-relu") -> Place:
    scenario = resolve(name)
    digest = scenario_digest(Path(scenario.path).read_bytes())
    return Place(scenario.name, digest, step, tuple(edits), leader=1, seq=step)


def dead_pid() -> int:
    """The id of a process that has ended (and been reaped)."""
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def app_in(room: Path, role: str, name: str = "backprop-relu") -> BackpropApp:
    return BackpropApp(resolve(name), 0, None, room=(role, room))


async def settle(pilot) -> None:
    """One poll of the room, then let the screen catch up."""
    pilot.app.classroom.tick()
    await pilot.pause()


def status(app) -> str:
    return str(app.screen.query_one(RoomStatus).content)


async def test_the_leader_publishes_its_step_and_what_if_edits(room):
    app = app_in(room, "lead")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert read_place(room).step == 0
        assert "leading room lecture" in status(app)
        await pilot.press("space", "space", "space")
        await settle(pilot)
        assert read_place(room).step == 3
        screen = app.screen
        screen.details = "b2->out"
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#ask-input").value = "0.5"
        await pilot.press("enter")
        await pilot.pause()
        await settle(pilot)
        place = read_place(room)
        assert place.edits == (WHAT_IF,)
        assert place.step == 0  # an edit restarts its iteration
        assert place.digest == relu_place(0).digest
        await pilot.press("u")  # back to the file's values
        await settle(pilot)
        assert read_place(room).edits == ()
    app.classroom.remove()
    assert not room.exists()


async def test_a_late_follower_lands_on_the_leaders_step_and_numbers(room):
    write_place(room, relu_place(12, [WHAT_IF]))
    app = app_in(room, "follow")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.index == 12
        out = screen.view.nodes["out"]
        assert (out.value, out.slope) == ("2.5", "-3")
        assert "b2->out = 0.5" in " ".join(screen.trace.departures)
        assert "following room lecture" in status(app)


async def test_a_stepping_key_detaches_and_f_catches_up(room):
    write_place(room, relu_place(5))
    app = app_in(room, "follow")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.index == 5
        await pilot.press("space")
        await settle(pilot)
        assert "on your own: f to follow again" in status(app)
        write_place(room, relu_place(20, [WHAT_IF]))
        await settle(pilot)
        assert app.screen.index == 6  # the student's own place, not the leader's
        assert app.screen.trace.departures == []
        await pilot.press("f")
        await pilot.pause()
        assert app.screen.index == 20
        assert app.screen.view.nodes["out"].value == "2.5"
        assert "following room lecture" in status(app)
        write_place(room, relu_place(21, [WHAT_IF]))
        await settle(pilot)
        assert app.screen.index == 21


async def test_f_does_nothing_for_an_app_not_in_a_room():
    app = BackpropApp(resolve("backprop-relu"), 3)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        await pilot.pause()
        assert app.screen.index == 3
        assert not app.screen.query(RoomStatus)


async def test_a_follower_without_a_leader_waits_then_follows(room):
    app = app_in(room, "follow")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "no leader yet" in status(app)
        assert app.screen.index == 0
        write_place(room, relu_place(9))
        await settle(pilot)
        assert app.screen.index == 9


async def test_a_follower_whose_leader_died_says_so_and_stays(room):
    place = relu_place(9)
    write_place(room, Place(place.scenario, place.digest, 9, leader=dead_pid()))
    app = app_in(room, "follow")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "the leader has left; waiting for one" in status(app)
        assert app.screen.index == 0


async def test_a_follower_of_another_scenario_says_so_and_stays(room):
    write_place(room, relu_place(9, name="single-weight"))
    app = app_in(room, "follow")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "the leader shows single-weight, not this lesson" in status(app)
        assert app.screen.index == 0


@pytest.mark.parametrize(
    "content",
    [
        b"not json at all",
        b'{"format": "backprop-tui-room", "version": 1, "step": "DROP TABLE"}',
        b"[" * 50000,
    ],
)
async def test_a_malformed_room_file_is_ignored_with_a_warning(room, content):
    app = app_in(room, "follow")
    async with app.run_test(size=SIZE) as pilot:
        room.write_bytes(content)
        await settle(pilot)
        assert app.screen.index == 0
        assert "waiting for a valid room file" in status(app)
        warnings = [n.message for n in app._notifications]
        assert any("ignored a room file that is not valid" in m for m in warnings)
        write_place(room, relu_place(4))  # a good file later is followed
        await settle(pilot)
        assert app.screen.index == 4


@pytest.mark.parametrize(
    ("place", "words"),
    [
        (relu_place(10_000), "past this lesson's end"),
        (relu_place(3, [Edit("weight", 1, 0.5, "x9->nowhere")]), "no weight 'x9->nowhere'"),
        (relu_place(3, [Edit("weight", 99, 0.5, "b2->out")]), "past the lesson"),
        (relu_place(3, [Edit("weight", 1, 0.5, "[b]bold[/b]")]), "no weight"),
    ],
)
async def test_a_place_that_does_not_fit_the_lesson_is_ignored(room, place, words):
    write_place(room, place)
    app = app_in(room, "follow")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await settle(pilot)  # still following, not taken for a student's own move
        assert app.screen.index == 0
        assert app.screen.trace.departures == []
        assert any(words in n.message for n in app._notifications)
        assert "does not fit this lesson; waiting" in status(app)
        write_place(room, relu_place(7))  # the leader's next place that fits is followed
        await settle(pilot)
        assert app.screen.index == 7


async def test_handout_key_writes_the_markdown_handout_in_a_terminal(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = BackpropApp(resolve("backprop-relu"), 0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("H")
        await pilot.pause()
    saved = tmp_path / "backprop-tui-backprop-relu-handout.md"
    text = saved.read_text(encoding="utf-8")
    assert text.startswith("# Backpropagation with ReLU")
    assert "18" in text and "42" in text  # the slide's slopes (scenario description)
    assert any(str(saved) in n.message for n in app._notifications)


async def test_a_learning_rate_edit_reaches_the_follower(room):
    write_place(room, relu_place(3, [Edit("learning_rate", 1, 0.1)]))
    app = app_in(room, "follow")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        trace = app.screen.trace
        assert trace.learning_rate(1) == 0.1
        # b2->out's slope is 18 (the slide); at rate 0.1 it moves to 2 − 0.1 × 18 = 0.2
        after = trace.params_before(2).value(trace.position("b2->out"))
        assert after == pytest.approx(0.2, abs=1e-12)
        assert app.screen.index == 3

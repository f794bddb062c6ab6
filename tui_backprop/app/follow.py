"""Lead or follow a room: the app side of the classroom.

A small controller on the app that polls, so the lesson screen needs no hooks: a leader
publishes (scenario, step, what-if edits) whenever they change; a follower reads the room
file when it changes and moves the lesson screen there through its own methods (go, and
the trace's what-if methods). A follower whose step or edits change other than by the
room has been moved by its user: it is on its own until `f`.
"""

from __future__ import annotations

import os
import weakref
from pathlib import Path

from textual.content import Content
from textual.widgets import Static

from tui_backprop.classroom.room import (
    Edit,
    Place,
    RoomError,
    read_place,
    scenario_digest,
    write_place,
)
from tui_backprop.trace import Trace

FOLLOW_POLL_SECONDS = 0.1  # a stat() of the room file: cheap, even for 30 followers
LEAD_POLL_SECONDS = 0.02  # compares (step, edits): publishes within a frame of the key


def apply_edits(trace: Trace, edits: tuple[Edit, ...]) -> None:
    """Replay what-if edits through the trace's own what-if methods; ValueError if one
    does not fit this lesson (the one place to adapt if edits change form)."""
    for edit in edits:
        if edit.kind == "weight":
            if edit.iteration > trace.iterations:
                raise ValueError(f"{edit.name}: iteration {edit.iteration} is past the lesson")
            try:
                trace.position(edit.name)
            except KeyError:
                raise ValueError(f"no weight {edit.name!r} in this lesson") from None
            trace.set_weight(edit.iteration, edit.name, edit.value)
        else:
            if edit.iteration > max(trace.updates, 1):
                raise ValueError(f"learning rate: iteration {edit.iteration} is past the lesson")
            trace.set_learning_rate(edit.iteration, edit.value)


def leader_alive(pid: int) -> bool:
    """False only if no process has that id (a leader that crashed left its file)."""
    if pid <= 0:
        return True  # written by something that did not say
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def edits_of(screen) -> tuple[Edit, ...]:
    return tuple(getattr(screen, "what_if_edits", ()))


class RoomStatus(Static):
    """One line under the header: leading, following, on your own, or waiting."""

    DEFAULT_CSS = """
    RoomStatus {
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $text-accent;
    }
    RoomStatus.-alone { color: $text-warning; }
    RoomStatus.-waiting { color: $text-muted; }
    """


class Classroom:
    """Keeps the app's lesson screen and a room in step, one way or the other."""

    def __init__(self, app, role: str, path: Path) -> None:
        self.app = app
        self.role = role  # "lead" or "follow"
        self.path = path
        self.room = path.stem
        self.following = role == "follow"
        self.pid = os.getpid()
        self.seq = 0
        self.published: tuple | None = None  # leader: what was last written
        self.applied: tuple | None = None  # follower: (step, edits) last taken from the room
        self._stat: tuple | None = None
        self._place: Place | RoomError | None = None
        self._warned: str | None = None
        self._rejected: Place | None = None  # a place that did not fit this lesson
        self._digests: dict[str, str] = {}
        self._status: tuple = ()
        self._bars: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # screen -> bar

    def start(self) -> None:
        poll = LEAD_POLL_SECONDS if self.role == "lead" else FOLLOW_POLL_SECONDS
        self.app.set_interval(poll, self.tick)
        self.app.call_after_refresh(self.tick)

    def lesson(self):
        from tui_backprop.app.screens.lesson import LessonScreen

        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, LessonScreen) and screen.is_mounted:
                return screen
        return None

    def digest(self, screen) -> str:
        path = screen.scenario.path
        if path not in self._digests:
            try:
                self._digests[path] = scenario_digest(Path(path).read_bytes())
            except OSError:
                self._digests[path] = scenario_digest(screen.scenario.title.encode())
        return self._digests[path]

    def tick(self) -> None:
        screen = self.lesson()
        if screen is None or screen.view is None:
            return
        if self.role == "lead":
            self.publish(screen)
        else:
            self.follow(screen)

    # -- leading ----------------------------------------------------------------

    def publish(self, screen) -> None:
        state = (self.digest(screen), screen.index, edits_of(screen))
        if state != self.published:
            self.seq += 1
            place = Place(screen.scenario.name, state[0], state[1], state[2], self.pid, self.seq)
            try:
                write_place(self.path, place)
            except (OSError, RoomError) as error:
                self.warn(f"Room {self.room}: could not publish ({error})")
                return
            self.published = state
        self.show_status(screen, f"● leading room {self.room}: followers see this step", "")

    def remove(self) -> None:
        from tui_backprop.classroom.room import remove_place

        if self.role == "lead":
            remove_place(self.path, self.pid)

    # -- following --------------------------------------------------------------

    def follow(self, screen) -> None:
        moved = (screen.index, edits_of(screen)) != self.applied
        if self.following and self.applied is not None and moved:
            self.detach()
        place = self.read()
        if not self.following:
            text = f"○ on your own: f to follow again (room {self.room})"
            self.show_status(screen, text, "-alone")
            return
        if place is None:
            self.show_status(screen, f"◌ room {self.room}: no leader yet; waiting", "-waiting")
            return
        if isinstance(place, RoomError):
            self.warn(f"Room {self.room}: ignored a room file that is not valid: {place}")
            text = f"◌ room {self.room}: waiting for a valid room file"
            self.show_status(screen, text, "-waiting")
            return
        if not leader_alive(place.leader):
            text = f"◌ room {self.room}: the leader has left; waiting for one"
            self.show_status(screen, text, "-waiting")
            return
        if place.digest != self.digest(screen):
            self.show_status(
                screen,
                f"◌ room {self.room}: the leader shows {place.scenario}, not this lesson; "
                "not following",
                "-waiting",
            )
            return
        self.apply(screen, place)

    def read(self) -> Place | RoomError | None:
        """The room's place, re-read only when the file changed (atomic renames give a
        new inode); None if there is no leader."""
        try:
            info = os.stat(self.path)
        except OSError:
            self._stat, self._place = None, None
            return None
        key = (info.st_ino, info.st_mtime_ns, info.st_size)
        if key != self._stat:
            self._stat = key
            try:
                self._place = read_place(self.path)
            except FileNotFoundError:
                self._stat, self._place = None, None
            except RoomError as error:
                self._place = error
        return self._place

    def apply(self, screen, place: Place) -> None:
        if place == self._rejected:  # already warned about; wait for the next place
            text = f"◌ room {self.room}: the leader's place does not fit this lesson; waiting"
            self.show_status(screen, text, "-waiting")
            return
        if (place.step, place.edits) == self.applied and screen.index == place.step:
            self.show_status(screen, self.following_text(screen), "")
            return
        try:
            if place.step >= len(screen.trace):
                raise ValueError(f"step {place.step + 1} is past this lesson's end")
            if place.edits != edits_of(screen):
                trace = Trace(screen.scenario, decimals=screen.trace.decimals)
                apply_edits(trace, place.edits)
                screen.trace = trace
                screen.what_if_edits = place.edits
        except ValueError as error:
            self._rejected = place
            self.warn(f"Room {self.room}: ignored the leader's place: {error}")
            self.applied = (screen.index, edits_of(screen))  # still following, not moved
            self.apply(screen, place)
            return
        screen.go(place.step)
        self.applied = (screen.index, edits_of(screen))
        self.show_status(screen, self.following_text(screen), "")

    def following_text(self, screen) -> str:
        # the same text at every step: the header shows the step, and this line is not redrawn
        return f"◉ following room {self.room} (a step key puts you on your own)"

    def detach(self) -> None:
        self.following = False
        self.app.refresh_bindings()

    def follow_again(self) -> None:
        self.following = True
        self.applied = None
        self._stat = None
        self.app.refresh_bindings()
        self.tick()

    # -- showing ------------------------------------------------------------------

    def show_status(self, screen, text: str, kind: str) -> None:
        bar = self._bars.get(screen)
        if bar is None:
            headers = screen.query("#header")
            if not headers:  # the screen is closing
                return
            bar = self._bars[screen] = RoomStatus(id="room-status")
            screen.mount(bar, after=headers.first())
            screen.refit()  # one row less for the network and the narration
        elif self._status == (screen, text, kind):
            return
        self._status = (screen, text, kind)
        bar.set_class(kind == "-alone", "-alone")
        bar.set_class(kind == "-waiting", "-waiting")
        # plain text: a room file's words are never markup; one line high, so no relayout
        bar.update(Content(text), layout=False)

    def warn(self, message: str) -> None:
        if message != self._warned:  # once per new problem, not ten times a second
            self._warned = message
            self.app.notify(message, title="Room", severity="warning", timeout=6, markup=False)

"""A room: where a leader publishes its place in a lesson and followers read it.

One small JSON file per room, in a directory only this user can enter
($XDG_RUNTIME_DIR/backprop-tui, else /tmp/backprop-tui-UID, mode 0700). The leader
writes the whole file anew and renames it into place, so a follower never reads half a
file. A follower trusts nothing in it beyond its fields: each is checked for type and
range, and anything else is reported as a RoomError for the follower to warn about.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FORMAT = "backprop-tui-room"
VERSION = 1
MAX_BYTES = 64 * 1024  # a room file is a few hundred bytes; anything larger is not ours
MAX_EDITS = 100
MAX_STEP = 10**9
ROOM_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
EDIT_KINDS = ("weight", "learning_rate")
ELEMENT_NAME = re.compile(r"[^\x00-\x1f]{1,200}")


class RoomError(Exception):
    """A room file (or directory) that cannot be used; the message says why."""


def check_room_name(name: str) -> str:
    if not ROOM_NAME.fullmatch(name):
        raise ValueError(
            f"room name {name!r}: use 1 to 64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit (for example lecture2)"
        )
    return name


def rooms_directory() -> Path:
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and Path(runtime).is_dir():
        return Path(runtime) / "backprop-tui"
    return Path(tempfile.gettempdir()) / f"backprop-tui-{os.getuid()}"


def private_directory(path: Path) -> Path:
    """Create the rooms directory (0700), or check an existing one is ours alone."""
    try:
        path.mkdir(mode=0o700, exist_ok=True)
        info = path.lstat()
    except OSError as error:
        raise RoomError(f"{path}: cannot be created ({error.strerror or error})") from error
    if not stat.S_ISDIR(info.st_mode):
        raise RoomError(f"{path}: is not a directory; remove it")
    if info.st_uid != os.getuid():
        raise RoomError(f"{path}: belongs to another user; set XDG_RUNTIME_DIR or remove it")
    if info.st_mode & 0o077:
        raise RoomError(f"{path}: others may read or write it; run chmod 700 {path}")
    return path


def room_path(name: str, directory: Path | None = None) -> Path:
    return (directory or rooms_directory()) / f"{check_room_name(name)}.json"


def scenario_digest(source: bytes) -> str:
    """What makes the numbers: the scenario file's bytes. Same digest, same lesson."""
    return hashlib.sha256(source).hexdigest()[:16]


@dataclass(frozen=True)
class Edit:
    """One what-if edit as plain data: a weight's value or the learning rate, from an iteration."""

    kind: str  # "weight" or "learning_rate"
    iteration: int
    value: float
    name: str = ""  # the weight ("x1->a1", "bias:a1"); empty for the learning rate

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "iteration": self.iteration}
        if self.kind == "weight":
            data["name"] = self.name
        data["value"] = self.value
        return data


@dataclass(frozen=True)
class Place:
    """What a leader publishes: which lesson, which step, which what-if edits."""

    scenario: str  # the scenario's name, for messages
    digest: str  # scenario_digest of its file
    step: int  # 0-based index into the trace
    edits: tuple[Edit, ...] = ()
    leader: int = 0  # the leader's process id, so it removes only its own room file
    seq: int = 0
    written: float = field(default=0.0, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "scenario": self.scenario,
            "digest": self.digest,
            "step": self.step,
            "edits": [edit.to_json() for edit in self.edits],
            "leader": self.leader,
            "seq": self.seq,
            "written": self.written,
        }


def write_place(path: Path, place: Place) -> None:
    """Write the room file whole, then rename it into place (atomic on one filesystem)."""
    private_directory(path.parent)
    data = json.dumps(place.to_json(), separators=(",", ":")).encode()
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".room-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:  # mkstemp creates it 0600
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def remove_place(path: Path, leader: int) -> None:
    """Remove the room file if this leader wrote it (a newer leader's file stays)."""
    try:
        if read_place(path).leader == leader:
            path.unlink()
    except (RoomError, FileNotFoundError):
        pass


def read_place(path: Path) -> Place:
    """The room's place; FileNotFoundError if no leader yet; RoomError if unusable."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        handle = os.open(path, flags)
    except FileNotFoundError:
        raise
    except OSError as error:
        raise RoomError(f"{path}: cannot be read ({error.strerror or error})") from error
    with os.fdopen(handle, "rb") as source:
        info = os.fstat(source.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise RoomError(f"{path}: is not a regular file")
        if info.st_uid != os.getuid():
            raise RoomError(f"{path}: belongs to another user")
        data = source.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise RoomError(f"{path}: larger than {MAX_BYTES} bytes")
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise RoomError(f"{path}: not JSON ({error})") from None
    return parse_place(raw, str(path))


def parse_place(raw: Any, where: str = "room") -> Place:
    """Check every field; a RoomError names the first that is wrong."""
    if not isinstance(raw, dict):
        raise RoomError(f"{where}: not a JSON object")
    if raw.get("format") != FORMAT or raw.get("version") != VERSION:
        raise RoomError(f"{where}: not a backprop-tui room file (format {FORMAT}, version 1)")
    scenario = _text(raw, "scenario", where, 200)
    digest = _text(raw, "digest", where, 64)
    step = _integer(raw, "step", where, 0, MAX_STEP)
    leader = _integer(raw, "leader", where, 0, 2**31)
    seq = _integer(raw, "seq", where, 0, 2**62)
    written = raw.get("written", 0.0)
    if not _is_number(written):
        raise RoomError(f"{where}: written must be a number")
    edits = raw.get("edits")
    if not isinstance(edits, list) or len(edits) > MAX_EDITS:
        raise RoomError(f"{where}: edits must be a list of at most {MAX_EDITS}")
    parsed = tuple(parse_edit(edit, f"{where}: edits[{i}]") for i, edit in enumerate(edits))
    return Place(scenario, digest, step, parsed, leader, seq, float(written))


def parse_edit(raw: Any, where: str) -> Edit:
    if not isinstance(raw, dict):
        raise RoomError(f"{where}: not an object")
    kind = raw.get("kind")
    if kind not in EDIT_KINDS:
        raise RoomError(f"{where}: kind must be one of {', '.join(EDIT_KINDS)}")
    iteration = _integer(raw, "iteration", where, 1, MAX_STEP)
    value = raw.get("value")
    if not _is_number(value):
        raise RoomError(f"{where}: value must be a finite number")
    name = ""
    if kind == "weight":
        name = raw.get("name")
        if not isinstance(name, str) or not ELEMENT_NAME.fullmatch(name):
            raise RoomError(f"{where}: name must be a weight's name such as x1->a1")
    elif not value > 0:
        raise RoomError(f"{where}: a learning rate must be positive")
    return Edit(kind, iteration, float(value), name)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _text(raw: dict, key: str, where: str, longest: int) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not 0 < len(value) <= longest:
        raise RoomError(f"{where}: {key} must be a text of 1 to {longest} characters")
    return value


def _integer(raw: dict, key: str, where: str, low: int, high: int) -> int:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise RoomError(f"{where}: {key} must be a whole number from {low} to {high}")
    return value

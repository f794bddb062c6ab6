"""The room file: private directory, atomic writes, and a reader that trusts no field."""

from __future__ import annotations

import json
import math
import os
import stat

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui_backprop.classroom.room import (
    MAX_BYTES,
    Edit,
    Place,
    RoomError,
    check_room_name,
    parse_place,
    private_directory,
    read_place,
    remove_place,
    room_path,
    rooms_directory,
    scenario_digest,
    write_place,
)

PLACE = Place(
    "backprop-relu",
    scenario_digest(b"title = 'x'"),
    12,
    (Edit("weight", 1, 0.5, "b2->out"), Edit("learning_rate", 1, 0.1)),
    leader=4242,
    seq=3,
)


@pytest.fixture
def rooms(tmp_path, monkeypatch):
    path = tmp_path / "run"
    path.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(path))
    return path


def test_rooms_live_in_a_private_directory_under_the_runtime_dir(rooms):
    assert rooms_directory() == rooms / "backprop-tui"
    path = room_path("lecture2")
    write_place(path, PLACE)
    assert path == rooms / "backprop-tui" / "lecture2.json"
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_without_a_runtime_dir_rooms_go_to_a_per_user_temp_directory(monkeypatch, tmp_path):
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    assert rooms_directory() == tmp_path / f"backprop-tui-{os.getuid()}"


def test_a_place_survives_the_round_trip(rooms):
    path = room_path("r")
    write_place(path, PLACE)
    assert read_place(path) == PLACE
    raw = json.loads(path.read_text())
    assert raw["edits"][0] == {"kind": "weight", "iteration": 1, "name": "b2->out", "value": 0.5}
    assert raw["edits"][1] == {"kind": "learning_rate", "iteration": 1, "value": 0.1}


def test_writing_leaves_no_temporary_files(rooms):
    path = room_path("r")
    for step in range(5):
        write_place(path, Place("s", "d", step))
    assert sorted(p.name for p in path.parent.iterdir()) == ["r.json"]


def test_no_leader_yet_is_file_not_found(rooms):
    with pytest.raises(FileNotFoundError):
        read_place(room_path("empty"))


def test_a_leader_removes_only_its_own_room_file(rooms):
    path = room_path("r")
    write_place(path, PLACE)
    remove_place(path, leader=1)  # another leader's file stays
    assert path.exists()
    remove_place(path, leader=4242)
    assert not path.exists()


@pytest.mark.parametrize("name", ["", "../etc", "a/b", ".hidden", "x" * 65, "sp ace", "é"])
def test_room_names_cannot_reach_outside_the_directory(name):
    with pytest.raises(ValueError, match="room name"):
        check_room_name(name)


def test_a_directory_others_can_read_is_refused(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    with pytest.raises(RoomError, match="chmod 700"):
        private_directory(shared)


def test_a_symlinked_room_file_is_refused(rooms):
    path = room_path("r")
    private_directory(path.parent)
    target = rooms / "elsewhere.json"
    target.write_text(json.dumps(PLACE.to_json()))
    path.symlink_to(target)
    with pytest.raises(RoomError, match="cannot be read"):
        read_place(path)


def test_a_fifo_is_refused_without_blocking(rooms):
    path = room_path("r")
    private_directory(path.parent)
    os.mkfifo(path)
    with pytest.raises(RoomError, match="not a regular file"):
        read_place(path)


def test_a_huge_file_is_refused(rooms):
    path = room_path("r")
    private_directory(path.parent)
    path.write_bytes(b" " * (MAX_BYTES + 10))
    with pytest.raises(RoomError, match="larger than"):
        read_place(path)


def good() -> dict:
    return PLACE.to_json()


def changed(**fields) -> dict:
    raw = good()
    raw.update(fields)
    return raw


def edit(**fields) -> dict:
    raw = good()
    raw["edits"] = [dict(raw["edits"][0], **fields)]
    return raw


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([], "not a JSON object"),
        ("step 3", "not a JSON object"),
        (changed(format="other"), "not a backprop-tui room file"),
        (changed(version=2), "not a backprop-tui room file"),
        (changed(step=-1), "step must be"),
        (changed(step=2.0), "step must be"),
        (changed(step=True), "step must be"),
        (changed(step="12"), "step must be"),
        (changed(step=10**12), "step must be"),
        (changed(scenario=""), "scenario must be"),
        (changed(scenario=["x"]), "scenario must be"),
        (changed(digest="d" * 65), "digest must be"),
        (changed(edits={"kind": "weight"}), "edits must be a list"),
        (changed(edits=[{}] * 101), "edits must be a list"),
        (changed(edits=["x1->a1"]), "not an object"),
        (edit(kind="exec"), "kind must be one of"),
        (edit(value=float("nan")), "value must be a finite number"),
        (edit(value="0.5"), "value must be a finite number"),
        (edit(value=None), "value must be a finite number"),
        (edit(iteration=0), "iteration must be"),
        (edit(name=""), "name must be"),
        (edit(name=7), "name must be"),
        (edit(name="a\x1b[2Jb"), "name must be"),
        (changed(written="yesterday"), "written must be"),
        (changed(edits=[{"kind": "learning_rate", "iteration": 1, "value": -1}]), "positive"),
    ],
)
def test_every_field_is_checked(raw, message):
    with pytest.raises(RoomError, match=message):
        parse_place(raw)


@pytest.mark.parametrize(
    "data", [b"", b"{", b"\xff\xfe", b"[" * 60000, b'{"format": "backprop-tui-room"']
)
def test_files_that_are_not_json_are_refused(rooms, data):
    path = room_path("r")
    private_directory(path.parent)
    path.write_bytes(data)
    with pytest.raises(RoomError):
        read_place(path)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)


def near_place():
    """Room files that look like ours, with any field replaced by any JSON value."""
    base = good()
    keys = [*base, "edits.0.kind", "edits.0.name", "edits.0.value", "edits.0.iteration"]
    return st.tuples(st.sampled_from(keys), JSON)


@settings(max_examples=300, derandomize=True)
@given(st.one_of(JSON, near_place()))
def test_any_json_is_a_place_or_a_room_error(value):
    """Hostile content never raises anything but RoomError (the follower's warning)."""
    if isinstance(value, tuple):
        key, replacement = value
        raw = good()
        if key.startswith("edits.0."):
            raw["edits"][0][key.split(".")[-1]] = replacement
        else:
            raw[key] = replacement
        value = raw
    try:
        place = parse_place(value)
    except RoomError:
        return
    assert isinstance(place.step, int) and place.step >= 0
    assert all(math.isfinite(edit.value) for edit in place.edits)

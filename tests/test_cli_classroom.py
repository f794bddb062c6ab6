"""`backprop-tui serve` and --lead/--follow on the command line: bad input gets a clear
message and exit status 2 before any server or app starts."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from tui_backprop.classroom.serve import address_to_open, font_size, is_loopback

TIMEOUT = 60


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tui_backprop", *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env=env,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def runtime(tmp_path):
    path = tmp_path / "run"
    path.mkdir(mode=0o700)
    return dict(os.environ, XDG_RUNTIME_DIR=str(path))


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["serve", "no-such-lesson"], "no such file or bundled scenario"),
        (["serve", "backprop-relu", "--port", "0"], "--port must be from 1 to 65535"),
        (["serve", "--follow", "lecture"], "name the scenario too"),
        (["serve", "backprop-relu", "--follow", "../x"], "room name '../x'"),
        (["serve", "backprop-relu", "--host", "no.such.host.invalid"], "--host no.such.host"),
        (["serve", "backprop-relu", "--start-at", "nowhere"], "--start-at"),
        (["backprop-relu", "--lead", "a b"], "room name 'a b'"),
        (["backprop-relu", "--lead", "x", "--follow", "y"], "not allowed with argument"),
    ],
)
def test_bad_classroom_arguments_exit_2_with_a_message(args, words, runtime):
    result = run(*args, env=runtime)
    assert result.returncode == 2, result
    assert words in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_says_when_the_port_is_taken(runtime):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("serve", "backprop-relu", "--port", str(port), env=runtime)
    assert result.returncode == 2
    assert f"port {port} on 127.0.0.1 is in use; choose another with --port" in result.stderr


def test_a_shared_rooms_directory_is_refused(tmp_path):
    runtime = tmp_path / "run"
    (runtime / "backprop-tui").mkdir(parents=True, mode=0o755)
    (runtime / "backprop-tui").chmod(0o755)
    env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime))
    result = run("backprop-relu", "--follow", "lecture", env=env)
    assert result.returncode == 2
    assert "others may read or write it; run chmod 700" in result.stderr


@pytest.mark.parametrize(
    ("text", "size"), [(None, 16), ("28", 28), ("2", 6), ("9999", 72), ("big", 16), ("", 16)]
)
def test_fontsize_from_the_address_is_clamped(text, size):
    assert font_size(text) == size


def test_loopback_and_the_address_to_open():
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")
    assert address_to_open("127.0.0.1", 8000) == "http://127.0.0.1:8000/"
    assert address_to_open("0.0.0.0", 8000) == f"http://{socket.gethostname()}:8000/"


def test_serve_beyond_loopback_says_anyone_can_open_a_lesson(runtime):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "tui_backprop", "serve", "backprop-relu"]
        + ["--host", "0.0.0.0", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=runtime,
    )
    try:
        note = process.stderr.readline()  # printed before the server starts
        opened = process.stdout.readline() + process.stdout.readline()
    finally:
        process.terminate()
        process.communicate(timeout=TIMEOUT)
    assert "listening on 0.0.0.0, beyond this machine" in note
    assert f"anyone who can reach port {port} can open a lesson" in note
    assert f"open http://{socket.gethostname()}:{port}/ in a browser" in opened

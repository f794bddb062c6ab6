"""A classroom's load: 30 followers of one served lesson while the leader takes 100 steps.

    python benchmarks/classroom_load.py                  # 30 followers, 100 steps
    python benchmarks/classroom_load.py --followers 5 --steps 20   # a quick try

Loopback only, bounded in count (at most 60 followers) and time (--timeout). Two
`backprop-tui serve` processes: one with --lead (the lecturer's page), one with --follow
(the students' pages). The benchmark is the browsers: it opens each page's websocket as
textual.js does (resize, then read the screen's bytes), one leader and N followers.

What it reports:
- memory per student session: each follower's app process (a child of the follower
  server), as RSS and as PSS (shared pages divided among the processes sharing them, so
  PSS adds up to the real total), median over the sessions, after the steps;
- CPU while stepping: CPU seconds used by both servers and every app process during the
  stepping phase, over its wall time (1.0 = one core busy), and per follower;
- lag: from the moment the leader's key is sent to the moment each follower's screen
  output contains that step's header ("step N/T"); p50, p95 and max over all
  (follower, step) pairs;
- sessions lost: followers whose websocket closed, or that never showed the last step.

The leader steps at a fixed pace (--pace seconds per key, default 0.5: a lecturer is
slower), open loop: keys do not wait for the followers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

STEP = re.compile(rb"step (\d+)/(\d+)")
MAX_FOLLOWERS = 60
SIZE = {"width": 120, "height": 40}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(args: list[str], env: dict) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tui_backprop", "serve", *args, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, port
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("the server did not start")


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def memory_kib(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in KiB from /proc/PID/smaps_rollup."""
    values = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        parts = line.split()
        if parts and parts[0] in ("Rss:", "Pss:"):
            values[parts[0]] = int(parts[1])
    return values["Rss:"], values["Pss:"]


class Session:
    """One page: a websocket to the server, the highest step its screen has shown."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.step = 0
        self.seen: dict[int, float] = {}  # step -> when first shown
        self.closed = False
        self.websocket = None
        self.reader: asyncio.Task | None = None
        self._tail = b""

    async def open(self, http: aiohttp.ClientSession, port: int) -> None:
        url = f"ws://127.0.0.1:{port}/ws?width={SIZE['width']}&height={SIZE['height']}"
        self.websocket = await http.ws_connect(url, max_msg_size=0)
        await self.websocket.send_str(json.dumps(["resize", SIZE]))
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for message in self.websocket:
            if message.type == aiohttp.WSMsgType.BINARY:
                data = self._tail + message.data
                now = time.monotonic()
                for found in STEP.finditer(data):
                    step = int(found[1])
                    self.seen.setdefault(step, now)
                    self.step = step
                self._tail = data[-32:]
        self.closed = True

    async def key(self, text: str) -> None:
        await self.websocket.send_str(json.dumps(["stdin", text]))

    async def wait_for(self, step: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while step not in self.seen and time.monotonic() < deadline and not self.closed:
            await asyncio.sleep(0.02)
        return step in self.seen


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


async def measure(args) -> dict:
    runtime = Path(tempfile.mkdtemp(prefix="classroom-bench-"))
    runtime.chmod(0o700)
    env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime))
    room = ["--lead", "bench"], ["--follow", "bench"]
    leader_server, leader_port = start_server([args.scenario, *room[0]], env)
    follower_server, follower_port = start_server([args.scenario, *room[1]], env)
    servers = [leader_server.pid, follower_server.pid]
    result: dict = {"followers": args.followers, "steps": args.steps, "pace": args.pace}
    try:
        async with aiohttp.ClientSession() as http:
            leader = Session("leader")
            await leader.open(http, leader_port)
            if not await leader.wait_for(1, args.timeout):
                raise SystemExit("the leader's page never showed step 1")
            followers = [Session(f"follower {i + 1}") for i in range(args.followers)]
            started = time.monotonic()
            for batch in range(0, len(followers), 5):  # a class arrives over a few seconds
                group = followers[batch : batch + 5]
                await asyncio.gather(*(f.open(http, follower_port) for f in group))
                await asyncio.gather(*(f.wait_for(1, args.timeout) for f in group))
            result["all_joined_seconds"] = time.monotonic() - started
            sessions = children(follower_server.pid)
            result["sessions_running"] = len(sessions)
            memory_before = [memory_kib(pid) for pid in sessions]
            await asyncio.sleep(1.0)  # let the last joiners go idle

            result["load_average_before"] = os.getloadavg()[0]
            watched = servers + sessions + children(leader_server.pid)
            cpu_start = sum(cpu_seconds(pid) for pid in watched)
            server_start = cpu_seconds(follower_server.pid)
            own_start = time.process_time()
            wall_start = time.monotonic()
            sent: dict[int, float] = {}
            for step in range(2, args.steps + 2):
                sent[step] = time.monotonic()
                await leader.key(" ")
                await asyncio.sleep(args.pace)
            last = args.steps + 1
            await asyncio.gather(*(f.wait_for(last, args.timeout) for f in followers))
            wall = time.monotonic() - wall_start
            result["load_average_after"] = os.getloadavg()[0]
            cpu = sum(cpu_seconds(pid) for pid in watched) - cpu_start
            result["cpu_follower_server_cores"] = (
                cpu_seconds(follower_server.pid) - server_start
            ) / wall
            result["cpu_benchmark_client_cores"] = (time.process_time() - own_start) / wall

            lags, missed, by_step = [], 0, {}
            for follower in followers:
                for step, when in sent.items():
                    shown = [t for s, t in follower.seen.items() if s >= step]
                    if shown:
                        lags.append(min(shown) - when)
                        by_step.setdefault(step, []).append(min(shown) - when)
                    else:
                        missed += 1
            quarters = list(sent)
            quarter = max(1, len(quarters) // 4)
            result["lag_p95_by_quarter"] = [
                percentile([lag for s in quarters[q : q + quarter] for lag in by_step[s]], 0.95)
                for q in range(0, len(quarters), quarter)
                if any(s in by_step for s in quarters[q : q + quarter])
            ]
            memory_after = [memory_kib(pid) for pid in sessions if Path(f"/proc/{pid}").exists()]
            lost = [f.name for f in followers if f.closed or last not in f.seen]
            result.update(
                leader_reached=max(leader.seen, default=0),
                stepping_wall_seconds=wall,
                cpu_cores_busy=cpu / wall,
                cpu_per_follower_percent=100 * cpu / wall / max(1, len(followers)),
                lag_p50=statistics.median(lags) if lags else None,
                lag_p95=percentile(lags, 0.95) if lags else None,
                lag_max=max(lags) if lags else None,
                lag_samples=len(lags),
                steps_never_shown=missed,
                sessions_lost=len(lost),
                lost=lost,
                rss_mib_median=statistics.median(m[0] for m in memory_after) / 1024,
                pss_mib_median=statistics.median(m[1] for m in memory_after) / 1024,
                pss_mib_total=sum(m[1] for m in memory_after) / 1024,
                rss_mib_median_before=statistics.median(m[0] for m in memory_before) / 1024,
            )
            for session in [leader, *followers]:
                await session.websocket.close()
    finally:
        for server in (leader_server, follower_server):
            server.terminate()
        for server in (leader_server, follower_server):
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--followers", type=int, default=30)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--pace", type=float, default=0.5, help="seconds between keys")
    parser.add_argument("--scenario", default="sgd", help="needs more steps than --steps")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if not 1 <= args.followers <= MAX_FOLLOWERS:
        parser.error(f"--followers must be from 1 to {MAX_FOLLOWERS}")
    result = asyncio.run(measure(args))
    if args.json:
        print(json.dumps(result, indent=2))
        return
    goal_lag, lag = 0.5, result["lag_p95"]
    rows = [
        ("followers (sessions running)", f"{args.followers} ({result['sessions_running']})"),
        ("all joined after", f"{result['all_joined_seconds']:.1f} s"),
        ("leader steps (pace)", f"{args.steps} ({args.pace} s/key)"),
        ("memory per session, RSS median", f"{result['rss_mib_median']:.1f} MiB"),
        ("memory per session, PSS median", f"{result['pss_mib_median']:.1f} MiB"),
        ("memory of all sessions, PSS", f"{result['pss_mib_total']:.0f} MiB"),
        ("CPU while stepping", f"{result['cpu_cores_busy']:.2f} cores"),
        ("CPU per follower", f"{result['cpu_per_follower_percent']:.1f} % of a core"),
        ("lag p50", f"{result['lag_p50']:.3f} s"),
        ("lag p95 (goal < 0.5 s)", f"{lag:.3f} s {'met' if lag < goal_lag else 'MISSED'}"),
        ("lag max", f"{result['lag_max']:.3f} s"),
        (
            "lag p95 by quarter of the steps",
            " ".join(f"{lag:.2f}" for lag in result["lag_p95_by_quarter"]) + " s",
        ),
        ("CPU of the follower server alone", f"{result['cpu_follower_server_cores']:.2f} cores"),
        (
            "CPU of this benchmark (the 'browsers')",
            f"{result['cpu_benchmark_client_cores']:.2f} cores",
        ),
        (
            "load average (1 min) before / after",
            f"{result['load_average_before']:.1f} / {result['load_average_after']:.1f}",
        ),
        ("sessions lost (goal 0)", f"{result['sessions_lost']} {result['lost'] or ''}"),
        ("(follower, step) pairs never shown", str(result["steps_never_shown"])),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()

"""Jump to the end of a long run: Trace(s)[len - 1] against a plain NumPy training loop.

Time for the trace on copies of single-weight and big-network with 1,000 and 10,000
weight updates, and tracemalloc's peak during it, against the loop written out below
(forward, error, slopes, update, then the pass over all points after training).
"""

from __future__ import annotations

import gc
import re
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

from tui_backprop.bundled import bundled_path
from tui_backprop.scenario import Scenario, load_scenario
from tui_backprop.trace import Trace

TARGET_JUMP_RATIO = 2.0
TARGET_FLAT = 1.1  # peak memory within 10% from 1,000 to 10,000 updates


def progress(message: str) -> None:
    print(f"  .. {message}", file=sys.stderr, flush=True)


def met(ok: bool) -> str:
    return "met" if ok else "MISSED"


ACTIVATIONS = {  # the activation and its slope, written out again on purpose
    "identity": (lambda z: z, lambda z: np.ones_like(z)),
    "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(float)),
    "sigmoid": (lambda z: 1 / (1 + np.exp(-z)), lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2),
    "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
}
LOSS_SCALE = {"mse": lambda n: 2.0 / n, "sse": lambda n: 2.0, "half_sse": lambda n: 1.0}
LOSS_REDUCE = {"mse": np.mean, "sse": np.sum, "half_sse": lambda s: 0.5 * np.sum(s)}


def numpy_loop(s: Scenario):
    """A plain training loop: forward, error, slopes, update; then the final pass."""
    weights = [layer.weights.astype(float) for layer in s.layers]
    biases = [None if layer.bias is None else layer.bias.astype(float) for layer in s.layers]
    train_bias = [layer.train_bias for layer in s.layers]
    functions = [ACTIVATIONS[layer.activation] for layer in s.layers]
    inputs, targets, rate = s.data_inputs, s.targets, s.learning_rate
    with np.errstate(all="ignore"):
        for epoch in range(1, s.epochs + 1):
            if s.shuffle:
                order = np.random.default_rng([s.seed, epoch]).permutation(s.points)
            else:
                order = np.arange(s.points)
            for first in range(0, s.points, s.batch_size):
                batch = order[first : first + s.batch_size]
                x, t = inputs[batch], targets[batch]
                values, sums = [x], []  # forward
                for w, b, (f, _) in zip(weights, biases, functions, strict=True):
                    z = values[-1] @ w.T
                    if b is not None:
                        z = z + b
                    sums.append(z)
                    values.append(f(z))
                error = values[-1] - t  # error
                slope = LOSS_SCALE[s.loss](len(batch)) * error  # slopes, output first
                for k in reversed(range(len(weights))):
                    delta = slope * functions[k][1](sums[k])
                    weight_slope, bias_slope = delta.T @ values[k], delta.sum(axis=0)
                    slope = delta @ weights[k]
                    weights[k] = weights[k] - rate * weight_slope  # update
                    if biases[k] is not None and train_bias[k]:
                        biases[k] = biases[k] - rate * bias_slope
        values = inputs  # after training: every point forward, its error, the loss
        for w, b, (f, _) in zip(weights, biases, functions, strict=True):
            values = f(values @ w.T + (0 if b is None else b))
        loss = LOSS_REDUCE[s.loss](((values - targets) ** 2).sum(axis=1))
    return weights, biases, float(loss)


def trace_jump(s: Scenario):
    trace = Trace(s)
    step = trace[len(trace) - 1]
    return trace, step


def with_epochs(name: str, epochs: int, folder: Path) -> Scenario:
    text = bundled_path(name).read_text(encoding="utf-8")
    text, count = re.subn(r"(?m)^epochs\s*=\s*\d+", f"epochs = {epochs}", text)
    assert count == 1, f"{name}: no epochs line to change"
    path = folder / f"{name}-{epochs}-epochs.toml"
    path.write_text(text, encoding="utf-8")
    return load_scenario(path)


def timed_pair(first, second, argument, repeat: int) -> tuple[list[float], list[float]]:
    """Alternate the two, so a busy moment on the machine hits both alike."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for function, into in ((first, times[0]), (second, times[1])):
            gc.collect()
            start = time.perf_counter()
            function(argument)
            into.append(time.perf_counter() - start)
    return times


def peak_bytes(function, argument) -> int:
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        function(argument)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def bench_jump(repeat: int) -> tuple[list[str], list[tuple]]:
    """The detail lines, and rows for the targets: (what, figure, baseline, ratio, target)."""
    rows: list[tuple] = []
    lines = [
        "Jump to the end: Trace(s)[len - 1] against a plain NumPy training loop",
        f"   {'':28} {'updates':>8} {'trace':>9} {'loop':>9} {'ratio':>6} "
        f"{'trace peak':>11} {'loop peak':>10}  same weights",
    ]
    verdicts = []
    with tempfile.TemporaryDirectory() as folder:
        for name, per_epoch in (("single-weight", 1), ("big-network", 10)):
            peaks = {}
            for updates in (1_000, 10_000):
                s = with_epochs(name, updates // per_epoch, Path(folder))
                assert s.iterations == updates, (name, s.iterations)
                progress(f"jump: {name}, {updates} updates")
                trace, _ = trace_jump(s)
                weights, biases, _ = numpy_loop(s)
                final = trace.params_before(trace.iterations)
                difference = max(
                    float(np.max(np.abs(a - b)))
                    for a, b in zip(final.weights, weights, strict=True)
                )
                trace_times, loop_times = timed_pair(trace_jump, numpy_loop, s, repeat)
                trace_peak, loop_peak = peak_bytes(trace_jump, s), peak_bytes(numpy_loop, s)
                peaks[updates] = trace_peak
                ratio = min(trace_times) / min(loop_times)
                lines.append(
                    f"   {name:28} {updates:8,} {min(trace_times):8.3f}s {min(loop_times):8.3f}s "
                    f"{ratio:5.1f}x {trace_peak / 1e6:9.2f}MB {loop_peak / 1e6:8.2f}MB  "
                    f"{'yes' if difference < 1e-9 else 'NO'} (max diff {difference:.0e})"
                )
                if updates == 10_000:
                    rows.append(
                        (
                            f"jump to the end, {name}, 10,000 updates vs loop",
                            f"{min(trace_times):.3f} s",
                            f"{min(loop_times):.3f} s",
                            ratio,
                            TARGET_JUMP_RATIO,
                        )
                    )
                    verdicts.append(
                        f"   {name}: time {ratio:.1f}x the loop, target <= "
                        f"{TARGET_JUMP_RATIO:g}x: {met(ratio <= TARGET_JUMP_RATIO)}"
                    )
            growth = peaks[10_000] / peaks[1_000]
            per_update = (peaks[10_000] - peaks[1_000]) / 9_000
            rows.append(
                (
                    f"memory, {name}: peak at 10,000 vs 1,000 updates",
                    f"{peaks[10_000] / 1e6:.2f} MB",
                    f"{peaks[1_000] / 1e6:.2f} MB",
                    growth,
                    TARGET_FLAT,
                )
            )
            verdicts.append(
                f"   {name}: peak memory x{growth:.2f} from 1,000 to 10,000 updates "
                f"({per_update:+.0f} bytes per extra update); flat (within 10%): "
                f"{met(growth <= TARGET_FLAT)}"
            )
    lines.append(f"   (times: best of {repeat}; peaks: tracemalloc, in a separate run)")
    return lines + verdicts, rows

"""Scenario files: TOML in, a validated, typed Scenario out, or one clear ScenarioError."""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from tui_backprop.csv_points import read_points
from tui_backprop.errors import ScenarioError
from tui_backprop.functions import ACTIVATIONS, LOSSES
from tui_backprop.notes import (
    PHASES,
    Anchor,
    Note,
    SlideMark,
    check_placeholder,
    parse_anchor,
    placeholders,
)
from tui_backprop.optimizers import OPTIMIZERS
from tui_backprop.optimizers import SETTINGS as OPTIMIZER_SETTINGS
from tui_backprop.outline import default_input_names, default_node_names
from tui_backprop.param import Param

Position = tuple[int, int, int | None]  # (layer, receiving node, feeding node or None: bias)

# Bounds that keep a lesson on one screen and the engine instant; far above any lecture.
MAX_FILE_BYTES = 5_000_000
MAX_NODES_PER_LAYER = 256
MAX_LAYERS = 16
MAX_WEIGHTS = 20_000
MAX_POINTS = 100_000
MAX_ITERATIONS = 1_000_000
MAX_NAME_LENGTH = 16
NAME_PATTERN = re.compile(r"^\w[\w.']*$")


@dataclass(frozen=True)
class Layer:
    """One non-input layer: its nodes, activation, and the weights into each node."""

    name: str
    nodes: tuple[str, ...]
    activation: str
    weights: np.ndarray  # shape (len(nodes), nodes in the layer before): row = into one node
    bias: np.ndarray | None = None
    train_bias: bool = True


@dataclass(frozen=True)
class Bookmark:
    name: str
    step: str
    note: str = ""


@dataclass(frozen=True)
class Scenario:
    """Everything a lesson needs, checked: shapes agree, numbers are finite."""

    title: str
    inputs: tuple[str, ...]
    layers: tuple[Layer, ...]
    data_inputs: np.ndarray  # (points, inputs)
    targets: np.ndarray | None  # (points, outputs), or None for a forward pass only
    description: str = ""
    source: str = ""
    loss: str = "mse"
    learning_rate: float = 0.01
    optimizer: str = "sgd"
    optimizer_settings: dict[str, float] = field(default_factory=dict)
    batch_size: int = 1
    epochs: int = 1
    shuffle: bool = False
    seed: int = 0
    notes: tuple[Note, ...] = ()  # [[notes]], or the old [notes] table as phase notes
    slides: tuple[SlideMark, ...] = ()  # [[slide]]: what the slide printed at a step
    bookmarks: tuple[Bookmark, ...] = ()
    path: str = ""

    @property
    def name(self) -> str:
        return Path(self.path).stem if self.path else self.title

    @property
    def points(self) -> int:
        return int(self.data_inputs.shape[0])

    @property
    def has_targets(self) -> bool:
        return self.targets is not None

    @property
    def batches_per_epoch(self) -> int:
        return -(-self.points // self.batch_size)

    @property
    def iterations(self) -> int:
        """Number of weight updates in the whole run (0 for a forward pass only)."""
        return self.epochs * self.batches_per_epoch if self.has_targets else 0

    @property
    def layer_nodes(self) -> list[tuple[str, ...]]:
        """Node names per layer, the inputs first."""
        return [self.inputs] + [layer.nodes for layer in self.layers]

    @property
    def node_names(self) -> tuple[str, ...]:
        return self.inputs + tuple(n for layer in self.layers for n in layer.nodes)

    def weight_params(self) -> list[Param]:
        """Every weight, layer by layer, receiving node by receiving node."""
        params = []
        previous = self.inputs
        for layer in self.layers:
            params += [Param.weight(src, dst) for dst in layer.nodes for src in previous]
            previous = layer.nodes
        return params

    def edge_names(self) -> list[str]:
        """Every weight as FROM->TO, in the order of weight_params."""
        return [str(p) for p in self.weight_params()]

    def trainable_params(self) -> list[Param]:
        """Every weight and every trained bias, layer by layer (a layer's biases last)."""
        params = []
        previous = self.inputs
        for layer in self.layers:
            params += [Param.weight(src, dst) for dst in layer.nodes for src in previous]
            if layer.bias is not None and layer.train_bias:
                params += [Param.bias(node) for node in layer.nodes]
            previous = layer.nodes
        return params

    def position(self, param: Param | str) -> Position:
        """(layer, row, col) of a weight, or (layer, row, None) of a bias; KeyError if
        the network has no such weight or bias."""
        try:
            param = Param.parse(param)
        except ValueError:
            raise KeyError(str(param)) from None
        layers = self.layer_nodes
        for k in range(1, len(layers)):
            if param.target not in layers[k]:
                continue
            row = layers[k].index(param.target)
            if param.is_bias:
                if self.layers[k - 1].bias is not None:
                    return k - 1, row, None
            elif param.source in layers[k - 1]:
                return k - 1, row, layers[k - 1].index(param.source)
        raise KeyError(str(param))

    def with_changes(self, **changes: Any) -> Scenario:
        return replace(self, **changes)


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; raise ScenarioError naming file and place."""
    path = Path(path)
    shown = str(path)
    if not path.exists():
        raise ScenarioError(shown, "", "no such file", "check the path, or run backprop-tui --list")
    if path.is_dir():
        raise ScenarioError(shown, "", "is a directory, expected a scenario .toml file")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(shown, "", f"cannot be read ({exc.strerror or exc})") from None
    return parse_scenario(raw, shown)


def parse_scenario(raw: bytes | str, file: str = "<scenario>") -> Scenario:
    if isinstance(raw, str):
        text = raw
    else:
        if len(raw) > MAX_FILE_BYTES:
            raise ScenarioError(
                file, "", f"is {len(raw):,} bytes; a scenario file is at most {MAX_FILE_BYTES:,}"
            )
        if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
            raise ScenarioError(
                file, "", "is UTF-16 text, not UTF-8", "save the file with UTF-8 encoding"
            )
        if b"\x00" in raw:
            raise ScenarioError(file, "", "is a binary file, not a TOML text file")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise ScenarioError(
                file, f"line {line}", "is not UTF-8 text", "save the file with UTF-8 encoding"
            ) from None
    if not text.strip():
        raise ScenarioError(
            file, "", "is empty", "a scenario needs at least title, [network], [data]"
        )
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(file, exc) from None
    return _Reader(file).scenario(doc)


def _syntax_error(file: str, exc: tomllib.TOMLDecodeError) -> ScenarioError:
    message = str(exc)
    match = re.search(r"\(at line (\d+), column (\d+)\)", message)
    where = ""
    if match:
        where = f"line {match.group(1)}, column {match.group(2)}"
        message = message[: match.start()].strip()
    elif "(at end of document)" in message:
        where = "end of file"
        message = message.replace("(at end of document)", "").strip()
    return ScenarioError(file, where, f"invalid TOML: {message}")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, int):
        return f"{value} (an integer)"
    if isinstance(value, float):
        return f"{value} (a number)"
    if isinstance(value, str):
        return f'"{value}" (a string)' if len(value) < 40 else "a string"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


class _Reader:
    """Walks the TOML document, keeping the key path for every message."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, where: str, message: str, hint: str = "") -> ScenarioError:
        return ScenarioError(self.file, where, message, hint)

    # -- primitives -------------------------------------------------------------

    def tables(
        self, value: Any, key: str, allowed: tuple[str, ...], required=()
    ) -> Iterator[tuple[str, dict]]:
        """[[key]]: each table, checked as the loop reaches it, with where it stands."""
        if not isinstance(value, list):
            raise self.fail(key, f"expected [[{key}]] tables, found {_kind(value)}")
        for i, spec in enumerate(value):
            where = f"{key}[{i}]"
            yield where, self.table(spec, where, allowed, required=required)

    def table(self, value: Any, where: str, allowed: tuple[str, ...], required=()) -> dict:
        if not isinstance(value, dict):
            raise self.fail(where, f"expected a table, found {_kind(value)}")
        for key in value:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                hint = f'did you mean "{close[0]}"?' if close else "allowed: " + ", ".join(allowed)
                place = f"{where}.{key}" if where else key
                raise self.fail(place, f'unknown key "{key}"', hint)
        for key in required:
            if key not in value:
                place = f"{where}.{key}" if where else key
                raise self.fail(place, f'missing required key "{key}"')
        return value

    def text(self, value: Any, where: str, *, allow_empty: bool = True) -> str:
        if not isinstance(value, str):
            raise self.fail(where, f"expected a string, found {_kind(value)}")
        if not allow_empty and not value.strip():
            raise self.fail(where, "must not be empty")
        return value

    def number(self, value: Any, where: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(where, f"expected a number, found {_kind(value)}")
        try:
            number = float(value)
        except OverflowError:  # TOML integers have no size limit
            number = math.inf
        if not math.isfinite(number):
            shown = value if isinstance(value, float) else f"an integer of {len(str(value))} digits"
            raise self.fail(where, f"expected a finite number, found {shown}")
        return number

    def integer(self, value: Any, where: str, minimum: int, maximum: int | None = None) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(where, f"expected a whole number (integer), found {_kind(value)}")
        if value < minimum:
            what = "positive" if minimum == 1 else f"at least {minimum}"
            raise self.fail(where, f"must be {what} (at least {minimum}), found {value}")
        if maximum is not None and value > maximum:
            raise self.fail(where, f"expected at most {maximum}, found {value}")
        return value

    def boolean(self, value: Any, where: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(where, f"expected true or false, found {_kind(value)}")
        return value

    def choice(self, value: Any, where: str, choices: tuple[str, ...]) -> str:
        options = ", ".join(f'"{c}"' for c in choices)
        if not isinstance(value, str):
            raise self.fail(where, f"expected one of {options}, found {_kind(value)}")
        if value not in choices:
            close = difflib.get_close_matches(value, choices, n=1, cutoff=0.5)
            hint = f'did you mean "{close[0]}"?' if close else ""
            raise self.fail(where, f'unknown "{value}"; expected one of {options}', hint)
        return value

    def names(self, value: Any, where: str, defaults: Callable[[int], list[str]]) -> list[str]:
        """A list of node names, or a count that gets default names."""
        if isinstance(value, int) and not isinstance(value, bool):
            return defaults(self.integer(value, where, 1, MAX_NODES_PER_LAYER))
        if isinstance(value, float):
            raise self.fail(where, f"expected a whole number (integer) count, found {value}")
        if not isinstance(value, list):
            raise self.fail(where, f"expected a list of names or a count, found {_kind(value)}")
        if not value:
            raise self.fail(where, "is empty; a layer needs at least one node")
        if len(value) > MAX_NODES_PER_LAYER:
            raise self.fail(
                where, f"has {len(value)} nodes; at most {MAX_NODES_PER_LAYER} fit a lesson"
            )
        result = []
        for i, name in enumerate(value):
            place = f"{where}[{i}]"
            if not isinstance(name, str):
                raise self.fail(place, f"expected a node name, found {_kind(name)}")
            if not name:
                raise self.fail(place, "node name is empty", "give every node a name")
            if not NAME_PATTERN.match(name) or len(name) > MAX_NAME_LENGTH:
                raise self.fail(
                    place,
                    f'"{name}" is not a usable node name',
                    f"use up to {MAX_NAME_LENGTH} letters, digits, _ . or ', starting with a "
                    "letter or digit",
                )
            result.append(name)
        return result

    def matrix(self, value: Any, where: str, rows: int, cols: int, row_what: str, col_what: str):
        if not isinstance(value, list):
            raise self.fail(where, f"expected a list of {rows} rows, found {_kind(value)}")
        if cols > 1 and value and not any(isinstance(row, list) for row in value):
            raise self.fail(
                where,
                f"expected rows of {cols} numbers, found a flat list of numbers",
                f"write one [..] row per entry: [[...], [...]] ({row_what})",
            )
        if len(value) != rows:
            raise self.fail(
                where, f"expected {_count(rows, 'row')} ({row_what}), found {len(value)}"
            )
        out = np.empty((rows, cols), dtype=float)
        for r, row in enumerate(value):
            place = f"{where}[{r}]"
            if not isinstance(row, list):
                if cols == 1 and not isinstance(row, dict):
                    out[r, 0] = self.number(row, place)
                    continue
                raise self.fail(place, f"expected a list of {cols} numbers, found {_kind(row)}")
            if len(row) != cols:
                raise self.fail(
                    place,
                    f"row {r + 1} has {len(row)} numbers, expected {cols} ({col_what})",
                )
            for c, item in enumerate(row):
                out[r, c] = self.number(item, f"{place}[{c}]")
        return out

    # -- the document -----------------------------------------------------------

    def scenario(self, doc: dict) -> Scenario:
        top = self.table(
            doc,
            "",
            (
                "title",
                "description",
                "source",
                "network",
                "data",
                "training",
                "notes",
                "slide",
                "bookmarks",
            ),
            required=("title", "network", "data"),
        )
        title = self.text(top["title"], "title", allow_empty=False)
        description = self.text(top.get("description", ""), "description")
        source = self.text(top.get("source", ""), "source")

        training = self.table(
            top.get("training", {}),
            "training",
            ("learning_rate", "batch_size", "epochs", "shuffle", "seed", "optimizer")
            + tuple(OPTIMIZER_SETTINGS),
        )
        seed = self.integer(training.get("seed", 0), "training.seed", 0, 2**63 - 1)

        network = self.table(
            top["network"], "network", ("inputs", "loss", "layers"), required=("inputs", "layers")
        )
        inputs = self.names(network["inputs"], "network.inputs", default_input_names)
        loss = self.choice(network.get("loss", "mse"), "network.loss", tuple(LOSSES))
        layers = self.layers(network["layers"], inputs, seed)
        self.unique_names(inputs, layers)

        data = self.table(top["data"], "data", ("inputs", "targets", "file"))
        outputs = layers[-1].nodes
        if "file" in data:
            for key in ("inputs", "targets"):
                if key in data:
                    raise self.fail(
                        f"data.{key}",
                        "is given together with data.file",
                        "take the points from the file or from inputs/targets, not both",
                    )
            file = self.text(data["file"], "data.file", allow_empty=False)
            data_inputs, targets, where_row = self.csv_data(file, inputs, outputs, loss)
        else:
            if "inputs" not in data:
                raise self.fail(
                    "data.inputs",
                    'missing required key "inputs"',
                    'or read the points from a CSV file: file = "points.csv"',
                )
            data_inputs, targets = self.inline_data(data, inputs, outputs, loss)
            where_row = (self.file, lambda r: f"data.targets[{r}]")
        points = len(data_inputs)
        if targets is not None:
            self.check_targets(targets, loss, outputs, *where_row)

        learning_rate = 0.01
        if "learning_rate" in training:
            learning_rate = self.number(training["learning_rate"], "training.learning_rate")
            if learning_rate <= 0:
                raise self.fail(
                    "training.learning_rate",
                    f"must be positive, found {training['learning_rate']}",
                    "a small step such as 0.01",
                )
        batch_size = points
        if "batch_size" in training:
            batch_size = self.integer(training["batch_size"], "training.batch_size", 1)
            if batch_size > points:
                raise self.fail(
                    "training.batch_size",
                    f"is {batch_size} but the data has only {_count(points, 'point')}",
                    f"use a batch size from 1 to {points}",
                )
        epochs = self.integer(training.get("epochs", 1), "training.epochs", 1)
        iterations = epochs * -(-points // batch_size)
        if targets is not None and iterations > MAX_ITERATIONS:
            raise self.fail(
                "training.epochs",
                f"gives {iterations:,} updates; at most {MAX_ITERATIONS:,}",
                "use fewer epochs or a larger batch size",
            )
        shuffle = self.boolean(training.get("shuffle", False), "training.shuffle")

        places = _Places(inputs, layers)
        notes = self.notes(top.get("notes", []), places)
        slides = self.slides(top.get("slide", []), places)
        bookmarks = self.bookmarks(top.get("bookmarks", []))

        optimizer = self.choice(
            training.get("optimizer", "sgd"), "training.optimizer", tuple(OPTIMIZERS)
        )
        optimizer_settings = {}
        for key, owner in OPTIMIZER_SETTINGS.items():
            if key not in training:
                continue
            where = f"training.{key}"
            if owner != optimizer:
                raise self.fail(
                    where,
                    f'is a setting of optimizer = "{owner}", but the optimizer is "{optimizer}"',
                    f'set optimizer = "{owner}" or remove {key}',
                )
            value = self.number(training[key], where)
            if key == "epsilon" and value <= 0:
                raise self.fail(where, f"must be positive, found {training[key]}", "e.g. 1e-8")
            if key != "epsilon" and not 0 <= value < 1:
                raise self.fail(
                    where, f"must be at least 0 and below 1, found {training[key]}", "e.g. 0.9"
                )
            optimizer_settings[key] = value

        return Scenario(
            title=title,
            description=description,
            source=source,
            inputs=tuple(inputs),
            layers=tuple(layers),
            data_inputs=data_inputs,
            targets=targets,
            loss=loss,
            learning_rate=learning_rate,
            optimizer=optimizer,
            optimizer_settings=optimizer_settings,
            batch_size=batch_size,
            epochs=epochs,
            shuffle=shuffle,
            seed=seed,
            notes=notes,
            slides=slides,
            bookmarks=bookmarks,
            path=self.file,
        )

    # -- the data points ----------------------------------------------------------

    def inline_data(self, data: dict, inputs: list[str], outputs: tuple[str, ...], loss: str):
        raw_inputs = data["inputs"]
        if not isinstance(raw_inputs, list):
            raise self.fail(
                "data.inputs", f"expected a list of data points, found {_kind(raw_inputs)}"
            )
        if not raw_inputs:
            raise self.fail("data.inputs", "is empty; the data needs at least one point")
        if len(raw_inputs) > MAX_POINTS:
            raise self.fail("data.inputs", f"has {len(raw_inputs)} points; at most {MAX_POINTS}")
        points = len(raw_inputs)
        data_inputs = self.matrix(
            raw_inputs,
            "data.inputs",
            points,
            len(inputs),
            "one per point",
            f"one per input node: {', '.join(inputs)}",
        )
        if "targets" not in data:
            return data_inputs, None
        raw = data["targets"]
        if isinstance(raw, list) and len(raw) != points:
            raise self.fail(
                "data.targets",
                f"expected {_count(points, 'target')} (one per data point in data.inputs), "
                f"found {len(raw)}",
            )
        if (
            loss == "cross_entropy"
            and isinstance(raw, list)
            and len(outputs) > 1
            and all(isinstance(v, int | str) and not isinstance(v, bool) for v in raw)
        ):
            classes = [self.class_of(v, f"data.targets[{r}]", outputs) for r, v in enumerate(raw)]
            return data_inputs, np.eye(len(outputs))[classes]
        targets = self.matrix(
            raw,
            "data.targets",
            points,
            len(outputs),
            "one per point",
            f"one per output node: {', '.join(outputs)}",
        )
        return data_inputs, targets

    def class_of(self, value: Any, where: str, outputs: tuple[str, ...], file: str = "") -> int:
        """A class given as a 0-based index or as an output node's name."""
        fail = self.fail if not file else lambda w, m, h="": ScenarioError(file, w, m, h)
        if isinstance(value, str) and value.strip() in outputs:
            return outputs.index(value.strip())
        index: Any = value
        if isinstance(value, str):
            try:
                index = int(value.strip())
            except ValueError:
                raise fail(
                    where,
                    f'"{value}" is not a class: expected 0..{len(outputs) - 1} or an output '
                    f"node's name ({', '.join(outputs)})",
                ) from None
        if isinstance(index, bool) or not isinstance(index, int):
            raise fail(where, f"expected a class index or an output's name, found {_kind(value)}")
        if not 0 <= index < len(outputs):
            raise fail(
                where,
                f"class {index} is outside 0..{len(outputs) - 1} (one per output node: "
                f"{', '.join(outputs)})",
            )
        return index

    def check_targets(self, targets, loss: str, outputs, file: str, where_row) -> None:
        """Cross-entropy targets are probabilities that sum to 1 (one-hot rows); binary
        cross-entropy targets are 0 or 1."""
        for r, row in enumerate(targets):
            if loss == "cross_entropy" and (np.any(row < 0) or abs(row.sum() - 1) > 1e-9):
                raise ScenarioError(
                    file,
                    where_row(r),
                    "cross-entropy targets must be one-hot rows (0s and one 1) or class "
                    f"indices; this row is [{', '.join(f'{v:g}' for v in row)}]",
                    "give the class of each point: an index from 0 or an output's name",
                )
            if loss == "binary_cross_entropy" and not np.all((row == 0) | (row == 1)):
                raise ScenarioError(
                    file,
                    where_row(r),
                    "binary cross-entropy targets must be 0 or 1; found "
                    f"{', '.join(f'{v:g}' for v in row)}",
                )

    def csv_data(self, name: str, inputs: list[str], outputs: tuple[str, ...], loss: str):
        """Points from a CSV file beside the scenario (see csv_points.py)."""
        path = Path(self.file).parent / name if self.file else Path(name)
        if not path.is_file():
            raise self.fail(
                "data.file",
                f'no such file: "{path}"' if not path.exists() else f'"{path}" is not a file',
                "the path is relative to the scenario file",
            )
        return read_points(path, inputs, outputs, loss, self.class_of, MAX_FILE_BYTES, MAX_POINTS)

    def layers(self, value: Any, inputs: list[str], seed: int) -> list[Layer]:
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(
                "network.layers",
                f"expected [[network.layers]] tables, found {_kind(value)}",
            )
        if not value:
            raise self.fail("network.layers", "is empty; the network needs an output layer")
        if len(value) > MAX_LAYERS:
            raise self.fail("network.layers", f"has {len(value)} layers; at most {MAX_LAYERS}")
        layers: list[Layer] = []
        previous = inputs
        total_weights = 0
        for index, spec in enumerate(value):
            where = f"network.layers[{index}]"
            is_output = index == len(value) - 1
            self.table(
                spec,
                where,
                ("name", "nodes", "activation", "weights", "bias", "train_bias"),
                required=("nodes", "weights"),
            )
            default_name = "output" if is_output else f"hidden {index + 1}"
            name = self.text(spec.get("name", default_name), f"{where}.name", allow_empty=False)
            defaults = partial(default_node_names, index, is_output)
            nodes = self.names(spec["nodes"], f"{where}.nodes", defaults)
            total_weights += len(nodes) * len(previous)
            if total_weights > MAX_WEIGHTS:
                raise self.fail(
                    f"{where}.nodes",
                    f"the network has more than {MAX_WEIGHTS:,} weights; too large for a lesson",
                )
            activation = self.choice(
                spec.get("activation", "identity"), f"{where}.activation", tuple(ACTIVATIONS)
            )
            if ACTIVATIONS[activation].output_only and not is_output:
                raise self.fail(
                    f"{where}.activation",
                    f'"{activation}" is allowed on the output layer only',
                    "use relu, sigmoid or tanh here, and softmax on the last layer",
                )
            weights = self.weights(
                spec["weights"], f"{where}.weights", nodes, previous, seed, index
            )
            bias = None
            if "bias" in spec:
                bias = self.bias(spec["bias"], f"{where}.bias", nodes)
            train_bias = True
            if "train_bias" in spec:
                train_bias = self.boolean(spec["train_bias"], f"{where}.train_bias")
                if bias is None:
                    raise self.fail(
                        f"{where}.train_bias",
                        "is set but the layer has no bias",
                        "add bias = ... or remove train_bias",
                    )
            layers.append(Layer(name, tuple(nodes), activation, weights, bias, train_bias))
            previous = nodes
        return layers

    def weights(self, value, where, nodes, previous, seed, index) -> np.ndarray:
        if value == "random":
            rng = np.random.default_rng([seed, index])
            scale = 1.0 / math.sqrt(len(previous))
            drawn = np.round(rng.normal(0.0, scale, size=(len(nodes), len(previous))), 2)
            return drawn + 0.0  # no -0.0 from rounding
        if isinstance(value, str):
            raise self.fail(where, f'expected a list of rows or "random", found {_kind(value)}')
        return self.matrix(
            value,
            where,
            len(nodes),
            len(previous),
            f"one per node of this layer: {', '.join(nodes)}",
            "one per node of the layer before",
        )

    def bias(self, value, where, nodes) -> np.ndarray:
        if isinstance(value, list):
            if len(value) != len(nodes):
                raise self.fail(
                    where, f"expected {len(nodes)} numbers (one per node), found {len(value)}"
                )
            return np.array([self.number(v, f"{where}[{i}]") for i, v in enumerate(value)])
        return np.full(len(nodes), self.number(value, where))

    def unique_names(self, inputs: list[str], layers: list[Layer]) -> None:
        seen: dict[str, str] = {name: "network.inputs" for name in inputs}
        if len(seen) != len(inputs):
            dup = next(n for n in inputs if inputs.count(n) > 1)
            raise self.fail("network.inputs", f'duplicate node name: "{dup}" is used twice')
        for index, layer in enumerate(layers):
            for name in layer.nodes:
                where = f"network.layers[{index}].nodes"
                if name in seen:
                    raise self.fail(
                        where,
                        f'duplicate node name: "{name}" is already used in {seen[name]}',
                        "node names must be unique across the network",
                    )
                seen[name] = where

    def bookmarks(self, value: Any) -> tuple[Bookmark, ...]:
        result = []
        for where, spec in self.tables(
            value, "bookmarks", ("name", "step", "note"), required=("name", "step")
        ):
            name = self.text(spec["name"], f"{where}.name", allow_empty=False)
            step = spec["step"]
            if isinstance(step, int) and not isinstance(step, bool):
                step = str(self.integer(step, f"{where}.step", 1))
            step = self.text(step, f"{where}.step", allow_empty=False)
            result.append(Bookmark(name, step, self.text(spec.get("note", ""), f"{where}.note")))
        return tuple(result)

    # -- narration ----------------------------------------------------------------

    def anchor(self, value: Any, where: str, places: _Places) -> Anchor:
        text = self.text(value, where, allow_empty=False)
        try:
            return parse_anchor(text, places.nodes, places.elements)
        except ValueError as error:
            raise self.fail(where, f'"{text}": {error}') from None

    def notes(self, value: Any, places: _Places) -> tuple[Note, ...]:
        """[[notes]] anchored notes, or the old [notes] table (one plain note per phase)."""
        if isinstance(value, dict):
            table = self.table(value, "notes", PHASES)
            return tuple(
                Note(Anchor(key, "phase", key), self.text(text, f"notes.{key}"), plain=True)
                for key, text in table.items()
            )
        result = []
        for where, spec in self.tables(value, "notes", ("at", "text"), required=("at", "text")):
            anchor = self.anchor(spec["at"], f"{where}.at", places)
            text = self.text(spec["text"], f"{where}.text", allow_empty=False)
            self.placeholders(text, f"{where}.text", places)
            result.append(Note(anchor, text))
        return tuple(result)

    def placeholders(self, text: str, where: str, places: _Places) -> None:
        for inner in placeholders(text):
            problem = check_placeholder(inner, places)
            if problem:
                raise self.fail(where, problem)

    def slides(self, value: Any, places: _Places) -> tuple[SlideMark, ...]:
        result = []
        for where, spec in self.tables(
            value, "slide", ("at", "printed", "why"), required=("at", "printed")
        ):
            anchor = self.anchor(spec["at"], f"{where}.at", places)
            if anchor.key == ("phase", "loss"):  # the slide's loss is the loss step's number
                anchor = Anchor(anchor.text, "loss", "", anchor.iteration)
            if anchor.kind == "phase":
                raise self.fail(
                    f"{where}.at",
                    f'"{anchor.text}" is a phase; a slide\'s number belongs to one step',
                    'name the step as KIND:NAME, e.g. "weight_slope:a2->b2"',
                )
            printed = self.number(spec["printed"], f"{where}.printed")
            result.append(
                SlideMark(anchor, printed, self.text(spec.get("why", ""), f"{where}.why"))
            )
        return tuple(result)


class _Places:
    """Names a note may use: nodes, output nodes, weights FROM->TO and bias:NODE."""

    def __init__(self, inputs: list[str], layers: list[Layer]) -> None:
        previous, elements = inputs, []
        for layer in layers:
            elements += [f"{src}->{dst}" for dst in layer.nodes for src in previous]
            if layer.bias is not None:
                elements += [f"bias:{node}" for node in layer.nodes]
            previous = layer.nodes
        self.computed = tuple(n for layer in layers for n in layer.nodes)
        self.nodes = tuple(inputs) + self.computed
        self.outputs = layers[-1].nodes
        self.elements = tuple(elements)

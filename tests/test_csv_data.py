"""[data] file = "points.csv": the points read right, and every mistake named clearly
(the CSV file, the line, the column) with exit status 2 from the command line."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from tui_backprop.errors import ScenarioError
from tui_backprop.scenario import load_scenario

SCENARIO = """\
title = "csv"
[network]
inputs = ["x1", "x2"]
loss = "{loss}"
[[network.layers]]
nodes = {outputs}
activation = "{activation}"
weights = {weights}
[data]
file = "points.csv"
"""


def write(tmp_path, csv_text: str, outputs='["y"]', loss="mse", activation="identity"):
    count = outputs.count('"') // 2
    weights = "[" + ", ".join(["[1, 1]"] * count) + "]"
    text = SCENARIO.format(loss=loss, outputs=outputs, activation=activation, weights=weights)
    (tmp_path / "lesson.toml").write_text(text, encoding="utf-8")
    (tmp_path / "points.csv").write_text(csv_text, encoding="utf-8")
    return tmp_path / "lesson.toml"


def error(path) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return info.value


def test_columns_in_any_order_and_target_for_one_output(tmp_path):
    s = load_scenario(write(tmp_path, "target,x2,x1\n3,2,1\n-1, 0.5 ,-2\n"))
    np.testing.assert_array_equal(s.data_inputs, [[1, 2], [-2, 0.5]])
    np.testing.assert_array_equal(s.targets, [[3], [-1]])


def test_output_columns_by_name(tmp_path):
    s = load_scenario(write(tmp_path, "x1,x2,a,b\n1,2,0.5,1\n", outputs='["a", "b"]'))
    np.testing.assert_array_equal(s.targets, [[0.5, 1]])


def test_no_target_columns_is_a_forward_pass(tmp_path):
    s = load_scenario(write(tmp_path, "x1,x2\n1,2\n"))
    assert s.targets is None and s.iterations == 0


def test_class_column_by_index_or_name(tmp_path):
    path = write(
        tmp_path,
        "x1,x2,class\n1,2,0\n3,4,blue\n5,6,1\n",
        outputs='["red", "blue"]',
        loss="cross_entropy",
        activation="softmax",
    )
    np.testing.assert_array_equal(load_scenario(path).targets, [[1, 0], [0, 1], [0, 1]])


def test_blank_lines_are_skipped_and_line_numbers_are_the_files(tmp_path):
    e = error(write(tmp_path, "x1,x2,y\n\n1,2,3\n4,x,6\n"))
    assert e.file.endswith("points.csv")
    assert e.where == 'line 4, column "x2"' and '"x" is not a finite number' in e.message


@pytest.mark.parametrize(
    ("csv_text", "where", "phrase"),
    [
        ("", "", "is empty"),
        ("\n\n", "", "is empty"),
        ("x1,x2,y\n", "", "no data rows"),
        ("x1,y\n1,2\n", "line 1", 'missing column "x2"'),
        ("x1,x2,z\n1,2,3\n", "line 1, column 3", 'unknown column "z"'),
        ("x1,x2,x2\n1,2,3\n", "line 1", "named twice"),
        ("x1,x2,y\n1,2,3\n4,5\n", "line 3", "has 2 values; the header has 3"),
        ("x1,x2,y\n1,2,3,4\n", "line 2", "has 4 values"),
        ("x1,x2,y\n1,2,inf\n", 'line 2, column "y"', "not a finite number"),
        ("x1,x2,y\n1,,3\n", 'line 2, column "x2"', '"" is not a finite number'),
    ],
)
def test_csv_mistakes(tmp_path, csv_text, where, phrase):
    e = error(write(tmp_path, csv_text))
    assert e.file == str(tmp_path / "points.csv")
    assert e.where == where
    assert phrase in e.message


def test_class_mistakes_name_line_and_column(tmp_path):
    path = write(
        tmp_path,
        "x1,x2,class\n1,2,0\n3,4,green\n",
        outputs='["red", "blue"]',
        loss="cross_entropy",
        activation="softmax",
    )
    e = error(path)
    assert e.where == 'line 3, column "class"' and '"green" is not a class' in e.message


def test_class_and_output_columns_together(tmp_path):
    path = write(
        tmp_path,
        "x1,x2,class,red,blue\n1,2,0,1,0\n",
        outputs='["red", "blue"]',
        loss="cross_entropy",
        activation="softmax",
    )
    assert "replaces the output columns" in error(path).message


def test_one_hot_rows_from_csv_are_checked(tmp_path):
    path = write(
        tmp_path,
        "x1,x2,red,blue\n1,2,1,0\n3,4,1,1\n",
        outputs='["red", "blue"]',
        loss="cross_entropy",
        activation="softmax",
    )
    e = error(path)
    assert e.file.endswith("points.csv") and e.where == "line 3" and "one-hot" in e.message


def test_missing_file_names_the_scenario_key(tmp_path):
    path = write(tmp_path, "x1,x2\n1,2\n")
    (tmp_path / "points.csv").unlink()
    e = error(path)
    assert e.file == str(path) and e.where == "data.file"
    assert "no such file" in e.message and "points.csv" in e.message


def test_file_and_inline_points_together(tmp_path):
    path = write(tmp_path, "x1,x2\n1,2\n")
    path.write_text(path.read_text() + "inputs = [[1, 2]]\n")
    e = error(path)
    assert e.where == "data.inputs" and "together with data.file" in e.message


def test_not_utf8(tmp_path):
    path = write(tmp_path, "")
    (tmp_path / "points.csv").write_bytes(b"x1,x2\n\xff\xfe,1\n")
    assert "not UTF-8" in error(path).message


def test_command_line_exit_status_2_names_the_csv(tmp_path):
    path = write(tmp_path, "x1,x2,y\n1,2\n")
    done = subprocess.run(
        [sys.executable, "-m", "tui_backprop", str(path), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "points.csv: line 2: has 2 values; the header has 3" in done.stderr


def test_a_field_too_large_for_csv_is_an_error_not_a_traceback(tmp_path):
    path = write(tmp_path, "x1,x2,y\n1,2,3\n")
    (tmp_path / "points.csv").write_text('x1,x2,y\n1,"' + "9" * 200_000 + "\n", encoding="utf-8")
    e = error(path)
    assert e.file.endswith("points.csv") and "not valid CSV" in e.message


def test_line_numbers_count_lines_inside_quoted_fields(tmp_path):
    e = error(write(tmp_path, 'x1,x2,y\n"1\n",2,3\n4,5,z\n'))
    # the quoted field "1\n" spans lines 2 and 3, so the bad row is on line 4
    assert e.where == 'line 4, column "y"'

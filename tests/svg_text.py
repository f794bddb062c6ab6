"""Reading the text back out of an SVG screenshot (shared by the app and browser tests)."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET


def svg_lines(svg: str) -> list[str]:
    """The text of an SVG screenshot, line by line: Rich writes one <text> per styled
    run (spaces between runs left out), so each run is put back at its column."""
    root = ET.fromstring(svg)
    runs = []
    for element in root.iter("{http://www.w3.org/2000/svg}text"):
        clip = element.get("clip-path", "")
        text = html.unescape(element.text or "").replace("\xa0", " ")
        if "-line-" not in clip or not text:
            continue
        line = int(clip.rsplit("-line-", 1)[1].rstrip(")"))
        runs.append((line, float(element.get("x")), float(element.get("textLength")), text))
    cell = min(length / len(text) for _, _, length, text in runs)
    rows: dict[int, list[str]] = {}
    for line, x, _, text in runs:
        row = rows.setdefault(line, [])
        column = round(x / cell)
        row.extend(" " * (column + len(text) - len(row)))
        row[column : column + len(text)] = text
    return ["".join(rows.get(i, [])).rstrip() for i in range(max(rows) + 1)]

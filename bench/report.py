"""Rows of the result table: a measured value (or why there is none), its goal and a verdict."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Sample:
    """Repeated timings of one thing, in seconds."""

    values: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def low(self) -> float:
        return min(self.values)

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.values)
        return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


@dataclass(frozen=True)
class Row:
    """One line of the table; ``result`` is already formatted, ``value`` feeds the verdict.

    A yes/no check gives ``expected`` (the goal's text) and ``ok`` instead of a number.
    """

    measurement: str
    result: str
    goal: float | None = None
    value: float | None = None
    expected: str | None = None
    ok: bool | None = None

    @property
    def goal_text(self) -> str:
        if self.expected is not None:
            return self.expected
        return "—" if self.goal is None else f"≤ {duration(self.goal)}"

    @property
    def verdict(self) -> str:
        if self.ok is not None:
            return "met" if self.ok else "missed"
        if self.goal is None:
            return "—"
        if self.value is None:
            return "not measured"
        if self.value <= self.goal:
            return "met"
        return f"missed by {duration(self.value - self.goal)}"


def duration(seconds: float) -> str:
    """Milliseconds below one second (two decimals below 10 ms), seconds above; signed."""
    size = abs(seconds)
    if size < 0.01:
        return f"{seconds * 1000:.2f} ms"
    if size < 1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s"


def median_row(label: str, sample: Sample, goal: float | None = None, note: str = "") -> Row:
    """``median (min …, n runs)``, judged on the median."""
    runs = f"{len(sample.values)} run" + ("" if len(sample.values) == 1 else "s")
    extra = f"; {note}" if note else ""
    text = f"{duration(sample.median)} (min {duration(sample.low)}, {runs}{extra})"
    return Row(label, text, goal, sample.median)


def failed_row(label: str, why: str, goal: float | None = None) -> Row:
    """A row with no number, saying why; never a made-up figure."""
    return Row(label, f"not measured: {why}", goal, None)


def table(rows: Sequence[Row]) -> str:
    """The result table: measurement, result, goal, verdict."""
    header = ("measurement", "result", "goal", "verdict")
    return markdown(header, [(r.measurement, r.result, r.goal_text, r.verdict) for r in rows])


def markdown(header: Sequence[str], body: Sequence[Sequence[str]]) -> str:
    """A Markdown table, its columns padded so it also reads well in a terminal."""
    cells = [tuple(text.replace("|", "\\|") for text in cell) for cell in (header, *body)]
    widths = [max(len(cell[i]) for cell in cells) for i in range(len(header))]

    def line(cell: Sequence[str]) -> str:
        return "| " + " | ".join(text.ljust(w) for text, w in zip(cell, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), rule, *(line(c) for c in cells[1:])])

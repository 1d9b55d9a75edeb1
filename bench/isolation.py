"""Per-test isolation: ``rolled_back(db)`` timed in one process (``probes/isolation.py``)."""

from __future__ import annotations

import json

from console import say
from report import Row, Sample, duration, failed_row
from workspace import Workspace

GOAL = 0.001


def measure(workspace: Workspace, count: int) -> list[Row]:
    """Median and p95 of ``count`` rollbacks, empty; and what isolation adds to a test that writes.

    An empty body sends no SAVEPOINT (the session never begins), so the second row prices the
    savepoint round trips too: one INSERT inside ``rolled_back`` minus the same INSERT and a plain
    rollback with no isolation.
    """
    say(f"per-test isolation: rolled_back(db) x {count}, empty, with one INSERT, and without")
    empty_label = "per-test isolation, empty test: rolled_back(db) entered and left"
    write_label = "per-test isolation, test that writes: INSERT in rolled_back(db) minus without"
    result = workspace.probe("isolation.py", str(workspace.root), str(count))
    if result.done.returncode != 0:
        why = result.tail()
        return [failed_row(empty_label, why, GOAL), failed_row(write_label, why, GOAL)]
    timings = json.loads(result.done.stdout)
    empty, insert = Sample(tuple(timings["empty"])), Sample(tuple(timings["insert"]))
    baseline = Sample(tuple(timings["baseline"]))
    added = insert.median - baseline.median
    return [
        Row(empty_label, _text(empty), GOAL, empty.median),
        Row(
            write_label,
            f"{duration(added)} (medians {duration(insert.median)} - {duration(baseline.median)}; "
            f"p95 {duration(insert.percentile(0.95))} and {duration(baseline.percentile(0.95))})",
            GOAL,
            added,
        ),
    ]


def _text(sample: Sample) -> str:
    return (
        f"{duration(sample.median)} median, p95 {duration(sample.percentile(0.95))} "
        f"({len(sample.values)} runs)"
    )

"""Background jobs: deferring inside a request, and one worker's throughput (``probes/jobs.py``).

Each beside its floor: a bare INSERT in the same transaction for the deferral; for the worker,
the same number of rows inserted and deleted by one connection, each committed, which is the least
a job costs any queue kept in PostgreSQL.
"""

from __future__ import annotations

import json

from console import say
from report import Row, Sample, duration, failed_row
from workspace import Workspace

DEFER_GOAL = 0.002
JOBS_PER_SECOND_GOAL = 100


def measure(workspace: Workspace, deferrals: int, jobs: int) -> list[Row]:
    say(f"jobs: {deferrals} deferrals and bare INSERTs, then {jobs} jobs through one worker")
    defer_label = "deferring a job in a request's open transaction (`task.defer()`)"
    floor_label = "the floor: a bare INSERT in the same transaction"
    worker_label = "jobs per second through one worker (a job that does nothing)"
    loop_label = "the floor: INSERT + DELETE of a row, each committed, one connection"
    result = workspace.probe("jobs.py", str(workspace.root), str(deferrals), str(jobs))
    if result.done.returncode != 0:
        why = result.tail()
        return [
            failed_row(defer_label, why, DEFER_GOAL),
            failed_row(floor_label, why),
            failed_row(worker_label, why),
            failed_row(loop_label, why),
        ]
    found = json.loads(result.done.stdout)
    defer, insert = Sample(tuple(found["defer"])), Sample(tuple(found["insert"]))
    rate = found["jobs"] / found["worker"]
    floor_rate = jobs / found["floor"]
    return [
        Row(defer_label, _timings(defer), DEFER_GOAL, defer.median),
        Row(floor_label, _timings(insert)),
        Row(
            worker_label,
            f"{rate:.0f} jobs/s ({found['jobs']} jobs in {duration(found['worker'])}, first start "
            f"to last end; {duration(found['worker_wall'])} with the worker's start and stop)",
            expected=f"≥ {JOBS_PER_SECOND_GOAL} jobs/s",
            ok=rate >= JOBS_PER_SECOND_GOAL,
        ),
        Row(loop_label, f"{floor_rate:.0f} rows/s ({jobs} in {duration(found['floor'])})"),
    ]


def _timings(sample: Sample) -> str:
    return (
        f"{duration(sample.median)} median, p95 {duration(sample.percentile(0.95))} "
        f"({len(sample.values)} runs)"
    )

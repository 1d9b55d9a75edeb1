"""How many xdist workers ``-n auto`` starts: as many as pay for their start, else none.

Each worker is a session of its own: it starts an interpreter, imports the plugins, the conftest
and the app, collects every test and claims a database before it runs its first test. Workers
pay only when the time the tests take, spread over the free cores (the cores less the load
average: on a busy machine workers only share the same time), saves more than that. The estimate
uses the recorded durations of the tests the arguments name; with nothing recorded it runs
serially (never slower than serial), and the run records what the next one needs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Workers are used only when they are estimated to save at least this share of the serial time,
# so that an estimate a little off never makes a run slower than serial.
MARGIN = 0.8


@dataclass(frozen=True)
class Choice:
    """The number of workers (0: run in this process) and the estimate behind it."""

    workers: int
    serial: float
    parallel: float

    def explain(self, tests: int) -> str:
        recorded = f"{tests} recorded tests, {self.serial:.1f} s serially"
        if not self.workers:
            return f"-n auto: no workers ({recorded}; workers would not pay for their start)"
        return f"-n auto: {self.workers} workers ({recorded}, about {self.parallel:.1f} s on them)"


def choose_workers(serial: float, tests: int, startup: float | None, cores: float) -> Choice:
    """The worker count with the lowest estimated wall time on ``cores`` free cores (a fraction
    when the machine is partly busy), 0 unless it saves enough."""
    if startup is None or tests < 2 or cores <= 1:
        return Choice(0, serial, serial)
    best = Choice(0, serial, serial)
    for workers in range(2, min(math.ceil(cores), tests) + 1):
        estimate = startup + serial / min(workers, cores)
        if estimate < best.parallel:
            best = Choice(workers, serial, estimate)
    return best if best.parallel < MARGIN * serial else Choice(0, serial, serial)

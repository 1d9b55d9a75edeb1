"""How many xdist workers ``-n auto`` starts: as many as pay for their start, else none.

Each worker is a session of its own: it starts an interpreter, imports the plugins, the conftest
and the app, collects every test and claims a database before it runs its first test. Workers
pay only when the time the tests take, shared among them, saves more than that. On a busy
machine the scheduler shares the cores among every runnable process (the load average counts
them), so workers still add to this run's share, by less. The estimate uses the recorded
durations of the tests the arguments name; with nothing recorded it runs serially (never slower
than serial), and the run records what the next one needs.
"""

from __future__ import annotations

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


def speedup(workers: int, cores: int, load: float) -> float:
    """How much faster ``workers`` processes get through the tests than one, when ``load`` other
    processes want the ``cores`` too and each gets a fair share (at most a whole core)."""
    one = min(1.0, cores / (load + 1))
    return workers * min(1.0, cores / (load + workers)) / one


def choose_workers(
    serial: float, tests: int, startup: float | None, cores: int, load: float = 0.0
) -> Choice:
    """The worker count with the lowest estimated wall time, 0 unless it saves enough."""
    best = Choice(0, serial, serial)
    if startup is None:
        return best
    for workers in range(2, min(cores, tests) + 1):
        estimate = startup + serial / speedup(workers, cores, load)
        if estimate < best.parallel:
            best = Choice(workers, serial, estimate)
    return best if best.parallel < MARGIN * serial else Choice(0, serial, serial)

"""Session overhead: kiln's setup cost with the server running, stopped, and never created.

Two views of each state, both in fresh processes:

- ``TestSession`` timed inside a probe (interpreter start-up left out): kiln's own imports plus
  the setup. psycopg's import is reported but not counted: the app's engine imports it anyway.
- the wall time of ``pytest`` running one DB test minus that of the same round's one no-DB test
  (the floor arm): everything kiln adds to a run, nothing left out.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from console import say
from report import Row, Sample, duration, failed_row, median_row
from runs import passed, pytest_argv
from suites import FLOOR, KILN, first_test
from workspace import Workspace


@dataclass(frozen=True)
class State:
    """A state of the project's server, how to get into it, and the goal in it."""

    name: str
    label: str
    goal: float
    prepare: Callable[[Workspace], None]


def _running(_: Workspace) -> None:
    """Nothing to do: the run before left the server up and the clone warm."""


def _stopped(workspace: Workspace) -> None:
    workspace.kiln("db", "down")


def _fresh(workspace: Workspace) -> None:
    workspace.admin("destroy")


# Measured in this order every round, so "running" always follows a run that started the server.
STATES = (
    State("fresh", "first ever (initdb)", 3.0, _fresh),
    State("stopped", "server stopped, cluster existing", 1.0, _stopped),
    State("running", "server running", 0.15, _running),
)
SHOWN = tuple(reversed(STATES))  # the order: running, stopped, first ever


@dataclass
class Probes:
    """What the probe reported in one state, run after run, or why it could not run."""

    psycopg: list[float] = field(default_factory=list)
    kiln_imports: list[float] = field(default_factory=list)
    setup: list[float] = field(default_factory=list)
    steps: list[dict[str, float]] = field(default_factory=list)
    failure: str | None = None

    def add(self, report: dict) -> None:
        self.psycopg.append(report["psycopg"])
        self.kiln_imports.append(report["kiln_imports"])
        self.setup.append(report["setup"])
        self.steps.append(report["steps"])

    @property
    def own(self) -> Sample:
        """kiln's own cost: its imports and the setup."""
        return Sample(tuple(a + b for a, b in zip(self.kiln_imports, self.setup, strict=True)))

    def step_medians(self) -> dict[str, float]:
        names = self.steps[0] if self.steps else {}
        return {name: Sample(tuple(s.get(name, 0.0) for s in self.steps)).median for name in names}


def measure(workspace: Workspace, runs: int) -> tuple[list[Row], list[str]]:
    """Every state ``runs`` times with the probe, then with pytest: rows, and breakdown notes."""
    probes = {state.name: Probes() for state in STATES}
    say("warm-up: one session builds the template and the clone")
    workspace.probe("session_setup.py", str(workspace.root))
    for number in range(runs):
        for state in STATES:
            say(f"session setup probe, {state.label} ({number + 1}/{runs})")
            _probe(workspace, state, probes[state.name])
    walls = _pytest_walls(workspace, runs)
    rows = [_probe_row(state, probes[state.name]) for state in SHOWN]
    rows += _wall_rows(walls)
    return rows, [_note(state, probes[state.name]) for state in SHOWN]


def _probe(workspace: Workspace, state: State, probes: Probes) -> None:
    if probes.failure:
        return
    state.prepare(workspace)
    result = workspace.probe("session_setup.py", str(workspace.root))
    if result.done.returncode == 0:
        probes.add(json.loads(result.done.stdout))
    else:
        probes.failure = result.tail()


def _probe_row(state: State, probes: Probes) -> Row:
    label = f"session setup, {state.label}: TestSession() in a fresh process"
    if probes.failure:
        return failed_row(label, probes.failure, state.goal)
    setup = Sample(tuple(probes.setup)).median
    imports = Sample(tuple(probes.kiln_imports)).median
    note = f"setup {duration(setup)} + kiln's imports {duration(imports)}"
    return median_row(label, probes.own, state.goal, note)


def _note(state: State, probes: Probes) -> str:
    """Where the setup time goes in one state: median per step."""
    if probes.failure or not probes.steps:
        return f"{state.label}: not measured"
    parts = {
        "psycopg import (not counted)": Sample(tuple(probes.psycopg)).median,
        "kiln's imports": Sample(tuple(probes.kiln_imports)).median,
        **probes.step_medians(),
    }
    shown = ", ".join(f"{name} {duration(value)}" for name, value in parts.items())
    return f"{state.label}: {shown}"


def _pytest_walls(workspace: Workspace, runs: int) -> dict[str, list[float] | str]:
    """Wall times of one-test pytest runs, round by round: the floor, then kiln in every state."""
    walls: dict[str, list[float] | str] = {"floor": [], **{s.name: [] for s in STATES}}
    floor = pytest_argv(workspace, FLOOR, first_test(FLOOR))
    kiln = pytest_argv(workspace, KILN, first_test(KILN))
    for number in range(runs):
        say(f"one-test pytest runs: the floor, then kiln in each state ({number + 1}/{runs})")
        _one_wall(workspace, walls, "floor", floor)
        for state in STATES:
            state.prepare(workspace)
            _one_wall(workspace, walls, state.name, kiln)
    return walls


def _one_wall(
    workspace: Workspace, walls: dict[str, list[float] | str], key: str, argv: list[str]
) -> None:
    timings = walls[key]
    if isinstance(timings, str):
        return  # failed before; the row says why
    result = workspace.run(argv)
    if passed(result) == 1:
        timings.append(result.seconds)
    else:
        walls[key] = result.tail()


def _wall_rows(walls: dict[str, list[float] | str]) -> list[Row]:
    """The floor, then each state as paired differences: kiln's run minus the same round's floor."""
    floor = walls["floor"]
    floor_label = "pytest, 1 test, no database (floor): wall"
    if isinstance(floor, str):
        return [failed_row(floor_label, floor)]
    rows = [median_row(floor_label, Sample(tuple(floor)))]
    for state in SHOWN:
        label = f"pytest, 1 DB test, {state.label}: wall minus the floor's"
        own = walls[state.name]
        if isinstance(own, str):
            rows.append(failed_row(label, own, state.goal))
            continue
        extra = Sample(tuple(k - f for k, f in zip(own, floor, strict=True)))
        whole = f"whole run {duration(Sample(tuple(own)).median)}"
        rows.append(median_row(label, extra, state.goal, whole))
    return rows

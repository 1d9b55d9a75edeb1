"""The side-by-side arms: the same generated tests run by pytest, each arm in its own process.

Arms run round-robin (every arm once, then again), so a slow spell on the machine hits them all.
A run counts only when pytest exits 0 having passed every test; otherwise the arm's row says why.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass

from console import say
from report import Row, Sample, duration, failed_row, median_row
from suites import FLOOR, KILN, PYTEST_POSTGRESQL, Arm, first_test
from workspace import Timed, Workspace, give_to, server_user

_PASSED = re.compile(r"\b(\d+) passed\b")
_BAD = re.compile(r"\b\d+ (failed|errors?)\b")
PLUGINS = {KILN.name: "kiln"}  # pytest-postgresql is only on its own arm's PYTHONPATH
TIMEOUT = 1800.0


def passed(result: Timed) -> int:
    """How many tests passed, or 0 if anything failed or pytest did not exit 0."""
    output = result.output
    if result.done.returncode != 0 or _BAD.search(output):
        return 0
    counts = _PASSED.findall(output)
    return int(counts[-1]) if counts else 0


def pytest_argv(
    workspace: Workspace, arm: Arm, *targets: str, extra: Sequence[str] = ()
) -> list[str]:
    """``python -m pytest`` on the arm's folder, with only the arm's own database plugin loaded."""
    blocked = [f"no:{plugin}" for name, plugin in PLUGINS.items() if name != arm.name]
    options = [item for plugin in ["no:cacheprovider", *blocked] for item in ("-p", plugin)]
    folder = f"{arm.folder(workspace.root).relative_to(workspace.root)}"
    return [workspace.python, "-m", "pytest", "-q", *options, *extra, *(targets or [folder])]


@dataclass
class Setting:
    """How one arm is run: extra options, environment, and the user to run it as."""

    extra: list[str]
    env: dict[str, str]
    user: str | None = None
    problem: str | None = None


def settings(workspace: Workspace, arm: Arm, server_url: str) -> Setting:
    """The arm's options; pytest-postgresql's server runs as PostgreSQL's user when we are root."""
    if arm is not PYTEST_POSTGRESQL:
        uses_server = arm.name in {"create_all", "migrate"}
        return Setting([], {"BENCH_SERVER_URL": server_url} if uses_server else {})
    user = server_user()
    if user is None and os.geteuid() == 0:
        return Setting(
            [], {}, problem="running as root and no user (postgres, nobody) to run it as"
        )
    scratch = workspace.folder / "pytest-postgresql"
    (scratch / "pycache").mkdir(parents=True, exist_ok=True)
    give_to(scratch, user)  # its data, sockets and bytecode, written as the user it runs as
    extra = [
        f"--postgresql-exec={workspace.admin('pg-ctl')}",
        f"--postgresql-unixsocketdir={scratch}",
        f"--basetemp={scratch / 'tmp'}",
    ]
    env = {
        "PYTHONPATH": str(workspace.bench_site),
        "PYTHONPYCACHEPREFIX": str(scratch / "pycache"),
    }
    return Setting(extra, env, user)


def run_arms(workspace: Workspace, arms: Sequence[Arm], count: int, repeat: int) -> list[Row]:
    """Warm each arm with a one-test run, then time full runs round-robin; rows for the table."""
    results: dict[str, list[float] | str] = {}
    workspace.kiln("db", "up")  # create_all and migrate use kiln's server, as a plain server
    server_url = workspace.admin("url", "postgres")
    setups = {arm.name: settings(workspace, arm, server_url) for arm in arms}
    for arm in arms:
        setup = setups[arm.name]
        if setup.problem:
            results[arm.name] = setup.problem
            continue
        say(f"warm-up: one test, {arm.label}")
        warm = _run(workspace, arm, setup, first_test(arm))
        results[arm.name] = [] if passed(warm) == 1 else f"warm-up failed: {warm.tail()}"
    for number in range(repeat):
        for arm in arms:
            timings = results[arm.name]
            if isinstance(timings, str):
                continue
            say(f"{count} tests, {arm.label} ({number + 1}/{repeat})")
            result = _run(workspace, arm, setups[arm.name])
            if passed(result) == count:
                timings.append(result.seconds)
            else:
                results[arm.name] = f"pytest: {result.tail()}"
    return _rows(results, arms, count)


def _run(workspace: Workspace, arm: Arm, setup: Setting, *targets: str) -> Timed:
    argv = pytest_argv(workspace, arm, *targets, extra=setup.extra)
    return workspace.run(argv, env=setup.env, timeout=TIMEOUT, as_user=setup.user)


def _rows(results: dict[str, list[float] | str], arms: Sequence[Arm], count: int) -> list[Row]:
    floor = results.get(FLOOR.name)
    floor_median = Sample(tuple(floor)).median if isinstance(floor, list) and floor else None
    rows = []
    for arm in arms:
        label = f"{count} tests, wall: {arm.label}"
        timings = results[arm.name]
        if isinstance(timings, str):
            rows.append(failed_row(label, timings))
            continue
        sample = Sample(tuple(timings))
        note = ""
        if floor_median and arm is not FLOOR:
            note = f"floor + {duration(sample.median - floor_median)}"
        rows.append(median_row(label, sample, note=note))
    kiln = results.get(KILN.name)
    if floor_median and isinstance(kiln, list) and kiln:
        per_test = (Sample(tuple(kiln)).median - floor_median) / count
        rows.append(
            Row(
                f"kiln's cost per test as pytest sees it: (kiln - floor) / {count}",
                duration(per_test),
            )
        )
    return rows

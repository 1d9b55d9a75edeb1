"""Recorded test durations at work: ``--shard K/N``, and the number of workers ``-n auto`` starts.

Every run records how long its tests took (``testing.durations``), and how long the session took
to reach its first test, which each xdist worker would pay again.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from pathlib import Path

import pytest

from kiln.errors import KilnError
from kiln.testing import durations
from kiln.testing.paths import resolve_typed_paths
from kiln.testing.shards import Shard, parse_shard, split
from kiln.testing.workers import choose_workers

_IMPORTED = time.perf_counter()  # pytest imports its plugins first thing
_IMPORTED_BY = os.getpid()  # another pid: a fork of a warm process (kiln watch) runs the session
_WORKERS = pytest.StashKey[str]()
_SHARD = pytest.StashKey[str]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("kiln").addoption(
        "--shard",
        metavar="K/N",
        type=_shard,
        dest="kiln_shard",
        help="run part K of N of the selected tests, the N parts balanced by the durations "
        "recorded in .kiln/test-durations.json (each test in exactly one part)",
    )


def pytest_configure(config: pytest.Config) -> None:
    state_dir = _state_dir(config)
    # xdist's controller records; a shard does not, so that its sibling shards, run after it on
    # this machine, split the same tests with the same durations.
    if (
        state_dir is not None
        and not hasattr(config, "workerinput")
        and not config.option.kiln_shard
    ):
        config.pluginmanager.register(Recorder(state_dir, config.rootpath), "kiln-durations")


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """``-n auto``: workers only when the recorded durations say they pay (xdist's own choice
    outside a kiln project, or when ``PYTEST_XDIST_AUTO_NUM_WORKERS`` sets the number)."""
    state_dir = _state_dir(config)
    if state_dir is None or os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    recorded = durations.load(state_dir)
    named = named_tests(recorded.tests, config)
    serial, tests = recorded.total(named), len(named)
    if shard := config.getoption("kiln_shard", None):  # about one part of them runs here
        serial, tests = serial / shard.count, tests // shard.count
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    choice = choose_workers(serial, tests, recorded.startup, cores or 1, os.getloadavg()[0])
    config.stash[_WORKERS] = f"kiln: {choice.explain(tests)}"
    return choice.workers


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    shard: Shard | None = config.getoption("kiln_shard", None)
    if shard is None:
        return
    state_dir = _state_dir(config)
    recorded = durations.load(state_dir) if state_dir else durations.Durations()
    ids = [item.nodeid for item in items]
    kept = set(split(ids, recorded.tests, shard.count)[shard.index - 1])
    config.hook.pytest_deselected(items=[item for item in items if item.nodeid not in kept])
    items[:] = [item for item in items if item.nodeid in kept]
    seconds = recorded.total([item.nodeid for item in items])
    recorded_time = f"{seconds:.1f} s recorded"
    config.stash[_SHARD] = (
        f"kiln: shard {shard}: {len(items)} of {len(ids)} tests ({recorded_time})"
    )


def pytest_report_header(config: pytest.Config) -> str | None:
    return config.stash.get(_WORKERS, None)


def pytest_report_collectionfinish(config: pytest.Config) -> str | None:
    return config.stash.get(_SHARD, None)


def named_tests(recorded: dict[str, float], config: pytest.Config) -> list[str]:
    """The recorded test ids under the paths and ids pytest was given (all, when none)."""
    root = config.rootpath
    prefixes: list[str] = []
    for arg in resolve_typed_paths(config.args, root):
        path, separator, rest = arg.partition("::")
        absolute = (config.invocation_params.dir / path).resolve()
        if absolute.is_relative_to(root):
            relative = absolute.relative_to(root).as_posix()
            prefixes.append("" if relative == "." else f"{relative}{separator}{rest}")
    return [
        test_id
        for test_id in recorded
        if any(
            not p or test_id == p or test_id.startswith((f"{p}/", f"{p}::", f"{p}["))
            for p in prefixes
        )
    ]


class Recorder:
    """Adds up each test's setup, call and teardown; writes them when the session ends."""

    def __init__(self, state_dir: Path, root: Path) -> None:
        self.state_dir = state_dir
        self.root = root
        self.ran: dict[str, float] = defaultdict(float)
        self.startup: float | None = None

    def pytest_collection_finish(self) -> None:
        if os.getpid() == _IMPORTED_BY:  # a fork started warm: its start says nothing of a worker's
            self.startup = _process_age()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.ran[report.nodeid] += report.duration

    def pytest_sessionfinish(self) -> None:
        if self.ran:
            durations.save(self.state_dir, self.root, self.ran, self.startup)


def _state_dir(config: pytest.Config) -> Path | None:
    from kiln.project import find_project

    try:
        return find_project(config.rootpath).state_dir
    except KilnError:
        return None


def _shard(text: str) -> Shard:
    import argparse

    try:
        return parse_shard(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _process_age() -> float:
    """Seconds since this process started (interpreter start-up included), on Linux; since the
    plugin was imported elsewhere."""
    try:
        stat = Path("/proc/self/stat").read_text().rpartition(")")[2].split()
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return uptime - int(stat[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return time.perf_counter() - _IMPORTED

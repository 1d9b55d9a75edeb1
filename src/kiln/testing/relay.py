"""kiln's lines in a test session, brought to the terminal the user reads.

Under pytest-xdist a worker's terminal goes nowhere: a worker keeps its lines (the fixtures the
project replaces, the writes that escaped a test's transaction) and hands them over on its next
test report, as an attribute pytest carries to the controller with the report; the controller
prints each line once, so the clash report every worker finds appears once. What a worker says
after its last report, and the tests whose writes escaped (for the summary), travel in xdist's
``workeroutput`` when the worker finishes.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

_LINES = "kiln_lines"  # on a worker's test report, and in its workeroutput
_ESCAPED = "kiln_escaped"  # in a worker's workeroutput: its tests whose writes escaped
_OUTBOX = pytest.StashKey[list[str]]()
_PRINTED = pytest.StashKey[set[str]]()
_WORKERS_ESCAPED = pytest.StashKey[list[str]]()


def say(config: pytest.Config, line: str) -> None:
    """Print ``line`` now, past pytest's output capture; on an xdist worker, send it on."""
    if _is_worker(config):
        config.stash.setdefault(_OUTBOX, []).append(line)
    else:
        _print_once(config, line)


def report_escaped(config: pytest.Config, tests: list[str]) -> None:
    """A worker's tests whose writes escaped, for the controller's summary."""
    if _is_worker(config) and tests:
        config.workeroutput[_ESCAPED] = list(tests)  # type: ignore[attr-defined]


def workers_escaped(config: pytest.Config) -> list[str]:
    """On the controller, the tests whose writes escaped, from every worker."""
    return config.stash.get(_WORKERS_ESCAPED, [])


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item) -> Generator[None, Any, None]:
    outcome = yield
    if outbox := item.config.stash.get(_OUTBOX, None):
        setattr(outcome.get_result(), _LINES, outbox.copy())
        outbox.clear()


def pytest_configure(config: pytest.Config) -> None:
    if not _is_worker(config):
        config.pluginmanager.register(_Controller(config), "kiln-relay")


def pytest_sessionfinish(session: pytest.Session) -> None:
    if outbox := session.config.stash.get(_OUTBOX, None):
        session.config.workeroutput[_LINES] = outbox.copy()  # type: ignore[attr-defined]
        outbox.clear()


class _Controller:
    """The process that prints: the only one without xdist, xdist's controller with it."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for line in getattr(report, _LINES, ()):
            _print_once(self.config, line)

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: object) -> None:
        output = getattr(node, "workeroutput", {})
        for line in output.get(_LINES, ()):
            _print_once(self.config, line)
        self.config.stash.setdefault(_WORKERS_ESCAPED, []).extend(output.get(_ESCAPED, ()))


def _print_once(config: pytest.Config, line: str) -> None:
    printed = config.stash.setdefault(_PRINTED, set())
    if line in printed:
        return
    printed.add(line)
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:
        return
    writer = getattr(reporter, "_tw", None)
    if writer is not None and writer.width_of_current_line:
        reporter.currentfspath = -2  # xdist's progress dots: start a line of our own
    with capture.global_and_fixture_disabled():
        reporter.write_line(line, yellow=True, bold=True)


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")

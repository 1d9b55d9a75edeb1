"""Which of the project's functions each test executed: what ``kiln watch`` selects reruns by.

Recorded inside each forked ``kiln watch`` run by coverage.py (its C tracer, a dynamic context
per test), as functions: file and qualified name, so a later edit that moves lines does not move
them. Code a higher-scoped fixture ran while it was set up counts for every test that uses the
fixture, not only the first one; code run outside any test (imports, collection) is kept apart:
a change there is a change to its module. A test that starts a Python program, or forks, is
marked, since what runs in that process is not seen.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from kiln.project import Project
from kiln.testing.impact import function_spans, innermost

Functions = dict[str, set[str]]  # project file (relative, posix) -> qualified names
_SPAWNS = frozenset({"subprocess.Popen", "os.posix_spawn", "os.exec", "os.fork", "os.forkpty"})


@dataclass
class Footprint:
    """One test's: the functions it executed, whether it started a program, how it ended."""

    functions: Functions
    spawns: bool = False
    failed: bool = False


@dataclass
class Footprints:
    """Every recorded test's footprint, and the functions run outside any test."""

    tests: dict[str, Footprint] = field(default_factory=dict)
    outside: Functions = field(default_factory=dict)

    def merge(self, other: Footprints) -> None:
        """A later run's: its tests replace their old footprints; import-time code adds up."""
        self.tests.update(other.tests)
        for path, names in other.outside.items():
            self.outside.setdefault(path, set()).update(names)

    def dump(self) -> str:
        return json.dumps(
            {
                "tests": {
                    test_id: {
                        "functions": _listed(footprint.functions),
                        "spawns": footprint.spawns,
                        "failed": footprint.failed,
                    }
                    for test_id, footprint in self.tests.items()
                },
                "outside": _listed(self.outside),
            }
        )

    @classmethod
    def load(cls, text: str) -> Footprints:
        data = json.loads(text)
        tests = {
            test_id: Footprint(_sets(entry["functions"]), entry["spawns"], entry["failed"])
            for test_id, entry in data["tests"].items()
        }
        return cls(tests, _sets(data["outside"]))


class Recorder:
    """The pytest plugin that records footprints and writes them to ``output`` at the end.

    coverage.py's C tracer measures the package's lines, one dynamic context per test (and per
    higher-scoped fixture's setup); the lines are then read as the functions holding them.
    """

    def __init__(self, project: Project, output: Path) -> None:
        from coverage import Coverage

        self.project = project
        self.output = output
        self.coverage = Coverage(
            data_file=None, source=[str(project.package_dir)], config_file=False
        )
        self.spawned = False
        self._context = _OUTSIDE
        self._failed: set[str] = set()
        self._spawning: set[str] = set()  # fixtures whose setup started a program
        self._tests: dict[str, tuple[str, ...]] = {}  # test id -> its higher-scoped fixtures
        self._spawns: set[str] = set()

    def start(self) -> None:
        """Measure from now on; the forked run ends with its process."""
        sys.addaudithook(self._audit)
        self.coverage.start()
        self.coverage.switch_context(_OUTSIDE)

    def _audit(self, event: str, args: tuple[Any, ...]) -> None:
        if event in _SPAWNS and (event.startswith("os.fork") or _runs_python(args)):
            self.spawned = True

    def _switch(self, context: str) -> str:
        previous, self._context = self._context, context
        self.coverage.switch_context(context)
        return previous

    @pytest.hookimpl(wrapper=True)
    def pytest_fixture_setup(
        self, fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
    ) -> Generator[None, Any, Any]:
        ours = getattr(fixturedef.func, "__module__", "").startswith("kiln.")
        if fixturedef.scope == "function" and not ours:
            return (yield)
        enclosing, spawned = self._switch(_FIXTURE + fixturedef.argname), self.spawned
        self.spawned = False
        try:
            return (yield)
        finally:
            # kiln's own fixtures start PostgreSQL, and migrate a template in a child Python
            # whose result the schema's fingerprint already keys: not a program the test runs.
            if self.spawned and not ours:
                self._spawning.add(fixturedef.argname)
            self.spawned = spawned or (self.spawned and not ours)
            self._switch(enclosing)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Generator[None, Any, Any]:
        self._switch(item.nodeid)
        self.spawned = False
        try:
            return (yield)
        finally:
            self._switch(_OUTSIDE)
            fixtures = tuple(getattr(item, "fixturenames", ()))
            self._tests[item.nodeid] = fixtures
            if self.spawned or self._spawning.intersection(fixtures):
                self._spawns.add(item.nodeid)

    @pytest.hookimpl
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.failed:
            self._failed.add(report.nodeid)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self) -> None:
        self.coverage.stop()
        by_context = self._functions_by_context()
        fixtures = {
            context.removeprefix(_FIXTURE): functions
            for context, functions in by_context.items()
            if context.startswith(_FIXTURE)
        }
        footprints = Footprints(outside=by_context.get(_OUTSIDE, {}))
        for test_id, names in self._tests.items():
            functions: Functions = {}
            for part in (by_context.get(test_id, {}), *(fixtures.get(n, {}) for n in names)):
                for path, qualnames in part.items():
                    functions.setdefault(path, set()).update(qualnames)
            spawns, failed = test_id in self._spawns, test_id in self._failed
            footprints.tests[test_id] = Footprint(functions, spawns, failed)
        self.output.write_text(footprints.dump())

    def _functions_by_context(self) -> dict[str, Functions]:
        """Each context's executed functions, by file relative to the project."""
        data = self.coverage.get_data()
        found: dict[str, Functions] = {}
        for measured in data.measured_files():
            path = Path(measured)
            try:
                spans = function_spans(path.read_text(encoding="utf-8"))
                shown = path.relative_to(self.project.root).as_posix()
            except (OSError, UnicodeDecodeError, ValueError, SyntaxError):
                continue  # gone or broken since: the next run records it again
            for line, contexts in data.contexts_by_lineno(measured).items():
                name = innermost(spans, line)
                if name is None:
                    continue
                for context in contexts:
                    found.setdefault(context, {}).setdefault(shown, set()).add(name)
        return found


_OUTSIDE = "<outside tests>"
_FIXTURE = "<fixture>"


def _runs_python(args: tuple[Any, ...]) -> bool:
    """Whether a spawned program is a Python, or a script of this environment (gunicorn, flask,
    kiln): it may run the project's code where no trace reaches. A browser or a database is not."""
    program = args[0] if args and args[0] else None
    if program is None and len(args) > 1:
        argv = args[1]
        program = argv.split()[0] if isinstance(argv, str) else next(iter(argv), None)
    if program is None:
        return False
    path = Path(os.fsdecode(program))
    return path.name.startswith("python") or path.parent == Path(sys.prefix) / "bin"


def _listed(functions: Mapping[str, set[str]]) -> dict[str, list[str]]:
    return {path: sorted(names) for path, names in functions.items()}


def _sets(functions: Mapping[str, list[str]]) -> Functions:
    return {path: set(names) for path, names in functions.items()}

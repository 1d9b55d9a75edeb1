"""``kiln watch``: rerun the tests a save affects, as soon as it is saved.

Each run is a fork of a process that has already imported Flask, SQLAlchemy, psycopg and pytest,
so a run pays only for the project's own modules; the project's code is never imported by the
watcher itself, so every run sees the saved files. Each run records which functions every test
executed (footprints.py); a later save reruns only the tests its change can affect (impact.py),
those that failed last first, then the fastest; tests that start a program, which no trace
follows, run after the others' verdict is out.
"""

from __future__ import annotations

import ast
import gc
import importlib
import importlib.metadata
import inspect
import os
import queue
import signal
import sys
import tempfile
import threading
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from watchfiles import Change, DefaultFilter, watch

from kiln.project import Project
from kiln.runner.interpreter import project_python
from kiln.testing import durations
from kiln.testing.focus import FOCUS
from kiln.testing.footprints import Footprints, Recorder
from kiln.testing.impact import ImportGraph, changed_functions, module_name

PRELOAD = (
    "flask",
    "flask_sqlalchemy",
    "flask_migrate",
    "sqlalchemy",
    "sqlalchemy.dialects.postgresql.psycopg",
    "psycopg",
    "werkzeug.serving",
    "pytest",
    "coverage",
    "unittest",
    "_pytest.unittest",
    "kiln.testing.plugin",
    "kiln.testing.session",
    "kiln.config",
    "kiln.postgres",
)
WATCHED_SUFFIXES = (".py", ".toml", ".json", ".ini", ".cfg", ".mako", ".env")
NOTHING_TO_RUN = -1  # the "exit code" of a run that was not needed
NO_TESTS = int(pytest.ExitCode.NO_TESTS_COLLECTED)


class SourceFilter(DefaultFilter):
    """Files whose change can change a test result; never kiln's own database files."""

    ignore_dirs = (*DefaultFilter.ignore_dirs, ".kiln", "htmlcov", ".ruff_cache", "build", "dist")

    def __call__(self, change: Change, path: str) -> bool:
        return path.endswith(WATCHED_SUFFIXES) and super().__call__(change, path)


def is_test_file(path: Path) -> bool:
    return path.suffix == ".py" and (path.name.startswith("test_") or path.stem.endswith("_test"))


@dataclass(frozen=True)
class Selection:
    """What a run covers: some test files, or every test (``files is None``), and why.

    ``tests``, when given, narrows the files to those test ids (ids never recorded still run).
    """

    files: list[Path] | None
    why: str = ""
    focused: bool = False
    tests: frozenset[str] | None = None

    def scope(self) -> str:
        """The end of the line ``kiln watch`` prints before a run."""
        if self.files is None:
            return "all tests, last failed first" + (f" ({self.why})" if self.why else "")
        if self.focused:
            return f"focused tests ({self.why})"
        if not self.files:
            return f"nothing to rerun ({self.why})"
        files = _count(len(self.files), "file")
        if self.tests is None:
            return f"{len(self.files)} affected test {files.partition(' ')[2]}"
        recorded = sum("::" in test_id for test_id in self.tests)
        tests = f"{_count(recorded, 'affected test')} in {files}" if recorded else f"{files}"
        return f"{tests} ({self.why})" if self.why else tests


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"


def parsed(test_file: Path) -> ast.Module | None:
    """A test file's syntax tree; ``None`` when it cannot be read (pytest will say why)."""
    try:
        return ast.parse(test_file.read_text(encoding="utf-8"))
    except (SyntaxError, OSError, UnicodeDecodeError):
        return None


def imported_modules(test_file: Path) -> set[str]:
    """Every module a test file imports, with ``from a import b`` counted as ``a`` and ``a.b``."""
    tree = parsed(test_file)
    if tree is None:
        return set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def has_focus_mark(test_file: Path) -> bool:
    """Whether the file writes ``pytest.mark.focus`` (or ``mark.focus``) anywhere."""
    tree = parsed(test_file)
    return tree is not None and any(
        isinstance(node, ast.Attribute) and node.attr == FOCUS and _is_mark(node.value)
        for node in ast.walk(tree)
    )


def _is_mark(node: ast.expr) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "mark") or (
        isinstance(node, ast.Name) and node.id == "mark"
    )


def project_test_files(project: Project) -> list[Path]:
    tests_dir = project.root / "tests"
    found = sorted(tests_dir.rglob("*.py")) if tests_dir.is_dir() else []
    return [path for path in found if is_test_file(path)]


def focused_tests(project: Project) -> Selection | None:
    """The files with focused tests, when there are any: then only those tests run."""
    focused = [path for path in project_test_files(project) if has_focus_mark(path)]
    if not focused:
        return None
    shown = ", ".join(str(path.relative_to(project.root)) for path in focused)
    return Selection(focused, f"marked in {shown}", focused=True)


def select_tests(
    project: Project, changed: Iterable[Path], *, focus: bool = True, memory: Memory | None = None
) -> Selection:
    """The focused tests if any, else the tests ``changed`` affects, else all and why."""
    focused = focused_tests(project) if focus else None
    if memory is not None and memory.complete:
        affected = memory.affected(changed)
        if not focused:
            return affected
        memory.owe(affected)  # not run now: their footprints may be out of date
    return focused or affected_tests(project, changed)


def affected_tests(project: Project, changed: Iterable[Path]) -> Selection:
    """The test files a change can affect; all of them, saying why, when that cannot be told."""
    tests = project_test_files(project)
    selected: set[Path] = set()
    for path in changed:
        shown = path.relative_to(project.root) if path.is_relative_to(project.root) else path
        if is_test_file(path):
            if path.exists():
                selected.add(path)
            continue
        module = module_name(project, path)
        if module is None:
            return Selection(None, f"{shown} changed: anything may depend on it")
        users = {test for test in tests if module in imported_modules(test)}
        if not users:
            return Selection(None, f"no test imports {module}")
        selected |= users
    if not selected:
        return Selection(None, "the saved test files are gone")
    return Selection(sorted(selected))


class Memory:
    """What the watcher knows between runs: every test's footprint, and the package's sources as
    the runs that recorded them saw them (read, never imported), to tell what a save changed."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.footprints = Footprints()
        self.graph = ImportGraph(project)
        self.sources = {path: _text(path) for path in project.package_dir.rglob("*.py")}
        self.owed: set[str] = set()  # tests a change affected that have not run since
        self.complete = False  # every test recorded once (a run of all, unfocused)

    def owe(self, selection: Selection) -> None:
        """Remember tests a change affected that a run left out (focus, a failed collection,
        ``-x``): until they run again, what they executed may have changed."""
        if selection.files is None:
            self.owed |= self.footprints.tests.keys()
        elif selection.tests is not None:
            self.owed |= selection.tests  # ids, and whole files (their new tests)

    def recorded(self, footprints: Footprints) -> None:
        """A run's footprints, which settle what it owed."""
        self.footprints.merge(footprints)
        self.owed -= footprints.tests.keys()
        self.owed -= {test_id.partition("::")[0] for test_id in footprints.tests}

    def affected(self, changed: Iterable[Path]) -> Selection:
        """The tests whose footprints say a change can affect them; test files never recorded
        run whole on any change to the package (so they get footprints)."""
        root = self.project.root
        recorded = {test_id for test_id in self.footprints.tests if _exists(root, test_id)}
        tests: set[str] = set()
        whys: list[str] = []
        reached_anywhere = False
        for path in changed:
            shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
            if is_test_file(path):
                tests |= {t for t in recorded if t.partition("::")[0] == shown}
                tests.add(shown)  # a file not recorded yet, or new tests in it
                continue
            if module_name(self.project, path) is None:
                return Selection(None, f"{shown} changed: anything may depend on it")
            before, after = self.sources.get(path), _text(path)
            self.sources[path] = after
            functions = changed_functions(before, after)
            if functions is not None and not functions:
                whys.append(f"{shown}: no code changed")
                continue
            reached_anywhere |= path in self._imported_anywhere()
            if functions is not None and functions & self.footprints.outside.get(shown, set()):
                functions = None  # run at import time: its result is part of the module
            hits = self._hits(path, shown, functions, recorded)
            tests |= hits
            what = "module-level change" if functions is None else ", ".join(sorted(functions))
            whys.append(f"{shown}: {what}" if hits else f"no test reaches {shown}: {what}")
        tests |= self.owed
        if reached_anywhere:
            spawners = {t for t in recorded if self.footprints.tests[t].spawns}
            if spawners - tests:
                started = _count(len(spawners), "test")
                whys.append(f"{started} starting Python, whose code no trace sees")
            tests |= spawners
            tests |= {p.relative_to(root).as_posix() for p in self._unrecorded_files(recorded)}
        return self._selection(tests, whys)

    def _imported_anywhere(self) -> set[Path]:
        """The modules the package or any test file imports, directly or not."""
        package = self.project.package_dir / "__init__.py"
        return self.graph.reach([package, *project_test_files(self.project)])

    def _hits(
        self, path: Path, shown: str, functions: frozenset[str] | None, recorded: set[str]
    ) -> set[str]:
        reached: dict[frozenset[str], set[Path]] = {}
        hits = set()
        for test_id in recorded:
            footprint = self.footprints.tests[test_id]
            if functions is not None:
                if functions & footprint.functions.get(shown, set()):
                    hits.add(test_id)
            else:
                files = frozenset([*footprint.functions, *self._test_code(test_id)])
                if files not in reached:
                    reached[files] = self.graph.reach(self.project.root / f for f in files)
                if path in reached[files]:
                    hits.add(test_id)
        return hits

    def _test_code(self, test_id: str) -> list[str]:
        """The test's own file and the ``conftest.py`` files above it: their imports count too
        (only the package's lines are measured)."""
        test_file = Path(test_id.partition("::")[0])
        conftests = [folder / "conftest.py" for folder in test_file.parents]
        present = [c for c in conftests if (self.project.root / c).is_file()]
        return [test_file.as_posix(), *(c.as_posix() for c in present)]

    def _unrecorded_files(self, recorded: set[str]) -> list[Path]:
        files = {test_id.partition("::")[0] for test_id in recorded}
        return [
            path
            for path in project_test_files(self.project)
            if path.relative_to(self.project.root).as_posix() not in files
        ]

    def batches(self, selection: Selection) -> list[Selection]:
        """The selection in the order it runs: the tests whose code kiln traces first, so their
        verdict comes at once, then those that start a program (whose code it cannot trace,
        so they rerun on every change to the package, and are mostly slow)."""
        if selection.tests is None:
            return [selection]
        tests = self.footprints.tests
        untraced = {
            test_id
            for test_id in selection.tests
            if test_id in tests
            and tests[test_id].spawns
            and test_id.partition("::")[0] not in selection.tests  # its whole file runs first
        }
        traced = selection.tests - untraced
        if not untraced or not traced:
            return [selection]
        return [self._selection(set(traced), []), self._selection(untraced, [])]

    def _selection(self, tests: set[str], whys: list[str]) -> Selection:
        root = self.project.root
        files = sorted({root / test_id.partition("::")[0] for test_id in tests})
        files = [path for path in files if path.exists()]
        return Selection(files, "; ".join(whys), tests=frozenset(tests))

    def order(self) -> dict[str, float]:
        """Each recorded test's place in a run: those that failed last first, then the fastest."""
        recorded = durations.load(self.project.state_dir)
        return {
            test_id: -1.0 if footprint.failed else recorded.tests.get(test_id, 0.0)
            for test_id, footprint in self.footprints.tests.items()
        }


def _text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _exists(root: Path, test_id: str) -> bool:
    return (root / test_id.partition("::")[0]).is_file()


def run_in_project_python(project: Project) -> None:
    """Become ``kiln watch`` in the project's Python when kiln runs from another environment.

    Each run is a fork of this process, so the project, its dependencies and kiln's plugin must
    import here; the process is replaced (same arguments) rather than wrapped, so Ctrl-C and the
    exit code stay those of a single process.
    """
    checked = project_python(project)
    if checked.prefix.resolve() == Path(sys.prefix).resolve():
        return
    python = str(checked.path)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(python, [python, "-m", "kiln", *sys.argv[1:]])


def preload(project: Project) -> None:
    """Import the heavy libraries once, so every forked run starts warm.

    That is kiln's own, pytest's plugins and whatever the project depends on, but never the
    project's code, which must be read afresh on every run. The heap is then frozen, so the
    collection pytest runs at the end of each session does not walk all of it again.
    """
    plugins = [entry.module for entry in importlib.metadata.entry_points(group="pytest11")]
    for name in (*PRELOAD, *plugins, *dependency_modules(project)):
        try:
            importlib.import_module(name)
        except Exception:  # a module that fails here fails visibly in the run itself
            continue
    # Each run's coverage (footprints.py) records the stack it starts from: inspect.stack(),
    # whose first call maps every loaded module to its file (0.7 s); every fork inherits it.
    inspect.stack()
    gc.collect()
    gc.freeze()


def dependency_modules(project: Project) -> list[str]:
    """Top-level modules of the distributions the installed project requires (extras included)."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    try:
        requires = importlib.metadata.requires(project.name) or []
    except importlib.metadata.PackageNotFoundError:
        return []
    wanted = {canonicalize_name(Requirement(line).name) for line in requires}
    return sorted(
        module
        for module, distributions in importlib.metadata.packages_distributions().items()
        if module != project.package
        and not module.startswith("_")
        and any(canonicalize_name(d) in wanted for d in distributions)
    )


def forget_bytecode(paths: Iterable[Path]) -> None:
    """Delete the cached bytecode of saved files.

    Python and pytest trust a ``.pyc`` whose recorded source size and mtime (in whole seconds)
    match, so a same-length edit saved within a second of the last run would run the old code.
    """
    for path in paths:
        for cached in (path.parent / "__pycache__").glob(f"{path.stem}.*.pyc"):
            cached.unlink(missing_ok=True)


class Narrowing:
    """A forked run's plugin: only the selected tests of the collected files (and any the
    footprints do not know: new ones), those that failed last first, then the fastest."""

    def __init__(self, selection: Selection, memory: Memory) -> None:
        self.tests = selection.tests
        self.known = frozenset(memory.footprints.tests)
        self.order = memory.order()

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(
        self, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        kept = [item for item in items if self._selected(item.nodeid)]
        dropped = [item for item in items if not self._selected(item.nodeid)]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
        kept.sort(key=lambda item: self.order.get(item.nodeid, -0.5))
        items[:] = kept

    def _selected(self, test_id: str) -> bool:
        return (
            self.tests is None
            or test_id in self.tests
            or test_id.partition("::")[0] in self.tests
            or test_id not in self.known
        )


def run_forked(argv: Sequence[str], memory: Memory, selection: Selection, scratch: Path) -> int:
    """Run ``pytest argv`` in a forked child, recording its footprints into ``memory``, and
    return its exit code; Ctrl-C stops the child."""
    sys.stdout.flush()
    recorded = scratch / "footprints.json"
    recorded.unlink(missing_ok=True)
    with warnings.catch_warnings():
        # The watcher thread only waits on the file system; the child never touches it.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:
        code = 1
        try:
            plugins: list[object] = [Narrowing(selection, memory)]
            if not selection.focused:  # a focused run's tests are owed instead: it stays fast
                recorder = Recorder(memory.project, recorded)
                recorder.start()
                plugins.append(recorder)
            # Plugins were imported ahead by preload(), so pytest cannot rewrite their asserts.
            warning = ["-W", "ignore::pytest.PytestAssertRewriteWarning"]
            code = int(pytest.main([*warning, *argv], plugins=plugins))
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    try:
        _, status = os.waitpid(pid, 0)
    except KeyboardInterrupt:
        _, status = os.waitpid(pid, 0)  # the child got the same SIGINT and is finishing
        raise
    memory.owe(selection)
    if recorded.exists():
        memory.recorded(Footprints.load(recorded.read_text()))
        memory.complete |= selection.files is None and not selection.focused
    return os.waitstatus_to_exitcode(status)


class ChangeFeed:
    """Watches the project from a background thread, so saves made during a run are not lost."""

    def __init__(self, root: Path) -> None:
        self._batches: queue.Queue[set[Path]] = queue.Queue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._pump, args=(root,), daemon=True)
        self._thread.start()

    def _pump(self, root: Path) -> None:
        # Ctrl-C must reach the main thread, which waits on the queue: a signal handed to this
        # thread (or to the file watcher's threads, which inherit the mask) would leave it asleep.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        source = SourceFilter()
        for batch in watch(root, watch_filter=source, debounce=80, step=20, stop_event=self._stop):
            self._batches.put({Path(path) for _, path in batch})

    def next(self) -> list[Path]:
        """The next batch, merged with any that arrived meanwhile."""
        changed = self._batches.get()
        while not self._batches.empty():
            changed |= self._batches.get_nowait()
        return sorted(changed)

    def close(self) -> None:
        self._stop.set()


def run_loop(
    project: Project,
    pytest_args: Sequence[str],
    report: Callable[[int], None],
    announce: Callable[[str, Selection], None],
    interim: Callable[[int, int], None],
) -> None:
    """Run once, then again on every batch of changes, until Ctrl-C.

    A run whose tests include some that start a program runs the others first and calls
    ``interim`` with their exit code and how many are left, then those; ``report`` gets the
    verdict of the whole run.
    """
    preload(project)
    os.chdir(project.root)
    memory = Memory(project)
    feed = ChangeFeed(project.root)
    focus = "--no-focus" not in pytest_args
    try:
        with tempfile.TemporaryDirectory(prefix="kiln-watch-") as folder:
            scratch = Path(folder)
            first = (focus and focused_tests(project)) or Selection(None)
            announce("first run", first)
            report(run_forked(_argv(pytest_args, first), memory, first, scratch))
            while True:
                batch = feed.next()
                forget_bytecode(batch)
                reason = ", ".join(str(p.relative_to(project.root)) for p in batch[:3])
                selection = select_tests(project, batch, focus=focus, memory=memory)
                announce(reason, selection)
                if selection.files == []:
                    report(NOTHING_TO_RUN)
                    continue
                codes: list[int] = []
                for part in memory.batches(selection):
                    if codes:
                        interim(codes[-1], len(part.tests or ()))
                    codes.append(run_forked(_argv(pytest_args, part), memory, part, scratch))
                report(overall(codes))
    finally:
        feed.close()


def overall(codes: Sequence[int]) -> int:
    """One exit code for a run made of several pytest sessions: the first that is neither a
    pass nor "no tests ran"; "no tests ran" only if none ran any."""
    problems = [code for code in codes if code not in (pytest.ExitCode.OK, NO_TESTS)]
    if problems:
        return problems[0]
    return NO_TESTS if all(code == NO_TESTS for code in codes) else int(pytest.ExitCode.OK)


def _argv(pytest_args: Sequence[str], selection: Selection) -> list[str]:
    if selection.files is None:
        return [*pytest_args, "--ff"]
    return [*pytest_args, *map(str, selection.files)]

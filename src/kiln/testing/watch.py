"""``kiln watch``: rerun the tests a save affects, as soon as it is saved.

Each run is a fork of a process that has already imported Flask, SQLAlchemy, psycopg and pytest,
so a run pays only for the project's own modules; the project's code is never imported by the
watcher itself, so every run sees the saved files.
"""

from __future__ import annotations

import ast
import gc
import importlib
import importlib.metadata
import os
import queue
import signal
import sys
import threading
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from watchfiles import Change, DefaultFilter, watch

from kiln.project import Project
from kiln.testing.focus import FOCUS

PRELOAD = (
    "flask",
    "flask_sqlalchemy",
    "flask_migrate",
    "sqlalchemy",
    "sqlalchemy.dialects.postgresql.psycopg",
    "psycopg",
    "werkzeug.serving",
    "pytest",
    "unittest",
    "_pytest.unittest",
    "kiln.testing.plugin",
    "kiln.testing.session",
    "kiln.config",
    "kiln.postgres",
)
WATCHED_SUFFIXES = (".py", ".toml", ".json", ".ini", ".cfg", ".mako", ".env")


class SourceFilter(DefaultFilter):
    """Files whose change can change a test result; never kiln's own database files."""

    ignore_dirs = (*DefaultFilter.ignore_dirs, ".kiln", "htmlcov", ".ruff_cache", "build", "dist")

    def __call__(self, change: Change, path: str) -> bool:
        return path.endswith(WATCHED_SUFFIXES) and super().__call__(change, path)


def is_test_file(path: Path) -> bool:
    return path.suffix == ".py" and (path.name.startswith("test_") or path.stem.endswith("_test"))


def module_name(project: Project, path: Path) -> str | None:
    """The dotted module a source file defines, if it belongs to the project's package."""
    package_root = project.package_dir.parent
    if path.suffix != ".py" or not path.is_relative_to(project.package_dir):
        return None
    parts = list(path.relative_to(package_root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@dataclass(frozen=True)
class Selection:
    """What a run covers: some test files, or every test (``files is None``), and why."""

    files: list[Path] | None
    why: str = ""
    focused: bool = False

    def scope(self) -> str:
        """The end of the line ``kiln watch`` prints before a run."""
        if self.files is None:
            return "all tests, last failed first" + (f" ({self.why})" if self.why else "")
        if self.focused:
            return f"focused tests ({self.why})"
        noun = "file" if len(self.files) == 1 else "files"
        return f"{len(self.files)} affected test {noun}"


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


def select_tests(project: Project, changed: Iterable[Path], *, focus: bool = True) -> Selection:
    """The focused tests if any, else the test files ``changed`` affects, else all and why."""
    focused = focused_tests(project) if focus else None
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


def run_forked(argv: Sequence[str]) -> int:
    """Run ``pytest argv`` in a forked child and return its exit code; Ctrl-C stops the child."""
    import pytest

    sys.stdout.flush()
    with warnings.catch_warnings():
        # The watcher thread only waits on the file system; the child never touches it.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:
        code = 1
        try:
            # Plugins were imported ahead by preload(), so pytest cannot rewrite their asserts.
            code = int(pytest.main(["-W", "ignore::pytest.PytestAssertRewriteWarning", *argv]))
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    try:
        _, status = os.waitpid(pid, 0)
    except KeyboardInterrupt:
        _, status = os.waitpid(pid, 0)  # the child got the same SIGINT and is finishing
        raise
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
) -> None:
    """Run once, then again on every batch of changes, until Ctrl-C."""
    preload(project)
    os.chdir(project.root)
    feed = ChangeFeed(project.root)
    focus = "--no-focus" not in pytest_args
    try:
        first = (focus and focused_tests(project)) or Selection(None)
        announce("first run", first)
        report(run_forked(_argv(pytest_args, first)))
        while True:
            batch = feed.next()
            forget_bytecode(batch)
            reason = ", ".join(str(p.relative_to(project.root)) for p in batch[:3])
            selection = select_tests(project, batch, focus=focus)
            announce(reason, selection)
            report(run_forked(_argv(pytest_args, selection)))
    finally:
        feed.close()


def _argv(pytest_args: Sequence[str], selection: Selection) -> list[str]:
    if selection.files is None:
        return [*pytest_args, "--ff"]
    return [*pytest_args, *map(str, selection.files)]

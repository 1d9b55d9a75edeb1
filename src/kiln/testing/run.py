"""How kiln runs a project's pytest: the environment tested, coverage of its package.

When kiln already runs in the project's interpreter (the project's ``.venv/bin/kiln``), pytest
runs inside this process: a second interpreter would only import again what is imported here.
Every ``kiln test`` is still a fresh process, so a run never sees code older than its start.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kiln.config.environments import TESTING
from kiln.runner.commands import python_argv
from kiln.runner.interpreter import factory_package, find_interpreter
from kiln.runner.process import run_child
from kiln.testing.paths import INVOKED_FROM

if TYPE_CHECKING:
    from kiln.context import ProjectContext

# The environment whose settings a test session uses: ``kiln test --env`` sets it for pytest.
TESTED_ENVIRONMENT = "KILN_TEST_ENV"
# kiln's modules are imported before pytest starts here, so it cannot rewrite their asserts
# (they have none a test relies on); its warning about it would only be noise.
_NO_REWRITE_WARNING = ("-W", "ignore::pytest.PytestAssertRewriteWarning")
# Set (by ``kiln test --fresh``): the session replaces its test database even when it looks clean.
FRESH = "KILN_TEST_FRESH"


def environment_under_test() -> str:
    """``KILN_TEST_ENV``, else testing. Never ``KILN_ENV``: a shell set up for development still
    tests with the testing settings."""
    return os.environ.get(TESTED_ENVIRONMENT) or TESTING


def test_environ(ctx: ProjectContext, invoked_from: Path, *, fresh: bool) -> dict[str, str]:
    """Our environment with the tested environment's configuration laid over it, and the folder
    the command was typed in (test paths are relative to it)."""
    return {
        **os.environ,
        **ctx.config.as_environ(),
        TESTED_ENVIRONMENT: ctx.config.env,
        INVOKED_FROM: str(invoked_from),
        **({FRESH: "1"} if fresh else {}),
    }


def coverage_args(ctx: ProjectContext, args: Sequence[str], invoked_from: Path) -> list[str]:
    """``--cov --cov-report=term-missing`` for a run of the whole suite; none when the arguments
    name test files or ids: the lines a few tests leave unrun say nothing about the suite's
    coverage, and measuring them costs more than the run (``--cov`` asks for it anyway)."""
    if names_tests(args, (invoked_from, ctx.project.root)):
        return []
    return [f"--cov={ctx.project.package}", "--cov-report=term-missing"]


def names_tests(args: Sequence[str], folders: Sequence[Path]) -> bool:
    """Whether an argument is an existing test path (or ``path::test`` id) in one of ``folders``."""
    for arg in args:
        path = arg.partition("::")[0]
        if path and not arg.startswith("-") and any((f / path).exists() for f in folders):
            return True
    return False


def run_tests(
    ctx: ProjectContext, args: Sequence[str], invoked_from: Path, *, fresh: bool = False
) -> int:
    """``kiln test``: pytest on the tested environment, here when kiln runs in the project's
    Python, else in the project's Python as a child; its exit code. ``fresh``: replace the test
    database even when it looks clean."""
    environ = test_environ(ctx, invoked_from, fresh=fresh)
    argv = [*coverage_args(ctx, args, invoked_from), *args]
    if ctx.python is None and runs_here(ctx):
        return _run_here(ctx, argv, environ)
    return run_child(python_argv(ctx, "-m", "pytest", *argv), env=environ, cwd=ctx.project.root)


def runs_here(ctx: ProjectContext) -> bool:
    """Whether the project's interpreter is this one, with the project's package importable."""
    chosen = find_interpreter(ctx.project).path
    here = Path(sys.prefix).resolve() == chosen.parent.parent.resolve()
    if not here or chosen.resolve() != Path(sys.executable).resolve():
        return False
    sys.path.insert(0, str(ctx.project.root))  # as ``python -m pytest`` run in the root has it
    return importlib.util.find_spec(factory_package(ctx.project)) is not None


def _run_here(ctx: ProjectContext, argv: Sequence[str], environ: Mapping[str, str]) -> int:
    import pytest

    os.environ.update(environ)
    os.chdir(ctx.project.root)
    return int(pytest.main([*_NO_REWRITE_WARNING, *argv]))

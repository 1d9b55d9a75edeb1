"""How kiln runs a project's pytest: the environment tested, coverage of its package."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kiln.config.environments import TESTING
from kiln.runner.commands import python_argv
from kiln.testing.paths import INVOKED_FROM

if TYPE_CHECKING:
    from kiln.context import ProjectContext

# The environment whose settings a test session uses: ``kiln test --env`` sets it for pytest.
TESTED_ENVIRONMENT = "KILN_TEST_ENV"
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


def pytest_argv(ctx: ProjectContext, args: Sequence[str], *, coverage: bool = True) -> list[str]:
    """``pytest`` with coverage of the package (``--cov --cov-report=term-missing``)."""
    cov = [f"--cov={ctx.project.package}", "--cov-report=term-missing"] if coverage else []
    return python_argv(ctx, "-m", "pytest", *cov, *args)

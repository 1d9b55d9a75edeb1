"""How kiln runs a project's pytest: the testing environment, coverage of its package."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from kiln.config.environments import TESTING
from kiln.runner.commands import python_argv

if TYPE_CHECKING:
    from kiln.context import ProjectContext


def test_environ(ctx: ProjectContext) -> dict[str, str]:
    """Our environment with the testing configuration laid over it."""
    return {**os.environ, **ctx.config.as_environ(), "KILN_ENV": TESTING}


def pytest_argv(ctx: ProjectContext, args: Sequence[str], *, coverage: bool = True) -> list[str]:
    """``pytest`` with coverage of the package (``--cov --cov-report=term-missing``)."""
    cov = [f"--cov={ctx.project.package}", "--cov-report=term-missing"] if coverage else []
    return python_argv(ctx, "-m", "pytest", *cov, *args)

"""``flask`` and other commands run for the project: its folder, its settings, its database."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from typing import TYPE_CHECKING

from kiln.postgres.variables import database_environ
from kiln.runner.interpreter import project_python
from kiln.runner.process import run_child

if TYPE_CHECKING:
    from kiln.context import ProjectContext


def flask_environ(ctx: ProjectContext) -> dict[str, str]:
    """The child's environment: ours, its services' settings, then the project's config, then
    where its database is (under every name the app may read it by), and what its recipe sets
    before import."""
    return {
        **os.environ,
        **ctx.environ,
        **ctx.config.as_environ(),
        **database_environ(ctx.project, ctx.database_url),
        **recipe_variables(ctx),
        "FLASK_APP": ctx.project.flask_app(ctx.config.env),
        "FLASK_SKIP_DOTENV": "1",  # kiln has already read .env, with the precedence it documents
    }


def recipe_variables(ctx: ProjectContext) -> dict[str, str]:
    """``variables`` of the environment's ``[tool.kiln.environments]`` recipe; none if unmapped."""
    environments = ctx.project.environments or {}
    recipe = environments.get(ctx.config.env)
    return dict(recipe.variables) if recipe else {}


def python_argv(ctx: ProjectContext, *args: str) -> list[str]:
    """``python ARGS`` in the project's interpreter (``runner.interpreter`` finds and checks it)."""
    python = ctx.python or project_python(ctx.project).path
    return [str(python), *args]


def flask_argv(ctx: ProjectContext, *args: str) -> list[str]:
    return python_argv(ctx, "-m", "flask", *args)


def capture(ctx: ProjectContext, argv: Sequence[str]) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` in the project's folder with the app's environment; output captured."""
    return subprocess.run(
        list(argv),
        cwd=ctx.project.root,
        env=flask_environ(ctx),
        capture_output=True,
        text=True,
        check=False,
    )


def run_flask(ctx: ProjectContext, args: Sequence[str], **extra: str) -> int:
    """Run ``flask ARGS`` for the project with its environment; Ctrl-C reaches the child."""
    return run_python(ctx, ["-m", "flask", *args], **extra)


def run_python(ctx: ProjectContext, args: Sequence[str], **extra: str) -> int:
    """Run ``python ARGS`` for the project, ``extra`` variables laid over its environment."""
    environ = {**flask_environ(ctx), **extra}
    return run_child(python_argv(ctx, *args), env=environ, cwd=ctx.project.root)

"""``kiln test``: the project's pytest on a throwaway migrated database, with coverage."""

from __future__ import annotations

import click

from kiln.cli.options import PASSTHROUGH
from kiln.config.environments import TESTING
from kiln.context import load_context
from kiln.runner.process import run_child
from kiln.testing.run import pytest_argv, test_environ


@click.command(context_settings=PASSTHROUGH)
@click.argument("pytest_args", nargs=-1, type=click.UNPROCESSED)
def test(pytest_args: tuple[str, ...]) -> int:
    """Run the tests on a throwaway migrated PostgreSQL, with coverage; pytest args pass on."""
    ctx = load_context(TESTING)
    argv = pytest_argv(ctx, pytest_args)
    return run_child(argv, env=test_environ(ctx), cwd=ctx.project.root)

"""``kiln test``: the project's pytest on a throwaway migrated database, with coverage."""

from __future__ import annotations

from pathlib import Path

import click

from kiln.cli.options import PASSTHROUGH
from kiln.config.environments import PRODUCTION, TESTING
from kiln.context import load_context
from kiln.errors import UsageError
from kiln.testing.run import run_tests


@click.command(context_settings=PASSTHROUGH)
@click.option(
    "--env",
    "env",
    metavar="ENV",
    default=TESTING,
    show_default=True,
    help="Environment whose settings the tests run with (config/ENV.toml, .env, the shell); "
    "its server holds the throwaway test databases. Not production.",
)
@click.option(
    "--fresh",
    is_flag=True,
    help="Replace the test database before the run, even when it looks clean (after writes "
    "that escaped a test's rollback).",
)
@click.argument("pytest_args", nargs=-1, type=click.UNPROCESSED, metavar="[PYTEST ARGS]...")
def test(env: str, fresh: bool, pytest_args: tuple[str, ...]) -> int:
    """Run the tests on a throwaway migrated PostgreSQL, with coverage; pytest args pass on.

    Test paths are relative to the current folder, as with pytest: in tests/functional,
    kiln test test_ping.py. Coverage is measured when the whole suite runs (--cov asks for it
    on named files too). -n auto starts xdist workers only when the recorded durations say they
    pay; --shard K/N runs part K of N. kiln's options come before pytest's; kiln test -- --help
    shows pytest's own.
    """
    if env == PRODUCTION:
        raise UsageError(
            "refused: a test run creates, fills and drops databases on the server of the "
            "environment it uses, and production's holds real data",
            where="kiln test --env production",
            fix="drop --env (kiln test uses testing); to check production's settings: "
            "kiln config check --env production",
        )
    ctx = load_context(env)
    return run_tests(ctx, pytest_args, Path.cwd(), fresh=fresh)

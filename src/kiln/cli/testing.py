"""``kiln test`` and ``kiln watch``."""

from __future__ import annotations

import os
import time
from pathlib import Path

import click

from kiln import testrun
from kiln.context import load_context

PASSTHROUGH = {"ignore_unknown_options": True, "allow_interspersed_args": False}


@click.command(context_settings=PASSTHROUGH)
@click.argument("pytest_args", nargs=-1, type=click.UNPROCESSED)
def test(pytest_args: tuple[str, ...]) -> int:
    """Run the tests on a throwaway migrated PostgreSQL, with coverage; pytest args pass on."""
    from kiln.process import run_child

    ctx = load_context(testrun.TEST_ENV)
    argv = testrun.pytest_argv(ctx, pytest_args)
    return run_child(argv, env=testrun.test_environ(ctx), cwd=ctx.project.root)


@click.command(context_settings=PASSTHROUGH)
@click.argument("pytest_args", nargs=-1, type=click.UNPROCESSED)
def watch(pytest_args: tuple[str, ...]) -> int:
    """Rerun the affected (or focused, or last failed) tests on every save; Ctrl-C stops."""
    from kiln.watch import run_loop

    ctx = load_context(testrun.TEST_ENV)
    os.environ.update(testrun.test_environ(ctx))
    started = [0.0]

    def announce(reason: str, targets: list[Path] | None) -> None:
        click.clear()
        scope = f"{len(targets)} affected file(s)" if targets else "all tests, last failed first"
        click.secho(f"kiln watch · {time.strftime('%H:%M:%S')} · {reason} → {scope}", bold=True)
        started[0] = time.perf_counter()

    def report(code: int) -> None:
        seconds = time.perf_counter() - started[0]
        verdict, colour = _VERDICTS.get(code, (f"ERROR (pytest exit {code})", "red"))
        click.secho(f"\n{verdict} in {seconds:.2f} s", fg=colour, bold=True)
        click.echo("watching for changes… (Ctrl-C to stop)")

    try:
        run_loop(ctx.project, pytest_args, report, announce)
    except KeyboardInterrupt:
        click.echo("\nkiln watch stopped.")
    return 0


_VERDICTS = {0: ("PASSED", "green"), 1: ("FAILED", "red"), 5: ("NO TESTS RAN", "yellow")}

"""``kiln watch``: rerun the affected tests on every save, with a verdict line after each run."""

from __future__ import annotations

import os
import time
from pathlib import Path

import click

from kiln.cli.options import PASSTHROUGH
from kiln.config.environments import TESTING
from kiln.context import load_context
from kiln.testing.run import test_environ

_VERDICTS = {
    0: ("PASSED", "green"),
    1: ("FAILED", "red"),
    5: ("NO TESTS RAN", "yellow"),
    -1: ("NOTHING TO RERUN", "green"),  # kiln.testing.watch.NOTHING_TO_RUN
}


@click.command(context_settings=PASSTHROUGH)
@click.argument("pytest_args", nargs=-1, type=click.UNPROCESSED, metavar="[PYTEST ARGS]...")
def watch(pytest_args: tuple[str, ...]) -> int:
    """Rerun the affected (or focused, or last failed) tests on every save; Ctrl-C stops."""
    from kiln.testing.watch import Selection, run_in_project_python, run_loop

    ctx = load_context(TESTING)
    run_in_project_python(ctx.project)
    os.environ.update(test_environ(ctx, Path.cwd(), fresh=False))
    started = [0.0]

    def announce(reason: str, selection: Selection) -> None:
        click.clear()
        scope = selection.scope()
        click.secho(f"kiln watch · {time.strftime('%H:%M:%S')} · {reason} → {scope}", bold=True)
        started[0] = time.perf_counter()

    def verdict(code: int, then: str = "") -> None:
        seconds = time.perf_counter() - started[0]
        said, colour = _VERDICTS.get(code, (f"ERROR (pytest exit {code})", "red"))
        click.secho(f"\n{said} in {seconds:.2f} s{then}", fg=colour, bold=True)

    def interim(code: int, untraced: int) -> None:
        tests = (
            "1 test that starts a program"
            if untraced == 1
            else f"{untraced} tests that start programs"
        )
        verdict(code, f" so far; now {tests} kiln cannot trace…")

    def report(code: int) -> None:
        verdict(code)
        click.echo("watching for changes… (Ctrl-C to stop)")

    try:
        run_loop(ctx.project, pytest_args, report, announce, interim)
    except KeyboardInterrupt:
        click.echo("\nkiln watch stopped.")
    return 0

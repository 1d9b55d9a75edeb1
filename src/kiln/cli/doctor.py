"""``kiln doctor``."""

from __future__ import annotations

import click

from kiln.cli.options import env_option
from kiln.cli.output import echo_findings
from kiln.doctor import diagnose


@click.command()
@env_option
def doctor(env: str | None) -> int:
    """Check Python, virtualenv, project, config, PostgreSQL and Docker; print each fix."""
    failed = echo_findings(diagnose(env))
    if failed:
        click.echo(f"\n{failed} problem(s) found.", err=True)
        return 1
    click.echo("\nAll checks passed.")
    return 0

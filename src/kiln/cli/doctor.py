"""``kiln doctor``."""

from __future__ import annotations

import click

from kiln.cli.options import env_option
from kiln.doctor import Status, diagnose

_STYLE = {Status.OK: "green", Status.WARN: "yellow", Status.FAIL: "red"}


@click.command()
@env_option
def doctor(env: str | None) -> int:
    """Check Python, virtualenv, project, config, PostgreSQL and Docker; print each fix."""
    failed = 0
    for finding in diagnose(env):
        tag = click.style(f"[{finding.status.value:>4}]", fg=_STYLE[finding.status])
        click.echo(f"{tag} {finding.title}")
        if finding.fix and finding.status is not Status.OK:
            click.echo(f"       fix: {finding.fix}")
        failed += finding.status is Status.FAIL
    if failed:
        click.echo(f"\n{failed} problem(s) found.", err=True)
        return 1
    click.echo("\nAll checks passed.")
    return 0

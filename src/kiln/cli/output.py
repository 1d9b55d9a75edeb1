"""How commands report: ``kiln:`` progress lines on stderr, findings as ``[  ok]``/``[FAIL]``."""

from __future__ import annotations

from collections.abc import Iterable

import click

from kiln.findings import Finding, Status

_COLOURS = {Status.OK: "green", Status.WARN: "yellow", Status.FAIL: "red"}


def progress(message: str) -> None:
    click.echo(f"kiln: {message}", err=True)


def echo_findings(findings: Iterable[Finding]) -> int:
    """Print each finding with what it saw and, unless it passed, its fix; how many failed."""
    failed = 0
    for finding in findings:
        tag = click.style(f"[{finding.status.value:>4}]", fg=_COLOURS[finding.status])
        click.echo(f"{tag} {finding.title}")
        for detail in finding.details:
            click.echo(f"       - {detail}")
        if finding.fix and finding.status is not Status.OK:
            click.echo(f"       fix: {finding.fix}")
        failed += finding.failed
    return failed

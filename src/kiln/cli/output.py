"""How commands report progress: one ``kiln:`` line on stderr, apart from the child's output."""

from __future__ import annotations

import click


def progress(message: str) -> None:
    click.echo(f"kiln: {message}", err=True)

"""Asking before a command deletes data: on a terminal kiln asks; scripts say ``--yes``."""

from __future__ import annotations

import sys

import click

from kiln.errors import UsageError

yes_option = click.option(
    "-y", "--yes", is_flag=True, help="Do not ask first (for scripts). Production is still refused."
)


def confirm(question: str, yes: bool, command: str) -> None:
    """Ask ``question`` on a terminal (no aborts with exit 1); without one, ``--yes`` is needed."""
    if yes:
        return
    if not sys.stdin.isatty():
        raise UsageError(
            "this deletes data, and there is no terminal to ask for a confirmation on",
            where=command,
            fix=f"add --yes to confirm: {command} --yes",
        )
    click.confirm(question, abort=True)

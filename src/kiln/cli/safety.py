"""What stands between a command and the data it would destroy: production, and a question.

Production is refused outright, with no flag to force it: losing production data should take
more than one mistyped command. Elsewhere kiln asks on a terminal; scripts say ``--yes``.
"""

from __future__ import annotations

import os
import sys

import click

from kiln.config.environments import choose_environment
from kiln.errors import UsageError
from kiln.project import find_project
from kiln.serving import PRODUCTION

DESTROYS_DATA = "it would delete the production data"
BY_HAND = "to really do it, use that server's own tools (psql: DROP DATABASE …)"
DEVELOPMENT_DATA = "scenarios are development data"

yes_option = click.option(
    "-y", "--yes", is_flag=True, help="Do not ask first (for scripts). Production is still refused."
)


def refuse_in_production(env: str | None, command: str, why: str, instead: str = "") -> None:
    """Stop before anything else (the production settings need not even be complete)."""
    name, source = choose_environment(find_project(), env, os.environ)
    if name != PRODUCTION:
        return
    by_flag = source == "--env"
    other = "--env development" if by_flag else f"unset {source}"
    raise UsageError(
        f"refused in production: {why} (no flag overrides this)",
        where=f"{command} --env {name}" if by_flag else f"{command} ({source}={name})",
        fix=f"use another environment ({other}){f'; {instead}' if instead else ''}",
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

"""What stands between a command and the production data it would destroy.

Production is refused outright, with no flag to force it: losing production data should take
more than one mistyped command.
"""

from __future__ import annotations

import os

from kiln.config.environments import PRODUCTION, choose_environment
from kiln.errors import UsageError
from kiln.project import find_project

DESTROYS_DATA = "it would delete the production data"
BY_HAND = "to really do it, use that server's own tools (psql: DROP DATABASE …)"
DEVELOPMENT_DATA = "scenarios are development data"


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

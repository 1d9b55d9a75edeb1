"""Options several commands share."""

from __future__ import annotations

import click

# For commands that hand their arguments to another program (pytest, flask, docker compose).
PASSTHROUGH = {"ignore_unknown_options": True, "allow_interspersed_args": False}

env_option = click.option(
    "--env",
    "env",
    metavar="ENV",
    default=None,
    help="Environment: development (default), testing, production. Overrides KILN_ENV.",
)

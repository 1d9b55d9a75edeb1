"""Options several commands share."""

from __future__ import annotations

import click

env_option = click.option(
    "--env",
    "env",
    metavar="ENV",
    default=None,
    help="Environment: development (default), testing, production. Overrides KILN_ENV.",
)

"""``kiln config show`` and ``kiln config check``: each environment's settings and problems."""

from __future__ import annotations

import click

from kiln.cli.options import env_option
from kiln.config import Config, load_config
from kiln.project import find_project

_HEADINGS = ("NAME", "VALUE", "SOURCE")


@click.group()
def config() -> None:
    """Show and check each environment's settings."""


@config.command()
@env_option
@click.option("--reveal", is_flag=True, help="Show secret values instead of ********.")
def show(env: str | None, reveal: bool) -> None:
    """Print every setting with its value and where it came from."""
    loaded = load_config(find_project(), env)
    origin = "default" if loaded.env_source == "default" else f"from {loaded.env_source}"
    click.echo(f"environment: {loaded.env} ({origin})")
    click.echo(_table(loaded, reveal))
    _echo_notes(loaded)
    loaded.require()


@config.command()
@env_option
def check(env: str | None) -> None:
    """Check that every setting is valid.

    Prints every problem and exits 2 if not, so a deploy script can stop before starting the app.
    """
    loaded = load_config(find_project(), env)
    _echo_notes(loaded)
    loaded.require()
    names = [setting.name for setting in loaded.listed()]
    click.echo(
        f"configuration for {loaded.env} is valid ({len(names)} settings: {', '.join(names)})"
    )


def _table(loaded: Config, reveal: bool) -> str:
    """Aligned NAME / VALUE / SOURCE rows; a multi-line value stays on its row as ``\\n``."""
    rows = [
        _HEADINGS,
        *((s.name, s.display(reveal).replace("\n", "\\n"), s.source) for s in loaded.listed()),
    ]
    name_width, value_width = (max(len(row[column]) for row in rows) for column in (0, 1))
    return "\n".join(
        f"{name:<{name_width}}  {value:<{value_width}}  {source}" for name, value, source in rows
    )


def _echo_notes(loaded: Config) -> None:
    for note in loaded.notes:
        click.echo(f"note: {note}")

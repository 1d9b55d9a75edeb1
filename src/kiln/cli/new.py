"""``kiln new``: create a project from a template."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from kiln.scaffold import DEFAULT_TEMPLATE, create_project

INSTALL = "python -m venv .venv && . .venv/bin/activate && pip install -e '.[dev]'"


@click.command()
@click.argument("name")
@click.option(
    "--template",
    default=DEFAULT_TEMPLATE,
    show_default=True,
    metavar="NAME",
    help="The project template.",
)
@click.option(
    "--directory",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to create the project; it must be new or empty.  [default: ./NAME]",
)
@click.option("--no-input", is_flag=True, help="Ask nothing; use the defaults.")
def new(name: str, template: str, directory: Path | None, no_input: bool) -> None:
    """Create the Flask service NAME (a pip name like my-shop) in ./NAME."""
    interactive = not no_input and sys.stdin.isatty() and sys.stdout.isatty()
    project = create_project(name, template=template, directory=directory, interactive=interactive)
    click.echo(f"Created {project.name} (import name {project.package}) in {project.root}")
    if project.git_initialised:
        click.echo("Started a git repository there (nothing committed yet).")
    click.echo("\nNext:")
    click.echo(f"  cd {shlex.quote(str(project.root))}")
    click.echo(f"  {INSTALL}    # once")
    click.echo("  kiln test")
    click.echo("  kiln serve")

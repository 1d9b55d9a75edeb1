"""``kiln new``: create a project from a template, and its virtualenv."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from kiln.cli.output import progress
from kiln.scaffold import (
    DEFAULT_TEMPLATE,
    INSTALL_COMMAND,
    available_templates,
    choose_installer,
    create_project,
    create_venv,
    running_kiln_source,
)


@click.command()
@click.argument("name")
@click.option(
    "--template",
    default=DEFAULT_TEMPLATE,
    show_default=True,
    metavar="NAME",
    help=f"The project template: {', '.join(available_templates())}.",
)
@click.option(
    "--directory",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to create the project; it must be new or empty.  [default: ./NAME]",
)
@click.option("--no-input", is_flag=True, help="Ask nothing; use the defaults.")
@click.option(
    "--venv/--no-venv",
    default=True,
    help="Install the project, its dev extra and kiln into NAME/.venv (uv, else pip; "
    "KILN_INSTALLER=pip forces pip), or only write the files.  [default: --venv]",
)
def new(name: str, template: str, directory: Path | None, no_input: bool, venv: bool) -> None:
    """Create the Flask service NAME (a pip name like my-shop) in ./NAME, ready to test."""
    interactive = not no_input and sys.stdin.isatty() and sys.stdout.isatty()
    installer = choose_installer() if venv else None  # a wrong KILN_INSTALLER stops us first
    kiln = running_kiln_source()
    project = create_project(
        name, template=template, directory=directory, interactive=interactive, kiln=kiln
    )
    click.echo(f"Created {project.name} (import name {project.package}) in {project.root}")
    if project.git_initialised:
        click.echo("Started a git repository there (nothing committed yet).")
    if kiln.local:
        click.echo(
            f"Its requirements-dev.txt installs kiln {kiln.description}: a path that CI and "
            "docker build cannot reach (the file says what to do)."
        )
    if installer is not None:
        create_venv(project.root, project.name, kiln, installer, progress)
    click.echo("\nNext:")
    click.echo(f"  cd {shlex.quote(str(project.root))}")
    if installer is None:
        click.echo(f"  {INSTALL_COMMAND}    # once")
    click.echo("  kiln test")
    click.echo("  kiln serve")

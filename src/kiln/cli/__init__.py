"""The ``kiln`` command: a click group whose commands stay thin and call the services below."""

from __future__ import annotations

import importlib
import sys

import click

from kiln import __version__
from kiln.errors import KilnError

# Each command is ``kiln.cli.<name>.<name>``, imported when typed (or listed by --help), so that
# ``kiln test`` does not import what ``kiln new`` or ``kiln build`` need.
COMMANDS = (
    "new",
    "init",
    "generate",
    "serve",
    "worker",
    "jobs",
    "flask",
    "shell",
    "test",
    "watch",
    "db",
    "scenario",
    "config",
    "doctor",
    "build",
    "compose",
    "update",
)

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100, "terminal_width": 100}


class Commands(click.Group):
    """The group whose commands are imported from their modules on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        command: click.Command = getattr(importlib.import_module(f"kiln.cli.{cmd_name}"), cmd_name)
        return command


@click.group(cls=Commands, context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="kiln")
def cli() -> None:
    """Build a Flask service test-first on a real PostgreSQL that kiln starts itself."""


_UNFORESEEN = (
    "kiln did not expect this; if it looks like a bug in kiln rather than a problem of this "
    "machine, report it with the command you ran"
)


def main() -> None:
    """Run the CLI; a ``KilnError`` becomes a plain message and its exit code, never a traceback.

    So does an ``OSError`` no command foresaw: it is about this machine (a disk, a permission, a
    path), which the message names. Any other exception is a bug in kiln and keeps its traceback.
    """
    try:
        code = cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except KilnError as error:
        click.echo(error.render(), err=True)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except OSError as error:
        click.echo(
            KilnError.from_os_error(error, "the operating system reported an error").render(),
            err=True,
        )
        click.echo(_UNFORESEEN, err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)

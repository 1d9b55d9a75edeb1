"""The ``kiln`` command: a click group whose commands stay thin and call the services below."""

from __future__ import annotations

import sys

import click

from kiln import __version__
from kiln.cli import (
    build,
    compose,
    config,
    db,
    doctor,
    flask,
    init,
    jobs,
    new,
    scenario,
    serve,
    shell,
    test,
    watch,
    worker,
)
from kiln.errors import KilnError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100, "terminal_width": 100}


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="kiln")
def cli() -> None:
    """Build a Flask service test-first on a real PostgreSQL that kiln starts itself."""


for command in (
    new.new,
    init.init,
    serve.serve,
    worker.worker,
    jobs.jobs,
    flask.flask,
    shell.shell,
    test.test,
    watch.watch,
    db.db,
    scenario.scenario,
    config.config,
    doctor.doctor,
    build.build,
    compose.compose,
):
    cli.add_command(command)


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

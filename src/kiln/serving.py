"""Getting an environment's database ready and running Flask against it (seed 002's manage.py)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from kiln.errors import KilnError, UsageError

if TYPE_CHECKING:
    from kiln.cli.context import ProjectContext

_UPGRADE_STEP = re.compile(r"Running upgrade (\S*) -> (\S+), ?(.*)")


def flask_environ(ctx: ProjectContext) -> dict[str, str]:
    """The child's environment: ours, then the project's config, then where its database is."""
    return {
        **os.environ,
        **ctx.config.as_environ(),
        "DATABASE_URL": ctx.database_url,
        "FLASK_APP": ctx.project.flask_app(ctx.config.env),
        "FLASK_SKIP_DOTENV": "1",  # kiln has already read .env, with the precedence it documents
    }


def flask_argv(*args: str) -> list[str]:
    """``flask`` from the Python kiln runs in, which is the project's virtualenv."""
    return [sys.executable, "-m", "flask", *args]


def prepare_database(ctx: ProjectContext, progress: Callable[[str], None]) -> None:
    """Start the server if needed, create the environment's database, apply the migrations."""
    from kiln.postgres.databases import create_database

    ctx.server.up(progress)
    if ctx.server.mode == "embedded" and create_database(ctx.server, ctx.database_name):
        progress(f"created database {ctx.database_name}")
    if ctx.project.has_migrations:
        for step in upgrade(ctx):
            progress(f"migrated {ctx.database_name}: {step}")


def upgrade(ctx: ProjectContext, revision: str = "head") -> list[str]:
    """Apply migrations up to ``revision``; return one line per step applied."""
    directory = str(ctx.project.migrations_dir)
    done = subprocess.run(
        flask_argv("db", "upgrade", "--directory", directory, revision),
        cwd=ctx.project.root,
        env=flask_environ(ctx),
        capture_output=True,
        text=True,
        check=False,
    )
    output = done.stdout + done.stderr
    if done.returncode != 0:
        tail = "\n".join(output.strip().splitlines()[-15:])
        raise KilnError(
            f"applying migrations to {ctx.database_name} failed:\n{tail}",
            where=f"{ctx.project.migrations_dir.name}/",
            fix="fix the migration named above, then run the command again",
        )
    return [f"{m[1] or 'base'} -> {m[2]} {m[3]}".strip() for m in _UPGRADE_STEP.finditer(output)]


def check_port_free(host: str, port: int) -> None:
    """Fail before Flask does, with the fix, when the address is taken."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise UsageError(
                f"cannot listen on {host}:{port}: {error.strerror}",
                where="kiln serve --host/--port",
                fix=f"stop what uses it (another kiln serve?) or choose another: --port {port + 1}",
            ) from None


def run_flask(ctx: ProjectContext, args: Sequence[str]) -> int:
    """Run ``flask ARGS`` for the project with its environment; Ctrl-C reaches the child."""
    from kiln.process import run_child

    return run_child(flask_argv(*args), env=flask_environ(ctx), cwd=ctx.project.root)

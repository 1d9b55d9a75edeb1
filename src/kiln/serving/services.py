"""The project's services beside ``kiln serve``: what ``[tool.kiln.services.NAME]`` declares.

A service is a local stand-in for something production has (the broker template's ACME server
and DNS). kiln checks the programs it needs, starts it with the project's settings, waits for the
settings file it writes once ready, and hands those settings to the app and the worker. It runs
as a companion (its lines prefixed with its name) and stops with the server.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from kiln.errors import KilnError
from kiln.project import PYPROJECT, Service
from kiln.runner.commands import flask_environ, python_argv
from kiln.runner.companion import companion

if TYPE_CHECKING:
    import subprocess

    from kiln.context import ProjectContext
    from kiln.postgres import Progress

READY_TIMEOUT = 30.0
PYTHON = "python"


@contextmanager
def services_running(ctx: ProjectContext, progress: Progress) -> Iterator[ProjectContext]:
    """Every declared service while the body runs; the context with the settings they gave."""
    with ExitStack() as stack:
        environ: dict[str, str] = {}
        for service in ctx.project.services:
            environ |= stack.enter_context(_running(ctx, service, progress))
        yield replace(ctx, environ={**ctx.environ, **environ})


@contextmanager
def _running(ctx: ProjectContext, service: Service, progress: Progress) -> Iterator[dict[str, str]]:
    where = f"{ctx.project.root / PYPROJECT} [tool.kiln.services.{service.name}]"
    missing = [program for program in service.programs if shutil.which(program) is None]
    if missing:
        raise KilnError(
            f"the project's {service.name} service needs {' and '.join(missing)}, "
            f"which {'is' if len(missing) == 1 else 'are'} not on PATH",
            where=f"{where} programs",
            fix=service.install or f"install {', '.join(missing)}",
        )
    argv = list(service.command)
    if argv[0] == PYTHON:
        argv = python_argv(ctx, *argv[1:])
    if service.environ:
        service.environ.unlink(missing_ok=True)  # a stale one from a killed run
    prefix = f"{service.name} | "
    with companion(argv, flask_environ(ctx), ctx.project.root, prefix) as child:
        settings = _wait_for_settings(child, service, where) if service.environ else {}
        progress(f"{service.name} started beside the server, its lines marked {prefix.strip()}")
        yield settings


def _wait_for_settings(
    child: subprocess.Popen[str], service: Service, where: str
) -> dict[str, str]:
    assert service.environ is not None
    deadline = time.monotonic() + READY_TIMEOUT
    while not service.environ.is_file():
        if child.poll() is not None:
            raise KilnError(
                f"the project's {service.name} service stopped while starting "
                f"(exit code {child.returncode})",
                where=f"{where} command",
                fix=f"read its lines above, marked {service.name} |",
            )
        if time.monotonic() > deadline:
            raise KilnError(
                f"the project's {service.name} service did not write "
                f"{service.environ} within {READY_TIMEOUT:.0f} s",
                where=f"{where} environ",
                fix="write that file (NAME=value lines) once the service is ready",
            )
        time.sleep(0.05)
    return _settings(service.environ)


def _settings(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    pairs = (line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))
    return {name.strip(): value.strip() for name, value in pairs}

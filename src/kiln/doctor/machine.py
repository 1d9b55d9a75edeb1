"""Checks of the machine: the Python kiln runs in, its virtualenv, Docker and Compose."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator

from kiln.findings import Finding, Status

MIN_PYTHON = (3, 11)


def python() -> Finding:
    version = ".".join(map(str, sys.version_info[:3]))
    if sys.version_info < MIN_PYTHON:
        return Finding(
            Status.FAIL,
            f"Python {version} is too old (kiln needs 3.11 or newer)",
            "create the virtualenv with a newer Python: python3.12 -m venv .venv",
        )
    return Finding(Status.OK, f"Python {version} ({sys.executable})")


def virtualenv() -> Finding:
    if sys.prefix != sys.base_prefix:
        return Finding(Status.OK, f"virtualenv {sys.prefix}")
    return Finding(
        Status.WARN,
        "no virtualenv is active: packages go into the system Python",
        "python3 -m venv .venv && . .venv/bin/activate && pip install -e '.[dev]'",
    )


def docker() -> Iterator[Finding]:
    """Only ``kiln build`` and ``kiln compose`` need Docker, so a problem with it is a warning."""
    from kiln.containers import probe_compose, probe_engine

    engine = probe_engine()
    if engine.problem is None:
        yield Finding(Status.OK, f"Docker engine {engine.version} reachable without sudo")
    else:
        title = f"{engine.problem.what}; only kiln build and kiln compose need it"
        yield Finding(Status.WARN, title, engine.problem.fix)
    command = shutil.which("docker")
    if command is None:
        return  # the finding above already says to install Docker, Compose with it
    compose = probe_compose(command)
    if compose.problem is None:
        yield Finding(Status.OK, f"Docker Compose {compose.version}")
    else:
        title = f"{compose.problem.what}; only kiln compose needs it"
        yield Finding(Status.WARN, title, compose.problem.fix)

"""The real ``kiln`` CLI in a subprocess, run as a user runs it from their shell.

Every test that runs kiln as a command goes through here, so each sees the same environment:
this test run's, less what would change what kiln does and a user's shell would not hold.

- ``run_kiln("db", "up", cwd=root)`` runs it to the end and returns its exit code and output.
- ``start_kiln("serve", cwd=root, stdout=...)`` starts it, for a test that talks to it meanwhile.
- ``user_environ()`` and ``kiln_command()`` are the two halves, for a test that needs another
  launcher (a pseudo-terminal, ``setpriv``) or runs something else in the same shell.

Importable as a plain module because tests/conftest.py puts this folder on ``sys.path``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

# The settings kiln reads from the environment (its built-in ones and the environment choice) and
# Flask's own: a developer's shell may hold any of them, and each would change what the test sees.
SETTINGS = frozenset(
    {
        *("KILN_ENV", "APPLICATION_CONFIG", "DATABASE_URL", "SECRET_KEY", "PORT"),
        *("WEB_CONCURRENCY", "FLASK_DEBUG", "LOG_LEVEL", "FLASK_APP", "FLASK_ENV"),
        "DOCKER_HOST",  # another engine than the one the Docker tests probe in this process
        "KILN_INSTALLER",  # uv or pip for kiln new's .venv: a test that cares sets it
    }
)
# What running this suite put there: kiln's activated virtualenv and import path, pytest's and
# pytest-xdist's variables (PYTEST_CURRENT_TEST, PYTEST_XDIST_WORKER, PYTEST_ADDOPTS, ...).
TEST_RUN = frozenset({"VIRTUAL_ENV", "PYTHONPATH"})
TEST_RUN_PREFIXES = ("PYTEST_",)
# Kept on purpose: KILN_PG_* (which PostgreSQL binaries and user), so the CLI starts the same
# servers the tests start in this process; PATH, HOME, locale and the rest of a normal shell.

DEFAULT_TIMEOUT = 120.0


def user_environ(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment as a user's shell would be, with ``extra`` set on top."""
    kept = {
        name: value
        for name, value in os.environ.items()
        if name not in SETTINGS | TEST_RUN and not name.startswith(TEST_RUN_PREFIXES)
    }
    return {**kept, **(extra or {})}


def kiln_command(*args: str, executable: str | Path | None = None) -> list[str]:
    """The argv: this Python's ``-m kiln``, or ``executable`` (a project's ``.venv/bin/kiln``)."""
    launcher = [str(executable)] if executable is not None else [sys.executable, "-m", "kiln"]
    return [*launcher, *args]


def run_kiln(
    *args: str,
    cwd: Path,
    stdin: str | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    executable: str | Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """``kiln ARGS`` in ``cwd`` to the end; its output captured as text, never checked.

    ``stdin`` is what it reads (else nothing: it is not a terminal), ``env`` is set on top of
    ``user_environ()``, and a run longer than ``timeout`` seconds fails the test.
    """
    return subprocess.run(
        kiln_command(*args, executable=executable),
        cwd=cwd,
        env=user_environ(env),
        input=stdin,
        stdin=subprocess.DEVNULL if stdin is None else None,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def start_kiln(
    *args: str,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    executable: str | Path | None = None,
    **popen: Any,
) -> subprocess.Popen:
    """``kiln ARGS`` started in ``cwd`` with ``user_environ(env)``; ``popen`` goes to Popen
    (stdout, stderr, text, start_new_session...). Its standard input is empty unless given."""
    popen.setdefault("stdin", subprocess.DEVNULL)
    return subprocess.Popen(
        kiln_command(*args, executable=executable), cwd=cwd, env=user_environ(env), **popen
    )


class ProjectCopy:
    """A test project on disk, its package importable through PYTHONPATH (as ``pip install -e``
    would make it), its server, and the real CLI run inside it."""

    def __init__(self, root: Path) -> None:
        from kiln.postgres import EmbeddedServer
        from kiln.project import find_project

        self.root = root
        self.server = EmbeddedServer(find_project(root))

    @property
    def importable(self) -> dict[str, str]:
        return {"PYTHONPATH": str(self.root / "src")}

    def kiln(
        self, *args: str, env: Mapping[str, str] | None = None, timeout: float = DEFAULT_TIMEOUT
    ) -> subprocess.CompletedProcess[str]:
        return run_kiln(
            *args, cwd=self.root, env={**self.importable, **(env or {})}, timeout=timeout
        )

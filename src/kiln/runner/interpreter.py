"""The Python that runs the project's code, wherever kiln itself was installed (pipx, another
virtualenv, the system), and a check that the project and kiln import there.

kiln looks, in this order, for:

1. ``[tool.kiln] python``: what the user wrote wins;
2. the project's ``.venv``: the folder's own environment wins over an active one, because the
   usual mix-up is kiln run from one virtualenv (where kiln was installed first) in a project that
   has its own;
3. ``VIRTUAL_ENV``: a virtualenv kept elsewhere (virtualenvwrapper, Poetry), activated by the user;
4. kiln's own Python: the project installed beside kiln (a container image, CI without a venv).

The check is one child (``python -c``: an interpreter start-up and two ``find_spec``) run only
before a command runs the project's code, and remembered only for the rest of that command. It is
not kept between commands: installing or removing a package need not change any modification
time kiln could key on, and a stale "installed" would bring back ``No module named``.
"""

from __future__ import annotations

import functools
import json
import os
import shlex
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from kiln.errors import KilnError, UsageError
from kiln.project import PYPROJECT, Project, install_arguments

CONFIGURED = "[tool.kiln] python"
PROJECT_VENV = "the project's .venv"
ACTIVE_VENV = "the active virtualenv, VIRTUAL_ENV"
KILNS_OWN = "kiln's own Python"
MIN_VERSION = (3, 11)
KILN = "kiln"

# Runs in any Python 3: where it lives, its version, which top-level modules it cannot find.
_PROBE = (
    "import importlib.util, json, sys; print(json.dumps({'prefix': sys.prefix, "
    "'version': list(sys.version_info[:3]), "
    "'missing': [m for m in sys.argv[1:] if importlib.util.find_spec(m) is None]}))"
)


@dataclass(frozen=True)
class Interpreter:
    """A Python, and how kiln came to choose it (one of the four sources above)."""

    path: Path
    source: str

    def __str__(self) -> str:
        return f"{self.path} ({self.source})"


@dataclass(frozen=True)
class CheckedInterpreter:
    """An interpreter in which the project's package and kiln were found."""

    interpreter: Interpreter
    prefix: Path
    version: str

    @property
    def path(self) -> Path:
        return self.interpreter.path


def find_interpreter(project: Project, environ: Mapping[str, str] = os.environ) -> Interpreter:
    """The first of the four sources that names a Python (not yet checked)."""
    if project.python is not None:
        return Interpreter(project.python, CONFIGURED)
    venv = _venv_python(project.root / ".venv")
    if venv.is_symlink() or venv.exists():  # a broken link is reported, not skipped
        return Interpreter(venv, PROJECT_VENV)
    active = environ.get("VIRTUAL_ENV")
    if active and _venv_python(Path(active)).exists():
        return Interpreter(_venv_python(Path(active)), ACTIVE_VENV)
    return Interpreter(Path(sys.executable), KILNS_OWN)


def project_python(project: Project, *modules: str) -> CheckedInterpreter:
    """The project's interpreter, once the project's package, kiln and ``modules`` are found
    there; otherwise a ``KilnError`` saying which is missing and the command that installs it."""
    interpreter = find_interpreter(project)
    wanted = (factory_package(project), KILN, *modules)
    return _checked(interpreter, project.root, wanted)


def factory_package(project: Project) -> str:
    """The top-level package the app factory is imported from (``shop`` for ``shop.app:…``)."""
    return project.factory.partition(":")[0].split(".")[0]


@functools.cache
def _checked(interpreter: Interpreter, root: Path, modules: tuple[str, ...]) -> CheckedInterpreter:
    """Run the probe once per command (the working directory is on ``sys.path``, as for flask)."""
    try:
        done = subprocess.run(
            [str(interpreter.path), "-c", _PROBE, *modules],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError as error:
        raise _unusable(interpreter, root, error.strerror or str(error)) from None
    try:
        found = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        raise _unusable(interpreter, root, (done.stderr or done.stdout).strip()) from None
    version = ".".join(map(str, found["version"]))
    if tuple(found["version"]) < MIN_VERSION:
        raise KilnError(
            f"{interpreter} is Python {version}; kiln needs 3.11 or newer",
            where=_where(interpreter, root),
            fix=f"make it again with a newer Python: {_setup(root, 'python3.12', again=True)}",
        )
    if found["missing"]:
        raise _missing(interpreter, root, found["missing"])
    return CheckedInterpreter(interpreter, Path(found["prefix"]), version)


def _venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def _unusable(interpreter: Interpreter, root: Path, why: str) -> KilnError:
    if interpreter.source == CONFIGURED:
        return UsageError(
            f"cannot run {interpreter.path}: {why}",
            where=_where(interpreter, root),
            fix='point it at the Python that runs the project, e.g. python = ".venv/bin/python", '
            "or remove the key to let kiln use the project's .venv",
        )
    return KilnError(
        f"cannot run {interpreter}: {why}",
        where=_where(interpreter, root),
        fix=f"make the virtualenv again: {_setup(root, 'python3', again=True)}",
    )


def _missing(interpreter: Interpreter, root: Path, missing: list[str]) -> KilnError:
    names = f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not installed"
    if interpreter.source == KILNS_OWN:
        return KilnError(
            "no Python for this project: it has no .venv, no virtualenv is active, and "
            f"{names} in kiln's own Python ({interpreter.path})",
            where=_where(interpreter, root),
            fix=f"give the project its virtualenv: {_setup(root, 'python3')} "
            '(or name the interpreter that has it: [tool.kiln] python = "…")',
        )
    install = _in_project(
        root, f"{_shown(interpreter.path, root)} -m pip install {install_arguments(root)}"
    )
    if interpreter.source == ACTIVE_VENV:  # another project's, often: kiln prefers a .venv
        install += f"; or give the project a virtualenv of its own: {_setup(root, 'python3')}"
    return KilnError(
        f"{names} in {interpreter}, which runs the project's code",
        where=_where(interpreter, root),
        fix=f"install the project there with its dev extra (which brings kiln): {install}",
    )


def _where(interpreter: Interpreter, root: Path) -> str | None:
    """What to change to choose another interpreter: the key, the folder, the variable (for
    kiln's own Python, the message itself names them all)."""
    if interpreter.source == CONFIGURED:
        return f"{root / PYPROJECT} [tool.kiln] python"
    if interpreter.source == ACTIVE_VENV:
        return f"VIRTUAL_ENV={interpreter.path.parent.parent}"
    if interpreter.source == PROJECT_VENV:
        return f"{root / '.venv'}"
    return None


def _setup(root: Path, python: str, *, again: bool = False) -> str:
    """The command that makes the project's virtualenv (``again``: anew) and installs the
    project into it."""
    venv = f"{python} -m venv {'--clear ' * again}.venv"
    return _in_project(root, f"{venv} && .venv/bin/python -m pip install {install_arguments(root)}")


def _in_project(root: Path, command: str) -> str:
    """``command`` as typed from the working directory: prefixed by ``cd ROOT &&`` elsewhere."""
    return command if Path.cwd() == root else f"cd {shlex.quote(str(root))} && {command}"


def _shown(path: Path, root: Path) -> str:
    """An interpreter as the user would type it: relative inside the project."""
    return str(path.relative_to(root)) if path.is_relative_to(root) else shlex.quote(str(path))

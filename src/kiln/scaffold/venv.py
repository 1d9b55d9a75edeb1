"""The new project's ``.venv``: the project, its dev extra and kiln, installed with uv or pip.

Both run what the project's README tells a user to run, ``requirements-dev.txt``: the project
editable with its dev extra, and kiln from where ``kiln new`` found it. uv does it in seconds
(kiln depends on it); pip, the fallback, in minutes. ``KILN_INSTALLER=pip`` picks pip anyway.
"""

from __future__ import annotations

import os
import platform
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from kiln.errors import KilnError, UsageError
from kiln.project import DEV_REQUIREMENTS
from kiln.runner.process import last_lines
from kiln.scaffold.kiln_source import KilnSource

INSTALLER_VARIABLE = "KILN_INSTALLER"
VENV = ".venv"
REQUIREMENTS = DEV_REQUIREMENTS
# The README's install, by hand: the next step after --no-venv, and the retry after a failure.
INSTALL_COMMAND = (
    f"python3 -m venv {VENV} && . {VENV}/bin/activate && pip install -r {REQUIREMENTS}"
)

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Uv:
    """uv: a virtualenv and an install in seconds, from its own cache."""

    binary: str
    name = "uv"

    def create(self, venv: Path, python: str) -> list[str]:
        # --seed: pip inside, as in any virtualenv, for whoever activates it and runs pip.
        return [self.binary, "venv", "--seed", "--python", python, str(venv)]

    def install(self, venv: Path, requirements: Path) -> list[str]:
        python = str(venv / "bin" / "python")
        return [self.binary, "pip", "install", "--python", python, "-r", str(requirements)]


@dataclass(frozen=True)
class Pip:
    """``python -m venv`` and pip, as the README does it by hand."""

    name = "pip"

    def create(self, venv: Path, python: str) -> list[str]:
        return [python, "-m", "venv", str(venv)]

    def install(self, venv: Path, requirements: Path) -> list[str]:
        python = str(venv / "bin" / "python")
        return [python, "-m", "pip", "install", "--quiet", "-r", str(requirements)]


Installer = Uv | Pip


def choose_installer(environ: Mapping[str, str] | None = None) -> Installer:
    """uv when it can be found (kiln depends on it), else pip; ``KILN_INSTALLER`` decides."""
    environ = os.environ if environ is None else environ
    wanted = environ.get(INSTALLER_VARIABLE, "").strip()
    where = f"environment variable {INSTALLER_VARIABLE}"
    if wanted not in ("", "uv", "pip"):
        raise UsageError(
            f"{wanted!r} is not an installer kiln knows",
            where=where,
            fix="set it to uv or pip, or unset it (uv when it is installed, else pip)",
        )
    if wanted == "pip":
        return Pip()
    binary = _find_uv()
    if binary:
        return Uv(binary)
    if wanted == "uv":
        raise KilnError(
            "uv is not installed", where=f"{where}=uv", fix="pip install uv, or unset it for pip"
        )
    return Pip()


def _find_uv() -> str | None:
    """The uv binary of the uv package beside kiln, else one on PATH."""
    try:
        from uv import find_uv_bin

        return find_uv_bin()
    except (ImportError, FileNotFoundError):
        return shutil.which("uv")


def create_venv(
    root: Path, project: str, source: KilnSource, installer: Installer, progress: Progress
) -> None:
    """Make ``root/.venv`` and install ``requirements-dev.txt`` into it, one progress line a step.

    The tools' output is kept back unless a step fails; then its end is the error, and the
    half-made ``.venv`` is removed (the project's files stay) so the retry starts clean.
    """
    venv = root.absolute() / VENV
    requirements = root / REQUIREMENTS
    setup = _Setup(root, installer)
    try:
        progress(
            f"creating {root / VENV} (Python {platform.python_version()}) with {installer.name}"
        )
        setup.run("creating the virtualenv", installer.create(venv, sys.executable), root / VENV)
        progress(f"installing {project}[dev] and kiln {source.description} with {installer.name}")
        argv = installer.install(venv, requirements.absolute())
        setup.run(f"installing {REQUIREMENTS}", argv, requirements)
    except BaseException:
        shutil.rmtree(venv, ignore_errors=True)
        raise


@dataclass(frozen=True)
class _Setup:
    root: Path
    installer: Installer

    def run(self, step: str, argv: list[str], where: Path) -> None:
        """Run one step in the project's folder; its failure, with the end of its output."""
        try:
            done = subprocess.run(
                argv,
                cwd=self.root,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                text=True,
                check=False,
            )
        except OSError as error:
            raise KilnError(
                f"{step}: cannot run {argv[0]}: {error.strerror}",
                where=str(where),
                fix=self.retry(),
            ) from None
        if done.returncode != 0:
            output = "\n".join(
                f"    {line}" if line.strip() else ""
                for line in last_lines(done.stdout).splitlines()
            )
            raise KilnError(
                f"{step} with {self.installer.name} failed (exit code {done.returncode}); "
                f"the end of its output:\n{output}",
                where=str(where),
                fix=self.retry(),
            )

    def retry(self) -> str:
        command = f"cd {shlex.quote(str(self.root))} && {INSTALL_COMMAND}"
        retry = f"the project's files are in place: fix the cause above, then run: {command}"
        # A pip.conf naming another package index is a common cause that only uv meets.
        return (
            f"{retry} (pip reads pip.conf, uv does not)" if self.installer.name == "uv" else retry
        )

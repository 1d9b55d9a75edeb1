"""Whether the project's environment already has what kiln's plugin needs, so that installing kiln
there upgrades nothing: its framework below kiln's floors is named, with the upgrade path; and
whether kiln itself is there (its core, without the templates extra the project never needs)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from packaging.version import InvalidVersion, Version

from kiln.findings import Finding, Status

# kiln's own floors in pyproject.toml [project] dependencies, with where to read about upgrading.
FLOORS = {
    "Flask": ("2.2", "https://flask.palletsprojects.com/en/stable/changes/"),
    "Flask-SQLAlchemy": ("3.0", "https://flask-sqlalchemy.readthedocs.io/en/stable/changes/"),
    "SQLAlchemy": ("2.0", "https://docs.sqlalchemy.org/en/20/changelog/migration_20.html"),
    "pytest": ("7.4", "https://docs.pytest.org/en/stable/changelog.html"),
}
KILN = "flask-kiln"
# What an adopted project adds to its dev dependencies: the plugin and the runner. The templates
# extra (copier: Jinja2 >= 3.1.5, pydantic) is for kiln new and kiln update, not for the project.
DEV_DEPENDENCY = f"add {KILN} (not {KILN}[templates]) to the project's dev dependencies"
_PROBE = (
    "import importlib.metadata as m, json, sys\n"
    "def v(n):\n"
    "    try: return m.version(n)\n"
    "    except m.PackageNotFoundError: return None\n"
    "print(json.dumps({n: v(n) for n in sys.argv[1:]}))"
)


def project_python(root: Path) -> Path:
    """The interpreter the project runs in: its ``.venv``, the active virtualenv, else ours."""
    for candidate in (root / ".venv", os.environ.get("VIRTUAL_ENV")):
        if candidate and (python := Path(candidate) / "bin" / "python").is_file():
            return python
    return Path(sys.executable)


def framework_findings(root: Path) -> list[Finding]:
    """One finding per package below kiln's floor, or one that says all are within range."""
    python = project_python(root)
    try:
        done = subprocess.run(
            [str(python), "-c", _PROBE, *FLOORS, KILN], capture_output=True, text=True, check=True
        )
        installed: dict[str, str | None] = json.loads(done.stdout)
    except (OSError, subprocess.CalledProcessError, json.JSONDecodeError):
        return [Finding(Status.WARN, f"could not read the installed versions in {python}")]
    kiln = [] if installed.pop(KILN) else [_kiln_missing(python)]
    below = [
        Finding(
            Status.WARN,
            f"{name} {version} in {python} is older than kiln supports (>= {floor}): installing "
            f"kiln there would upgrade it",
            f"upgrade it first and run the project's tests ({python} -m pip install "
            f"'{name}>={floor}'; what changed: {notes}), then install kiln",
        )
        for name, (floor, notes) in FLOORS.items()
        if (version := installed.get(name)) and _older(version, floor)
    ]
    if below:
        return below + kiln
    present = ", ".join(f"{name} {version}" for name, version in installed.items() if version)
    within = Finding(
        Status.OK,
        f"{present or 'none of Flask, SQLAlchemy, pytest'} in {python}: "
        "within kiln's supported range, nothing is upgraded",
    )
    return [within, *kiln]


def _kiln_missing(python: Path) -> Finding:
    return Finding(
        Status.WARN,
        f"kiln is not installed in {python}, where the project's tests run (its pytest plugin)",
        f"{DEV_DEPENDENCY}, and install it there: {python} -m pip install {KILN}",
    )


def _older(version: str, floor: str) -> bool:
    try:
        return Version(version) < Version(floor)
    except InvalidVersion:
        return False

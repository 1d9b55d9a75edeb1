"""Which environment to load, and who chose it: ``--env``, ``KILN_ENV``, ``APPLICATION_CONFIG``."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from pathlib import Path

from kiln.errors import UsageError
from kiln.project import Project

DEVELOPMENT = "development"
TESTING = "testing"
PRODUCTION = "production"
BUILTIN_ENVIRONMENTS = (DEVELOPMENT, TESTING, PRODUCTION)
DEFAULT_ENVIRONMENT = DEVELOPMENT
CONFIG_DIR = "config"
FILE_SUFFIXES = (".toml", ".json")
# The name ends up in file and database names (``shop_staging``), so keep it plain.
_NAME = re.compile(r"[a-z][a-z0-9_]*")
# APPLICATION_CONFIG is what hand-written manage.py scripts often read; KILN_ENV wins over it.
_VARIABLES = ("KILN_ENV", "APPLICATION_CONFIG")


def choose_environment(
    project: Project, env: str | None, environ: Mapping[str, str]
) -> tuple[str, str]:
    """The environment's name and where that choice came from (``--env``, a variable, ``default``).

    Raises ``UsageError`` for a name that is neither built in nor defined by a file in ``config/``.
    """
    if env:
        name, source, label = env, "--env", f"--env {env}"
    else:
        variable = next((variable for variable in _VARIABLES if environ.get(variable)), None)
        if variable is None:
            return DEFAULT_ENVIRONMENT, "default"
        source, name = variable, environ[variable]
        label = f"{source}={name}"
    known = environments(project)
    if name not in known:
        raise UsageError(
            f"unknown environment (known: {', '.join(known)})",
            where=label,
            fix=_fix_for(name, known),
        )
    return name, source


def environments(project: Project) -> tuple[str, ...]:
    """The built-in environments, then any the project defines with ``config/<name>.toml|json``
    or maps in ``[tool.kiln.environments]``."""
    folder = project.root / CONFIG_DIR
    files = folder.iterdir() if folder.is_dir() else ()
    defined = {path.stem for path in files if _defines_environment(path)}
    defined |= {name for name in project.environments or () if _NAME.fullmatch(name)}
    return BUILTIN_ENVIRONMENTS + tuple(sorted(defined - set(BUILTIN_ENVIRONMENTS)))


def _defines_environment(path: Path) -> bool:
    return path.suffix in FILE_SUFFIXES and path.is_file() and bool(_NAME.fullmatch(path.stem))


def _fix_for(name: str, known: tuple[str, ...]) -> str:
    guess = difflib.get_close_matches(name, known, n=1, cutoff=0.8)
    use = f"did you mean {guess[0]}? Otherwise use" if guess else "use"
    if not _NAME.fullmatch(name):
        return f"{use} one of those (names are lowercase letters, digits and _)"
    return f"{use} one of those, or create {CONFIG_DIR}/{name}.toml to define a new environment"

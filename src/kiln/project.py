"""Find the kiln project around the working directory and read its ``[tool.kiln]`` table."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import overload

from kiln.errors import UsageError

PYPROJECT = "pyproject.toml"
STATE_DIR = ".kiln"
DEV_REQUIREMENTS = "requirements-dev.txt"
KNOWN_KEYS = {"app", "package", "migrations", "seed", "jobs", "settings", "python", "services"}
_FACTORY = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")
_EXAMPLES = {"app": "shop:create_app", "seed": "shop.seed:seed_db", "jobs": "shop.jobs:queue"}


@dataclass(frozen=True)
class Service:
    """A program ``kiln serve`` runs beside the app for the project (``[tool.kiln.services.NAME]``):
    a local stand-in for something production has (an ACME server, a mail catcher)."""

    name: str
    command: tuple[str, ...]
    """Its argv; a first word ``python`` is the project's interpreter."""
    environ: Path | None = None
    """A file of ``NAME=value`` lines it writes once ready: settings for the app and worker."""
    programs: tuple[str, ...] = ()
    """Programs it needs on PATH, checked before it starts."""
    install: str = ""
    """How to install those programs, for the message when one is missing."""


@dataclass(frozen=True)
class Project:
    """A Flask service managed by kiln: its folder, names and app factory."""

    root: Path
    name: str
    package: str
    factory: str
    migrations_dir: Path
    seed: str | None = None
    jobs: str | None = None
    """``module:name`` of the project's procrastinate ``App``, when it has background jobs."""
    settings: dict = field(default_factory=dict)
    python: Path | None = None
    """The interpreter ``[tool.kiln] python`` names; ``None`` lets kiln find the project's own."""
    services: tuple[Service, ...] = ()
    """What ``kiln serve`` starts beside the app, in development."""

    @property
    def state_dir(self) -> Path:
        """Where kiln keeps this project's PostgreSQL and caches (git-ignored)."""
        return self.root / STATE_DIR

    def database_name(self, env: str) -> str:
        """The database an environment uses on the project's server, e.g. ``shop_development``."""
        return f"{self.package}_{env}"

    def flask_app(self, env: str) -> str:
        """The ``--app`` value that makes Flask call the factory with the environment's name."""
        return f"{self.factory}({env!r})"

    @property
    def package_dir(self) -> Path:
        """The package's folder: ``src/<package>`` (the src layout) or ``<package>``."""
        src = self.root / "src" / self.package
        return (
            src
            if src.is_dir() or not (self.root / self.package).is_dir()
            else self.root / self.package
        )

    @property
    def has_migrations(self) -> bool:
        return (self.migrations_dir / "env.py").is_file()

    @property
    def scenarios_dir(self) -> Path:
        """Named data sets for development and tests; outside the package, so never shipped."""
        return self.root / "scenarios"


def install_arguments(root: Path) -> str:
    """What ``pip install`` takes to install the project in ``root`` with its dev extra and kiln:
    ``kiln new``'s requirements file, which says where kiln comes from, when there is one."""
    if (root / DEV_REQUIREMENTS).is_file():
        return f"-r {DEV_REQUIREMENTS}"
    return "-e '.[dev]'"


def python_identifier(name: str) -> str:
    """The import name pip-style distribution names map to (``my-shop`` -> ``my_shop``)."""
    return re.sub(r"[-.\s]+", "_", name.strip()).lower()


def find_project(start: Path | None = None) -> Project:
    """The project whose ``pyproject.toml`` with a ``[tool.kiln]`` table holds ``start``."""
    start = (start or Path.cwd()).resolve()
    without_table: Path | None = None
    for folder in (start, *start.parents):
        candidate = folder / PYPROJECT
        if not candidate.is_file():
            continue
        data = _read_toml(candidate)
        if "kiln" in data.get("tool", {}):
            return _project_from(candidate, data)
        without_table = without_table or candidate
    if without_table:
        raise UsageError(
            f"{without_table} has no [tool.kiln] table, so this is not a kiln project",
            where=str(start),
            fix='add to it:\n    [tool.kiln]\n    app = "yourpackage:create_app"',
        )
    raise UsageError(
        "not inside a kiln project (no pyproject.toml with a [tool.kiln] table here or above)",
        where=str(start),
        fix="cd into your project, or create one with: kiln new NAME",
    )


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise UsageError(
            f"invalid TOML: {error}", where=str(path), fix="correct the syntax at that line"
        ) from None
    except RecursionError:
        raise UsageError(
            "nested too deeply to read", where=str(path), fix="remove the deep nesting"
        ) from None


def _project_from(path: Path, data: dict) -> Project:
    table = data["tool"]["kiln"]
    where = f"{path} [tool.kiln]"
    if not isinstance(table, dict):
        raise UsageError(
            "must be a table", where=where, fix="write it as [tool.kiln] with keys below"
        )
    unknown = sorted(set(table) - KNOWN_KEYS)
    if unknown:
        raise UsageError(
            f"unknown key(s) {', '.join(unknown)}",
            where=where,
            fix=f"use only {', '.join(sorted(KNOWN_KEYS))}",
        )
    name = data.get("project", {}).get("name") or path.parent.name
    package = table.get("package", python_identifier(name))
    if not isinstance(package, str) or not package.isidentifier():
        raise UsageError(
            f"package {package!r} is not a valid Python import name",
            where=f"{where} package",
            fix='set package to the name you import, e.g. package = "shop"',
        )
    factory = _function_reference(table, "app", f"{package}:create_app", where)
    seed = _function_reference(table, "seed", None, where)
    jobs = _function_reference(table, "jobs", None, where)
    migrations = table.get("migrations", "migrations")
    if not isinstance(migrations, str):
        raise UsageError(
            "migrations must be a folder path (a string)",
            where=f"{where} migrations",
            fix='e.g. migrations = "migrations"',
        )
    return Project(
        root=path.parent,
        python=_interpreter_path(table, path.parent, where),
        name=name,
        package=package,
        factory=factory,
        migrations_dir=path.parent / migrations,
        seed=seed,
        jobs=jobs,
        settings=table.get("settings", {}),
        services=_services(table, path.parent, where),
    )


_SERVICE_KEYS = {"command", "environ", "programs", "install"}
_SERVICE_EXAMPLE = (
    '[tool.kiln.services.acme]\ncommand = ["python", "-m", "shop.acme_stack", ".kiln/acme"]'
)


def _services(table: dict, root: Path, where: str) -> tuple[Service, ...]:
    """``[tool.kiln.services.NAME]`` tables: a command, and optionally the settings file it
    writes when ready, the programs it needs and how to install them."""
    services = table.get("services", {})
    if not isinstance(services, dict) or not all(isinstance(s, dict) for s in services.values()):
        raise UsageError(
            "services must hold one table per service",
            where=f"{where} services",
            fix=f"declare each as:\n    {_SERVICE_EXAMPLE}",
        )
    return tuple(
        _service(name, spec, root, f"{where}.services.{name}") for name, spec in services.items()
    )


def _service(name: str, spec: dict, root: Path, where: str) -> Service:
    unknown = sorted(set(spec) - _SERVICE_KEYS)
    if unknown:
        raise UsageError(
            f"unknown key(s) {', '.join(unknown)}",
            where=where,
            fix=f"use only {', '.join(sorted(_SERVICE_KEYS))}",
        )
    command, programs = spec.get("command"), spec.get("programs", [])
    if not _strings(command) or not command:
        raise UsageError(
            "command must be a list of strings, the program first",
            where=f"{where} command",
            fix=f"e.g.\n    {_SERVICE_EXAMPLE}",
        )
    if not _strings(programs):
        raise UsageError(
            "programs must be a list of program names",
            where=f"{where} programs",
            fix='e.g. programs = ["pebble"]',
        )
    environ, install = spec.get("environ"), spec.get("install", "")
    if not isinstance(environ, str | None) or not isinstance(install, str):
        raise UsageError(
            "environ must be a file path and install a sentence (strings)",
            where=where,
            fix='e.g. environ = ".kiln/acme/environ", install = "sudo apt-get install pebble"',
        )
    return Service(
        name=name,
        command=tuple(command),
        environ=root / environ if environ else None,
        programs=tuple(programs),
        install=install,
    )


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) and item for item in value)


def _interpreter_path(table: dict, root: Path, where: str) -> Path | None:
    """``python = ".venv-3.12/bin/python"``: a path, relative to the project's folder or not."""
    value = table.get("python")
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise UsageError(
            f"python {value!r} is not a path to an interpreter",
            where=f"{where} python",
            fix='name the Python that runs the project, e.g. python = ".venv/bin/python", '
            "or remove the key to let kiln use the project's .venv",
        )
    return root / Path(value).expanduser()


@overload
def _function_reference(table: dict, key: str, default: str, where: str) -> str: ...
@overload
def _function_reference(table: dict, key: str, default: None, where: str) -> str | None: ...
def _function_reference(table: dict, key: str, default: str | None, where: str) -> str | None:
    """A ``module:name`` value such as ``app = "shop:create_app"``."""
    value = table.get(key, default)
    if value is None or (isinstance(value, str) and _FACTORY.match(value)):
        return value
    what = "the job queue" if key == "jobs" else "a function"
    raise UsageError(
        f"{key} {value!r} is not of the form 'module:name'",
        where=f"{where} {key}",
        fix=f'point it at {what}, e.g. {key} = "{_EXAMPLES[key]}"',
    )

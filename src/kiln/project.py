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
KNOWN_KEYS = {
    *("app", "package", "migrations", "seed", "jobs", "settings", "python"),
    *("environments", "database_variables", "services"),
}
# The parts of a database URL a project may read from variables of its own (``[tool.kiln]
# database_variables``): ``POSTGRES_HOST = "host"``.
URL_PARTS = ("url", "user", "password", "host", "port", "database")
# ``[tool.kiln] app`` given as a module-level app rather than a factory is built by importing it.
ADOPTED_APP = "kiln.runner.app:project_app"
_RECIPE_KEYS = {"argument", "config", "keyword", "variables"}
_FACTORY = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")
_EXAMPLES = {"app": "shop:create_app", "seed": "shop.seed:seed_db", "jobs": "shop.jobs:queue"}


@dataclass(frozen=True)
class Recipe:
    """How the factory is called for one environment: ``factory(argument)``, ``factory(<the object
    config names>)``, by ``keyword`` if given, or ``factory()`` with neither; ``variables`` are
    set before the app is imported (a factory that reads ``APP_SETTINGS``)."""

    argument: str | None = None
    config: str | None = None
    keyword: str | None = None
    variables: dict[str, str] = field(default_factory=dict)

    def describe(self, factory: str) -> str:
        """The call, as the user would write it: ``app:create_app(config_class=config:Test)``;
        the app or factory alone when nothing is passed, with the variables set for it."""
        value = self.config or (repr(self.argument) if self.argument is not None else "")
        given = f"{self.keyword}={value}" if self.keyword and value else value
        call = f"{factory}({given})" if given else factory
        variables = " ".join(f"{name}={value}" for name, value in self.variables.items())
        return f"{call} with {variables}" if variables else call


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
    environments: dict[str, Recipe] | None = None
    """``[tool.kiln.environments]``: how the app is built for each environment, in a project
    kiln adopted (``kiln init``); ``None`` in a project kiln made (``factory("<env name>")``)."""
    database_variables: dict[str, str] = field(default_factory=dict)
    """The project's own variables for parts of its database URL, e.g. ``{"PGUSER_X": "user"}``."""
    services: tuple[Service, ...] = ()
    """What ``kiln serve`` starts beside the app, in development."""

    @property
    def adopted(self) -> bool:
        """The project existed before kiln: kiln injects nothing it did not declare."""
        return self.environments is not None

    def recipe(self, env: str) -> Recipe:
        """How the app is built for ``env``: the mapped recipe, else ``factory("<env>")``."""
        if self.environments is None:
            return Recipe(argument=env)
        found = self.environments.get(env)
        if found is None:
            raise UsageError(
                f"no way to build the app for the environment {env!r} "
                f"(mapped: {', '.join(self.environments) or 'none'})",
                where=f"{PYPROJECT} [tool.kiln.environments]",
                fix=f'map it, e.g. {env} = {{ config = "yourpackage.config:TestConfig" }} '
                f'or {env} = "<the name your factory takes>"',
            )
        return found

    @property
    def state_dir(self) -> Path:
        """Where kiln keeps this project's PostgreSQL and caches (git-ignored)."""
        return self.root / STATE_DIR

    def database_name(self, env: str) -> str:
        """The database an environment uses on the project's server, e.g. ``shop_development``."""
        return f"{self.package}_{env}"

    def describe_app(self, env: str) -> str:
        """How the app is built for ``env``, in the user's words (for messages)."""
        if self.adopted:
            return self.recipe(env).describe(self.factory)
        return self.flask_app(env)

    def flask_app(self, env: str) -> str:
        """The ``--app`` value that makes Flask call the factory with the environment's name; in
        an adopted project, kiln's builder, which follows ``[tool.kiln.environments]``."""
        if self.adopted:
            return f"{ADOPTED_APP}({env!r})"
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
    _refuse_unknown_keys(table, KNOWN_KEYS, where)
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
        environments=_environments(table, where),
        database_variables=_database_variables(table, where),
        services=_services(table, path.parent, where),
    )


def _environments(table: dict, where: str) -> dict[str, Recipe] | None:
    """``testing = "test"`` (the factory's own name for it) or an inline table of ``Recipe``."""
    mapping = table.get("environments")
    if mapping is None:
        return None
    where = f"{where}.environments"
    example = 'testing = { config = "yourpackage.config:TestConfig" }'
    if not isinstance(mapping, dict):
        raise UsageError("must be a table", where=where, fix=f"write it as a table, e.g. {example}")
    recipes = {}
    for env, value in mapping.items():
        recipe = _recipe(value)
        if recipe is None:
            raise UsageError(
                f"{env} = {value!r} is not a way to build the app",
                where=f"{where} {env}",
                fix=f'use a string passed to the factory (e.g. {env} = "test"), or an inline '
                f"table with {', '.join(sorted(_RECIPE_KEYS))}, e.g. {example}",
            )
        recipes[env] = recipe
    return recipes


def _recipe(value: object) -> Recipe | None:
    """One environment's recipe; ``None`` when ``value`` is not one."""
    spec = {"argument": value} if isinstance(value, str) else value
    if not isinstance(spec, dict) or not set(spec) <= _RECIPE_KEYS:
        return None
    texts = [spec.get(key) for key in ("argument", "config", "keyword")]
    variables = spec.get("variables", {})
    if not all(text is None or isinstance(text, str) for text in texts):
        return None
    argument, config, keyword = texts
    if not isinstance(variables, dict) or (argument is not None and config is not None):
        return None
    if config is not None and not _FACTORY.match(config):
        return None
    return Recipe(argument, config, keyword, {str(k): str(v) for k, v in variables.items()})


def _database_variables(table: dict, where: str) -> dict[str, str]:
    """``POSTGRES_HOST = "host"``: the project's variable, the part of kiln's URL it gets."""
    mapping = table.get("database_variables", {})
    wrong = (
        [mapping]
        if not isinstance(mapping, dict)
        else [f"{name} = {part!r}" for name, part in mapping.items() if part not in URL_PARTS]
    )
    if wrong:
        raise UsageError(
            f"{wrong[0]} is not a part of a database URL",
            where=f"{where}.database_variables",
            fix=f'map each variable to one of {", ".join(URL_PARTS)}, e.g. POSTGRES_HOST = "host"',
        )
    return dict(mapping)


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
    _refuse_unknown_keys(spec, _SERVICE_KEYS, where)
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


def _refuse_unknown_keys(table: dict, known: set[str], where: str) -> None:
    """A misspelt key is refused, not ignored: ignored, it would silently change nothing."""
    unknown = sorted(set(table) - known)
    if unknown:
        raise UsageError(
            f"unknown key(s) {', '.join(unknown)}",
            where=where,
            fix=f"use only {', '.join(sorted(known))}",
        )

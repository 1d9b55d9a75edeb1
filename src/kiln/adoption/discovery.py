"""What ``kiln init`` learns from an existing project's files: its app and how each environment's
config is chosen, its migrations, the variables its database URL is built from, its tests.

Each finding that needs the user's hand comes with its fix, as a ``Finding`` of status WARN.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values

from kiln.adoption.sources import Module, dotted_name, environment_reads, read_modules
from kiln.config.environments import BUILTIN_ENVIRONMENTS, DEVELOPMENT, PRODUCTION, TESTING
from kiln.findings import Finding, Status

FACTORY_NAMES = ("create_app", "make_app", "build_app", "app_factory", "get_app")
APP_NAMES = ("app", "application")
APP_FILES = ("wsgi", "autoapp", "manage", "app", "run", "main", "application", "server")
# The names projects give each of kiln's environments, best first.
ALIASES = {
    TESTING: ("testing", "test", "tests", "unittest"),
    DEVELOPMENT: ("development", "dev", "develop", "local", "local-development", "default"),
    PRODUCTION: ("production", "prod", "live", "deploy"),
}
_CLASS_WORDS = {TESTING: ("test",), DEVELOPMENT: ("dev", "local"), PRODUCTION: ("prod", "live")}
_URL_PART = re.compile(
    r"^(?:POSTGRES|POSTGRESQL|PG|DB|DATABASE|SQL)_"
    r"(?P<part>USER|USERNAME|PASSWORD|PASS|HOST|HOSTNAME|SERVER|PORT|DB|NAME|DATABASE)$"
)
_PARTS = {
    **dict.fromkeys(("USER", "USERNAME"), "user"),
    **dict.fromkeys(("PASSWORD", "PASS"), "password"),
    **dict.fromkeys(("HOST", "HOSTNAME", "SERVER"), "host"),
    "PORT": "port",
    **dict.fromkeys(("DB", "NAME", "DATABASE"), "database"),
}
# Variables kiln sets itself, whatever the project maps.
_EXPORTED = {"PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD", "DATABASE_URL"}
_FIXTURES = ("app", "client", "db", "live_server")
KILN_NEW_ANSWERS = ".copier-answers.yml"  # what kiln new leaves in the projects it makes


@dataclass
class Adoption:
    """What ``[tool.kiln]`` will say, and the checklist that goes with it."""

    app: str | None = None
    package: str | None = None
    migrations: str | None = None
    environments: dict[str, str | dict[str, object]] = field(default_factory=dict)
    database_variables: dict[str, str] = field(default_factory=dict)
    checklist: list[Finding] = field(default_factory=list)

    def ok(self, title: str) -> None:
        self.checklist.append(Finding(Status.OK, title))

    def todo(self, title: str, fix: str) -> None:
        self.checklist.append(Finding(Status.WARN, title, fix))


def made_by_kiln(root: Path) -> bool:
    """A project ``kiln new`` made already builds its app the way kiln calls it: nothing to adopt
    (and mapping its environments would stop kiln's defaults, such as its ``SECRET_KEY``)."""
    answers = root / KILN_NEW_ANSWERS
    return answers.is_file() and "kiln new" in answers.read_text(encoding="utf-8", errors="replace")


def discover(root: Path) -> Adoption:
    """Read the project in ``root``; nothing is imported or run."""
    adoption = Adoption()
    every = read_modules(root)
    modules = [module for module in every if not module.is_test]
    _find_app(root, modules, adoption, every)
    _find_migrations(root, modules, adoption)
    _find_database_variables(modules, adoption)
    _look_at_tests(root, adoption)
    return adoption


# --- the app -------------------------------------------------------------------------------


def _find_app(root: Path, modules: list[Module], adoption: Adoption, every: list[Module]) -> None:
    by_name = {module.name: module for module in modules}
    named = _flask_app_setting(root)
    factories = [
        (module, function)
        for module in modules
        for name, function in module.functions().items()
        if name in FACTORY_NAMES
    ]
    factories.sort(key=lambda found: _factory_rank(found[0], named))
    if factories:
        module, function = factories[0]
        adoption.app = f"{module.name}:{function.name}"
        adoption.package = module.name.split(".")[0]
        adoption.ok(f"app: the factory {adoption.app}" + _from(named))
        _map_factory(module, function, modules, adoption, every)
        return
    apps = [
        (module, name)
        for module in modules
        for name in APP_NAMES
        if module.assigned(name) is not None and _builds_app(module.assigned(name))
    ]
    apps.sort(key=lambda found: _module_rank(found[0], named))
    if apps:
        module, name = apps[0]
        adoption.app = f"{module.name}:{name}"
        adoption.package = module.name.split(".")[0]
        adoption.ok(
            f"app: {adoption.app}, built when {module.path.name} is imported" + _from(named)
        )
        _map_variables(module, by_name, adoption)
        return
    adoption.todo(
        "no Flask app found (no create_app()-style factory, no module-level app = Flask(...))",
        'set app = "yourpackage:create_app" (or "module:app") under [tool.kiln] in '
        "pyproject.toml, then run kiln init again",
    )


def _flask_app_setting(root: Path) -> str | None:
    """The module ``FLASK_APP`` names in ``.flaskenv`` or ``.env`` (``microblog.py`` ->
    ``microblog``, ``app:create_app('dev')`` -> ``app``)."""
    for name in (".flaskenv", ".env"):
        path = root / name
        if path.is_file():
            value = dotenv_values(path).get("FLASK_APP")
            if value:
                module = value.split(":")[0].split("(")[0].strip()
                return module.removesuffix(".py").replace("/", ".")
    return None


def _from(named: str | None) -> str:
    return f" (FLASK_APP names {named})" if named else ""


def _factory_rank(module: Module, named: str | None) -> tuple[int, int, str]:
    """The module FLASK_APP imports first, then a package's ``__init__``, then shallow ones."""
    return (
        0 if named and module.name.split(".")[0] == named.split(".")[0] else 1,
        0 if module.path.name == "__init__.py" else 1,
        module.name,
    )


def _module_rank(module: Module, named: str | None) -> tuple[int, int, str]:
    stem = module.name.split(".")[-1]
    known = APP_FILES.index(stem) if stem in APP_FILES else len(APP_FILES)
    return (0 if named == module.name else 1, known, module.name)


def _builds_app(value: ast.expr | None) -> bool:
    """``Flask(__name__)`` or ``create_app(...)``-like calls."""
    if not isinstance(value, ast.Call):
        return False
    called = dotted_name(value.func).split(".")[-1]
    return called == "Flask" or called in FACTORY_NAMES


def _map_factory(
    module: Module,
    function: ast.FunctionDef,
    modules: list[Module],
    adoption: Adoption,
    every: list[Module],
) -> None:
    """The factory's first parameter says how the config is chosen."""
    parameters = [*function.args.posonlyargs, *function.args.args]
    defaults = dict(
        zip(reversed([p.arg for p in parameters]), reversed(function.args.defaults), strict=False)
    )
    parameter = parameters[0].arg if parameters else None
    default = defaults.get(parameter) if parameter else None
    if parameter is None or (isinstance(default, ast.Constant) and default.value is None):
        by_name = {m.name: m for m in modules}
        shown = f"{function.name}()" + (f" (its {parameter}=None default)" if parameter else "")
        adoption.ok(f"{shown}: kiln calls it without arguments")
        _map_variables(module, by_name, adoption, inside=function)
        return
    classes = _config_classes(modules)
    if isinstance(default, ast.Constant) and isinstance(default.value, str):
        if default.value in {m.name for m in modules}:
            _map_module_paths(function.name, default.value, every, adoption)
        elif "." in default.value and default.value.rsplit(".", 1)[1] in {c for _, c in classes}:
            _map_import_paths(function.name, default.value, classes, adoption)
        else:
            _map_names(function, module, modules, adoption)
        return
    if isinstance(default, ast.Name | ast.Attribute) or "config" in parameter.lower():
        names = _config_names(module, modules)
        if names and not isinstance(default, ast.Name | ast.Attribute):
            _map_names(function, module, modules, adoption)
            return
        _map_classes(function.name, dotted_name(default) if default else None, classes, adoption)
        return
    _map_names(function, module, modules, adoption)


def _config_classes(modules: list[Module]) -> list[tuple[str, str]]:
    """``(module, Class)`` for every class whose name ends in Config/Settings."""
    return [
        (module.name, name)
        for module in modules
        for name in module.classes()
        if name.lower().endswith(("config", "configuration", "settings"))
    ]


def _pick_class(env: str, classes: list[tuple[str, str]]) -> tuple[str, str] | None:
    for module, name in classes:
        if any(word in name.lower() for word in _CLASS_WORDS[env]):
            return module, name
    return None


def _map_classes(
    factory: str, default: str | None, classes: list[tuple[str, str]], adoption: Adoption
) -> None:
    """``create_app(config_class=Config)``: each environment gets a class."""
    fallback = next(
        (found for found in classes if found[1] == (default or "").split(".")[-1]), None
    )
    for env in BUILTIN_ENVIRONMENTS:
        found = _pick_class(env, classes) or fallback
        if found is None:
            adoption.environments[env] = {}
            adoption.todo(
                f"{env}: no configuration class found, so kiln calls {factory}() as is",
                f'map one in [tool.kiln.environments]: {env} = {{ config = "module:Class" }}',
            )
            continue
        adoption.environments[env] = {"config": f"{found[0]}:{found[1]}"}
        if env == TESTING and _pick_class(env, classes) is None:
            adoption.todo(
                f"{env} -> {factory}({found[1]}): no test configuration class, so the "
                "factory's default",
                f"if the tests need other settings (TESTING = True...), add class "
                f"TestConfig({found[1]}) and map it: "
                f'{env} = {{ config = "{found[0]}:TestConfig" }}',
            )
        else:
            adoption.ok(f"{env} -> {factory}({found[1]}) ({found[0]})")


def _map_import_paths(
    factory: str, default: str, classes: list[tuple[str, str]], adoption: Adoption
) -> None:
    """``create_app(config="app.settings.ProdConfig")``: each environment gets a path string."""
    module = default.rsplit(".", 1)[0]
    own = [found for found in classes if found[0] == module] or classes
    for env in BUILTIN_ENVIRONMENTS:
        found = _pick_class(env, own)
        path = f"{found[0]}.{found[1]}" if found else default
        adoption.environments[env] = path
        adoption.ok(f"{env} -> {factory}({path!r})") if found else adoption.todo(
            f"{env} -> {factory}({path!r}): no class of its own, so the factory's default",
            f'map another: {env} = "{module}.YourClass"',
        )


def _map_module_paths(factory: str, default: str, every: list[Module], adoption: Adoption) -> None:
    """``create_app("app.settings")``: a settings module per environment; the tests' own (often
    ``tests.settings``) for testing when there is one."""
    last = default.rsplit(".", 1)[-1]
    candidates = [m.name for m in every if m.name.rsplit(".", 1)[-1] == last and m.name != default]
    for env in BUILTIN_ENVIRONMENTS:
        words = (*_CLASS_WORDS[env], *ALIASES[env])
        chosen = next((name for name in candidates if any(w in name for w in words)), None)
        adoption.environments[env] = chosen or default
        if chosen or env != TESTING:
            adoption.ok(f"{env} -> {factory}({chosen or default!r})")
        else:
            adoption.todo(
                f"{env} -> {factory}({default!r}): no test settings module, so the default",
                f'map one: {env} = "yourpackage.test_settings"',
            )


def _config_names(module: Module, modules: list[Module]) -> list[str]:
    """The string keys of a ``{"development": DevConfig, ...}`` dict, looked for in the factory's
    module first."""
    for candidate in [module, *modules]:
        for node in ast.walk(candidate.tree):
            if isinstance(node, ast.Dict) and len(node.keys) >= 2:
                keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
                strings = [k for k in keys if isinstance(k, str)]
                if len(strings) == len(node.keys) and _looks_like_environments(strings):
                    return strings
    return []


def _looks_like_environments(keys: list[str]) -> bool:
    known = {alias for aliases in ALIASES.values() for alias in aliases}
    return sum(key.lower() in known for key in keys) >= 2


def _map_names(
    function: ast.FunctionDef, module: Module, modules: list[Module], adoption: Adoption
) -> None:
    """``create_app("test")``: each of kiln's environments gets the project's name for it."""
    names = _config_names(module, modules) or _compared_strings(function)
    for env in BUILTIN_ENVIRONMENTS:
        alias = next((a for a in ALIASES[env] for name in names if name.lower() == a), None)
        chosen = next((name for name in names if name.lower() == alias), None) if alias else None
        if chosen is None:
            adoption.environments[env] = env
            adoption.todo(
                f"{env} -> {function.name}({env!r}): the project's name for it was not found"
                + (f" (it knows {', '.join(names)})" if names else ""),
                f'map it: {env} = "<the name {function.name}() takes>"',
            )
        else:
            adoption.environments[env] = chosen
            adoption.ok(f"{env} -> {function.name}({chosen!r})")


def _compared_strings(function: ast.FunctionDef) -> list[str]:
    strings = []
    for node in ast.walk(function):
        if isinstance(node, ast.Compare):
            for side in (node.left, *node.comparators):
                if isinstance(side, ast.Constant) and isinstance(side.value, str):
                    strings.append(side.value)
    return strings


def _map_variables(
    module: Module,
    by_name: dict[str, Module],
    adoption: Adoption,
    inside: ast.AST | None = None,
) -> None:
    """An app that picks its config from a variable (``from_object(os.environ.get("APP_SETTINGS",
    "config.DevConfig"))``): each environment sets that variable to its class's import path."""
    for node in ast.walk(inside or module.tree):
        if not (isinstance(node, ast.Call) and dotted_name(node.func).endswith("from_object")):
            continue
        for variable, default in environment_reads(node):
            if not (isinstance(default, ast.Constant) and isinstance(default.value, str)):
                continue
            base = default.value.rsplit(".", 1)[0]
            classes = [(base, name) for name in getattr(by_name.get(base), "classes", dict)()]
            for env in BUILTIN_ENVIRONMENTS:
                found = _pick_class(env, classes)
                value = f"{found[0]}.{found[1]}" if found else default.value
                adoption.environments[env] = {"variables": {variable: value}}
                adoption.ok(f"{env} -> {variable}={value} before the app is imported")
            return
    for env in BUILTIN_ENVIRONMENTS:
        adoption.environments[env] = {}
    adoption.todo(
        "how the app chooses its configuration was not found: kiln builds it as is",
        "if it reads a variable, set it per environment, e.g. "
        'testing = { variables = { APP_SETTINGS = "config.TestingConfig" } }',
    )


# --- migrations, database, tests ---------------------------------------------------------


def _find_migrations(root: Path, modules: list[Module], adoption: Adoption) -> None:
    for folder in ("migrations", "alembic"):
        if (root / folder / "env.py").is_file():
            adoption.migrations = folder
            adoption.ok(f"migrations: {folder}/ (Alembic through Flask-Migrate)")
            return
    if (root / "alembic.ini").is_file():
        match = re.search(r"^script_location\s*=\s*(\S+)", (root / "alembic.ini").read_text(), re.M)
        if match and (root / match[1] / "env.py").is_file():
            adoption.migrations = match[1]
            adoption.ok(f"migrations: {match[1]}/ (alembic.ini)")
            return
    adoption.ok(
        "no migrations: the schema comes from the models (db.create_all()) for kiln serve, "
        "kiln db and the tests"
    )


def _find_database_variables(modules: list[Module], adoption: Adoption) -> None:
    for module in modules:
        for variable, _ in environment_reads(module.tree):
            match = _URL_PART.match(variable)
            if match and variable not in _EXPORTED:
                adoption.database_variables[variable] = _PARTS[match["part"]]
    if adoption.database_variables:
        names = ", ".join(adoption.database_variables)
        adoption.ok(f"database URL built from parts: kiln sets {names} too")


def _look_at_tests(root: Path, adoption: Adoption) -> None:
    conftests = [p for p in root.rglob("conftest.py") if not _skipped(p, root)]
    for path in conftests:
        defined = _fixtures_in(path)
        if defined:
            shown = ", ".join(f"`{name}`" for name in defined)
            adoption.ok(
                f"{path.relative_to(root)} defines {shown}: its tests keep using them "
                f"(kiln's stay available as {', '.join(f'kiln_{n}' for n in defined)})"
            )
    if (root / "tests.py").is_file():
        adoption.ok("tests.py (unittest style): kiln's plugin collects it")
    if not conftests and not (root / "tests").is_dir() and not (root / "tests.py").is_file():
        adoption.todo("no tests found (tests/, tests.py)", "add tests under tests/")


def _fixtures_in(path: Path) -> list[str]:
    try:
        tree = ast.parse(path.read_bytes())
    except (SyntaxError, ValueError):
        return []
    return [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and node.name in _FIXTURES
        and any("fixture" in dotted_name(_called(d)) for d in node.decorator_list)
    ]


def _called(decorator: ast.expr) -> ast.expr:
    return decorator.func if isinstance(decorator, ast.Call) else decorator


def _skipped(path: Path, root: Path) -> bool:
    parts = set(path.relative_to(root).parts)
    return bool(parts & {".venv", "venv", ".tox", "node_modules", ".git"})

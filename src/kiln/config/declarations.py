"""The settings kiln knows (types, defaults, rules), extended by ``[tool.kiln.settings.NAME]``."""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType
from typing import Any

from kiln.config.environments import DEVELOPMENT, PRODUCTION, TESTING
from kiln.config.sources import NAME_RULE, is_variable_name, scalar_text
from kiln.config.spec import Spec, declared_at
from kiln.config.values import example, expectation
from kiln.errors import Problem
from kiln.masking import display
from kiln.project import PYPROJECT, Project

# Deliberately unsafe-looking: production rejects it (see rules.WEAK_SECRETS).
DEV_SECRET_KEY = "kiln-dev-only-insecure-key"
NEW_SECRET_COMMAND = "python -c 'import secrets; print(secrets.token_hex(32))'"
PROJECT_TYPES = ("str", "int", "float", "bool", "url")
_KEYS = ("type", "default", "required", "choices", "secret", "help", "min_length", "needs")
_BUILTIN_KEYS = ("default", "required", "help")


BUILTINS = MappingProxyType(
    {
        spec.name: spec
        for spec in (
            Spec(
                "DATABASE_URL",
                type="postgres_url",
                help="the PostgreSQL to use; kiln starts its own for development and testing",
                example="postgresql://shop:PASSWORD@db.example.com:5432/shop",
            ),
            Spec(
                "SECRET_KEY",
                secret=True,
                env_defaults={DEVELOPMENT: DEV_SECRET_KEY, TESTING: DEV_SECRET_KEY},
                help="signs sessions and cookies",
                example=f"$({NEW_SECRET_COMMAND})",
            ),
            Spec(
                "FLASK_DEBUG",
                type="bool",
                env_defaults={DEVELOPMENT: "true", TESTING: "false", PRODUCTION: "false"},
            ),
            Spec("PORT", type="int", minimum=1, maximum=65535, example="8000"),
            Spec("WEB_CONCURRENCY", type="int", minimum=1, example="4"),
            Spec(
                "LOG_LEVEL",
                choices=("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"),
                env_defaults={DEVELOPMENT: "DEBUG", TESTING: "INFO", PRODUCTION: "INFO"},
                example="INFO",
            ),
        )
    }
)


# What kiln itself reads in a project it adopted: the rest is the project's (its SECRET_KEY, its
# LOG_LEVEL), so kiln neither sets nor checks it there.
ADOPTED_BUILTINS = ("DATABASE_URL", "PORT", "WEB_CONCURRENCY")


def read_declarations(project: Project) -> tuple[dict[str, Spec], list[Problem]]:
    """Built-in specs with the project's declarations applied; bad declarations are problems."""
    specs = dict(BUILTINS)
    if project.adopted:
        specs = {name: specs[name] for name in ADOPTED_BUILTINS}
    problems: list[Problem] = []
    table = project.settings
    if not isinstance(table, dict):
        problems.append(
            Problem(
                "must be a table of settings",
                f"{PYPROJECT} [tool.kiln.settings]",
                'declare each one as [tool.kiln.settings.NAME] with type = "str" etc.',
            )
        )
        return specs, problems
    for name, declaration in table.items():
        spec = _declare(name, declaration, specs.get(name), problems)
        if spec is not None:
            specs[name] = spec
    return specs, problems


def _declare(
    name: str, declaration: object, base: Spec | None, problems: list[Problem]
) -> Spec | None:
    """The spec a declaration makes (or changes, for a built-in); what it gets wrong is skipped."""
    where = declared_at(name)
    if not is_variable_name(name):
        problems.append(Problem("not a valid environment variable name", where, NAME_RULE))
        return None
    if not isinstance(declaration, dict):
        problems.append(
            Problem("must be a table", where, f"write it as [tool.kiln.settings.{name}]")
        )
        return None
    allowed = _BUILTIN_KEYS if base else _KEYS
    for key in [key for key in declaration if key not in allowed]:
        what = (
            f"{name} is built in, so its {key} cannot change"
            if base and key in _KEYS
            else f"unknown key {key!r}"
        )
        problems.append(Problem(what, f"{where} {key}", f"use only {', '.join(allowed)}"))
    # Each reader checks its value against the Spec field it is keyed by, so ``replace`` gets
    # the field's type; the mapping itself cannot say that per key, hence ``Any``.
    changes: dict[str, Any] = {}
    for key, read in _READERS.items():
        if key in declaration and key in allowed:
            value, fix = read(declaration[key])
            if fix is None:
                changes[key] = value
            else:
                problems.append(
                    Problem(f"{key} {declaration[key]!r} is not valid", f"{where} {key}", fix)
                )
    spec = replace(base or Spec(name), **changes)
    if spec.min_length is not None and spec.type != "str":
        problems.append(
            Problem(
                f"min_length applies to text, not to type {spec.type!r}",
                f"{where} min_length",
                'drop min_length, or declare type = "str"',
            )
        )
        spec = replace(spec, min_length=None)
    if "default" in declaration and "default" in allowed:
        spec = _with_default(spec, declaration["default"], f"{where} default", problems)
    return spec


def _with_default(spec: Spec, raw: object, where: str, problems: list[Problem]) -> Spec:
    text = scalar_text(raw)
    if text is None:
        problems.append(
            Problem(
                "default must be a string, number or boolean",
                where,
                f"e.g. default = {_toml_example(spec)}",
            )
        )
        return spec
    wanted = expectation(spec, text)
    if wanted is not None:
        shown = display(text, secret=spec.is_secret, reveal=False)
        problems.append(
            Problem(
                f"default {shown!r} is not {wanted}",
                where,
                f"e.g. default = {_toml_example(spec)}",
            )
        )
        return spec
    return replace(spec, default=text)


def _toml_example(spec: Spec) -> str:
    """A fitting value written as TOML: numbers and booleans bare, the rest quoted."""
    value = example(spec)
    return value if spec.type in ("int", "float", "bool") else f'"{value}"'


def _type(raw: object) -> tuple[object, str | None]:
    if raw in PROJECT_TYPES:
        return raw, None
    return None, f'use one of {", ".join(PROJECT_TYPES)}, e.g. type = "int"'


def _required(raw: object) -> tuple[object, str | None]:
    if isinstance(raw, bool):
        return raw, None
    if isinstance(raw, list) and all(isinstance(env, str) for env in raw):
        return frozenset(raw), None
    return None, 'use true, false or a list of environments, e.g. required = ["production"]'


def _choices(raw: object) -> tuple[object, str | None]:
    texts = [scalar_text(item) for item in raw] if isinstance(raw, list) else []
    if texts and None not in texts:
        return tuple(texts), None
    return None, 'use a non-empty list of values, e.g. choices = ["small", "large"]'


def _flag(raw: object) -> tuple[object, str | None]:
    return (raw, None) if isinstance(raw, bool) else (None, "use true or false")


def _min_length(raw: object) -> tuple[object, str | None]:
    if isinstance(raw, int) and not isinstance(raw, bool) and raw > 0:
        return raw, None
    return None, "use a whole number of characters, e.g. min_length = 8"


def _needs(raw: object) -> tuple[object, str | None]:
    names = raw if isinstance(raw, list) else []
    if names and all(isinstance(name, str) and is_variable_name(name) for name in names):
        return tuple(names), None
    return None, 'use a list of setting names, e.g. needs = ["ADMIN_PASSWORD"]'


def _help(raw: object) -> tuple[object, str | None]:
    return (raw, None) if isinstance(raw, str) else (None, 'use a string, e.g. help = "..."')


_READERS = {
    "type": _type,
    "required": _required,
    "choices": _choices,
    "secret": _flag,
    "help": _help,
    "min_length": _min_length,
    "needs": _needs,
}

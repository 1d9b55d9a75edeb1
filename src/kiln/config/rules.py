"""Checks on the merged values: each against its type, required ones present, production safe."""

from __future__ import annotations

from collections.abc import Mapping

from kiln.config.declarations import DEV_SECRET_KEY, NEW_SECRET_COMMAND
from kiln.config.environments import PRODUCTION
from kiln.config.sources import Entry
from kiln.config.spec import Spec
from kiln.config.values import example, expectation, parse_bool
from kiln.errors import Problem
from kiln.masking import display

# Production cannot run without these, whatever the project declares.
PRODUCTION_REQUIRED = ("DATABASE_URL", "SECRET_KEY")
WEAK_SECRETS = frozenset(
    (
        *("", "dev", "development", "test", "testing", "default", "password"),
        *("secret", "secret-key", "secret_key", "changeme", "change-me", DEV_SECRET_KEY),
    )
)
MIN_SECRET_LENGTH = 16


def check(entries: Mapping[str, Entry], specs: Mapping[str, Spec], env: str) -> list[Problem]:
    """Every problem with the merged values, so one run reports them all."""
    problems = [*_types(entries, specs), *_required(entries, specs, env), *_needs(entries, specs)]
    if env == PRODUCTION:
        problems += _production(entries)
    return problems


def _types(entries: Mapping[str, Entry], specs: Mapping[str, Spec]) -> list[Problem]:
    """Values from files and the environment; defaults were checked where they are declared."""
    problems = []
    for name, entry in entries.items():
        spec = specs.get(name)
        if spec is None or entry.source == "default":
            continue
        wanted = expectation(spec, entry.value)
        if wanted:
            shown = display(entry.value, secret=spec.is_secret, reveal=False)
            problems.append(
                Problem(
                    f"{name} must be {wanted}, not {shown!r}",
                    entry.where,
                    f"e.g. {name}={example(spec)}",
                )
            )
    return problems


def _required(entries: Mapping[str, Entry], specs: Mapping[str, Spec], env: str) -> list[Problem]:
    problems = []
    for name, spec in specs.items():
        needed = spec.required_in(env) or (env == PRODUCTION and name in PRODUCTION_REQUIRED)
        if needed and name not in entries:
            purpose = f" ({spec.help})" if spec.help else ""
            places = (
                "the environment or .env (keep secrets out of committed files)"
                if spec.is_secret
                else f"the environment, .env or config/{env}.toml"
            )
            problems.append(
                Problem(
                    f"required in {env} but not set{purpose}",
                    name,
                    f"set {name} in {places}, e.g. {name}={example(spec)}",
                )
            )
    return problems


def _needs(entries: Mapping[str, Entry], specs: Mapping[str, Spec]) -> list[Problem]:
    """A setting given without one it ``needs`` (``needs = [...]`` in its declaration)."""
    problems = []
    for name, entry in entries.items():
        spec = specs.get(name)
        missing = [needed for needed in spec.needs if needed not in entries] if spec else []
        problems += [
            Problem(
                f"{name} is set but {needed} is not, and {name} needs it",
                entry.where,
                f"set {needed} as well, or unset {name}",
            )
            for needed in missing
        ]
    return problems


def _production(entries: Mapping[str, Entry]) -> list[Problem]:
    problems = []
    key = entries.get("SECRET_KEY")
    if key is not None:
        weak = key.value.strip().lower() in WEAK_SECRETS
        short = len(key.value) < MIN_SECRET_LENGTH
        if weak or short:
            what = (
                "a well-known placeholder"
                if weak
                else f"shorter than {MIN_SECRET_LENGTH} characters"
            )
            problems.append(
                Problem(
                    f"SECRET_KEY is {what}, so anyone could forge sessions",
                    key.where,
                    f"generate one with {NEW_SECRET_COMMAND} and set SECRET_KEY in the "
                    "production environment (not in a committed file)",
                )
            )
    debug = entries.get("FLASK_DEBUG")
    if debug is not None and parse_bool(debug.value):
        problems.append(
            Problem(
                "FLASK_DEBUG is on in production, which exposes the interactive debugger",
                debug.where,
                "set FLASK_DEBUG=false, or remove it",
            )
        )
    return problems

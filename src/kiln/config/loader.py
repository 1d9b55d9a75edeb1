"""``load_config``: merge the sources over the defaults, then check the result as a whole."""

from __future__ import annotations

import os
from collections.abc import Mapping

from kiln.config import rules
from kiln.config.declarations import read_declarations
from kiln.config.dotenv_file import read_dotenv
from kiln.config.environments import CONFIG_DIR, PRODUCTION, choose_environment
from kiln.config.json_file import read_json
from kiln.config.model import Config, Setting
from kiln.config.sources import Entry, Layer
from kiln.config.spec import Spec
from kiln.config.toml_file import read_toml
from kiln.masking import is_secret_name, mask_url
from kiln.project import Project


def load_config(
    project: Project, env: str | None = None, environ: Mapping[str, str] | None = None
) -> Config:
    """The settings of ``env`` (or the one ``KILN_ENV``/``APPLICATION_CONFIG`` names).

    Problems in what the user wrote are collected on the result, never raised, so every one is
    reported at once; only an unknown environment raises ``UsageError``.
    """
    environ = os.environ if environ is None else environ
    env, env_source = choose_environment(project, env, environ)
    specs, problems = read_declarations(project)
    layers = [_defaults(specs, env), *_files(project, env)]
    named = set(specs).union(*(layer.entries for layer in layers))
    layers.append(_environment(environ, named))
    entries: dict[str, Entry] = {}
    for layer in layers:
        entries.update(layer.entries)
        problems += layer.problems
    notes = [note for layer in layers for note in layer.notes]
    if (note := _set_aside_database(project, entries, env)) is not None:
        notes.append(note)
    entries = dict(sorted(entries.items()))
    problems += rules.check(entries, specs, env)
    return Config(
        env=env,
        env_source=env_source,
        settings={name: _setting(name, entry, specs.get(name)) for name, entry in entries.items()},
        problems=tuple(problems),
        notes=tuple(notes),
    )


def _set_aside_database(project: Project, entries: dict[str, Entry], env: str) -> str | None:
    """In an adopted project, a ``DATABASE_URL`` a settings file points at SQLite or a server of
    its own (what the project used before kiln) is not used outside production: kiln's
    PostgreSQL is. Removed from ``entries``, with the note that says so."""
    entry = entries.get("DATABASE_URL")
    if not project.adopted or entry is None or env == PRODUCTION:
        return None
    if entry.source == "environment":
        return None
    del entries["DATABASE_URL"]
    return (
        f"DATABASE_URL in {entry.where} points at {mask_url(entry.value)}: kiln's PostgreSQL is "
        f"used for {env} instead (that value still applies in production)"
    )


def _files(project: Project, env: str) -> list[Layer]:
    """``config/<env>.toml``, then ``config/<env>.json``, then ``.env``: later ones win."""
    folder = project.root / CONFIG_DIR
    return [
        read_toml(folder / f"{env}.toml", f"{CONFIG_DIR}/{env}.toml"),
        read_json(folder / f"{env}.json", f"{CONFIG_DIR}/{env}.json"),
        read_dotenv(project.root / ".env"),
    ]


def _defaults(specs: Mapping[str, Spec], env: str) -> Layer:
    defaults = {name: spec.default_entry(env) for name, spec in specs.items()}
    return Layer(entries={name: entry for name, entry in defaults.items() if entry})


def _environment(environ: Mapping[str, str], named: set[str]) -> Layer:
    """Only variables a file or the schema names, so ``PATH`` and friends stay out."""
    return Layer(
        entries={
            name: Entry(environ[name], "environment", f"environment variable {name}")
            for name in named
            if name in environ
        }
    )


def _setting(name: str, entry: Entry, spec: Spec | None) -> Setting:
    secret = spec.is_secret if spec else is_secret_name(name)
    return Setting(name, entry.value, entry.source, secret)


def load_config_with_database(
    project: Project, env: str | None, database_url: str
) -> tuple[Config, bool]:
    """``env``'s config; where it names no DATABASE_URL, kiln provides the database at
    ``database_url``, so production's "DATABASE_URL is required" does not apply (then ``True``)."""
    config = load_config(project, env)
    if config.get("DATABASE_URL") is not None:
        return config, False
    environ = {**os.environ, "DATABASE_URL": database_url}
    return load_config(project, config.env, environ), True

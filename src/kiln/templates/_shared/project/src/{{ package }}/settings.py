"""How config.py reads the settings every service has, so each reads them the same way.

config.py says which settings this service has and what each environment changes; the readers
here turn one environment variable into a value. None of them raises: each adds what is wrong to
``problems`` and returns a default, so a refused start lists every problem at once
(``ConfigError``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

DATABASE_URL = "DATABASE_URL"
FLASK_DEBUG = "FLASK_DEBUG"
LOG_LEVEL = "LOG_LEVEL"
ENVIRONMENT = "KILN_ENV"

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# Why production refuses FLASK_DEBUG: the debugger runs code for whoever reaches it.
DEBUG_IN_PRODUCTION = (
    f"{FLASK_DEBUG} is on, which exposes tracebacks and the debugger in production. "
    f"Set {FLASK_DEBUG}=false or unset it."
)
# Seconds: a stopped or unreachable database fails a request (and GET /health) quickly.
CONNECT_TIMEOUT = 3
ENGINE_OPTIONS: dict[str, Any] = {
    "pool_pre_ping": True,  # a connection the server dropped is replaced, not handed out
    "connect_args": {"connect_timeout": CONNECT_TIMEOUT},
}

_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off"})
# psycopg 3 is the driver; URLs from hosting providers often name another one, or none.
_OTHER_PREFIXES = ("postgres://", "postgresql://", "postgresql+psycopg2://")
_PSYCOPG_PREFIX = "postgresql+psycopg://"

ConfigClass = TypeVar("ConfigClass")


class ConfigError(RuntimeError):
    """Settings are missing or wrong; ``problems`` says which ones and how to set each."""

    def __init__(self, environment: str, problems: list[str]) -> None:
        self.problems = problems
        count = f"{len(problems)} problem" + ("s" if len(problems) > 1 else "")
        lines = "\n".join(f"- {problem}" for problem in problems)
        super().__init__(f"Refusing to start the {environment} configuration ({count}):\n{lines}")


def environment_name(environ: Mapping[str, str]) -> str:
    """``KILN_ENV``, else production: a deployment that forgets it still checks its secrets."""
    return environ.get(ENVIRONMENT) or "production"


def config_class(configs: Mapping[str, ConfigClass], name: str) -> ConfigClass:
    """The class of the environment called ``name``; an unknown name is refused."""
    if name not in configs:
        raise ConfigError(
            name,
            [
                f"Unknown config {name!r}; use one of: {', '.join(configs)}, or add a class for "
                f"it to CONFIGS in config.py. The name comes from create_app(...) or {ENVIRONMENT}."
            ],
        )
    return configs[name]


def read_database_url(environ: Mapping[str, str], problems: list[str]) -> str:
    """``DATABASE_URL`` in the form SQLAlchemy needs: PostgreSQL through psycopg 3."""
    url = environ.get(DATABASE_URL, "").strip()
    if not url:
        problems.append(
            f"{DATABASE_URL} is not set. Run the app with `kiln serve`, which sets it, "
            f"or export {DATABASE_URL}=postgresql://USER:PASSWORD@HOST:5432/DATABASE"
        )
        return ""
    if url.startswith(_PSYCOPG_PREFIX):
        return url
    for prefix in _OTHER_PREFIXES:
        if url.startswith(prefix):
            return _PSYCOPG_PREFIX + url.removeprefix(prefix)
    problems.append(
        f"{DATABASE_URL} must be a PostgreSQL URL: postgresql://USER:PASSWORD@HOST:5432/DATABASE"
    )
    return ""


def read_flag(environ: Mapping[str, str], name: str, default: bool, problems: list[str]) -> bool:
    """The variable ``name`` as true or false; unset, ``default``."""
    raw = environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw not in _TRUE | _FALSE:
        problems.append(f"{name} must be true or false (or 1/0, yes/no, on/off), not {raw!r}.")
        return default
    return raw in _TRUE


def read_log_level(environ: Mapping[str, str], default: str, problems: list[str]) -> str:
    """``LOG_LEVEL``, in capitals; unset, ``default``."""
    level = environ.get(LOG_LEVEL, "").strip().upper() or default
    if level not in LOG_LEVELS:
        problems.append(f"{LOG_LEVEL} must be one of {', '.join(LOG_LEVELS)}, not {level!r}.")
        return default
    return level

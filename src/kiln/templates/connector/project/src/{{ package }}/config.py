"""Settings for each environment, read from environment variables when the app is built.

Sesam passes a microservice its settings as environment variables (the system's
``environment``), so that is the only source. Every problem is collected before anything is
raised, so a refused start lists all of them at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

DATABASE_URL = "DATABASE_URL"
FLASK_DEBUG = "FLASK_DEBUG"
LOG_LEVEL = "LOG_LEVEL"
ENVIRONMENT = "KILN_ENV"
AUTH_USERNAME = "AUTH_USERNAME"
AUTH_PASSWORD = "AUTH_PASSWORD"
SYSTEM_FOLDER = "SYSTEM_FOLDER"

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off"})
# psycopg 3 is the driver; URLs from hosting providers often name another one, or none.
_OTHER_PREFIXES = ("postgres://", "postgresql://", "postgresql+psycopg2://")
_PSYCOPG_PREFIX = "postgresql+psycopg://"
# Seconds: a stopped or unreachable database fails a request (and GET /health) quickly.
CONNECT_TIMEOUT = 3


class ConfigError(RuntimeError):
    """Settings are missing or wrong; ``problems`` says which ones and how to set each."""

    def __init__(self, environment: str, problems: list[str]) -> None:
        self.problems = problems
        count = f"{len(problems)} problem" + ("s" if len(problems) > 1 else "")
        lines = "\n".join(f"- {problem}" for problem in problems)
        super().__init__(f"Refusing to start the {environment} configuration ({count}):\n{lines}")


class Config:
    """What every environment shares; subclasses change only what differs."""

    name: ClassVar[str] = ""
    DEBUG = False
    TESTING = False
    LOG_LEVEL = "INFO"
    # Production logs one JSON object per line, for log collectors; the others, readable text.
    JSON_LOGS: ClassVar[bool] = False
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict[str, Any]] = {
        "pool_pre_ping": True,  # a connection the server dropped is replaced, not handed out
        "connect_args": {"connect_timeout": CONNECT_TIMEOUT},
    }

    def __init__(self, environ: Mapping[str, str]) -> None:
        problems: list[str] = []
        self.DEBUG = _flag(environ, FLASK_DEBUG, type(self).DEBUG, problems)
        self.LOG_LEVEL = _log_level(environ, type(self).LOG_LEVEL, problems)
        self.SQLALCHEMY_DATABASE_URI = _database_url(environ, problems)
        # Basic auth (auth.py): both set, or neither and the endpoints are open.
        self.AUTH_USERNAME = environ.get(AUTH_USERNAME, "") or None
        self.AUTH_PASSWORD = environ.get(AUTH_PASSWORD, "") or None
        if (self.AUTH_USERNAME is None) != (self.AUTH_PASSWORD is None):
            given, missing = (
                (AUTH_USERNAME, AUTH_PASSWORD)
                if self.AUTH_USERNAME
                else (AUTH_PASSWORD, AUTH_USERNAME)
            )
            problems.append(
                f"{given} is set but {missing} is not: set both to require Basic auth, "
                "or neither to leave the endpoints open."
            )
        # The worked example's external system (folder_system.py); unset, there is none.
        self.SYSTEM_FOLDER = environ.get(SYSTEM_FOLDER, "").strip() or None
        problems += self.unsafe()
        if problems:
            raise ConfigError(self.name, problems)

    def unsafe(self) -> list[str]:
        """What this environment refuses beyond wrong settings; production overrides it."""
        return []


class DevelopmentConfig(Config):
    """Your machine: the debugger and debug logs."""

    name = "development"
    DEBUG = True
    LOG_LEVEL = "DEBUG"


class TestingConfig(Config):
    """The test run."""

    name = "testing"
    TESTING = True


class ProductionConfig(Config):
    """A Sesam node: JSON logs, and no debugger."""

    name = "production"
    JSON_LOGS = True

    def unsafe(self) -> list[str]:
        if self.DEBUG:
            return [
                f"{FLASK_DEBUG} is on, which exposes tracebacks and the debugger in production. "
                f"Set {FLASK_DEBUG}=false or unset it."
            ]
        return []


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def environment_name(environ: Mapping[str, str]) -> str:
    """``KILN_ENV``, else production: what a Sesam node runs unless told otherwise."""
    return environ.get(ENVIRONMENT) or "production"


def load_config(name: str, environ: Mapping[str, str]) -> Config:
    """The settings of the environment called ``name``, filled in from ``environ``."""
    if name not in CONFIGS:
        raise ConfigError(
            name,
            [
                f"Unknown config {name!r}; use one of: {', '.join(CONFIGS)}, or add a class for "
                f"it to CONFIGS in config.py. The name comes from create_app(...) or {ENVIRONMENT}."
            ],
        )
    return CONFIGS[name](environ)


def _database_url(environ: Mapping[str, str], problems: list[str]) -> str:
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


def _flag(environ: Mapping[str, str], name: str, default: bool, problems: list[str]) -> bool:
    raw = environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw not in _TRUE | _FALSE:
        problems.append(f"{name} must be true or false (or 1/0, yes/no, on/off), not {raw!r}.")
        return default
    return raw in _TRUE


def _log_level(environ: Mapping[str, str], default: str, problems: list[str]) -> str:
    level = environ.get(LOG_LEVEL, "").strip().upper() or default
    if level not in LOG_LEVELS:
        problems.append(f"{LOG_LEVEL} must be one of {', '.join(LOG_LEVELS)}, not {level!r}.")
        return default
    return level

"""Settings for each environment, read from environment variables when the app is built.

Sesam passes a microservice its settings as environment variables (the system's
``environment``), so that is the only source. Every problem is collected before anything is
raised, so a refused start lists all of them at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from .settings import (
    DEBUG_IN_PRODUCTION,
    ENGINE_OPTIONS,
    FLASK_DEBUG,
    ConfigError,
    config_class,
    read_database_url,
    read_flag,
    read_log_level,
)

AUTH_USERNAME = "AUTH_USERNAME"
AUTH_PASSWORD = "AUTH_PASSWORD"
SYSTEM_FOLDER = "SYSTEM_FOLDER"


class Config:
    """What every environment shares; subclasses change only what differs."""

    name: ClassVar[str] = ""
    DEBUG = False
    TESTING = False
    LOG_LEVEL = "INFO"
    # Production logs one JSON object per line, for log collectors; the others, readable text.
    JSON_LOGS: ClassVar[bool] = False
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict[str, Any]] = ENGINE_OPTIONS

    def __init__(self, environ: Mapping[str, str]) -> None:
        problems: list[str] = []
        self.DEBUG = read_flag(environ, FLASK_DEBUG, type(self).DEBUG, problems)
        self.LOG_LEVEL = read_log_level(environ, type(self).LOG_LEVEL, problems)
        self.SQLALCHEMY_DATABASE_URI = read_database_url(environ, problems)
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
        return [DEBUG_IN_PRODUCTION] if self.DEBUG else []


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def load_config(name: str, environ: Mapping[str, str]) -> Config:
    """The settings of the environment called ``name``, filled in from ``environ``."""
    return config_class(CONFIGS, name)(environ)

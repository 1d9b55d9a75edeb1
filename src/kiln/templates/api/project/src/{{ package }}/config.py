"""Settings for each environment, read from environment variables when the app is built.

Nothing here reads ``os.environ`` at import time: ``create_app`` passes the environment in,
so importing the package never fails and tests can hand in whatever values they need. Every
problem is collected before anything is raised, so a refused start lists all of them at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
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

SECRET_KEY = "SECRET_KEY"
ADMIN_EMAIL = "ADMIN_EMAIL"
ADMIN_PASSWORD = "ADMIN_PASSWORD"
PASSWORD_MIN_LENGTH = "PASSWORD_MIN_LENGTH"
LOGIN_FAILURES_PER_ACCOUNT = "LOGIN_FAILURES_PER_ACCOUNT"
LOGIN_FAILURES_PER_ADDRESS = "LOGIN_FAILURES_PER_ADDRESS"
LOGIN_FAILURE_WINDOW_SECONDS = "LOGIN_FAILURE_WINDOW_SECONDS"
NEW_SECRET_KEY = "python -c 'import secrets; print(secrets.token_hex(32))'"

# Placeholders from tutorials and templates, and the key kiln hands out for development: anyone
# can forge sessions signed with them. `kiln config check --env production` rejects the same ones.
KNOWN_SECRET_KEYS = frozenset(
    {
        *("", "dev", "development", "test", "testing", "default", "password", "secret"),
        *("secret-key", "secret_key", "changeme", "change-me", "kiln-dev-only-insecure-key"),
    }
)
MIN_SECRET_KEY_LENGTH = 16


class Config:
    """What every environment shares; subclasses change only what differs."""

    name: ClassVar[str] = ""
    DEBUG = False
    TESTING = False
    LOG_LEVEL = "INFO"
    # Production logs one JSON object per line, for log collectors; the others, readable text.
    JSON_LOGS: ClassVar[bool] = False
    # Bigger request bodies get a 413 before any view reads them.
    MAX_CONTENT_LENGTH = 1024 * 1024
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict[str, Any]] = ENGINE_OPTIONS

    # Short-lived access tokens limit what a stolen one is worth; a refresh token gets new ones.
    ACCESS_TOKEN_LIFETIME: ClassVar[timedelta] = timedelta(minutes=15)
    REFRESH_TOKEN_LIFETIME: ClassVar[timedelta] = timedelta(days=30)
    # Flask-Admin at /admin, over every table and without a login: development only (admin.py).
    ADMIN_VIEW = False
    # argon2id's cost; empty means argon2-cffi's defaults (RFC 9106's low-memory profile).
    PASSWORD_HASHING: ClassVar[dict[str, int]] = {}
    # Browsers told to use HTTPS only, for two years: production, which runs behind TLS.
    STRICT_TRANSPORT_SECURITY = False

    # Used when SECRET_KEY is unset: fine where sessions need not stay secret, never in production.
    insecure_secret_key: ClassVar[str | None] = None

    def __init__(self, environ: Mapping[str, str]) -> None:
        problems: list[str] = []
        self.DEBUG = read_flag(environ, FLASK_DEBUG, type(self).DEBUG, problems)
        self.LOG_LEVEL = read_log_level(environ, type(self).LOG_LEVEL, problems)
        self.SQLALCHEMY_DATABASE_URI = read_database_url(environ, problems)
        self.SECRET_KEY = environ.get(SECRET_KEY) or self.insecure_secret_key
        if not self.SECRET_KEY:
            problems.append(
                f"{SECRET_KEY} is not set. Set it to a long random value: "
                f"export {SECRET_KEY}=$({NEW_SECRET_KEY})"
            )
        # Read only by `flask create-admin` and the seed; the password is never stored.
        self.ADMIN_EMAIL = environ.get(ADMIN_EMAIL, "").strip() or None
        self.ADMIN_PASSWORD = environ.get(ADMIN_PASSWORD) or None
        if (self.ADMIN_EMAIL is None) != (self.ADMIN_PASSWORD is None):
            given, missing = (
                (ADMIN_EMAIL, ADMIN_PASSWORD) if self.ADMIN_EMAIL else (ADMIN_PASSWORD, ADMIN_EMAIL)
            )
            problems.append(
                f"{given} is set but {missing} is not: set both to create the first admin, "
                "or neither."
            )
        # The password policy and the login throttle (password_policy.py, login_throttle.py).
        self.PASSWORD_MIN_LENGTH = _whole_number(environ, PASSWORD_MIN_LENGTH, 8, problems)
        self.LOGIN_FAILURES_PER_ACCOUNT = _whole_number(
            environ, LOGIN_FAILURES_PER_ACCOUNT, 10, problems
        )
        # Much higher: one address (an office, a mobile network's NAT) serves many people.
        self.LOGIN_FAILURES_PER_ADDRESS = _whole_number(
            environ, LOGIN_FAILURES_PER_ADDRESS, 100, problems
        )
        self.LOGIN_FAILURE_WINDOW = timedelta(
            seconds=_whole_number(environ, LOGIN_FAILURE_WINDOW_SECONDS, 15 * 60, problems)
        )
        problems += self.unsafe()
        if problems:
            raise ConfigError(self.name, problems)

    def unsafe(self) -> list[str]:
        """What this environment refuses beyond missing settings; production overrides it."""
        return []


class DevelopmentConfig(Config):
    """Your machine: the debugger, debug logs and a throwaway secret key."""

    name = "development"
    DEBUG = True
    LOG_LEVEL = "DEBUG"
    ADMIN_VIEW = True
    insecure_secret_key = "kiln-dev-only-insecure-key"


class TestingConfig(Config):
    """The test run: exceptions reach the test instead of becoming 500 responses."""

    name = "testing"
    TESTING = True
    insecure_secret_key = "kiln-dev-only-insecure-key"
    # Cheap hashes: the suite hashes hundreds of passwords. Every other environment pays the cost.
    PASSWORD_HASHING: ClassVar[dict[str, int]] = {
        "time_cost": 1,
        "memory_cost": 8,
        "parallelism": 1,
    }


class ProductionConfig(Config):
    """A deployment: every secret comes from the environment, and unsafe settings stop the start."""

    name = "production"
    JSON_LOGS = True
    STRICT_TRANSPORT_SECURITY = True

    def unsafe(self) -> list[str]:
        problems = []
        if self.DEBUG:
            problems.append(DEBUG_IN_PRODUCTION)
        weakness = secret_key_weakness(self.SECRET_KEY)
        if weakness:
            problems.append(
                f"{SECRET_KEY} is {weakness}, so anyone could forge sessions. "
                f"Generate one with: {NEW_SECRET_KEY}"
            )
        return problems


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def load_config(name: str, environ: Mapping[str, str]) -> Config:
    """The settings of the environment called ``name``, filled in from ``environ``."""
    return config_class(CONFIGS, name)(environ)


def secret_key_weakness(key: str | None) -> str | None:
    """Why ``key`` must not sign production sessions, or ``None`` when it may."""
    if not key:
        return None  # reported as missing
    if key.strip().lower() in KNOWN_SECRET_KEYS:
        return "a well-known placeholder"
    if len(key) < MIN_SECRET_KEY_LENGTH:
        return f"shorter than {MIN_SECRET_KEY_LENGTH} characters"
    return None


def _whole_number(environ: Mapping[str, str], name: str, default: int, problems: list[str]) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
        problems.append(f"{name} must be a whole number of at least 1, not {raw!r}.")
        return default
    return int(raw)

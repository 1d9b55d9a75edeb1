"""Settings for each environment, read from environment variables when the app is built.

Nothing reads ``os.environ`` at import time: ``create_app`` passes the environment in. Every
problem is collected before anything is raised, so a refused start lists all of them at once.
Development and tests have throwaway credentials and keys; production refuses to start without
its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from cryptography.fernet import Fernet

from .settings import (
    ENGINE_OPTIONS,
    ConfigError,
    config_class,
    read_database_url,
    read_log_level,
)

LETS_ENCRYPT = "https://acme-v02.api.letsencrypt.org/directory"
NEW_FERNET_KEY = (
    "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
)


class Config:
    """What every environment shares; subclasses change only what differs."""

    name: ClassVar[str] = ""
    TESTING = False
    LOG_LEVEL = "INFO"
    JSON_LOGS: ClassVar[bool] = False
    MAX_CONTENT_LENGTH = 64 * 1024  # OSB requests are small; bigger bodies get a 413
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict[str, Any]] = ENGINE_OPTIONS
    # Throwaway values where nothing real is at stake: development and tests only.
    defaults: ClassVar[dict[str, str]] = {}

    def __init__(self, environ: Mapping[str, str]) -> None:
        problems: list[str] = []
        values = {**self.defaults, **{k: v for k, v in environ.items() if v.strip()}}

        def required(name: str, how: str) -> str:
            value = values.get(name, "").strip()
            if not value:
                problems.append(f"{name} is not set: {how}")
            return value

        self.SQLALCHEMY_DATABASE_URI = read_database_url(values, problems)
        self.SECRET_KEY = values.get("SECRET_KEY", "")
        self.LOG_LEVEL = read_log_level(values, type(self).LOG_LEVEL, problems)
        # The platform's credentials: every OSB request carries them (Basic auth).
        self.BROKER_USERNAME = required("BROKER_USERNAME", "set the user name the platform sends")
        self.BROKER_PASSWORD = required("BROKER_PASSWORD", "set the password the platform sends")
        self.KEY_ENCRYPTION_KEY = required(
            "KEY_ENCRYPTION_KEY", f"generate one with: {NEW_FERNET_KEY}"
        )
        if self.KEY_ENCRYPTION_KEY:
            try:
                Fernet(self.KEY_ENCRYPTION_KEY)
            except ValueError:
                problems.append(f"KEY_ENCRYPTION_KEY is not a Fernet key: {NEW_FERNET_KEY}")
        # The ACME server, and the DNS where the DNS-01 records go (dns.py).
        self.ACME_DIRECTORY_URL = values.get("ACME_DIRECTORY_URL", LETS_ENCRYPT)
        self.ACME_CA_FILE = values.get("ACME_CA_FILE") or None  # None: the system's CAs
        self.ACME_EMAIL = values.get("ACME_EMAIL") or None
        self.DNS_MANAGEMENT_URL = values.get("DNS_MANAGEMENT_URL", "")
        self.DNS_ZONE = values.get("DNS_ZONE", "").strip(".")
        if problems:
            raise ConfigError(self.name, problems)


class DevelopmentConfig(Config):
    """Your machine: debug logs, throwaway credentials; kiln serve sets the ACME settings."""

    name = "development"
    LOG_LEVEL = "DEBUG"
    defaults: ClassVar[dict[str, str]] = {
        "BROKER_USERNAME": "broker",
        "BROKER_PASSWORD": "broker-dev-password",
        "KEY_ENCRYPTION_KEY": "ZGV2ZWxvcG1lbnQtb25seS1rZXktbm90LWZvci11c2U=",
    }


class TestingConfig(Config):
    """The test run: exceptions reach the test; the ACME stack comes from tests/conftest.py."""

    name = "testing"
    TESTING = True
    defaults: ClassVar[dict[str, str]] = {
        "BROKER_USERNAME": "broker",
        "BROKER_PASSWORD": "broker-test-password",
        "KEY_ENCRYPTION_KEY": "dGVzdGluZy1vbmx5LWtleS1ub3QtZm9yLXVzZS0xMjM=",
    }


class ProductionConfig(Config):
    """A deployment: credentials and the encryption key come from the environment."""

    name = "production"
    JSON_LOGS = True


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def load_config(name: str, environ: Mapping[str, str]) -> Config:
    """The settings of the environment called ``name``, filled in from ``environ``."""
    return config_class(CONFIGS, name)(environ)

"""The URL built from parts when this module is imported, as docker-compose projects do."""

import os


def _database_url():
    return "postgresql+psycopg://{}:{}@{}:{}/{}".format(
        os.environ.get("POSTGRES_USER", "shop"),
        os.environ.get("POSTGRES_PASSWORD", ""),
        os.environ.get("POSTGRES_HOSTNAME", "localhost"),
        os.environ.get("POSTGRES_PORT", "5432"),
        os.environ.get("POSTGRES_DB", "shop"),
    )


class ProductionConfig:
    SQLALCHEMY_DATABASE_URI = _database_url()


class DevelopmentConfig(ProductionConfig):
    DEBUG = True


class TestingConfig(ProductionConfig):
    TESTING = True

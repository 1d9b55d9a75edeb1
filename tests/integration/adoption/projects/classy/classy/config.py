"""Read when imported, with a SQLite fallback: the URL must be there before the tests import it."""

import os


class Config:
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "sqlite:///classy.db")


class TestConfig(Config):
    TESTING = True

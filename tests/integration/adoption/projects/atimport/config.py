import os


class DevConfig:
    SQLALCHEMY_DATABASE_URI = os.environ.get("SQLALCHEMY_DATABASE_URI", "sqlite:///dev.db")


class TestConfig(DevConfig):
    TESTING = True

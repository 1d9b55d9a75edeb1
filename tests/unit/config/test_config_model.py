"""What the CLI and the other services use: get, require, as_environ."""

from __future__ import annotations

import pytest

from kiln.errors import UsageError


def test_get_returns_none_for_what_is_not_set(shop):
    assert shop.load().get("FLASK_CONFIG") is None


def test_require_returns_a_valid_config(shop):
    config = shop.load()

    assert config.require() is config


def test_require_raises_every_problem_at_once(shop):
    shop.write(".env", "PORT=0\nFLASK_DEBUG=sometimes\n")

    with pytest.raises(UsageError) as caught:
        shop.load().require()

    assert caught.value.exit_code == 2
    assert caught.value.render() == (
        "error: 2 problems in the development configuration\n"
        "- .env:2: FLASK_DEBUG must be true or false (or 1/0, yes/no, on/off), not 'sometimes'\n"
        "    fix: e.g. FLASK_DEBUG=true\n"
        "- .env:1: PORT must be a whole number from 1 to 65535, not '0'\n"
        "    fix: e.g. PORT=8000"
    )


def test_as_environ_gives_a_child_process_every_value_and_the_environment_name(shop):
    shop.write(".env", "SECRET_KEY=s3cr3t-value\n")

    assert shop.load("testing").as_environ() == {
        "FLASK_DEBUG": "false",
        "KILN_ENV": "testing",
        "LOG_LEVEL": "INFO",
        "SECRET_KEY": "s3cr3t-value",
    }


def test_listed_adds_the_database_kiln_provides_except_in_production(shop):
    named = {"DATABASE_URL": "postgresql://db/shop", "SECRET_KEY": "x" * 32}

    development = [(s.name, s.value, s.source) for s in shop.load().listed()]
    production = [s.name for s in shop.load("production", named).listed()]

    assert development[0] == ("DATABASE_URL", "(embedded PostgreSQL)", "kiln")
    assert [name for name, _, _ in development] == [
        "DATABASE_URL",
        "FLASK_DEBUG",
        "LOG_LEVEL",
        "SECRET_KEY",
    ]
    assert production == ["DATABASE_URL", "FLASK_DEBUG", "LOG_LEVEL", "SECRET_KEY"]
    assert shop.load("production", named).listed()[0].source == "environment"

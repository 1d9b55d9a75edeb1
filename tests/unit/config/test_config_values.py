"""Built-in settings are checked against their type, wherever the value came from."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://shop:pw@db:5432/shop",
        "postgres://u:p@ec2.example.com/d",
        "postgresql+psycopg://localhost/shop",
        "postgresql:///shop",
    ],
)
def test_postgresql_urls_are_accepted(shop, url):
    assert shop.problems(environ={"DATABASE_URL": url}) == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PORT", "1"),
        ("PORT", "65535"),
        ("WEB_CONCURRENCY", "4"),
        ("FLASK_DEBUG", "Yes"),
        ("FLASK_DEBUG", "OFF"),
        ("FLASK_DEBUG", "0"),
        ("LOG_LEVEL", "WARNING"),
    ],
)
def test_good_values(shop, name, value):
    assert shop.problems(environ={name: value}) == []


def test_every_bad_value_is_reported_with_where_it_came_from(shop):
    shop.write("config/development.toml", "PORT = 70000\n")
    shop.write("config/development.json", '[{"name": "DATABASE_URL", "value": "mysql://u:pw@h/d"}]')
    shop.write(".env", "# comment\nFLASK_DEBUG=maybe\n")

    problems = shop.problems(environ={"WEB_CONCURRENCY": "0", "LOG_LEVEL": "debug"})

    assert problems == [
        "config/development.json item 1 (DATABASE_URL): DATABASE_URL must be a PostgreSQL URL"
        " such as postgresql://user:password@localhost:5432/name, not 'mysql://u:********@h/d'\n"
        "  fix: e.g. DATABASE_URL=postgresql://shop:PASSWORD@db.example.com:5432/shop",
        ".env:2: FLASK_DEBUG must be true or false (or 1/0, yes/no, on/off), not 'maybe'\n"
        "  fix: e.g. FLASK_DEBUG=true",
        "environment variable LOG_LEVEL: LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR,"
        " CRITICAL, not 'debug'\n  fix: e.g. LOG_LEVEL=INFO",
        "config/development.toml: PORT: PORT must be a whole number from 1 to 65535,"
        " not '70000'\n  fix: e.g. PORT=8000",
        "environment variable WEB_CONCURRENCY: WEB_CONCURRENCY must be a whole number of"
        " at least 1, not '0'\n  fix: e.g. WEB_CONCURRENCY=4",
    ]


def test_a_missing_variable_is_a_problem_never_a_key_error(shop):
    shop.declare('[tool.kiln.settings.FLASK_CONFIG]\nrequired = true\nhelp = "the config class"\n')

    assert shop.problems() == [
        "FLASK_CONFIG: required in development but not set (the config class)\n"
        "  fix: set FLASK_CONFIG in the environment, .env or config/development.toml,"
        " e.g. FLASK_CONFIG=..."
    ]

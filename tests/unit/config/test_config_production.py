"""Production refuses the unsafe: no or a weak SECRET_KEY, no DATABASE_URL, the debugger on."""

from __future__ import annotations

import pytest

STRONG = "3f9a1c0e5b7d2468ace0f1b2c3d4e5f6"
DATABASE = "postgresql://shop:pw@db.internal:5432/shop"


def test_a_complete_production_configuration_is_valid(shop):
    assert shop.problems("production", {"SECRET_KEY": STRONG, "DATABASE_URL": DATABASE}) == []


def test_missing_secret_key_and_database_url_are_both_reported(shop):
    problems = shop.problems("production")

    assert problems == [
        "DATABASE_URL: required in production but not set (the PostgreSQL to use; kiln starts"
        " its own for development and testing)\n"
        "  fix: set DATABASE_URL in the environment, .env or config/production.toml,"
        " e.g. DATABASE_URL=postgresql://shop:PASSWORD@db.example.com:5432/shop",
        "SECRET_KEY: required in production but not set (signs sessions and cookies)\n"
        "  fix: set SECRET_KEY in the environment or .env (keep secrets out of committed files),"
        " e.g. SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))')",
    ]


def test_a_project_cannot_declare_them_optional_in_production(shop):
    shop.declare("[tool.kiln.settings.SECRET_KEY]\nrequired = false\n")

    assert any(
        p.startswith("SECRET_KEY: required in production") for p in shop.problems("production")
    )


@pytest.mark.parametrize(
    "weak", ["dev", "changeme", "Change-Me", "secret", "", "kiln-dev-only-insecure-key"]
)
def test_a_well_known_secret_key_is_refused(shop, weak):
    shop.write("config/production.toml", f'SECRET_KEY = "{weak}"\n')

    assert shop.problems("production", {"DATABASE_URL": DATABASE}) == [
        "config/production.toml: SECRET_KEY: SECRET_KEY is a well-known placeholder,"
        " so anyone could forge sessions\n"
        "  fix: generate one with python -c 'import secrets; print(secrets.token_hex(32))'"
        " and set SECRET_KEY in the production environment (not in a committed file)"
    ]


def test_a_short_secret_key_is_refused_without_showing_it(shop):
    shop.write("config/production.json", '[{"name": "SECRET_KEY", "value": "Xk93-abQ"}]')

    problems = shop.problems("production", {"DATABASE_URL": DATABASE})

    assert problems[0].startswith(
        "config/production.json item 1 (SECRET_KEY): SECRET_KEY is shorter than 16 characters"
    )
    assert "Xk93-abQ" not in problems[0]


def test_the_debugger_is_refused_wherever_it_is_switched_on(shop):
    shop.write(".env", "FLASK_DEBUG=on\n")

    assert shop.problems("production", {"SECRET_KEY": STRONG, "DATABASE_URL": DATABASE}) == [
        ".env:1: FLASK_DEBUG is on in production, which exposes the interactive debugger\n"
        "  fix: set FLASK_DEBUG=false, or remove it"
    ]


def test_the_rules_apply_to_production_only(shop):
    shop.write(".env", "SECRET_KEY=dev\nFLASK_DEBUG=true\n")

    assert shop.problems("development") == []

"""Secrets never reach the screen unless asked for with --reveal."""

from __future__ import annotations

import pytest

from kiln.config import Setting


@pytest.mark.parametrize(
    "name", ["SECRET_KEY", "DB_PASSWORD", "github_token", "STRIPE_API_KEY", "KeyRing"]
)
def test_secret_names_are_masked_whole(shop, name):
    shop.write(".env", f"{name}=postgresql://u:pw@h/d\n")

    setting = shop.load().settings[name]

    assert setting.secret is True
    assert setting.display(reveal=False) == "********"
    assert setting.display(reveal=True) == "postgresql://u:pw@h/d"


def test_other_values_are_shown(shop):
    shop.write(".env", "GREETING=hello\n")

    assert shop.load().settings["GREETING"].display(reveal=False) == "hello"


def test_a_declared_secret_is_masked_whatever_its_name(shop):
    shop.declare("[tool.kiln.settings.SENTRY_DSN]\nsecret = true\n")
    shop.write(".env", "SENTRY_DSN=abc\n")

    assert shop.load().settings["SENTRY_DSN"].display(reveal=False) == "********"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://shop:pw@db:5432/shop", "postgresql://shop:********@db:5432/shop"),
        ("redis://:pw@cache:6379/0", "redis://:********@cache:6379/0"),
        ("https://user@example.com/x", "https://user@example.com/x"),
        ("postgresql:///shop", "postgresql:///shop"),
    ],
)
def test_only_the_password_of_a_url_is_masked(url, shown):
    setting = Setting("DATABASE_URL", url, "environment")

    assert setting.display(reveal=False) == shown
    assert setting.display(reveal=True) == url


def test_the_repr_is_masked_too(shop):
    shop.write(".env", "SECRET_KEY=s3cr3t-value\n")

    assert "s3cr3t" not in repr(shop.load())

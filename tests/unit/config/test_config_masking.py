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


@pytest.mark.parametrize(
    "name",
    ["DB_PASS", "SMTP_PWD", "PASSPHRASE", "CREDENTIALS", "GITHUB_PAT", "AUTH_HEADER", "SENTRY_DSN"],
)
def test_more_secret_names_are_masked_whole(shop, name):
    shop.write(".env", f"{name}=plain\n")

    assert shop.load().settings[name].display(reveal=False) == "********"


@pytest.mark.parametrize("name", ["PATH_PREFIX", "AUTHOR", "COMPASS_HEADING", "PORT"])
def test_a_short_secret_word_inside_another_word_is_no_secret(shop, name):
    shop.write(".env", f"{name}=plain\n")

    assert shop.load().settings[name].display(reveal=False) == "plain"


@pytest.mark.parametrize(
    "value",
    [
        "Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl",
        "basic YWxpY2U6d29uZGVybGFuZA==",
        "ghp_0123456789abcdefghijklmnopqrstuvwxyz",
        "sk_test_0123456789abcdefghij",
        "xoxp-123456789012-abcdefghijkl",
        "ASIAIOSFODNN7EXAMPLE",
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk=\n-----END OPENSSH PRIVATE KEY-----",
        "https://ghp_0123456789abcdefghijklmnopqrstuvwxyz@github.com/me/repo.git",
    ],
)
def test_values_shaped_like_credentials_are_masked_whatever_the_name(value):
    setting = Setting("UPSTREAM", value, "environment")

    assert setting.display(reveal=False) == "********"
    assert setting.display(reveal=True) == value


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "https://0123456789abcdef0123456789abcdef@o1.ingest.sentry.io/2",
            "https://********@o1.ingest.sentry.io/2",
        ),
        (
            "postgresql://shop@db/shop?sslmode=require&password=pw",
            "postgresql://shop@db/shop?sslmode=require&password=********",
        ),
        (
            "https://api.example.com/v1?api_key=abc&page=2",
            "https://api.example.com/v1?api_key=********&page=2",
        ),
    ],
)
def test_keys_in_a_urls_user_or_query_are_masked(url, shown):
    assert Setting("ERRORS", url, "environment").display(reveal=False) == shown


@pytest.mark.parametrize("value", ["Basic plan", "hello world", "https://example.com/path?page=2"])
def test_ordinary_values_are_shown(value):
    assert Setting("PLAN", value, "environment").display(reveal=False) == value

"""``kiln config show|check`` run as a user runs them: a subprocess in a project folder."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from kiln_cli import run_kiln

PYPROJECT = '[project]\nname = "shop"\n[tool.kiln]\napp = "shop:create_app"\n'
STRONG = "3f9a1c0e5b7d2468ace0f1b2c3d4e5f6"


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    (root / "config").mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT)
    return root


def kiln(cwd: Path, *args: str, **environ: str) -> subprocess.CompletedProcess[str]:
    """The real CLI in ``cwd``, with ``environ`` in the shell; it never shows a traceback."""
    result = run_kiln(*args, cwd=cwd, env=environ, timeout=60)
    assert "Traceback" not in result.stdout + result.stderr
    return result


def test_show_prints_an_aligned_table_with_sources(shop):
    (shop / "config/development.toml").write_text("PORT = 8000\n")
    (shop / ".env").write_text("DB_PASSWORD=hunter2\n")

    result = kiln(shop, "config", "show", DB_PASSWORD="from-env")

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "environment: development (default)",
        "NAME          VALUE                  SOURCE",
        "DATABASE_URL  (embedded PostgreSQL)  kiln",
        "DB_PASSWORD   ********               environment",
        "FLASK_DEBUG   true                   default",
        "LOG_LEVEL     DEBUG                  default",
        "PORT          8000                   config/development.toml",
        "SECRET_KEY    ********               default",
    ]
    assert result.stderr == ""


def test_show_reveal_and_the_environment_choice(shop):
    database = "postgresql://shop:pw@db:5432/shop"

    result = kiln(
        shop,
        "config",
        "show",
        "--reveal",
        KILN_ENV="production",
        DATABASE_URL=database,
        SECRET_KEY=STRONG,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "environment: production (from KILN_ENV)"
    assert f"DATABASE_URL  {database}" in result.stdout
    assert STRONG in result.stdout


def test_show_masks_a_database_password_without_reveal(shop):
    result = kiln(shop, "config", "show", "--env", "testing", DATABASE_URL="postgresql://u:pw@h/d")

    assert result.returncode == 0, result.stderr
    assert "environment: testing (from --env)" in result.stdout
    assert "postgresql://u:********@h/d" in result.stdout
    assert ":pw@" not in result.stdout


SENTRY = "https://0123456789abcdef0123456789abcdef@o1.ingest.sentry.io/2"
# Secrets a name without SECRET/PASSWORD/TOKEN/KEY holds, and one shape of each kind of value.
NAMED_SECRETS = {
    "DB_PASS": "hunter2",
    "SMTP_PWD": "mail-pw",
    "PASSPHRASE": "correct horse battery staple",
    "CREDENTIALS": "alice:wonderland",
    "GITHUB_PAT": "github_pat_11ABCDEFG0_abcdefghijklmnopqrstuvwxyz",
    "AUTH_HEADER": "Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl",
    "SENTRY_DSN": SENTRY,
}
SHAPED_SECRETS = {
    "UPSTREAM": "Basic YWxpY2U6d29uZGVybGFuZA==",
    "DEPLOY_WITH": "ghp_0123456789abcdefghijklmnopqrstuvwxyz",
    "PAYMENTS": "sk_live_0123456789abcdefghij",
    "CHAT_BOT": "xoxb-123456789012-abcdefghijkl",
    "AWS_ID": "AKIAIOSFODNN7EXAMPLE",
    "GITLAB": "glpat-0123456789abcdefghij",
}


def test_show_masks_secrets_by_name_and_by_shape(shop):
    settings = {**NAMED_SECRETS, **SHAPED_SECRETS, "ERRORS": SENTRY, "GREETING": "hello"}
    (shop / ".env").write_text("".join(f"{name}={value}\n" for name, value in settings.items()))

    result = kiln(shop, "config", "show")

    assert result.returncode == 0, result.stderr
    shown = {line.split()[0]: line.split()[1] for line in result.stdout.splitlines()[2:]}
    assert {name: shown[name] for name in (*NAMED_SECRETS, *SHAPED_SECRETS)} == dict.fromkeys(
        (*NAMED_SECRETS, *SHAPED_SECRETS), "********"
    )
    assert shown["ERRORS"] == "https://********@o1.ingest.sentry.io/2"
    assert shown["GREETING"] == "hello"
    revealed = kiln(shop, "config", "show", "--reveal").stdout
    assert all(value in revealed for value in settings.values())


def test_show_prints_the_table_then_every_problem_and_exits_2(shop):
    (shop / "config/development.toml").write_text('PORT = "http"\nHOSTS = ["a"]\n')
    (shop / ".env").write_text("FLASK_DEBUG=perhaps\n")

    result = kiln(shop, "config", "show")

    assert result.returncode == 2
    assert "PORT          http" in result.stdout
    assert result.stderr.splitlines() == [
        "error: 3 problems in the development configuration",
        "- config/development.toml: HOSTS: wrong type: arrays are not supported",
        '    fix: write a string, e.g. HOSTS = "..."; each setting is one top-level line',
        "- .env:1: FLASK_DEBUG must be true or false (or 1/0, yes/no, on/off), not 'perhaps'",
        "    fix: e.g. FLASK_DEBUG=true",
        "- config/development.toml: PORT: PORT must be a whole number from 1 to 65535, not 'http'",
        "    fix: e.g. PORT=8000",
    ]


def test_show_notes_a_env_folder(shop):
    (shop / ".env" / "bin").mkdir(parents=True)

    result = kiln(shop, "config", "show")

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        "note: .env is a folder (a virtualenv?), not a settings file, so it was skipped"
    )


def test_check_a_valid_configuration(shop):
    (shop / "config/development.json").write_text('[{"name": "FLASK_CONFIG", "value": "dev"}]')

    result = kiln(shop, "config", "check")
    shown = kiln(shop, "config", "show").stdout.splitlines()[2:]  # below the environment, NAME

    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "configuration for development is valid "
        "(5 settings: DATABASE_URL, FLASK_CONFIG, FLASK_DEBUG, LOG_LEVEL, SECRET_KEY)\n"
    )
    assert [line.split()[0] for line in shown] == [
        "DATABASE_URL",
        "FLASK_CONFIG",
        "FLASK_DEBUG",
        "LOG_LEVEL",
        "SECRET_KEY",
    ]


def test_check_applies_a_declared_minimum_length_and_what_a_setting_needs(shop):
    (shop / "pyproject.toml").write_text(
        PYPROJECT
        + '[tool.kiln.settings.ADMIN_EMAIL]\nneeds = ["ADMIN_PASSWORD"]\n'
        + "[tool.kiln.settings.ADMIN_PASSWORD]\nsecret = true\nmin_length = 8\n"
    )

    short = kiln(shop, "config", "check", ADMIN_EMAIL="root@example.com", ADMIN_PASSWORD="short")
    alone = kiln(shop, "config", "check", ADMIN_EMAIL="root@example.com")
    fine = kiln(shop, "config", "check", ADMIN_EMAIL="root@example.com", ADMIN_PASSWORD="8 chars!")

    assert short.returncode == 2
    assert short.stderr == (
        "error: environment variable ADMIN_PASSWORD: ADMIN_PASSWORD must be at least 8 characters"
        " long, not '********'\n"
        "  fix: e.g. ADMIN_PASSWORD=<8 or more characters>\n"
    )
    assert alone.returncode == 2
    assert alone.stderr == (
        "error: environment variable ADMIN_EMAIL: ADMIN_EMAIL is set but ADMIN_PASSWORD is not,"
        " and ADMIN_EMAIL needs it\n"
        "  fix: set ADMIN_PASSWORD as well, or unset ADMIN_EMAIL\n"
    )
    assert fine.returncode == 0, fine.stderr


def test_check_production_reports_every_problem(shop):
    (shop / ".env").write_text("SECRET_KEY=changeme\nFLASK_DEBUG=1\n")

    result = kiln(shop, "config", "check", "--env", "production")

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: 3 problems in the production configuration\n")
    for expected in (
        "- DATABASE_URL: required in production but not set",
        "- .env:1: SECRET_KEY is a well-known placeholder",
        "- .env:2: FLASK_DEBUG is on in production",
    ):
        assert expected in result.stderr
    assert "changeme" not in result.stderr


def test_check_an_unknown_environment(shop):
    result = kiln(shop, "config", "check", APPLICATION_CONFIG="prodution")

    assert result.returncode == 2
    assert result.stderr == (
        "error: APPLICATION_CONFIG=prodution: unknown environment"
        " (known: development, testing, production)\n"
        "  fix: did you mean production? Otherwise use one of those,"
        " or create config/prodution.toml to define a new environment\n"
    )


def test_outside_a_project(tmp_path):
    result = kiln(tmp_path, "config", "check")

    assert result.returncode == 2
    assert "not inside a kiln project" in result.stderr


@pytest.mark.parametrize(
    "command", [["config", "show"], ["config", "check"], ["db", "url"], ["doctor"]]
)
def test_a_file_nested_too_deeply_is_a_problem_not_a_crash(shop, command):
    depth = 100_000
    (shop / "config/development.json").write_text("[" * depth + "]" * depth)

    result = kiln(shop, *command)

    assert result.returncode in (1, 2)
    output = result.stdout + result.stderr
    assert "config/development.json: nested too deeply to read" in output
    assert "fix: settings are flat, one name and one value each" in output

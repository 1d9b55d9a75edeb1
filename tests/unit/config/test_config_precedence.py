"""Later sources win: defaults, config/<env>.toml, config/<env>.json, .env, the environment."""

from __future__ import annotations


def test_each_source_overrides_the_ones_before_it(shop):
    shop.write("config/development.toml", 'A = "toml"\nB = "toml"\nC = "toml"\nD = "toml"\n')
    shop.write(
        "config/development.json",
        '[{"name": "B", "value": "json"}, {"name": "C", "value": "json"},'
        ' {"name": "D", "value": "json"}]',
    )
    shop.write(".env", "C=dotenv\nD=dotenv\n")

    config = shop.load(environ={"D": "environment"})

    assert [(s.name, s.value, s.source) for s in config.settings.values()] == [
        ("A", "toml", "config/development.toml"),
        ("B", "json", "config/development.json"),
        ("C", "dotenv", ".env"),
        ("D", "environment", "environment"),
        ("FLASK_DEBUG", "true", "default"),
        ("LOG_LEVEL", "DEBUG", "default"),
        ("SECRET_KEY", "kiln-dev-only-insecure-key", "default"),
    ]


def test_a_file_beats_a_default(shop):
    shop.write("config/development.toml", "FLASK_DEBUG = false\n")

    setting = shop.load().settings["FLASK_DEBUG"]

    assert (setting.value, setting.source) == ("false", "config/development.toml")


def test_the_environment_only_adds_variables_a_file_or_the_schema_names(shop):
    shop.write(".env", "GREETING=hi\n")

    config = shop.load(
        environ={"PATH": "/usr/bin", "HOME": "/root", "GREETING": "hello", "PORT": "9000"}
    )

    assert config.get("PATH") is None
    assert config.get("HOME") is None
    assert config.get("GREETING") == "hello"
    assert config.settings["PORT"].source == "environment"


def test_defaults_for_each_builtin_environment(shop):
    def defaults(env):
        return {name: s.value for name, s in shop.load(env).settings.items()}

    assert defaults("development") == {
        "FLASK_DEBUG": "true",
        "LOG_LEVEL": "DEBUG",
        "SECRET_KEY": "kiln-dev-only-insecure-key",
    }
    assert defaults("testing") == {
        "FLASK_DEBUG": "false",
        "LOG_LEVEL": "INFO",
        "SECRET_KEY": "kiln-dev-only-insecure-key",
    }
    assert defaults("production") == {"FLASK_DEBUG": "false", "LOG_LEVEL": "INFO"}


def test_missing_files_are_fine(shop):
    config = shop.load("testing")

    assert (config.problems, config.notes) == ((), ())

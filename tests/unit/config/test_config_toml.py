"""config/<env>.toml: flat scalar keys become strings; anything else is a problem at file + key."""

from __future__ import annotations

import pytest

from kiln.errors import UsageError


def test_scalars_become_the_strings_an_environment_variable_holds(shop):
    shop.write(
        "config/development.toml",
        'GREETING = "hello"\nPORT = 8000\nRATIO = 0.5\nFLASK_DEBUG = false\n',
    )

    config = shop.load()

    assert {name: config.get(name) for name in ("GREETING", "PORT", "RATIO", "FLASK_DEBUG")} == {
        "GREETING": "hello",
        "PORT": "8000",
        "RATIO": "0.5",
        "FLASK_DEBUG": "false",
    }
    assert config.settings["PORT"].source == "config/development.toml"
    assert config.problems == ()


def test_only_the_chosen_environments_file_is_read(shop):
    shop.write("config/production.toml", 'GREETING = "prod"\n')

    assert shop.load("development").get("GREETING") is None


def test_arrays_tables_and_dates_are_problems_named_by_key(shop):
    shop.write(
        "config/development.toml",
        'HOSTS = ["a", "b"]\nSTARTED = 2024-01-01\nOK = "fine"\n[DB]\nHOST = "x"\n',
    )

    config = shop.load()

    assert [problem.render() for problem in config.problems] == [
        "config/development.toml: HOSTS: wrong type: arrays are not supported\n"
        '  fix: write a string, e.g. HOSTS = "..."; each setting is one top-level line',
        "config/development.toml: STARTED: wrong type: dates and times are not supported\n"
        '  fix: write a string, e.g. STARTED = "..."; each setting is one top-level line',
        "config/development.toml: DB: wrong type: tables are not supported\n"
        '  fix: write a string, e.g. DB = "..."; each setting is one top-level line',
    ]
    assert config.get("OK") == "fine"


def test_a_key_that_cannot_be_an_environment_variable(shop):
    shop.write("config/development.toml", '"my-key" = "x"\n')

    assert shop.problems() == [
        "config/development.toml: my-key: not a valid environment variable name\n"
        "  fix: use letters, digits and _, not starting with a digit"
    ]


def test_invalid_toml_points_at_line_and_column(shop):
    shop.write("config/development.toml", "PORT = 8000\nNAME = shop\n")

    assert shop.problems() == [
        "config/development.toml:2:8: invalid TOML: Invalid value\n"
        '  fix: correct the syntax there (strings need quotes: NAME = "value")'
    ]


def test_invalid_toml_at_the_end_points_at_the_last_line(shop):
    shop.write("config/development.toml", 'PORT = 8000\nHOSTS = ["a",\n')

    assert shop.problems()[0].startswith("config/development.toml:2: invalid TOML: ")


def test_a_file_that_is_not_utf8(shop):
    (shop.root / "config").mkdir()
    (shop.root / "config/development.toml").write_bytes(b'NAME = "caf\xe9"\n')

    assert shop.problems() == [
        "config/development.toml: not UTF-8 text\n  fix: save the file as UTF-8"
    ]


def test_a_file_nested_too_deeply_to_read(shop):
    depth = 100_000
    shop.write("config/development.toml", "PORT = " + "[" * depth + "]" * depth + "\n")

    assert shop.problems() == [
        "config/development.toml: nested too deeply to read\n"
        "  fix: settings are flat, one name and one value each: write the file that way"
    ]


def test_a_pyproject_nested_too_deeply_to_read(shop):
    depth = 100_000
    shop.declare("[tool.kiln.settings.DEEP]\ndefault = " + "[" * depth + "]" * depth + "\n")

    with pytest.raises(UsageError) as caught:
        shop.load()

    assert caught.value.problems[0].render() == (
        f"{shop.root / 'pyproject.toml'}: nested too deeply to read\n  fix: remove the deep nesting"
    )

"""Which environment is loaded: --env, then KILN_ENV, then APPLICATION_CONFIG, then development."""

from __future__ import annotations

import pytest

from kiln.errors import UsageError


def test_development_by_default(shop):
    config = shop.load()

    assert (config.env, config.env_source) == ("development", "default")


@pytest.mark.parametrize(
    ("env", "environ", "expected"),
    [
        ("testing", {"KILN_ENV": "production"}, ("testing", "--env")),
        (
            None,
            {"KILN_ENV": "production", "APPLICATION_CONFIG": "testing"},
            ("production", "KILN_ENV"),
        ),
        (None, {"APPLICATION_CONFIG": "testing"}, ("testing", "APPLICATION_CONFIG")),
        (
            None,
            {"KILN_ENV": "", "APPLICATION_CONFIG": "testing"},
            ("testing", "APPLICATION_CONFIG"),
        ),
    ],
)
def test_option_beats_kiln_env_beats_application_config(shop, env, environ, expected):
    config = shop.load(env, environ)

    assert (config.env, config.env_source) == expected


def test_a_config_file_defines_a_new_environment(shop):
    shop.write("config/staging.json", "[]")

    assert shop.load(environ={"KILN_ENV": "staging"}).env == "staging"


def test_unknown_environment_names_its_variable_lists_the_known_and_guesses(shop):
    shop.write("config/staging.toml", "")

    with pytest.raises(UsageError) as caught:
        shop.load(environ={"KILN_ENV": "staing"})

    assert caught.value.exit_code == 2
    assert caught.value.render() == (
        "error: KILN_ENV=staing: unknown environment"
        " (known: development, testing, production, staging)\n"
        "  fix: did you mean staging? Otherwise use one of those,"
        " or create config/staing.toml to define a new environment"
    )


def test_unknown_environment_from_the_option_guesses_only_close_names(shop):
    with pytest.raises(UsageError) as caught:
        shop.load("staging")

    assert caught.value.render() == (
        "error: --env staging: unknown environment (known: development, testing, production)\n"
        "  fix: use one of those, or create config/staging.toml to define a new environment"
    )


def test_a_name_that_is_no_plain_word_is_never_looked_up_as_a_path(shop):
    shop.write("secrets.toml", "")

    with pytest.raises(UsageError) as caught:
        shop.load(environ={"APPLICATION_CONFIG": "../secrets"})

    assert caught.value.render() == (
        "error: APPLICATION_CONFIG=../secrets: unknown environment"
        " (known: development, testing, production)\n"
        "  fix: use one of those (names are lowercase letters, digits and _)"
    )

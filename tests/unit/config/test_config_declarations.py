"""[tool.kiln.settings.NAME] in pyproject.toml declares a project's own settings."""

from __future__ import annotations


def test_a_declared_setting_gets_its_default_type_and_choices(shop):
    shop.declare(
        "[tool.kiln.settings.PAGE_SIZE]\n"
        'type = "int"\ndefault = 20\nhelp = "items per page"\n'
        "[tool.kiln.settings.PLAN]\n"
        'choices = ["free", "pro"]\ndefault = "free"\n'
    )

    config = shop.load(environ={"PLAN": "gold"})

    assert (config.get("PAGE_SIZE"), config.settings["PAGE_SIZE"].source) == ("20", "default")
    assert [problem.render() for problem in config.problems] == [
        "environment variable PLAN: PLAN must be one of free, pro, not 'gold'\n"
        "  fix: e.g. PLAN=free"
    ]


def test_the_environment_fills_a_declared_setting_no_file_names(shop):
    shop.declare('[tool.kiln.settings.SENTRY_DSN]\ntype = "url"\n')

    config = shop.load(environ={"SENTRY_DSN": "https://key@sentry.example.com/1"})

    assert config.settings["SENTRY_DSN"].source == "environment"
    assert config.problems == ()


def test_required_in_some_environments_only(shop):
    shop.declare('[tool.kiln.settings.SMTP_HOST]\nrequired = ["production"]\n')
    environ = {"DATABASE_URL": "postgresql://db/shop", "SECRET_KEY": "x" * 32}

    assert shop.problems("development") == []
    assert shop.problems("production", environ) == [
        "SMTP_HOST: required in production but not set\n"
        "  fix: set SMTP_HOST in the environment, .env or config/production.toml,"
        " e.g. SMTP_HOST=..."
    ]


def test_min_length_and_needs_are_checked_where_the_value_comes_from(shop):
    shop.declare(
        '[tool.kiln.settings.API_KEY]\nmin_length = 12\nneeds = ["API_URL"]\n'
        '[tool.kiln.settings.API_URL]\ntype = "url"\n'
    )
    shop.write(".env", "API_KEY=short\n")

    assert shop.problems() == [
        ".env:1: API_KEY must be at least 12 characters long, not '********'\n"
        "  fix: e.g. API_KEY=<12 or more characters>",
        ".env:1: API_KEY is set but API_URL is not, and API_KEY needs it\n"
        "  fix: set API_URL as well, or unset API_KEY",
    ]
    assert shop.problems(environ={"API_KEY": "x" * 12, "API_URL": "https://api.example.com"}) == []


def test_min_length_and_needs_declared_wrong_are_problems(shop):
    shop.declare(
        '[tool.kiln.settings.PAGES]\ntype = "int"\nmin_length = 2\n'
        '[tool.kiln.settings.TOKEN]\nmin_length = 0\nneeds = "URL"\n'
    )

    assert shop.problems() == [
        "pyproject.toml [tool.kiln.settings.PAGES] min_length: min_length applies to text, not to"
        " type 'int'\n"
        '  fix: drop min_length, or declare type = "str"',
        "pyproject.toml [tool.kiln.settings.TOKEN] min_length: min_length 0 is not valid\n"
        "  fix: use a whole number of characters, e.g. min_length = 8",
        "pyproject.toml [tool.kiln.settings.TOKEN] needs: needs 'URL' is not valid\n"
        '  fix: use a list of setting names, e.g. needs = ["ADMIN_PASSWORD"]',
    ]


def test_a_project_may_change_a_builtin_default(shop):
    shop.declare('[tool.kiln.settings.LOG_LEVEL]\ndefault = "WARNING"\n')

    setting = shop.load().settings["LOG_LEVEL"]

    assert (setting.value, setting.source) == ("WARNING", "default")


def test_bad_declarations_are_problems_pinned_to_their_key(shop):
    shop.declare(
        "[tool.kiln.settings.PAGE_SIZE]\n"
        'type = "integer"\nrequired = "yes"\nsecret = 1\nhelp = 5\nchoices = []\ndefualt = 3\n'
        "[tool.kiln.settings.RETRIES]\n"
        'type = "int"\ndefault = "many"\n'
        "[tool.kiln.settings.PORT]\n"
        'type = "str"\ndefault = 8000\n'
        "[tool.kiln.settings.2FA]\n"
        'type = "bool"\n'
    )

    problems = shop.problems()

    where = "pyproject.toml [tool.kiln.settings.PAGE_SIZE]"
    assert problems == [
        f"{where} defualt: unknown key 'defualt'\n"
        "  fix: use only type, default, required, choices, secret, help, min_length, needs",
        f"{where} type: type 'integer' is not valid\n"
        '  fix: use one of str, int, float, bool, url, e.g. type = "int"',
        f"{where} required: required 'yes' is not valid\n"
        '  fix: use true, false or a list of environments, e.g. required = ["production"]',
        f"{where} choices: choices [] is not valid\n"
        '  fix: use a non-empty list of values, e.g. choices = ["small", "large"]',
        f"{where} secret: secret 1 is not valid\n  fix: use true or false",
        f'{where} help: help 5 is not valid\n  fix: use a string, e.g. help = "..."',
        "pyproject.toml [tool.kiln.settings.RETRIES] default: default 'many' is not"
        " a whole number\n  fix: e.g. default = 8",
        "pyproject.toml [tool.kiln.settings.PORT] type: PORT is built in, so its type cannot"
        " change\n  fix: use only default, required, help",
        "pyproject.toml [tool.kiln.settings.2FA]: not a valid environment variable name\n"
        "  fix: use letters, digits and _, not starting with a digit",
    ]
    assert shop.load().get("PORT") == "8000"


def test_settings_must_be_a_table(shop):
    shop.declare('settings = "PORT"\n')  # lands in [tool.kiln], which pyproject.toml ends with

    assert shop.problems() == [
        "pyproject.toml [tool.kiln.settings]: must be a table of settings\n"
        '  fix: declare each one as [tool.kiln.settings.NAME] with type = "str" etc.'
    ]

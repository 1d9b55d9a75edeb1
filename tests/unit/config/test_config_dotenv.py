""".env: KEY=VALUE lines; a bad line is reported at .env:LINE; a .env folder is skipped."""

from __future__ import annotations


def test_export_quotes_and_comments(shop):
    shop.write(
        ".env",
        "# local overrides\nexport GREETING='hello world'\nNAME=\"shop\" # the name\nEMPTY=\n",
    )

    config = shop.load()

    assert (config.get("GREETING"), config.get("NAME"), config.get("EMPTY")) == (
        "hello world",
        "shop",
        "",
    )
    assert config.settings["NAME"].source == ".env"
    assert config.problems == ()


def test_values_are_taken_literally(shop):
    shop.write(".env", "GREETING=${USER}\n")

    assert shop.load(environ={"USER": "ann"}).get("GREETING") == "${USER}"


def test_bad_lines_are_reported_by_number_without_their_values(shop):
    shop.write(
        ".env",
        "GOOD=1\nthis is not a setting\nSECRET KEY=hunter2hunter2\nLONELY\nmy-key=1\n",
    )

    assert shop.problems() == [
        ".env:2: cannot parse 'this is not a setting'\n"
        "  fix: write it as NAME=value (or # comment)",
        ".env:3: cannot parse 'SECRET KEY=...'\n  fix: write it as NAME=value (or # comment)",
        ".env:4: LONELY has no value\n  fix: write LONELY=value",
        ".env:5: 'my-key' is not a valid environment variable name\n"
        "  fix: use letters, digits and _, not starting with a digit",
    ]


def test_a_env_folder_is_a_virtualenv_and_only_noted(shop):
    (shop.root / ".env" / "bin").mkdir(parents=True)

    config = shop.load()

    assert config.problems == ()
    assert config.notes == (
        ".env is a folder (a virtualenv?), not a settings file, so it was skipped",
    )

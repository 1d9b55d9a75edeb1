"""In a project kiln adopted (``[tool.kiln.environments]``), kiln's config serves the project:
nothing injected, only what kiln reads checked, the project's own database URL set aside."""

from __future__ import annotations

from conftest import Shop

ADOPTED = '[tool.kiln.environments]\ntesting = "test"\ndevelopment = "dev"\nstaging = "stage"\n'
DOTENV = "LOG_LEVEL=debug\nDATABASE_URL=sqlite:///app.db\nMAIL_SERVER=localhost\n"


def test_nothing_is_injected_and_the_projects_keys_pass_through(shop: Shop) -> None:
    shop.declare(ADOPTED)
    shop.write(".env", DOTENV)

    config = shop.load("testing")

    assert config.problems == ()
    assert config.get("SECRET_KEY") is None
    assert config.get("FLASK_DEBUG") is None
    assert (config.get("LOG_LEVEL"), config.get("MAIL_SERVER")) == ("debug", "localhost")


def test_a_dotenv_database_url_is_set_aside_with_a_note_outside_production(shop: Shop) -> None:
    shop.declare(ADOPTED)
    shop.write(".env", DOTENV)

    config = shop.load("development")

    assert config.get("DATABASE_URL") is None
    assert config.notes == (
        "DATABASE_URL in .env:2 points at sqlite:///app.db: kiln's PostgreSQL is used for "
        "development instead (that value still applies in production)",
    )


def test_an_environment_the_mapping_names_is_known(shop: Shop) -> None:
    shop.declare(ADOPTED)

    assert shop.load("staging").env == "staging"

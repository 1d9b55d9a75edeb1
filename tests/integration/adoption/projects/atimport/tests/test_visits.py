import pytest


@pytest.mark.parametrize("run", [1, 2])
def test_each_test_counts_from_zero(client, run):
    assert client.post("/visits").get_json() == {"visits": 1}


def test_the_testing_settings_are_used(app):
    assert app.config["TESTING"] is True


from site_app import db  # noqa: E402
from sqlalchemy.orm import Mapped, mapped_column  # noqa: E402


class Scratch(db.Model):
    """A model only the tests define: no migration and no app module creates its table."""

    id: Mapped[int] = mapped_column(primary_key=True)


def test_a_test_only_model_has_its_table(db):
    db.session.add(Scratch())
    db.session.flush()
    assert db.session.query(Scratch).count() == 1

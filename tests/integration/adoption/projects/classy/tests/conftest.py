"""The project's own fixtures, as it had them before kiln."""

import pytest
from classy import create_app, db
from classy.config import TestConfig


@pytest.fixture
def app():
    app = create_app(TestConfig)
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()

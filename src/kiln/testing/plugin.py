"""The pytest plugin kiln registers: ``app``, ``client``, ``db``, ``live_server``, ``jobs``.

Nothing happens until a test asks for a fixture, so the plugin costs nothing in a project that does
not use it. The first request makes sure the project's PostgreSQL is up and claims a migrated test
database for the session; each test then runs inside a transaction that is rolled back, with the
rows of ``@pytest.mark.scenario("NAME")`` (``scenarios/NAME.py``) loaded first when it has the mark.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from kiln.errors import KilnError
from kiln.testing.focus import FOCUS, focus_warning, select_focused

if TYPE_CHECKING:
    from flask import Flask
    from flask.testing import FlaskClient
    from flask_sqlalchemy import SQLAlchemy

    from kiln.jobs.fixture import Jobs
    from kiln.testing.session import TestSession

COMMITS = "commits"
SCENARIO = "scenario"
_FOCUSED = pytest.StashKey[int]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("kiln")
    group.addoption(
        "--no-focus",
        action="store_true",
        dest="no_focus",
        help="run every test even when some are marked @pytest.mark.focus",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{FOCUS}: while any test has it, run only those tests")
    config.addinivalue_line(
        "markers",
        f"{COMMITS}: the test really commits (threads, other connections); "
        "its tables are truncated afterwards instead of rolled back",
    )
    config.addinivalue_line(
        "markers",
        f'{SCENARIO}("NAME"): load scenarios/NAME.py into the database first, inside the '
        "test's transaction",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    config.stash[_FOCUSED] = select_focused(config, items)


def pytest_report_collectionfinish(config: pytest.Config) -> str | None:
    count = config.stash.get(_FOCUSED, 0)
    return focus_warning(count) if count else None


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    count = config.stash.get(_FOCUSED, 0)
    if count:
        terminalreporter.write_line(focus_warning(count), yellow=True, bold=True)


@pytest.fixture(scope="session")
def kiln_session(request: pytest.FixtureRequest) -> Iterator[TestSession]:
    """The project's test database, claimed for this session (and this xdist worker)."""
    from kiln.testing.session import TestSession

    try:
        session = TestSession.open(request.config.rootpath, _progress)
    except KilnError as error:
        pytest.fail(error.render(), pytrace=False)
    yield session
    session.close()


@pytest.fixture(scope="session")
def app(kiln_session: TestSession) -> Iterator[Flask]:
    """The application, built by the project's factory with the testing configuration."""
    from kiln.config.environments import TESTING
    from kiln.runner.app import create_app

    try:
        application = create_app(kiln_session.project, TESTING)
    except KilnError as error:
        pytest.fail(error.render(), pytrace=False)
    yield application
    extension = application.extensions.get("sqlalchemy")
    if extension is not None:  # close the pool before the session gives its database back
        with application.app_context():
            for engine in extension.engines.values():
                engine.dispose()


@pytest.fixture
def db(
    app: Flask, kiln_session: TestSession, request: pytest.FixtureRequest
) -> Iterator[SQLAlchemy]:
    """Flask-SQLAlchemy, inside a transaction that is rolled back after the test."""
    from kiln.testing.isolation import rolled_back, truncate_all

    extension = app.extensions.get("sqlalchemy")
    if extension is None:
        pytest.fail(
            "kiln: the app has no Flask-SQLAlchemy extension (db.init_app(app))", pytrace=False
        )
    commits = request.node.get_closest_marker(COMMITS) or "live_server" in request.fixturenames
    with app.app_context():
        if commits:
            kiln_session.databases.mark_dirty()
            try:
                _load_scenario(request, kiln_session, extension)
                yield extension
            finally:
                extension.session.remove()
                truncate_all(extension)
        else:
            with rolled_back(extension):
                _load_scenario(request, kiln_session, extension)
                yield extension


@pytest.fixture(autouse=True)
def _kiln_scenario(request: pytest.FixtureRequest) -> None:
    """A test marked ``@pytest.mark.scenario`` gets the ``db`` fixture, which loads the scenario."""
    if request.node.get_closest_marker(SCENARIO):
        request.getfixturevalue("db")


@pytest.fixture
def client(app: Flask, db: SQLAlchemy) -> FlaskClient:
    """Flask's test client; its requests see and roll back with the test's transaction."""
    return app.test_client()


@pytest.fixture
def live_server(app: Flask, db: SQLAlchemy) -> Iterator[str]:
    """The app served over HTTP on a free loopback port; yields its base URL.

    Requests run in other threads on their own connections, so a test using it commits for real
    and its tables are truncated afterwards (as with ``@pytest.mark.commits``).
    """
    from kiln.testing.live_server import serving

    with serving(app) as url:
        yield url


@pytest.fixture
def jobs(kiln_session: TestSession, db: SQLAlchemy) -> Iterator[Jobs]:
    """The project's background jobs (``[tool.kiln] jobs``), run in the test.

    The app defers as it always does, into the test's transaction; ``jobs.run()`` runs what is
    due, in order, raising a job's failure; ``jobs.run(scheduled=True)`` also runs retries and
    jobs scheduled for later; ``jobs.run_periodic("name")`` runs a periodic task now;
    ``jobs.deferred("name")`` lists a task's jobs. All of it is rolled back with the test.
    """
    from kiln.jobs.queue import require_procrastinate

    try:
        require_procrastinate(kiln_session.project)
    except KilnError as error:
        raise pytest.fail.Exception(error.render(), pytrace=False) from None
    from kiln.jobs.fixture import jobs_in_test

    with jobs_in_test(kiln_session.project, db) as queued:
        yield queued


def _load_scenario(
    request: pytest.FixtureRequest, kiln_session: TestSession, extension: SQLAlchemy
) -> None:
    marker = request.node.get_closest_marker(SCENARIO)
    if marker is None:
        return
    from kiln.scenarios import catalog

    if marker.kwargs or len(marker.args) != 1 or not isinstance(marker.args[0], str):
        usage = 'kiln: give the mark one scenario name: @pytest.mark.scenario("NAME")'
        pytest.fail(usage, pytrace=False)
    try:
        catalog.load(catalog.find(kiln_session.project, marker.args[0]), extension)
    except KilnError as error:
        raise pytest.fail.Exception(error.render(), pytrace=False) from None


def _progress(message: str) -> None:
    print(f"kiln: {message}", file=sys.stderr, flush=True)

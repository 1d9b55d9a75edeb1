"""The pytest plugin kiln registers: ``app``, ``client``, ``db``, ``live_server``, ``jobs``.

Nothing happens until a test asks for a fixture, so the plugin costs nothing in a project that does
not use it. The first request makes sure the project's PostgreSQL is up and claims a migrated test
database for the session; each test then runs inside a transaction that is rolled back, with the
rows of ``@pytest.mark.scenario("NAME")`` (``scenarios/NAME.py``) loaded first when it has the mark.

When that first setup fails (no server, a failing migration, an app that cannot be built), every
test after it would fail the same way: the error is reported once and the session stops. Models
that no migration describes are named in one line, in the header (when known from an earlier
run), as soon as they are found, and again in the summary; the tests run on.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pytest

from kiln.errors import KilnError
from kiln.testing.focus import FOCUS, focus_warning, select_focused
from kiln.testing.paths import resolve_typed_paths

if TYPE_CHECKING:
    from flask import Flask
    from flask.testing import FlaskClient
    from flask_sqlalchemy import SQLAlchemy

    from kiln.jobs.fixture import Jobs
    from kiln.testing.session import TestSession

# --shard and the worker count of -n auto, from recorded durations: hooks of their own.
pytest_plugins = ("kiln.testing.balance",)

COMMITS = "commits"
SCENARIO = "scenario"
STOPPED = "kiln: the tests cannot run until the error above is fixed"
_FOCUSED = pytest.StashKey[int]()
_DRIFT = pytest.StashKey[str]()
_DRIFT_OUTPUT = "kiln_migrations_warning"  # from an xdist worker to the controller


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
    if config.args_source is pytest.Config.ArgsSource.ARGS:
        config.args[:] = resolve_typed_paths(config.args, config.rootpath)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    config.stash[_FOCUSED] = select_focused(config, items)


@pytest.hookimpl(trylast=True)
def pytest_collection_finish() -> None:
    """Freeze what imports and collection made (the libraries, the app's modules): it lives to the
    end anyway, and each full garbage collection, pytest's at exit included, then skips it."""
    gc.freeze()


def pytest_report_header(config: pytest.Config) -> str | None:
    """The missing-migration line kept from an earlier run, before anything else (files are read,
    nothing is run; a folder that is not a kiln project adds nothing)."""
    from kiln.database.drift import cached_warning
    from kiln.project import find_project

    try:
        line = cached_warning(find_project(config.rootpath))
    except KilnError:
        return None
    if line is None:
        return None
    config.stash[_DRIFT] = f"kiln: {line}"
    return config.stash[_DRIFT]


def pytest_report_collectionfinish(config: pytest.Config) -> str | None:
    count = config.stash.get(_FOCUSED, 0)
    return focus_warning(count) if count else None


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    count = config.stash.get(_FOCUSED, 0)
    if count:
        terminalreporter.write_line(focus_warning(count), yellow=True, bold=True)
    if drift := config.stash.get(_DRIFT, None):
        terminalreporter.write_line(drift, yellow=True, bold=True)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """pytest-xdist's controller: a worker found models without a migration."""
    if line := getattr(node, "workeroutput", {}).get(_DRIFT_OUTPUT):
        node.config.stash[_DRIFT] = line


@pytest.fixture(scope="session")
def kiln_session(request: pytest.FixtureRequest) -> Iterator[TestSession]:
    """The project's test database, claimed for this session (and this xdist worker)."""
    from kiln.testing.session import TestSession

    with _stops_the_session(request):
        session = TestSession.open(request.config.rootpath, _progress)
    yield session
    session.close()


@pytest.fixture(scope="session")
def app(kiln_session: TestSession, request: pytest.FixtureRequest) -> Iterator[Flask]:
    """The application, built by the project's factory with the tested environment's name
    (testing, unless ``kiln test --env`` chose another)."""
    from kiln.runner.app import create_app

    with _stops_the_session(request):
        application = create_app(kiln_session.project, kiln_session.ctx.config.env)
    _check_migrations(request.config, kiln_session, application)
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


@contextmanager
def _stops_the_session(request: pytest.FixtureRequest) -> Iterator[None]:
    """A failure here would fail every test that needs the database the same way: report it in
    this test only, then stop the session (pytest's exit code 2, "interrupted")."""
    try:
        yield
    except KilnError as error:
        request.session.shouldstop = STOPPED
        raise pytest.fail.Exception(error.render(), pytrace=False) from None
    except Exception:
        request.session.shouldstop = STOPPED
        raise


def _check_migrations(config: pytest.Config, session: TestSession, app: Flask) -> None:
    """Name models without a migration at once, and again in the summary; the tests run on."""
    from kiln.database.drift import app_verdict, warning

    try:
        with app.app_context():
            found = app_verdict(session.project, app)
    except Exception as error:  # a check that cannot be made must not fail the tests
        note = f"the models could not be compared with the migrations ({error})"
        _write_now(config, f"kiln: {note}; kiln db check says more")
        return
    if not found:
        return
    line = f"kiln: {warning(found)}"
    if hasattr(config, "workeroutput"):  # an xdist worker: the controller prints the summary
        config.workeroutput[_DRIFT_OUTPUT] = line
    elif config.stash.get(_DRIFT, None) is None:
        _write_now(config, line)
    config.stash[_DRIFT] = line


def _write_now(config: pytest.Config, line: str) -> None:
    """Print past pytest's output capture (a fixture's output is otherwise held back)."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line(line, yellow=True, bold=True)


def _progress(message: str) -> None:
    print(f"kiln: {message}", file=sys.stderr, flush=True)

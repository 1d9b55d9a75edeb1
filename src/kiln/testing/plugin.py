"""The pytest plugin kiln registers: ``app``, ``client``, ``db``, ``live_server``, ``jobs``.

Each of the first four is also ``kiln_<name>``, which a project's own fixture of the same name
cannot replace. In a project kiln made, nothing happens until a test asks for a fixture, so the
plugin costs nothing where it is not used. The first request makes sure the project's PostgreSQL
is up and claims a migrated test database for the session; each test then runs inside a
transaction that is rolled back, with the rows of ``@pytest.mark.scenario("NAME")``
(``scenarios/NAME.py``) loaded first when it has the mark.

In a project kiln adopted (``[tool.kiln.environments]``), the database is claimed before pytest
imports the conftest files, because such projects read their database URL when their config is
imported; every engine is then checked to point at it (``testing.guard``).

When that first setup fails (no server, a failing migration, an app that cannot be built), every
test after it would fail the same way: the error is reported once and the session stops. Models
that no migration describes are named in one line, in the header (when known from an earlier
run), as soon as they are found, and again in the summary; the tests run on.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from fnmatch import fnmatch
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

from kiln.errors import KilnError
from kiln.testing import relay
from kiln.testing.focus import FOCUS, focus_warning, select_focused
from kiln.testing.paths import resolve_typed_paths

if TYPE_CHECKING:
    from flask import Flask
    from flask.testing import FlaskClient
    from flask_sqlalchemy import SQLAlchemy

    from kiln.jobs.fixture import Jobs
    from kiln.project import Project
    from kiln.testing.sentinel import Sentinel
    from kiln.testing.session import TestSession

# --shard and the worker count of -n auto, from recorded durations; kiln's lines carried from
# xdist's workers to the terminal: hooks of their own.
pytest_plugins = ("kiln.testing.balance", "kiln.testing.relay")

COMMITS = "commits"
SCENARIO = "scenario"
STOPPED = "kiln: the tests cannot run until the error above is fixed"
_FOCUSED = pytest.StashKey[int]()
_DRIFT = pytest.StashKey[str]()
_DRIFT_OUTPUT = "kiln_migrations_warning"  # from an xdist worker to the controller
_PROJECT: pytest.StashKey[Project | None] = pytest.StashKey()
_EARLY_SESSION: pytest.StashKey[TestSession] = pytest.StashKey()
_SENTINEL: pytest.StashKey[Sentinel] = pytest.StashKey()
_SCHEMA_COMPLETED = pytest.StashKey[bool]()
UNITTEST_FILE = "tests.py"  # Django-style and unittest projects' single test module


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> None:
    """An adopted project's config module reads its database URL when it is imported, often by
    the conftest pytest imports next: claim the database and export it first. An xdist controller
    runs no test, so it claims nothing (each worker does)."""
    project = _project(early_config)
    if project is None or not project.adopted or _xdist_controller(early_config):
        return
    from kiln.testing.session import TestSession

    try:
        early_config.stash[_EARLY_SESSION] = TestSession.open(early_config.rootpath, _progress)
    except KilnError as error:
        raise pytest.UsageError(error.render().removeprefix("error: ")) from None


def pytest_sessionstart(session: pytest.Session) -> None:
    if (early := session.config.stash.get(_EARLY_SESSION, None)) is not None:
        _watch(session, early)


def pytest_unconfigure(config: pytest.Config) -> None:
    if (early := config.stash.get(_EARLY_SESSION, None)) is not None:
        _unwatch(config)
        early.close()
        del config.stash[_EARLY_SESSION]


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Module | None:
    """An adopted project's ``tests.py`` (unittest style) is collected like ``test_*.py``."""
    if file_path.name != UNITTEST_FILE or parent.session.isinitpath(file_path):
        return None
    project = _project(parent.config)
    if project is None or not project.adopted:
        return None
    if any(fnmatch(file_path.name, pattern) for pattern in parent.config.getini("python_files")):
        return None  # pytest collects it already
    module: pytest.Module = pytest.Module.from_parent(parent, path=file_path)
    return module


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    """After the test's fixtures are gone: did it commit anything outside its transaction?"""
    yield
    if (sentinel := item.config.stash.get(_SENTINEL, None)) is not None:
        commits = bool(item.get_closest_marker(COMMITS)) or _serves(
            getattr(item, "fixturenames", [])
        )
        sentinel.after(item.nodeid, commits=commits)


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
def pytest_collection_finish(session: pytest.Session) -> None:
    """Say once which of kiln's fixtures the project (or a plugin) replaces, and where.

    Then freeze what imports and collection made (the libraries, the app's modules): it lives to
    the end anyway, and each full garbage collection, pytest's at exit included, then skips it.
    """
    if _project(session.config) is not None:
        from kiln.testing.clashes import replaced_fixtures

        for line in replaced_fixtures(session.items, session.config.rootpath, ours=__name__):
            relay.say(session.config, line)
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
    sentinel = config.stash.get(_SENTINEL, None)
    if escaped := sentinel.escaped if sentinel is not None else relay.workers_escaped(config):
        from kiln.testing.sentinel import escaped_summary

        terminalreporter.write_line(escaped_summary(escaped), yellow=True, bold=True)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """An xdist worker hands the tests whose writes escaped to the controller's summary."""
    if (sentinel := session.config.stash.get(_SENTINEL, None)) is not None:
        relay.report_escaped(session.config, sentinel.escaped)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """pytest-xdist's controller: a worker found models without a migration."""
    if line := getattr(node, "workeroutput", {}).get(_DRIFT_OUTPUT):
        node.config.stash[_DRIFT] = line


@pytest.fixture(scope="session")
def kiln_session(request: pytest.FixtureRequest) -> Iterator[TestSession]:
    """The project's test database, claimed for this session (and this xdist worker)."""
    from kiln.testing.session import TestSession

    if (early := request.config.stash.get(_EARLY_SESSION, None)) is not None:
        yield early  # claimed before collection; pytest_unconfigure gives it back
        return
    with _stops_the_session(request):
        session = TestSession.open(request.config.rootpath, _progress)
    _watch(request.session, session)
    yield session
    _unwatch(request.config)
    session.close()


@pytest.fixture(scope="session")
def kiln_app(kiln_session: TestSession, request: pytest.FixtureRequest) -> Iterator[Flask]:
    """The application, built as ``[tool.kiln]`` says for the tested environment (testing,
    unless ``kiln test --env`` chose another): ``factory("testing")``, or its recipe."""
    from kiln.runner.app import create_app

    root = str(kiln_session.project.root)
    if root not in sys.path:  # as `flask` does: the project's modules import from its folder
        sys.path.insert(0, root)
    with _stops_the_session(request):
        application = create_app(kiln_session.project, kiln_session.ctx.config.env)
    _check_migrations(request.config, kiln_session, application)
    yield application
    extension = application.extensions.get("sqlalchemy")
    if extension is not None:  # close the pool before the session gives its database back
        with application.app_context():
            for engine in extension.engines.values():
                engine.dispose()


@pytest.fixture(scope="session")
def app(kiln_app: Flask) -> Flask:
    """kiln's ``kiln_app``, under the name tests use unless the project defines its own."""
    return kiln_app


@pytest.fixture
def kiln_db(
    app: Flask, kiln_session: TestSession, request: pytest.FixtureRequest
) -> Iterator[SQLAlchemy]:
    """Flask-SQLAlchemy, inside a transaction that is rolled back after the test; on the app
    the tests use (the project's own ``app`` fixture when it has one)."""
    from kiln.testing.isolation import rolled_back, truncate_all

    extension = app.extensions.get("sqlalchemy")
    if extension is None:
        pytest.fail(
            "kiln: the app has no Flask-SQLAlchemy extension (db.init_app(app))", pytrace=False
        )
    commits = request.node.get_closest_marker(COMMITS) or _serves(request.fixturenames)
    with app.app_context():
        _complete_schema(request.config, kiln_session, extension)
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
    """A test marked ``@pytest.mark.scenario`` gets kiln's ``db`` fixture, which loads it."""
    if request.node.get_closest_marker(SCENARIO):
        request.getfixturevalue("kiln_db")


@pytest.fixture
def db(kiln_db: SQLAlchemy) -> SQLAlchemy:
    """kiln's ``kiln_db``, under the name tests use unless the project defines its own."""
    return kiln_db


@pytest.fixture
def kiln_client(app: Flask, kiln_db: SQLAlchemy) -> FlaskClient:
    """Flask's test client; its requests see and roll back with the test's transaction."""
    return app.test_client()


@pytest.fixture
def client(kiln_client: FlaskClient) -> FlaskClient:
    """kiln's ``kiln_client``, under the name tests use unless the project defines its own."""
    return kiln_client


@pytest.fixture
def kiln_live_server(app: Flask, kiln_db: SQLAlchemy) -> Iterator[str]:
    """The app served over HTTP on a free loopback port; yields its base URL.

    Requests run in other threads on their own connections, so a test using it commits for real
    and its tables are truncated afterwards (as with ``@pytest.mark.commits``).
    """
    from kiln.testing.live_server import serving

    with serving(app) as url:
        yield url


@pytest.fixture
def live_server(kiln_live_server: str) -> str:
    """kiln's ``kiln_live_server``, under the name tests use unless the project defines its own."""
    return kiln_live_server


@pytest.fixture
def jobs(kiln_session: TestSession, kiln_db: SQLAlchemy) -> Iterator[Jobs]:
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

    with jobs_in_test(kiln_session.project, kiln_db) as queued:
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
        relay.say(config, f"kiln: {note}; kiln db check says more")
        return
    if not found:
        return
    line = f"kiln: {warning(found)}"
    if hasattr(config, "workeroutput"):  # an xdist worker: the controller prints the summary
        config.workeroutput[_DRIFT_OUTPUT] = line
    elif config.stash.get(_DRIFT, None) is None:
        relay.say(config, line)
    config.stash[_DRIFT] = line


def _project(config: pytest.Config) -> Project | None:
    """The kiln project pytest runs in (read once), or ``None`` outside one."""
    if _PROJECT not in config.stash:
        from kiln.project import find_project

        try:
            config.stash[_PROJECT] = find_project(config.rootpath)
        except KilnError:
            config.stash[_PROJECT] = None
    return config.stash[_PROJECT]


def _xdist_controller(config: pytest.Config) -> bool:
    workers = getattr(config.known_args_namespace, "numprocesses", None)
    return bool(workers) and "PYTEST_XDIST_WORKER" not in os.environ


def _serves(fixturenames: list[str]) -> bool:
    """A live server's requests run on other connections: its test commits for real."""
    return "live_server" in fixturenames or "kiln_live_server" in fixturenames


def _complete_schema(config: pytest.Config, session: TestSession, db: SQLAlchemy) -> None:
    """A project without migrations gets the tables of every model, test-only ones included
    (defined in test modules, so known only once they are collected): once per session."""
    if session.project.has_migrations or config.stash.get(_SCHEMA_COMPLETED, False):
        return
    db.create_all()
    config.stash[_SCHEMA_COMPLETED] = True
    if (sentinel := config.stash.get(_SENTINEL, None)) is not None:
        sentinel.counts.rebase()


def _watch(pytest_session: pytest.Session, session: TestSession) -> None:
    """Start the sentinel beside the tests: it stops the session on another database (adopted
    projects) and reports writes that escaped a test's transaction."""
    from kiln.testing.sentinel import Sentinel

    def stop(error: KilnError) -> NoReturn:
        pytest_session.shouldstop = STOPPED
        raise pytest.fail.Exception(error.render(), pytrace=False)

    def report(line: str) -> None:
        relay.say(pytest_session.config, line)

    pytest_session.config.stash[_SENTINEL] = Sentinel(session, stop, report)


def _unwatch(config: pytest.Config) -> None:
    if (sentinel := config.stash.get(_SENTINEL, None)) is not None:
        sentinel.close()


def _progress(message: str) -> None:
    print(f"kiln: {message}", file=sys.stderr, flush=True)

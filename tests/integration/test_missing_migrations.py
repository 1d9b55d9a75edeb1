"""A model changed without a migration is named where the user is, in one line: by ``kiln test``
(pytest's plugin) and ``kiln serve``; the tests and the server run on. The verdict is kept in
``.kiln/`` by what it depends on, so the next run reads it instead of comparing again."""

from __future__ import annotations

import json
import os
import queue
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator

import pytest
from kiln_cli import start_kiln
from notes_project import MODELS, Notes, module_notes

WITH_TITLE = MODELS.replace(
    "    text: Mapped[str]\n", "    text: Mapped[str]\n    title: Mapped[str | None]\n"
)
LINE = (
    "kiln: the models and the migrations differ: column note.title (VARCHAR): in the models, "
    'no migration adds it; write the migration: kiln db migrate -m "Describe the change"'
)
VERDICTS = ".kiln/migrations-verdicts.json"


@pytest.fixture(scope="module")
def notes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Notes]:
    yield from module_notes(tmp_path_factory, "missing-migrations")


@pytest.fixture
def title_without_migration(notes: Notes) -> Iterator[None]:
    (notes.root / VERDICTS).unlink(missing_ok=True)
    with notes.changed("src/notes/models.py", WITH_TITLE):
        yield


@pytest.mark.usefixtures("title_without_migration")
def test_kiln_test_names_the_missing_migration_and_runs_on(notes: Notes) -> None:
    code, output = notes.pytest()
    assert code == 1, output  # the tests ran, and fail on the missing column
    assert "3 failed" in output
    before_the_tests, summary = output.split("= FAILURES =", 1)
    assert before_the_tests.count(LINE) == 1, before_the_tests  # as soon as it was found
    assert summary.count(LINE) == 1  # and where the user looks after the failures
    verdicts = json.loads((notes.root / VERDICTS).read_text())
    assert len(verdicts) == 2  # under the sources key and the models key
    again_code, again = notes.pytest()
    assert again_code == 1
    header = again.split("collected", 1)[0]
    assert LINE in header, again  # known before anything runs
    assert again.count(LINE) == 2  # the header and the summary, not a third time
    assert json.loads((notes.root / VERDICTS).read_text()) == verdicts


@pytest.mark.usefixtures("title_without_migration")
def test_a_worker_of_xdist_passes_the_line_to_the_summary(notes: Notes) -> None:
    code, output = notes.pytest("-n", "2")
    assert code == 1, output
    assert output.count(LINE) == 1
    assert output.index(LINE) > output.index("= FAILURES =")


def test_matching_models_add_no_line(notes: Notes) -> None:
    code, output = notes.pytest()
    assert code == 0, output
    assert "the models and the migrations differ" not in output


@pytest.mark.usefixtures("title_without_migration")
def test_kiln_serve_names_the_missing_migration_first_and_serves(notes: Notes) -> None:
    first = serve_until_ready(notes)
    assert first[0] == LINE + "\n", first
    assert any("serving notes (development)" in line for line in first)
    assert (notes.root / VERDICTS).is_file()
    again = serve_until_ready(notes)  # from the kept verdict
    assert again[0] == LINE + "\n", again


def test_kiln_serve_says_nothing_when_the_models_match(notes: Notes) -> None:
    lines = serve_until_ready(notes)
    assert not any("differ" in line for line in lines), lines


def serve_until_ready(notes: Notes) -> list[str]:
    """``kiln serve`` on a free port until Flask says it runs; its lines; then Ctrl-C."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = start_kiln(
        *("serve", "--port", str(port)),
        cwd=notes.root,
        env=notes.importable,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    assert server.stdout is not None
    threading.Thread(
        target=lambda: [lines.put(line) for line in server.stdout], daemon=True
    ).start()
    seen: list[str] = []
    deadline = time.monotonic() + 90
    try:
        while time.monotonic() < deadline and not any("Running on" in s for s in seen[-1:]):
            try:
                seen.append(lines.get(timeout=0.5))
            except queue.Empty:
                assert server.poll() is None, "".join(seen)
    finally:
        os.killpg(server.pid, signal.SIGINT)
        server.wait(timeout=30)
    assert "Running on" in seen[-1], "".join(seen)
    server_start = ("kiln: Starting", "kiln: Initialising", "kiln: PostgreSQL ready")
    return [line for line in seen if not line.startswith(server_start)]

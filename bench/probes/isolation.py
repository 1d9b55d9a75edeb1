"""Run by the project's Python: the cost of kiln's per-test isolation, in one process.

Claims a test database as a session does, builds the app with the project's factory, then times
``rolled_back(db)`` (what the ``db`` fixture wraps each test in) entered and left ``COUNT`` times:
empty, and with one INSERT flushed inside; and, as a baseline, the same INSERT and a plain
``db.session.rollback()`` with no isolation. Prints JSON lists of durations in seconds.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

WARM_UP = 50


def timings(count: int, body: Callable[[int], None]) -> list[float]:
    """Durations of ``count`` calls of ``body`` after a warm-up that is not recorded."""
    for number in range(WARM_UP):
        body(-1 - number)
    durations = []
    for number in range(count):
        started = time.perf_counter()
        body(number)
        durations.append(time.perf_counter() - started)
    return durations


def main(root: Path, count: int) -> dict[str, list[float]]:
    from kiln.runner.app import create_app
    from kiln.testing.isolation import rolled_back
    from kiln.testing.session import TestSession

    session = TestSession.open(root, lambda message: None)
    try:
        app = create_app(session.project, "testing")
        user_model = importlib.import_module(f"{session.project.package}.models").User
        db = app.extensions["sqlalchemy"]

        def empty(_: int) -> None:
            with rolled_back(db):
                pass

        def add_user(number: int) -> None:
            db.session.add(user_model(username=f"u{number}", email=f"u{number}@example.com"))
            db.session.flush()

        def insert(number: int) -> None:
            with rolled_back(db):
                add_user(number)

        def baseline(number: int) -> None:
            add_user(number)
            db.session.rollback()

        with app.app_context():
            results = {
                "empty": timings(count, empty),
                "insert": timings(count, insert),
                "baseline": timings(count, baseline),
            }
            db.engine.dispose()
        return results
    finally:
        session.close()


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), int(sys.argv[2]))))

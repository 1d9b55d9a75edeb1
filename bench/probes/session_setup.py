"""Run by the project's Python: time kiln's test-session setup in a fresh process.

The clock starts once the interpreter is up, so its own start-up is left out. Prints JSON, in
seconds: ``psycopg`` (importing it, which the app's engine does anyway), ``kiln_imports`` (the
modules ``TestSession`` needs), ``setup`` (``TestSession``: config, server up, claim a clone),
``close``, and ``steps``: the parts of ``setup``, timed by wrapping what ``TestSession`` calls.
"""

from __future__ import annotations

import functools
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

steps: dict[str, float] = {}


def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """``function``, adding its duration to ``steps[name]``."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            steps[name] = steps.get(name, 0.0) + time.perf_counter() - started

    return wrapper


def wrap(owner: Any, attribute: str, name: str) -> None:
    """Time ``owner.attribute`` as ``name``; skipped if kiln no longer has it."""
    function = getattr(owner, attribute, None)
    if function is not None:
        setattr(owner, attribute, timed(name, function))


def instrument() -> None:
    """Wrap the steps of ``TestSession.open`` where it looks them up."""
    from kiln.postgres.embedded import EmbeddedServer
    from kiln.testing import clones, session

    wrap(session, "session_context", "config")
    wrap(EmbeddedServer, "up", "server up")
    wrap(session, "template_names", "schema hash")
    wrap(clones.TestDatabases, "__init__", "admin connection")
    wrap(clones.TestDatabases, "_ensure_template", "template")
    wrap(clones.TestDatabases, "_drop_outdated", "outdated check")
    wrap(clones.TestDatabases, "_prepare_clone", "clone")


def main(root: Path) -> dict[str, Any]:
    started = time.perf_counter()
    import psycopg  # noqa: F401

    driver = time.perf_counter()
    from kiln.testing.session import TestSession

    instrument()  # imports what TestSession imports lazily, so it counts with the imports
    imported = time.perf_counter()
    session = TestSession.open(root, lambda message: None)
    ready = time.perf_counter()
    session.close()
    closed = time.perf_counter()
    return {
        "psycopg": driver - started,
        "kiln_imports": imported - driver,
        "setup": ready - imported,
        "close": closed - ready,
        "steps": steps,
    }


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]))))

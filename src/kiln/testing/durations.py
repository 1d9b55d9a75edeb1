"""How long each test took when it last ran, kept in ``.kiln/test-durations.json``.

``--shard`` balances shards with them and ``-n auto`` decides whether workers would pay. A run
updates the tests it ran and forgets those whose file is gone; nothing else depends on the file,
so a missing or unreadable one only means "nothing recorded yet". It is written only where kiln
keeps its state already (``.kiln/`` holds the embedded server): a project tested on a
``DATABASE_URL`` server gets no new folder.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

DURATIONS = "test-durations.json"


@dataclass
class Durations:
    """Seconds per test id (setup, call and teardown), and what a session costs before its first
    test (interpreter, plugins, conftest, collection): what every xdist worker pays again."""

    tests: dict[str, float] = field(default_factory=dict)
    startup: float | None = None

    def total(self, ids: list[str] | None = None) -> float:
        """The recorded time of ``ids`` (all recorded tests when ``None``)."""
        if ids is None:
            return sum(self.tests.values())
        return sum(self.tests.get(test_id, 0.0) for test_id in ids)


def load(state_dir: Path) -> Durations:
    try:
        data = json.loads((state_dir / DURATIONS).read_text())
        tests = {str(k): float(v) for k, v in data.get("tests", {}).items()}
        startup = data.get("startup")
        return Durations(tests, float(startup) if startup is not None else None)
    except (OSError, ValueError, TypeError, AttributeError):
        return Durations()


def save(state_dir: Path, root: Path, ran: Mapping[str, float], startup: float | None) -> None:
    """Merge this run's durations into the file (written whole, then renamed into place); a
    folder that cannot be written only leaves the next estimate without them."""
    if not state_dir.is_dir():
        return
    kept = load(state_dir)
    tests = {
        test_id: seconds
        for test_id, seconds in {**kept.tests, **ran}.items()
        if (root / test_id.partition("::")[0]).exists()
    }
    path = state_dir / DURATIONS
    temporary = path.with_name(f".{DURATIONS}.{os.getpid()}")
    data = {"startup": startup if startup is not None else kept.startup, "tests": tests}
    try:
        temporary.write_text(json.dumps(data, indent=0, sort_keys=True))
        temporary.replace(path)
    except OSError:
        temporary.unlink(missing_ok=True)

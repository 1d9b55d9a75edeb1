"""A project generated once per session by the real ``kiln new``, for the e2e tests to share."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class Generated:
    """A project ``kiln new`` made, and what the command printed."""

    root: Path
    result: subprocess.CompletedProcess[str]


def kiln_new(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the real CLI, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "kiln", "new", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="session")
def generated_project(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """``kiln new shop --no-input`` into a fresh folder; treat the result as read-only."""
    parent = tmp_path_factory.mktemp("new-api")
    root = parent / "shop"
    result = kiln_new("shop", "--directory", str(root), "--no-input", cwd=parent)
    assert result.returncode == 0, result.stderr
    return Generated(root, result)

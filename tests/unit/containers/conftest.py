"""A project made by ``kiln new``'s own code, once, for the static checks of its container files."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiln.scaffold import create_project


@pytest.fixture(scope="session")
def fresh_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The root of a new ``shop`` project; treat it as read-only."""
    root = tmp_path_factory.mktemp("containers") / "shop"
    create_project("shop", directory=root)
    return root

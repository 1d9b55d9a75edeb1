"""Fixtures for the plugin tests: a copy of the ``mini`` project per test module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from mini_project import Mini, copy_mini

collect_ignore = ["mini"]  # its tests run inside copies of the project, not here


@pytest.fixture(scope="module")
def mini(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mini]:
    """One copy per test module; its server is destroyed afterwards."""
    project = copy_mini(tmp_path_factory.mktemp("plugin") / "mini")
    yield project
    project.server.destroy()

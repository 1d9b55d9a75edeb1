"""The ``chores`` project, copied once per test module; its server is destroyed afterwards."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from chores_project import Chores, copy_chores

collect_ignore = ["chores"]  # its tests run inside copies of the project, not here


@pytest.fixture(scope="module")
def chores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chores]:
    project = copy_chores(tmp_path_factory.mktemp("jobs") / "chores")
    yield project
    project.server.destroy()

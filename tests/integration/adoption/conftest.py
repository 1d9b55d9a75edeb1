"""Fixtures for the adoption tests: a copy of one of the small projects under ``projects/``.

Each reproduces a style of existing Flask project kiln must adopt (a factory taking a config
class, an import path, an app built at import, a URL built from parts, its own fixtures,
factory_boy, create_all without migrations, unittest's tests.py). A test module adopts its copy
with the real ``kiln init`` once and runs the project's own suite on kiln's PostgreSQL; its server
is destroyed at the end of the module.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from adopted_project import Adopted, copy_project

collect_ignore = ["projects"]  # their tests run inside copies, not here


@pytest.fixture(scope="module")
def adopted(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Adopted]:
    """The copy of ``projects/<PROJECT>`` (the module's ``PROJECT``), adopted by ``kiln init``."""
    name = request.module.PROJECT
    project = copy_project(name, tmp_path_factory.mktemp("adopt") / name)
    project.init_result = project.kiln("init")
    assert project.init_result.returncode == 0, (
        project.init_result.stdout + project.init_result.stderr
    )
    yield project
    project.destroy_server()

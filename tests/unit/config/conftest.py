"""A throwaway kiln project to write config files into and load, with a controlled environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiln.config import Config, load_config
from kiln.project import find_project

PYPROJECT = '[project]\nname = "shop"\n[tool.kiln]\napp = "shop:create_app"\n'


@dataclass
class Shop:
    root: Path

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def declare(self, settings_toml: str) -> None:
        """Append ``[tool.kiln.settings.*]`` tables to pyproject.toml."""
        self.write("pyproject.toml", PYPROJECT + settings_toml)

    def load(self, env: str | None = None, environ: Mapping[str, str] | None = None) -> Config:
        """Load with only ``environ`` as the process environment, so the host's never leaks in."""
        return load_config(find_project(self.root), env, environ or {})

    def problems(
        self, env: str | None = None, environ: Mapping[str, str] | None = None
    ) -> list[str]:
        """The problems as the CLI prints them."""
        return [problem.render() for problem in self.load(env, environ).problems]


@pytest.fixture
def shop(tmp_path: Path) -> Shop:
    project = Shop(tmp_path / "shop")
    project.write("pyproject.toml", PYPROJECT)
    return project

"""``[tool.kiln.services.NAME]``: what ``kiln serve`` starts beside the app, or what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiln.errors import UsageError
from kiln.project import Service, find_project


def project_with(tmp_path: Path, tables: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(f'[project]\nname = "shop"\n[tool.kiln]\n{tables}\n')
    return tmp_path


def test_a_service_is_its_command_settings_file_programs_and_install_hint(tmp_path: Path) -> None:
    root = project_with(
        tmp_path,
        "[tool.kiln.services.acme]\n"
        'command = ["python", "-m", "shop.acme_stack", ".kiln/acme"]\n'
        'environ = ".kiln/acme/environ"\n'
        'programs = ["pebble"]\n'
        'install = "apt-get install pebble"\n',
    )

    assert find_project(root).services == (
        Service(
            name="acme",
            command=("python", "-m", "shop.acme_stack", ".kiln/acme"),
            environ=root / ".kiln/acme/environ",
            programs=("pebble",),
            install="apt-get install pebble",
        ),
    )


def test_a_project_without_services_has_none(tmp_path: Path) -> None:
    assert find_project(project_with(tmp_path, 'app = "shop:create_app"')).services == ()


@pytest.mark.parametrize(
    ("table", "what", "where"),
    [
        ('services = "pebble"', "services must hold one table per service", "services"),
        ("[tool.kiln.services.acme]\ncommand = []", "command must be a list", "acme command"),
        ('[tool.kiln.services.acme]\ncommand = "pebble"', "command must be a list", "acme command"),
        (
            '[tool.kiln.services.acme]\ncommand = ["pebble"]\nprograms = "pebble"',
            "programs must be a list of program names",
            "acme programs",
        ),
        (
            '[tool.kiln.services.acme]\ncommand = ["pebble"]\nport = 1',
            "unknown key(s) port",
            "services.acme",
        ),
    ],
)
def test_a_malformed_service_says_what_and_where(
    tmp_path: Path, table: str, what: str, where: str
) -> None:
    with pytest.raises(UsageError) as raised:
        find_project(project_with(tmp_path, table))

    [problem] = raised.value.problems
    assert problem.what.startswith(what)
    assert problem.where is not None
    assert problem.where.endswith(where)
    assert problem.fix

"""Which tool installs a new project's ``.venv``: uv when there is one, else (or if asked) pip."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from kiln.errors import KilnError, UsageError
from kiln.scaffold.venv import Pip, Uv, choose_installer


@pytest.fixture
def no_uv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A machine without uv: its package does not import, and PATH holds no uv."""
    monkeypatch.setitem(sys.modules, "uv", None)
    monkeypatch.setenv("PATH", str(tmp_path))


def test_uv_by_default_the_one_kiln_depends_on() -> None:
    installer = choose_installer({})

    assert isinstance(installer, Uv)
    assert Path(installer.binary).is_file()


def test_pip_when_asked() -> None:
    assert choose_installer({"KILN_INSTALLER": "pip"}) == Pip()


@pytest.mark.usefixtures("no_uv")
def test_pip_when_there_is_no_uv() -> None:
    assert choose_installer({}) == Pip()


@pytest.mark.usefixtures("no_uv")
def test_uv_asked_for_but_missing_says_so() -> None:
    with pytest.raises(KilnError) as caught:
        choose_installer({"KILN_INSTALLER": "uv"})

    (problem,) = caught.value.problems
    assert (problem.what, problem.where) == (
        "uv is not installed",
        "environment variable KILN_INSTALLER=uv",
    )
    assert problem.fix == "pip install uv, or unset it for pip"


def test_an_unknown_installer_is_a_usage_error_naming_the_variable() -> None:
    with pytest.raises(UsageError) as caught:
        choose_installer({"KILN_INSTALLER": "conda"})

    (problem,) = caught.value.problems
    assert problem.what == "'conda' is not an installer kiln knows"
    assert problem.where == "environment variable KILN_INSTALLER"

"""The generated app's production guard and ``kiln config check`` agree on what a weak key is.

The app cannot import kiln (its image has no kiln), so it keeps its own list; this holds the two
together. The generated config.py imports only the standard library and its sibling settings.py,
so it is loaded from its folder, without the rest of the package.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

import pytest

from kiln.config import load_config
from kiln.config.declarations import DEV_SECRET_KEY
from kiln.config.rules import MIN_SECRET_LENGTH, WEAK_SECRETS
from kiln.project import find_project


@pytest.fixture(scope="module")
def app_config(fresh_project: Path) -> ModuleType:
    """config.py as a module of a bare package: its sibling settings.py imports, the package's
    ``__init__`` (the app, Flask) does not run."""
    package = ModuleType("generated")
    package.__path__ = [str(fresh_project / "src" / "shop")]
    sys.modules["generated"] = package
    try:
        return importlib.import_module("generated.config")
    finally:
        for name in ("generated", "generated.config", "generated.settings"):
            sys.modules.pop(name, None)


def kiln_refuses(fresh_project: Path, key: str) -> bool:
    config = load_config(find_project(fresh_project), "production", {"SECRET_KEY": key})
    return any("SECRET_KEY is" in problem.what for problem in config.problems)


def test_the_app_refuses_every_key_kiln_calls_weak(app_config: ModuleType) -> None:
    for key in WEAK_SECRETS - {""}:
        assert app_config.secret_key_weakness(key) == "a well-known placeholder", key


def test_kiln_refuses_every_key_the_app_calls_weak(
    app_config: ModuleType, fresh_project: Path
) -> None:
    for key in app_config.KNOWN_SECRET_KEYS - {""}:
        assert kiln_refuses(fresh_project, key), key


def test_both_refuse_short_keys_at_the_same_length(
    app_config: ModuleType, fresh_project: Path
) -> None:
    assert app_config.MIN_SECRET_KEY_LENGTH == MIN_SECRET_LENGTH
    short = "x7Gk2pQ9w" + "a" * (MIN_SECRET_LENGTH - 10)
    assert app_config.secret_key_weakness(short) is not None
    assert kiln_refuses(fresh_project, short)
    assert app_config.secret_key_weakness(short + "b") is None
    assert not kiln_refuses(fresh_project, short + "b")


def test_the_app_uses_kiln_development_key(app_config: ModuleType) -> None:
    assert app_config.DevelopmentConfig.insecure_secret_key == DEV_SECRET_KEY
    assert app_config.TestingConfig.insecure_secret_key == DEV_SECRET_KEY

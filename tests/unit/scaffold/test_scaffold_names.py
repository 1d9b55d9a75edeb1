"""Which project names ``kiln new`` accepts, and what it says about the others."""

from __future__ import annotations

import pytest

from kiln.errors import UsageError
from kiln.scaffold import package_name


@pytest.mark.parametrize(
    ("name", "package"),
    [
        ("shop", "shop"),
        ("my-shop", "my_shop"),
        ("my_shop", "my_shop"),
        ("Shop2", "shop2"),
        ("a" * 51, "a" * 51),
    ],
)
def test_the_package_is_the_names_python_identifier(name: str, package: str) -> None:
    assert package_name(name) == package


@pytest.mark.parametrize(
    ("name", "reason", "fix"),
    [
        ("", "the name is empty", "e.g. shop or my-shop"),
        ("  ", "the name is empty", "e.g. shop or my-shop"),
        ("2shop", "it starts with a digit", "start it with a letter"),
        ("json", "'json' is a module of Python's standard library", "try json-api"),
        ("test", "'test' is a module of Python's standard library", "try test-api"),
        ("class", "'class' is a Python keyword", "try class-api"),
        ("Flask", "'flask' is a package the project depends on", "try Flask-api"),
        ("tests", "'tests' is already used by a folder or module", "try tests-api"),
        ("my shop", "it contains ' '; use only ASCII letters, digits, - and _", "try 'my-shop'"),
        ("my.shop", "it contains '.'", "try 'my-shop'"),
        ("café", "it contains 'é'", "try 'cafe'"),
        ("$%", "it contains '$' '%'", "e.g. shop or my-shop"),
        ("shop-", "it starts or ends with - or _", "try 'shop'"),
        ("_shop", "it starts or ends with - or _", "try 'shop'"),
        ("a" * 52, "it is 52 characters long", "use at most 51 characters"),
    ],
)
def test_a_bad_name_is_refused_with_the_reason_and_a_fix(name: str, reason: str, fix: str) -> None:
    with pytest.raises(UsageError) as caught:
        package_name(name)

    (problem,) = caught.value.problems
    assert problem.what.startswith(f"cannot name a project {name!r}: ")
    assert reason in problem.what
    assert problem.where == "kiln new NAME"
    assert fix in (problem.fix or "")
    assert caught.value.exit_code == 2

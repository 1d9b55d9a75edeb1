"""What a new project may be called: a pip name whose import name works everywhere kiln uses it."""

from __future__ import annotations

import keyword
import re
import sys
import unicodedata

from kiln.errors import UsageError
from kiln.project import python_identifier

# kiln names databases <package>_development; PostgreSQL cuts names at 63 characters.
MAX_LENGTH = 63 - len("_development")
_ALLOWED = re.compile(r"[A-Za-z0-9_-]")
# What the generated project imports or holds at its root: a package named so would hide it.
_DEPENDENCIES = frozenset(
    {
        *("alembic", "click", "flask", "flask_migrate", "flask_sqlalchemy", "gunicorn"),
        *("itsdangerous", "jinja2", "kiln", "psycopg", "pytest", "ruff", "sqlalchemy"),
        "werkzeug",
    }
)
_LAYOUT = frozenset({"migrations", "tests", "wsgi"})
# sys.stdlib_module_names leaves out CPython's own test suite, which is importable as ``test``.
_STDLIB = sys.stdlib_module_names | {"test"}


def package_name(name: str) -> str:
    """The import package for the project ``name``; a ``UsageError`` says why a name cannot work."""
    package = python_identifier(name)
    problem = _problem(name, package)
    if problem:
        reason, fix = problem
        raise UsageError(
            f"cannot name a project {name!r}: {reason}", where="kiln new NAME", fix=fix
        )
    return package


def _problem(name: str, package: str) -> tuple[str, str] | None:
    """Why ``name`` cannot be a project name and how to fix it, or ``None`` when it can."""
    pick = "choose another name, e.g. shop or my-shop"
    if not name.strip():
        return "the name is empty", pick
    bad = sorted({char for char in name if not _ALLOWED.fullmatch(char)})
    if bad:
        shown = " ".join(repr(char) for char in bad)
        return f"it contains {shown}; use only ASCII letters, digits, - and _", _suggest(name, pick)
    if name[0].isdigit():
        return "it starts with a digit, and Python import names cannot", "start it with a letter"
    if name[0] in "-_" or name[-1] in "-_":
        trimmed = name.strip("-_")
        return "it starts or ends with - or _", f"try {trimmed!r}" if trimmed else pick
    if len(name) > MAX_LENGTH:
        return (
            f"it is {len(name)} characters long; database names built from it "
            f"({package}_development) must fit PostgreSQL's limit of 63",
            f"use at most {MAX_LENGTH} characters",
        )
    taken = _taken_by(package)
    if taken:
        return f"its import name {package!r} is {taken}", f"try {name}-api or my-{name}"
    return None


def _suggest(name: str, otherwise: str) -> str:
    """A valid name close to ``name`` (``my shop`` -> ``my-shop``, ``café`` -> ``cafe``)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    candidate = re.sub(r"[^A-Za-z0-9_-]+", "-", ascii_name).strip("-_")
    if candidate and _problem(candidate, python_identifier(candidate)) is None:
        return f"try {candidate!r}"
    return otherwise


def _taken_by(package: str) -> str | None:
    if keyword.iskeyword(package):
        return "a Python keyword"
    if package in _STDLIB:
        return "a module of Python's standard library, which it would hide"
    if package in _DEPENDENCIES:
        return "a package the project depends on, which it would hide"
    if package in _LAYOUT:
        return "already used by a folder or module of the generated project"
    return None

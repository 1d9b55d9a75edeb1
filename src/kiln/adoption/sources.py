"""The project's Python modules, parsed once: where each is, what it is called, its syntax tree.

Nothing is imported: an existing project's modules may connect to a database or read settings
that are not there yet when imported, and ``kiln init`` runs before anything is set up.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

# Folders that hold no module of the project's own.
SKIPPED = frozenset(
    {".git", ".venv", "venv", "env", ".tox", ".nox", "node_modules", ".kiln", "build", "dist"}
)
TEST_FOLDERS = frozenset({"tests", "test"})
MIGRATION_FOLDERS = frozenset({"migrations", "alembic"})


@dataclass(frozen=True)
class Module:
    name: str
    """The import name, ``app.config`` (from the project's folder, or ``src/``)."""
    path: Path
    tree: ast.Module

    @property
    def is_test(self) -> bool:
        parts = set(self.name.split("."))
        return (
            bool(parts & TEST_FOLDERS)
            or self.path.name in ("tests.py", "conftest.py")
            or (self.path.name.startswith("test_"))
        )

    def functions(self) -> dict[str, ast.FunctionDef]:
        return {n.name: n for n in self.tree.body if isinstance(n, ast.FunctionDef)}

    def classes(self) -> dict[str, ast.ClassDef]:
        return {n.name: n for n in self.tree.body if isinstance(n, ast.ClassDef)}

    def assigned(self, name: str) -> ast.expr | None:
        """The value a top-level ``name = ...`` assigns (the last one)."""
        found = None
        for node in self.tree.body:
            if isinstance(node, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id == name for target in node.targets
            ):
                found = node.value
        return found


def read_modules(root: Path) -> list[Module]:
    """Every module of the project that parses, migrations and virtualenvs left out."""
    modules = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        parts = relative.parts
        if SKIPPED & set(parts[:-1]) or MIGRATION_FOLDERS & set(parts[:-1]):
            continue
        if any(part.startswith(".") for part in parts) or "site-packages" in parts:
            continue
        if parts[0] == "src":
            parts = parts[1:]
        name = ".".join((*parts[:-1], path.stem) if path.stem != "__init__" else parts[:-1])
        if not name or not all(part.isidentifier() for part in name.split(".")):
            continue
        try:
            tree = ast.parse(path.read_bytes(), filename=str(path))
        except (SyntaxError, ValueError, OSError):
            continue
        modules.append(Module(name, path, tree))
    return modules


def environment_reads(node: ast.AST) -> list[tuple[str, ast.expr | None]]:
    """Each ``os.environ.get("NAME", default)``, ``os.getenv(...)``, ``os.environ["NAME"]`` below
    ``node``: the variable's name and its default."""
    found: list[tuple[str, ast.expr | None]] = []
    for child in ast.walk(node):
        if isinstance(child, ast.Call) and dotted_name(child.func) in (
            "os.environ.get",
            "os.getenv",
            "environ.get",
            "getenv",
        ):
            if child.args and isinstance(child.args[0], ast.Constant):
                default = child.args[1] if len(child.args) > 1 else None
                found.append((str(child.args[0].value), default))
        elif isinstance(child, ast.Subscript) and _reads_environ(child):
            found.append((str(child.slice.value), None))  # type: ignore[attr-defined]
    return found


def _reads_environ(node: ast.Subscript) -> bool:
    """``os.environ["NAME"]``."""
    names = ("os.environ", "environ")
    return dotted_name(node.value) in names and isinstance(node.slice, ast.Constant)


def dotted_name(node: ast.expr) -> str:
    """``a.b.c`` for a name or attribute chain, else ``""``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{dotted_name(node.value)}.{node.attr}"
    return ""

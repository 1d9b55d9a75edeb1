"""What a saved module can change: some functions' bodies only, or the module itself.

A change inside function bodies can affect only the tests that executed those functions. Any
other change (a class body, an import, a decorator, a default value, a constant) runs again when
the module is imported, so it can affect every test that reaches the module: one that executed
code in a file which imports it, directly or through other project modules. Comments and layout
are not changes.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from pathlib import Path

from kiln.project import Project

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
Function = ast.FunctionDef | ast.AsyncFunctionDef


def changed_functions(before: str | None, after: str | None) -> frozenset[str] | None:
    """The qualified names of the functions whose bodies alone changed (empty: no code changed);
    ``None`` when the module changed outside them, or is new, deleted or not parsable."""
    if before is None or after is None:
        return None
    old, new = _split(before), _split(after)
    if old is None or new is None or old[0] != new[0]:
        return None
    names = old[1].keys() | new[1].keys()
    return frozenset(name for name in names if old[1].get(name) != new[1].get(name))


def _split(source: str) -> tuple[str, dict[str, str]] | None:
    """The module without its function bodies, and each body by qualified name (as a code
    object's ``co_qualname`` spells it); an outer body includes the functions nested in it."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    functions = list(_functions(tree))
    bodies = {
        name: ast.dump(ast.Module(body=node.body, type_ignores=[])) for name, node in functions
    }
    for _, node in functions:
        node.body = [ast.Pass()]
    return ast.dump(tree), bodies


def _functions(tree: ast.AST) -> Iterator[tuple[str, Function]]:
    """Every function of ``tree`` with its qualified name, outer functions before the ones
    nested in them."""

    def visit(node: ast.AST, prefix: str) -> Iterator[tuple[str, Function]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, _FUNCTIONS):
                name = f"{prefix}{child.name}"
                yield name, child
                yield from visit(child, f"{name}.<locals>.")
            elif isinstance(child, ast.ClassDef):
                yield from visit(child, f"{prefix}{child.name}.")
            else:
                yield from visit(child, prefix)

    return visit(tree, "")


Span = tuple[int, int, str]  # first and last line of a function's body, its qualified name


def function_spans(source: str) -> list[Span]:
    """Every function's body lines, outer functions before the ones nested in them."""
    return [
        (node.body[0].lineno, node.end_lineno or node.body[-1].lineno, name)
        for name, node in _functions(ast.parse(source))
    ]


def innermost(spans: list[Span], line: int) -> str | None:
    """The qualified name of the innermost function whose body holds ``line``."""
    found = None
    for first, last, name in spans:
        if first <= line <= last:
            found = name  # nested functions come after their enclosing one
    return found


def module_name(project: Project, path: Path) -> str | None:
    """The dotted module a source file defines, if it belongs to the project's package."""
    package_root = project.package_dir.parent
    if path.suffix != ".py" or not path.is_relative_to(project.package_dir):
        return None
    parts = list(path.relative_to(package_root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


class ImportGraph:
    """The project's modules each file imports (anywhere in it), re-read when a file changes."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._imports: dict[Path, tuple[float, frozenset[Path]]] = {}

    def reach(self, files: Iterable[Path]) -> set[Path]:
        """``files`` and every project module they import, directly or not (packages too)."""
        reached: set[Path] = set()
        pending = list(files)
        while pending:
            path = pending.pop()
            if path not in reached:
                reached.add(path)
                pending.extend(self.imports(path))
        return reached

    def imports(self, path: Path) -> frozenset[Path]:
        try:
            stamp = path.stat().st_mtime
        except OSError:
            return frozenset()
        cached = self._imports.get(path)
        if cached is None or cached[0] != stamp:
            cached = self._imports[path] = (stamp, frozenset(self._read(path)))
        return cached[1]

    def _read(self, path: Path) -> set[Path]:
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, ValueError, OSError):
            return set()
        found: set[Path] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    found |= self.files(alias.name)
            elif isinstance(node, ast.ImportFrom):
                base = self._base(path, node)
                if base:
                    found |= self.files(base)
                    for alias in node.names:
                        found |= self.files(f"{base}.{alias.name}")
        return found

    def _base(self, path: Path, node: ast.ImportFrom) -> str | None:
        if not node.level:
            return node.module
        here = module_name(self.project, path)
        if here is None:
            return None
        parts = here.split(".")
        if path.name != "__init__.py":
            parts.pop()
        parts = parts[: len(parts) - node.level + 1]
        return ".".join([*parts, node.module] if node.module else parts) or None

    def files(self, module: str) -> set[Path]:
        """The project's files a dotted name loads: the module and its packages' ``__init__``."""
        parts = module.split(".")
        if parts[0] != self.project.package:
            return set()
        base = self.project.package_dir.parent
        found: set[Path] = set()
        for end in range(1, len(parts) + 1):
            folder = base.joinpath(*parts[:end])
            for candidate in (folder / "__init__.py", folder.with_suffix(".py")):
                if candidate.is_file():
                    found.add(candidate)
        return found

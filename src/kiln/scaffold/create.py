"""Render a template into a new folder, record how, and start a git repository there."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from kiln import __version__
from kiln.errors import KilnError, UsageError, shorten
from kiln.scaffold import snapshot
from kiln.scaffold.kiln_source import KilnSource, running_kiln_source
from kiln.scaffold.layers import assembled
from kiln.scaffold.names import package_name
from kiln.scaffold.templates import DEFAULT_TEMPLATE, require_renderer, template_dir

# A folder holding only a git repository (say, a fresh clone of an empty one) counts as empty.
_IGNORED_ENTRIES = frozenset({".git"})


@dataclass(frozen=True)
class NewProject:
    """What ``kiln new`` made."""

    name: str
    package: str
    template: str
    root: Path
    git_initialised: bool


def create_project(
    name: str,
    *,
    template: str = DEFAULT_TEMPLATE,
    directory: Path | None = None,
    interactive: bool = False,
    kiln: KilnSource | None = None,
) -> NewProject:
    """Render ``template`` as project ``name`` into ``directory`` (default ``./name``).

    The folder must be new or empty: nothing a user wrote is ever overwritten. The answers file
    records the template, kiln's version and every answer, for ``kiln update``. ``interactive``
    lets copier ask the questions kiln does not answer itself; otherwise their defaults apply.
    ``kiln`` is where the project's requirements-dev.txt installs kiln from (default: where the
    running kiln came from).
    """
    require_renderer("kiln new")
    package = package_name(name)
    source = template_dir(template)
    root = directory or Path(name)
    _check_empty(root)
    kiln = kiln or running_kiln_source()
    answers: dict[str, str | bool] = {
        "name": name,
        "package": package,
        "kiln_template": template,
        "kiln_version": __version__,
        "kiln_requirement": kiln.requirement,
        "kiln_local": kiln.local,
        "kiln_template_path": str(source),
    }
    _render(source, root, answers, interactive=interactive)
    git_initialised = _init_git(root)
    if git_initialised:  # the pristine render, for kiln update's three-way merge
        snapshot.record(root, root, f"kiln new: the {template} template of kiln {__version__}")
    return NewProject(name, package, template, root, git_initialised=git_initialised)


def render(template: str, target: Path, answers: dict[str, str | bool]) -> None:
    """Render ``template`` into the empty folder ``target`` with recorded ``answers`` and this
    kiln's version: what ``kiln new`` would make today (``kiln update`` merges it in)."""
    source = template_dir(template)
    kiln = running_kiln_source()
    current = {
        **answers,
        "kiln_version": __version__,
        "kiln_requirement": kiln.requirement,
        "kiln_local": kiln.local,
        "kiln_template_path": str(source),
    }
    _render(source, target, current, interactive=False)


def _check_empty(root: Path) -> None:
    try:
        exists = root.exists()
    except OSError as error:  # a name over 255 bytes or a path over 4,095, a loop of links
        raise UsageError.from_os_error(error, "cannot make a project there") from None
    if exists and not root.is_dir():
        raise UsageError(
            "exists and is not a folder",
            where=str(root),
            fix="choose a new or empty folder with --directory PATH",
        )
    try:
        entries = sorted(path.name for path in root.iterdir()) if root.is_dir() else []
    except OSError as error:
        raise KilnError(
            f"cannot read the folder: {error.strerror}",
            where=shorten(str(root)),
            fix="check its permissions, or choose another folder with --directory PATH",
        ) from None
    found = [entry for entry in entries if entry not in _IGNORED_ENTRIES]
    if found:
        shown = ", ".join(found[:5]) + (", ..." if len(found) > 5 else "")
        raise UsageError(
            f"the folder is not empty (it holds {shown}); kiln new never overwrites files",
            where=str(root),
            fix="choose a new or empty folder with --directory PATH, or move those files away",
        )


def _render(source: Path, root: Path, answers: dict[str, str | bool], *, interactive: bool) -> None:
    import copier  # slow to import: only `kiln new` needs it
    from copier.errors import CopierError

    try:
        with assembled(source) as assembled_source:
            copier.run_copy(
                str(assembled_source),
                root,
                data=answers,
                defaults=not interactive,
                overwrite=False,
                quiet=True,
            )
    except KeyboardInterrupt:
        raise  # Ctrl-C at a question (copier's CopierAnswersInterrupt) is no failure to report
    except CopierError as error:
        raise KilnError(
            f"could not render the {source.name} template: {error}",
            where=str(root),
            fix="report this as a kiln bug, with the command you ran",
        ) from error
    except OSError as error:
        raise KilnError(
            f"could not write the project: {error.strerror}",
            where=error.filename or str(root),
            fix="check that you may write there, or choose another folder with --directory PATH",
        ) from None


def _init_git(root: Path) -> bool:
    """``git init`` the project, unless git is missing or the project is inside a work tree."""
    git = shutil.which("git")
    if git is None:
        return False
    inside = subprocess.run(
        [git, "rev-parse", "--is-inside-work-tree"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    if inside.stdout.strip() == "true":
        return False
    done = subprocess.run([git, "init", "--quiet"], cwd=root, capture_output=True, check=False)
    return done.returncode == 0

"""``kiln update``: the project brought up to the running kiln's template, by a three-way merge.

For each file: the template as it rendered the project (the snapshot, snapshot.py), the project
now, and the template rendered today with the same answers. A file the user did not touch takes
the template's change; one the template did not change stays the user's; one both changed is
merged by ``git merge-file``, its conflicts left between markers for the user to settle.
"""

from __future__ import annotations

import difflib
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from kiln import __version__
from kiln.errors import KilnError, UsageError
from kiln.scaffold import snapshot
from kiln.scaffold.create import render
from kiln.scaffold.templates import require_renderer

ANSWERS = ".copier-answers.yml"
STASH = "git stash push --include-untracked"


@dataclass
class Update:
    """What an update does to each file, by what happened to it."""

    added: list[str] = field(default_factory=list)  # new in the template
    updated: list[str] = field(default_factory=list)  # untouched by the user: the template's
    merged: list[str] = field(default_factory=list)  # both changed it, cleanly merged
    conflicts: list[str] = field(default_factory=list)  # both changed it: markers written
    removed: list[str] = field(default_factory=list)  # gone from the template, untouched here
    kept: list[str] = field(default_factory=list)  # the template's change to a file you deleted
    contents: dict[str, bytes | None] = field(default_factory=dict)  # None: delete
    diff: list[str] = field(default_factory=list)
    render: dict[str, bytes] = field(default_factory=dict)  # today's template, for the snapshot

    @property
    def changed(self) -> bool:
        return bool(self.contents)


def plan_update(root: Path, base: str | None = None) -> Update:
    """The merge of the template's changes into the project at ``root``; nothing written.

    ``base`` names a commit holding the project as the template made it, for a project with no
    recorded render (made before kiln kept one, or cloned without its ref).
    """
    require_renderer("kiln update")
    _require_clean_tree(root)
    old = snapshot.files(root, _commit(root, base)) if base else snapshot.files(root)
    if old is None:
        raise _no_render(root)
    answers = _answers(root)
    with tempfile.TemporaryDirectory(prefix="kiln-update-") as temporary:
        target = Path(temporary) / "project"
        render(str(answers.get("kiln_template", "api")), target, answers)
        new = {
            str(path.relative_to(target)): path.read_bytes()
            for path in sorted(target.rglob("*"))
            if path.is_file()
        }
    if base:
        # A commit of the project holds the user's files too: only the template's files are
        # its render (one the template has since dropped stays, rather than one of yours going).
        old = {name: content for name, content in old.items() if name in new}
    update = _merge(root, old, new)
    update.render = new
    return update


def _commit(root: Path, base: str) -> str:
    """The commit ``--base`` names, checked to hold a project kiln made."""
    where = f"kiln update --base {base}"
    done = _git(root, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}")
    if done.returncode != 0:
        raise UsageError(
            f"{base!r} names no commit of this repository",
            where=where,
            fix="give a commit id, tag or branch: git log --reverse --oneline lists the commits",
        )
    commit = done.stdout.strip()
    if _git(root, "cat-file", "-e", f"{commit}:{ANSWERS}").returncode != 0:
        raise UsageError(
            f"commit {commit[:12]} has no {ANSWERS}, so it is not the project as kiln new made it",
            where=where,
            fix="name the commit made right after kiln new, before any change of yours",
        )
    return commit


def _no_render(root: Path) -> KilnError:
    """The refusal when no render is recorded, with the commands that would give one."""
    ways = []
    remotes = _git(root, "remote").stdout.split()
    if remotes:
        ways.append(
            f"if it was pushed, fetch it: git fetch {remotes[0]} '{snapshot.REF}:{snapshot.REF}'"
        )
    ways.append(
        "or name the commit that holds the project as kiln new made it, before your changes: "
        "kiln update --base COMMIT"
    )
    first = _git(root, "log", "--reverse", "--format=%h %s", "--", ANSWERS).stdout.splitlines()
    if first:
        commit, _, subject = first[0].partition(" ")
        ways.append(
            f"(the first commit with {ANSWERS} is {commit} {subject!r}: if you had "
            f"changed nothing then, kiln update --base {commit})"
        )
    return KilnError(
        f"no record of the template as it rendered this project ({snapshot.REF} is missing; "
        "kiln new records it in the project's git repository)",
        where=str(root),
        fix="; ".join(ways),
    )


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)


def apply_update(root: Path, update: Update) -> None:
    """Write the merged files, then record today's render as the base of the next update."""
    for name, content in update.contents.items():
        path = root / name
        if content is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    with tempfile.TemporaryDirectory(prefix="kiln-update-") as temporary:
        for name, content in update.render.items():
            path = Path(temporary) / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        snapshot.record(root, Path(temporary), f"kiln update: the template of kiln {__version__}")


def undo_command(recorded: str | None) -> str:
    """How to undo an update applied on a clean tree, the recorded render included (``recorded``:
    the render recorded before it)."""
    ref = (
        f"git update-ref {snapshot.REF} {recorded}"
        if recorded
        else f"git update-ref -d {snapshot.REF}"
    )
    return f"git checkout -- . && git clean -fd && {ref}"


def run_check(root: Path, *command: str) -> bool:
    """``kiln COMMAND`` in the project, its output shown as it comes; whether it passed."""
    done = subprocess.run([sys.executable, "-m", "kiln", *command], cwd=root, check=False)
    return done.returncode == 0


def _merge(root: Path, old: dict[str, bytes], new: dict[str, bytes]) -> Update:
    update = Update()
    for name in sorted(old.keys() | new.keys()):
        base, theirs = old.get(name), new.get(name)
        path = root / name
        mine = path.read_bytes() if path.is_file() else None
        if base == theirs or mine == theirs:
            continue  # the template did not change it, or the project has the change already
        if theirs is None:  # the template dropped it
            if mine == base:
                update.removed.append(name)
                update.contents[name] = None
            continue
        if mine is None:
            if base is None:
                update.added.append(name)
                update.contents[name] = theirs
            else:
                update.kept.append(name)  # you deleted it: it stays deleted
            continue
        if mine == base:
            update.updated.append(name)
            update.contents[name] = theirs
            continue
        merged, conflicts = _merge_file(mine, base or b"", theirs, name)
        (update.conflicts if conflicts else update.merged).append(name)
        update.contents[name] = merged
    for name, content in update.contents.items():
        path = root / name
        before = path.read_bytes() if path.is_file() else b""
        update.diff.extend(
            difflib.unified_diff(
                before.decode(errors="replace").splitlines(keepends=True),
                (content or b"").decode(errors="replace").splitlines(keepends=True),
                f"a/{name}",
                f"b/{name}",
            )
        )
    return update


def _merge_file(mine: bytes, base: bytes, theirs: bytes, name: str) -> tuple[bytes, bool]:
    """``git merge-file``: the merged bytes, and whether conflicts were left between markers."""
    with tempfile.TemporaryDirectory(prefix="kiln-merge-") as temporary:
        paths = []
        for label, content in (("mine", mine), ("base", base), ("theirs", theirs)):
            path = Path(temporary) / label
            path.write_bytes(content)
            paths.append(str(path))
        done = subprocess.run(
            ["git", "merge-file", "-p", "-L", f"yours: {name}", "-L", "the template before",
             "-L", f"the template of kiln {__version__}", *paths],
            capture_output=True,
            check=False,
        )  # fmt: skip
    if done.returncode < 0 or done.returncode > 127:
        raise KilnError(
            f"git merge-file failed on {name}: {done.stderr.decode(errors='replace')}",
            where=name,
            fix="report this as a kiln bug, with the command you ran",
        )
    return done.stdout, done.returncode > 0


def _require_clean_tree(root: Path) -> None:
    if shutil.which("git") is None:
        raise KilnError("git is not installed", where="kiln update", fix="install git")
    done = _git(root, "status", "--porcelain")
    if done.returncode != 0:
        raise KilnError(
            "the project is not in a git repository, so an update could not be undone",
            where=str(root),
            fix="git init && git add -A && git commit -m 'Before kiln update', then retry",
        )
    if done.stdout.strip():
        changed = len(done.stdout.splitlines())
        raise KilnError(
            f"the git tree has {changed} uncommitted change(s): an update must be reviewable "
            "and undoable on its own",
            where=str(root),
            fix=f"commit them, or put them aside with: {STASH} (and git stash pop afterwards)",
        )


def _answers(root: Path) -> dict[str, str | bool]:
    import yaml

    path = root / ANSWERS
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise KilnError(
            f"cannot read the answers kiln new recorded: {error}",
            where=str(path),
            fix="restore the file from git (git checkout -- .copier-answers.yml)",
        ) from None
    return {key: value for key, value in data.items() if not key.startswith("_")}

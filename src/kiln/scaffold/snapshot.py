"""The pristine render of a project's template, kept in the project's own git repository.

``kiln update`` merges three versions of each file: the template as it rendered the project, the
project now, and the new template. The first cannot be rendered again: the running kiln ships
only its own template, and an older kiln may be on no index (a checkout, a wheel). So ``kiln
new`` records what it rendered as a commit on ``refs/kiln/template``, which no branch, index or
work tree sees; each ``kiln update`` adds the next render on top. It stays with the repository
(``git push origin 'refs/kiln/*'`` shares it), costs only the objects git already shares with
the project's own commits, and is exact: no guessing from the recorded version.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

REF = "refs/kiln/template"
_IDENTITY = {
    "GIT_AUTHOR_NAME": "kiln",
    "GIT_AUTHOR_EMAIL": "kiln@localhost",
    "GIT_COMMITTER_NAME": "kiln",
    "GIT_COMMITTER_EMAIL": "kiln@localhost",
}


def record(root: Path, rendered: Path, message: str) -> bool:
    """Commit the files of ``rendered`` (a render of the template) on ``REF`` in ``root``'s
    repository, after the previous one; whether it could (git missing, no repository: no)."""
    git = shutil.which("git")
    if git is None or not (root / ".git").exists():
        return False
    with tempfile.TemporaryDirectory(prefix="kiln-snapshot-") as temporary:
        environ = {**os.environ, **_IDENTITY, "GIT_INDEX_FILE": str(Path(temporary) / "index")}
        base = [git, f"--git-dir={root / '.git'}", f"--work-tree={rendered}"]

        def run(*args: str) -> str:
            done = subprocess.run(
                [*base, *args], env=environ, capture_output=True, text=True, check=True
            )
            return done.stdout.strip()

        try:
            run("add", "--all", ".")
            tree = run("write-tree")
            parent = previous(root)
            parents = ["-p", parent] if parent else []
            commit = run("commit-tree", tree, *parents, "-m", message)
            run("update-ref", REF, commit)
        except subprocess.CalledProcessError:
            return False
    return True


def previous(root: Path) -> str | None:
    """The commit of the last recorded render, or ``None``."""
    done = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"{REF}^{{commit}}"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or None


def files(root: Path, commit: str | None = None) -> dict[str, bytes] | None:
    """The files of ``commit`` (default: the last recorded render), each path with its bytes;
    ``None`` when there is no recorded render."""
    commit = commit or previous(root)
    if commit is None:
        return None
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit], cwd=root, capture_output=True, check=True
    ).stdout
    found: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        for member in tar.getmembers():
            if member.isfile() and (content := tar.extractfile(member)) is not None:
                found[member.name] = content.read()
    return found

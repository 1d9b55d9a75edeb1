"""A damaged or unusable ``.kiln``: a message that names the path and the fix, never a traceback,
and never a "repair" that deletes what is there."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def refused(kiln, root: Path, *args: str) -> str:
    """Run ``kiln ARGS``, which must fail with a message and no traceback; its stderr."""
    result = kiln(*args, cwd=root)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: "), result.stderr
    return result.stderr


@contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """``folder`` on a read-only bind mount of itself, as on a read-only disk."""
    if os.geteuid() != 0:
        pytest.skip("only root can mount a folder read-only")
    mounted = subprocess.run(
        ["mount", "--bind", "-o", "ro", str(folder), str(folder)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot bind-mount here: {mounted.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_read_only_kiln_folder(servers, tmp_path, kiln):
    server = servers.new(tmp_path / "shop")
    server.up()
    server.down()
    state = server.layout.state_dir

    with read_only(state):
        message = refused(kiln, server.project.root, "db", "up")

    assert message == (
        f"error: {state / 'lock'}: cannot open the lock that keeps kiln commands apart: "
        "Read-only file system\n"
        "  fix: the file system is read-only: make it writable, or work on a copy of the "
        "project in a writable folder\n"
    )


def test_a_lock_that_is_a_folder(servers, tmp_path, kiln):
    project = servers.project(tmp_path / "shop")
    lock = project.state_dir / "lock"
    lock.mkdir(parents=True)

    message = refused(kiln, project.root, "db", "up")

    assert message == (
        f"error: {lock}: cannot open the lock that keeps kiln commands apart: Is a directory\n"
        "  fix: a file belongs there but it is a folder: move the folder away\n"
    )
    lock.rmdir()  # the fix, so the cleanup can take the lock


def test_a_kiln_that_is_a_file_is_left_as_it_is(servers, tmp_path, kiln):
    project = servers.project(tmp_path / "shop")
    project.state_dir.write_text("mine")

    for command in (["db", "up"], ["serve"]):
        message = refused(kiln, project.root, *command)
        assert message == (
            f"error: {project.state_dir}: kiln keeps the project's PostgreSQL in this folder, "
            "but it is a file\n"
            f"  fix: move the file away (mv {project.state_dir} {project.state_dir}.bak); "
            "kiln makes the folder\n"
        )
    assert project.state_dir.read_text() == "mine"


def test_a_server_link_to_nowhere_is_left_as_it_is(servers, tmp_path, kiln):
    project = servers.project(tmp_path / "shop")
    link = project.state_dir / "server"
    gone = tmp_path / "moved-away" / "server"
    project.state_dir.mkdir()
    link.symlink_to(gone)

    message = refused(kiln, project.root, "db", "up")

    assert message == (
        f"error: {link}: links to {gone}, which does not exist: the cluster that was there "
        "has been moved or deleted\n"
        f"  fix: if it was moved, link it again (ln -sfn NEW_PLACE {link}); to start with an "
        f"empty cluster, remove the link (rm {link})\n"
    )
    assert link.readlink() == gone
    assert not gone.parent.exists()


def test_a_cluster_without_pg_version_is_left_as_it_is(servers, tmp_path, kiln):
    server = servers.new(tmp_path / "shop")
    server.up()
    server.down()
    data = server.layout.data_dir
    (data / "PG_VERSION").unlink()
    before = sorted(p.relative_to(data) for p in data.rglob("*"))

    message = refused(kiln, server.project.root, "db", "up")

    assert message == (
        f"error: {data}: holds files but no PG_VERSION, so PostgreSQL cannot start it; kiln "
        "leaves it as is\n"
        f"  fix: if only PG_VERSION was lost: cp {data}/base/1/PG_VERSION {data}/; to start "
        f"over with empty databases, move the folder away (mv {data} {data}.broken)\n"
    )
    assert sorted(p.relative_to(data) for p in data.rglob("*")) == before
    assert sorted(p.name for p in server.layout.server_dir.iterdir()) == [
        "data",
        "postgres.log",
        "run",
    ]

    (data / "PG_VERSION").write_bytes((data / "base" / "1" / "PG_VERSION").read_bytes())
    assert kiln("db", "up", cwd=server.project.root).returncode == 0  # the fix it names works


def test_a_fault_no_command_foresaw_is_named_without_a_traceback(servers, tmp_path, kiln):
    server = servers.new(tmp_path / "shop")
    server.up()
    server.down()
    log = server.layout.log_path
    log.unlink()
    log.mkdir()

    message = refused(kiln, server.project.root, "db", "logs")

    assert message == (
        f"error: {log}: the operating system reported an error: Is a directory\n"
        "  fix: a file belongs there but it is a folder: move the folder away\n"
        "kiln did not expect this; if it looks like a bug in kiln rather than a problem of this "
        "machine, report it with the command you ran\n"
    )

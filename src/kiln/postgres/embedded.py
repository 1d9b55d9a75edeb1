"""The project's own PostgreSQL: created on first use, started on demand, reached by socket only."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from kiln.errors import KilnError
from kiln.postgres import layout, postmaster
from kiln.postgres.binaries import (
    BIN_VARIABLE,
    Binaries,
    find_binaries,
    source_of,
    version_conflict,
)
from kiln.postgres.conf import KILN_CONF, include_kiln_conf, render
from kiln.postgres.connection import open_connection, reason
from kiln.postgres.databases import create_database
from kiln.postgres.lock import project_lock
from kiln.postgres.logs import tail
from kiln.postgres.relocate import copied_source, runnable_by
from kiln.postgres.server import Mode, Progress, Status, quiet
from kiln.postgres.urls import socket_url
from kiln.postgres.users import USER_VARIABLE, server_user
from kiln.project import Project

if TYPE_CHECKING:
    import psycopg

START_TIMEOUT = 30.0
POLL = 0.02
LOG_LINES = 20


class EmbeddedServer:
    """One server per project, its files in ``.kiln/``; safe to drive from several kilns at once."""

    mode: Mode = "embedded"
    already_up = "PostgreSQL is already running"

    def __init__(self, project: Project, environ: Mapping[str, str] | None = None) -> None:
        self.project = project
        self.environ = os.environ if environ is None else environ
        owner = _owner(project.state_dir / layout.SERVER / "data")
        self.user = server_user(self.environ, cluster_owner=owner)
        self.layout = layout.plan(project.state_dir, project.name, self.user)

    @cached_property
    def binaries(self) -> Binaries:
        """Found on first need only, so ``up`` on a running server costs one connection attempt."""
        return find_binaries(self.environ, major=self._cluster_major())

    def log_file(self) -> Path:
        path = self.layout.log_path
        if not path.exists():
            raise KilnError(
                "no log yet: the server has never started", where=str(path), fix="kiln db up"
            )
        return path

    def url(self, database: str) -> str:
        return socket_url(self.layout.socket_dir, database)

    def connect(self, database: str = "postgres") -> psycopg.Connection:
        import psycopg

        try:
            return open_connection(self.url(database))
        except psycopg.OperationalError as error:
            raise KilnError(
                f"cannot connect to the project's PostgreSQL: {reason(error)}",
                where=str(self.layout.socket_dir),
                fix="start it with: kiln db up",
            ) from None

    def up(self, progress: Progress = quiet) -> bool:
        if self._accepts_connections():
            return False
        layout.ensure_state_dir(self.layout.state_dir)
        with project_lock(self.layout.lock_path, progress):
            if self._accepts_connections():
                return False  # another kiln started it while this one waited for the lock
            try:
                self._start(progress)
            except OSError as error:
                raise KilnError.from_os_error(
                    error, "cannot start the project's PostgreSQL"
                ) from None
        return True

    def down(self) -> str:
        stopped = False
        if self.layout.data_dir.is_dir():
            with project_lock(self.layout.lock_path, quiet):
                stopped = self._stop()
        return "PostgreSQL stopped" if stopped else "PostgreSQL was not running"

    def ensure_database(self, name: str) -> bool:
        return create_database(self, name)

    def status(self) -> Status:
        """The running server as it is (its version, its programs), else what would start."""
        pid = postmaster.running_pid(self.layout.data_dir)
        running = self._running_binaries(pid) if pid is not None else None
        programs = running or self.binaries
        return Status(
            mode=self.mode,
            running=pid is not None,
            initialised=self.layout.initialised,
            version=programs.version,
            pid=pid,
            data_dir=self.layout.data_dir,
            socket_dir=self.layout.socket_dir,
            binaries=programs,
        )

    def _running_binaries(self, pid: int) -> Binaries | None:
        """The programs the postmaster ``pid`` runs and the version it answers with: whatever
        ``KILN_PG_SOURCE`` now says, it is the server that started. None if it cannot be told."""
        import psycopg

        program = postmaster.executable(pid)
        try:
            with self.connect() as connection:
                row = connection.execute("SHOW server_version").fetchone()
        except (KilnError, psycopg.Error):
            return None
        if program is None or row is None:
            return None
        bindir = program.parent
        source = copied_source(bindir) or source_of(bindir, self.environ)
        version = str(row[0]).split()[0]  # "15.18 (Debian 15.18-0+deb12u1)"
        return Binaries(bindir, source, version)

    def destroy(self) -> None:
        """Stop the server and delete its files, data included."""
        if not self.layout.state_dir.is_dir():
            return
        with project_lock(self.layout.lock_path, quiet):
            self._stop()
            shutil.rmtree(self.layout.server_dir, ignore_errors=True)
            if self.layout.is_linked:
                self.layout.link.unlink(missing_ok=True)
            if self.layout.socket_dir != self.layout.run_dir:
                shutil.rmtree(self.layout.socket_dir, ignore_errors=True)

    def _stop(self) -> bool:
        pid = postmaster.running_pid(self.layout.data_dir)
        if pid is None:
            return False
        postmaster.stop(pid, self.layout.data_dir)
        return True

    def _start(self, progress: Progress) -> None:
        started = time.monotonic()
        if self.layout.initialised:  # before any copy of programs the cluster cannot use
            self._check_version(self.binaries)
        binaries = self._runnable(self.binaries, progress)
        layout.prepare(self.layout, self.user)
        data, sockets = self.layout.data_dir, self.layout.socket_dir
        pid = postmaster.running_pid(data)
        if pid is not None:  # alive but not answering at this socket: the project moved
            progress(f"Restarting PostgreSQL (pid {pid}), which did not answer at {sockets} …")
            postmaster.stop(pid, data)
        postmaster.wait_for_orphans(data)
        postmaster.clear_stale(data, sockets)
        label = f"PostgreSQL {binaries.version} ({binaries.source})"
        if self.layout.initialised:
            progress(f"Starting {label} …")
        else:
            self._refuse_an_incomplete_cluster()
            progress(f"Initialising {label} in {self._shown(data)} …")
            self._initdb(binaries)
        conf = data / KILN_CONF
        conf.write_text(render(sockets), encoding="utf-8")
        self.user.own(conf)
        self._launch(binaries)
        progress(f"PostgreSQL ready ({time.monotonic() - started:.1f} s)")

    def _refuse_an_incomplete_cluster(self) -> None:
        """A ``data/`` with files but no PG_VERSION is damaged data: kiln never builds over it."""
        data = self.layout.data_dir
        if not data.is_dir() or not any(data.iterdir()):
            return
        template = data / "base" / "1" / "PG_VERSION"  # every database folder has a copy
        restore = f"cp {template} {data}/" if template.is_file() else "restore it from a backup"
        raise KilnError(
            "holds files but no PG_VERSION, so PostgreSQL cannot start it; kiln leaves it as is",
            where=str(data),
            fix=f"if only PG_VERSION was lost: {restore}; to start over with empty databases, "
            f"move the folder away (mv {data} {data}.broken)",
        )

    def _initdb(self, binaries: Binaries) -> None:
        """Build the cluster next to ``data/`` and rename it, so a half-built one is never used."""
        fresh = self.layout.server_dir / "data.initdb"
        shutil.rmtree(fresh, ignore_errors=True)  # left by an interrupted initdb
        argv: list[str | Path] = [
            binaries.tool("initdb"),
            "-D",
            fresh,
            "-U",
            "postgres",
            "--auth=trust",
        ]
        done = subprocess.run(
            [*argv, "--encoding=UTF8", "--locale=C"],
            capture_output=True,
            text=True,
            check=False,
            cwd=self.layout.server_dir,
            **self.user.popen_args(),
        )
        if done.returncode != 0:
            output = (done.stdout + done.stderr).strip().splitlines()[-LOG_LINES:]
            raise KilnError(
                "initdb failed:\n" + "\n".join(output),
                where=str(binaries.bindir),
                fix=f"fix the cause above, or try other PostgreSQL programs with {BIN_VARIABLE}",
            )
        include_kiln_conf(fresh)
        fresh.rename(self.layout.data_dir)

    def _launch(self, binaries: Binaries) -> None:
        """Start ``postgres`` detached, then wait until it accepts a connection."""
        log = self.layout.log_path
        start = log.stat().st_size if log.exists() else 0
        pid = self._spawn(binaries, log)
        deadline = time.monotonic() + START_TIMEOUT
        while not self._accepts_connections():
            if not postmaster.runs_in(pid, self.layout.data_dir):
                self._fail_start("PostgreSQL stopped during start", start)
            if time.monotonic() > deadline:
                postmaster.stop(pid, self.layout.data_dir)
                self._fail_start(f"PostgreSQL was not ready after {START_TIMEOUT:.0f} s", start)
            time.sleep(POLL)

    def _spawn(self, binaries: Binaries, log: Path) -> int:
        """Run ``postgres`` in the background of a throwaway shell, as ``pg_ctl`` does.

        It is then nobody's child but init's: it never lingers as a zombie of a long-lived kiln
        (pytest, ``kiln watch``), and in its own session Ctrl-C in kiln's terminal never reaches it.
        """
        server = [str(binaries.tool("postgres")), "-D", str(self.layout.data_dir)]
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            self.user.own(log)
            shell = subprocess.run(
                ["/bin/sh", "-c", '"$@" >&2 & echo $!', "sh", *server],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=fd,
                cwd=self.layout.data_dir,
                start_new_session=True,
                text=True,
                check=True,
                **self.user.popen_args(),
            )
        finally:
            os.close(fd)
        return int(shell.stdout)

    def _fail_start(self, what: str, log_start: int) -> NoReturn:
        lines = tail(self.layout.log_path, LOG_LINES, log_start)
        raise KilnError(
            what + (":\n" + "\n".join(lines) if lines else ""),
            where=str(self.layout.log_path),
            fix="fix the cause the log names, then run the command again",
        )

    def _accepts_connections(self) -> bool:
        """One connection attempt: the only proof that the server is ready (logs can lie)."""
        import psycopg

        try:
            open_connection(self.url("postgres"), timeout=2).close()
        except psycopg.OperationalError:
            return False
        return True

    def _runnable(self, binaries: Binaries, progress: Progress) -> Binaries:
        """The programs as the server's user can run them (a shared copy, as root)."""
        runnable = runnable_by(self.user, binaries, progress)
        if runnable is None:
            raise KilnError(
                f"PostgreSQL runs as {self.user.name}, who cannot reach {binaries.bindir}",
                where=f"PostgreSQL programs ({binaries.source})",
                fix="install PostgreSQL system-wide (apt install postgresql), or set "
                f"{USER_VARIABLE} to a user who can read that folder",
            )
        return runnable

    def _check_version(self, binaries: Binaries) -> None:
        major = self._cluster_major()
        if major is None or major == binaries.major:
            return
        conflict = version_conflict(binaries, major, self.environ)
        raise KilnError(
            conflict.what,
            where=conflict.where or str(self.layout.data_dir),
            fix=f"{conflict.fix}; or, to start over with empty databases: kiln db destroy",
        )

    def _cluster_major(self) -> str | None:
        try:
            return (self.layout.data_dir / "PG_VERSION").read_text(encoding="utf-8").strip()
        except OSError:
            return None

    def _shown(self, path: Path) -> str:
        """Paths inside the project relative to it, as the user sees them."""
        if path.is_relative_to(self.project.root):
            return str(path.relative_to(self.project.root))
        return str(path)


def _owner(path: Path) -> int | None:
    try:
        return path.stat().st_uid
    except OSError:
        return None

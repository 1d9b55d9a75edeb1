"""The CLI's last resort: faults of the machine become messages, bugs in kiln keep a traceback."""

from __future__ import annotations

import errno

import pytest

import kiln.cli
from kiln.cli import main


def failing_with(error: BaseException):
    def run(**options: object) -> None:
        raise error

    return run


def test_an_unforeseen_os_error_is_a_message_naming_the_path(monkeypatch, capsys):
    error = PermissionError(errno.EACCES, "Permission denied", "/srv/shop/.kiln/server")
    monkeypatch.setattr(kiln.cli.cli, "main", failing_with(error))

    with pytest.raises(SystemExit) as exited:
        main()

    assert exited.value.code == 1
    assert capsys.readouterr().err == (
        "error: /srv/shop/.kiln/server: the operating system reported an error: "
        "Permission denied\n"
        "  fix: give your user access to it (ls -ld shows its owner and mode), or run kiln as "
        "the user who owns it\n"
        "kiln did not expect this; if it looks like a bug in kiln rather than a problem of this "
        "machine, report it with the command you ran\n"
    )


def test_a_bug_in_kiln_keeps_its_traceback(monkeypatch):
    monkeypatch.setattr(kiln.cli.cli, "main", failing_with(ZeroDivisionError("a bug")))

    with pytest.raises(ZeroDivisionError):
        main()

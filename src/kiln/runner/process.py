"""Running a child (flask, psql, pytest) in kiln's place: signals reach it, its exit is ours."""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import FrameType

from kiln.errors import KilnError

FORWARDED = (signal.SIGINT, signal.SIGTERM)
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def run_child(
    argv: Sequence[str | os.PathLike[str]], env: Mapping[str, str], cwd: Path | None = None
) -> int:
    """Run ``argv`` until it exits and return its exit code (128 + N if signal N ended it).

    SIGTERM and SIGINT sent to kiln are passed on, and kiln waits for the child to finish.
    A Ctrl-C typed in the terminal already reaches the child (same foreground process group),
    so that one is not sent a second time: a doubled Ctrl-C would cut short pytest's cleanup.
    Should kiln die without a chance to pass anything on (``kill -9``), the child gets SIGTERM
    from the kernel (see ``die_with_parent``), so no server keeps running without its kiln.
    """
    child: subprocess.Popen | None = None
    early: list[int] = []  # signals that came while the child was being started

    def forward(signum: int, frame: FrameType | None) -> None:
        if signum == signal.SIGINT and _typed_in_terminal():
            return
        if child is None:
            early.append(signum)
        else:
            child.send_signal(signum)

    previous = {signum: signal.signal(signum, forward) for signum in FORWARDED}
    try:
        try:
            child = subprocess.Popen(
                list(argv), env=dict(env), cwd=cwd, preexec_fn=die_with_parent()
            )
        except OSError as error:
            raise cannot_run(argv, error) from None
        for signum in early:
            child.send_signal(signum)
        code = child.wait()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return 128 - code if code < 0 else code


def cannot_run(argv: Sequence[str | os.PathLike[str]], error: OSError) -> KilnError:
    """The program could not start: not installed, or not executable."""
    return KilnError(
        f"cannot run {argv[0]}: {error.strerror}",
        where=" ".join(map(str, argv)),
        fix="install it, or activate the virtualenv that provides it",
    )


def die_with_parent() -> Callable[[], None] | None:
    """A hook for a freshly forked child that asks Linux to send it SIGTERM when kiln dies.

    SIGTERM rather than SIGKILL, so the child stops its own children as it does on
    ``docker stop``: gunicorn's master stops its workers, Werkzeug's reloader kills the server
    it restarts, pytest-xdist's workers see their pipe close. ``None`` where there is no prctl.
    """
    if not sys.platform.startswith("linux"):
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up now: the hook only calls it
    parent = os.getpid()

    def hook() -> None:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # until exec, kiln's handler would eat it
        prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # kiln died before the request was made
            os._exit(128 + signal.SIGTERM)

    return hook


def _typed_in_terminal() -> bool:
    """Whether kiln runs in the terminal's foreground, where Ctrl-C signals the whole group."""
    try:
        fd = os.open("/dev/tty", os.O_RDONLY)
    except OSError:
        return False
    try:
        return os.tcgetpgrp(fd) == os.getpgrp()
    except OSError:
        return False
    finally:
        os.close(fd)


def last_lines(output: str, count: int = 15) -> str:
    """The end of a child's output, where the error is, for a message that stays readable."""
    return "\n".join(output.strip().splitlines()[-count:])

"""Running a child (flask, psql, pytest) in kiln's place: signals reach it, its exit is ours."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import FrameType

from kiln.errors import KilnError

FORWARDED = (signal.SIGINT, signal.SIGTERM)


def run_child(
    argv: Sequence[str | os.PathLike[str]], env: Mapping[str, str], cwd: Path | None = None
) -> int:
    """Run ``argv`` until it exits and return its exit code (128 + N if signal N ended it).

    SIGTERM and SIGINT sent to kiln are passed on, and kiln waits for the child to finish.
    A Ctrl-C typed in the terminal already reaches the child (same foreground process group),
    so that one is not sent a second time: a doubled Ctrl-C would cut short pytest's cleanup.
    """
    child: subprocess.Popen | None = None

    def forward(signum: int, frame: FrameType | None) -> None:
        if child is not None and not (signum == signal.SIGINT and _typed_in_terminal()):
            child.send_signal(signum)

    previous = {signum: signal.signal(signum, forward) for signum in FORWARDED}
    try:
        try:
            child = subprocess.Popen(list(argv), env=dict(env), cwd=cwd)
        except OSError as error:
            raise KilnError(
                f"cannot run {argv[0]}: {error.strerror}",
                where=" ".join(map(str, argv)),
                fix="install it, or activate the virtualenv that provides it",
            ) from None
        code = child.wait()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return 128 - code if code < 0 else code


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

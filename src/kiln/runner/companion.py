"""A second child beside the main one (the worker beside the server), its lines prefixed.

It runs in a session of its own, so a Ctrl-C typed for the server does not reach it: when the main
child has ended, kiln sends it SIGTERM once and waits while it finishes its work (a worker lets
its running jobs end). Ctrl-C during that wait kills it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from kiln.runner.process import cannot_run, die_with_parent


@contextmanager
def companion(
    argv: Sequence[str | os.PathLike[str]], env: Mapping[str, str], cwd: Path, prefix: str
) -> Iterator[subprocess.Popen[str]]:
    """Run ``argv`` while the body runs, each of its lines printed after ``prefix``."""
    try:
        child = subprocess.Popen(
            list(argv),
            env=dict(env),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
            start_new_session=True,
            preexec_fn=die_with_parent(),  # no worker outlives a kiln killed with SIGKILL
        )
    except OSError as error:
        raise cannot_run(argv, error) from None
    relay = threading.Thread(target=_relay, args=(child, prefix), daemon=True)
    relay.start()
    try:
        yield child
    finally:
        _stop(child)
        relay.join()


def _relay(child: subprocess.Popen[str], prefix: str) -> None:
    """Copy the child's lines to stdout; say so when it ends other than by kiln's SIGTERM."""
    assert child.stdout is not None
    for line in child.stdout:
        sys.stdout.write(f"{prefix}{line}")
        sys.stdout.flush()
    code = child.wait()
    if code not in (0, -signal.SIGTERM):
        print(f"{prefix}exited with code {code}", file=sys.stderr, flush=True)


def _stop(child: subprocess.Popen[str]) -> None:
    if child.poll() is not None:
        return
    child.send_signal(signal.SIGTERM)
    try:
        child.wait()
    except KeyboardInterrupt:
        child.kill()
        child.wait()
        raise

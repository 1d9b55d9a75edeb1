"""Progress lines on stderr, so stdout carries only the table."""

from __future__ import annotations

import sys
import time

_START = time.perf_counter()


def say(message: str) -> None:
    """``[  12.3 s] message`` on stderr, flushed at once."""
    elapsed = time.perf_counter() - _START
    print(f"[{elapsed:7.1f} s] {message}", file=sys.stderr, flush=True)


def elapsed() -> float:
    """Seconds since the bench started."""
    return time.perf_counter() - _START

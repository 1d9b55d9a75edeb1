"""What a check found: ``kiln doctor`` and ``kiln db check`` report in the same words and shape."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Status(Enum):
    OK = "ok"
    WARN = "warn"
    FAIL = "FAIL"


@dataclass(frozen=True)
class Finding:
    """One check's verdict, what it saw (``details``) and, unless it passed, what to do."""

    status: Status
    title: str
    fix: str | None = None
    details: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        return self.status is Status.FAIL

"""Whether a string fits a setting's type, and if not, what it should be, in words."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

from kiln.config.spec import Spec

_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off"})
_WHOLE = re.compile(r"-?[0-9]+")
_EXAMPLES = {"int": "8", "float": "0.5", "bool": "true", "url": "https://example.com"}


def parse_bool(value: str) -> bool | None:
    """``true/false``, ``1/0``, ``yes/no``, ``on/off`` in any case; ``None`` for anything else."""
    lowered = value.strip().lower()
    return True if lowered in _TRUE else False if lowered in _FALSE else None


def expectation(spec: Spec, value: str) -> str | None:
    """What ``value`` should be, e.g. ``"a whole number from 1 to 65535"``; ``None`` if it fits."""
    if spec.choices and value not in spec.choices:
        return f"one of {', '.join(spec.choices)}"
    if spec.min_length is not None and len(value) < spec.min_length:
        return f"at least {spec.min_length} characters long"
    return _TYPES[spec.type](spec, value)


def example(spec: Spec) -> str:
    """A value that fits, for a fix such as ``e.g. PORT=8000``."""
    if spec.example:
        return spec.example
    if spec.min_length is not None:
        return f"<{spec.min_length} or more characters>"
    return spec.choices[0] if spec.choices else _EXAMPLES.get(spec.type, "...")


def _int(spec: Spec, value: str) -> str | None:
    low, high = spec.minimum, spec.maximum
    if low is not None and high is not None:
        wanted = f"a whole number from {low} to {high}"
    elif low is not None:
        wanted = f"a whole number of at least {low}"
    else:
        wanted = "a whole number"
    if not _WHOLE.fullmatch(value):
        return wanted
    number = int(value)
    fits = (low is None or number >= low) and (high is None or number <= high)
    return None if fits else wanted


def _float(spec: Spec, value: str) -> str | None:
    try:
        float(value)
    except ValueError:
        return "a number"
    return None


def _bool(spec: Spec, value: str) -> str | None:
    return None if parse_bool(value) is not None else "true or false (or 1/0, yes/no, on/off)"


def _url(spec: Spec, value: str) -> str | None:
    _, host = _scheme_and_host(value)
    return None if host else "a URL such as https://example.com/path"


def _postgres_url(spec: Spec, value: str) -> str | None:
    """Heroku's ``postgres://`` and ``postgresql+psycopg://`` count; no host means a socket."""
    scheme, _ = _scheme_and_host(value)
    if scheme in ("postgres", "postgresql") or scheme.startswith("postgresql+"):
        return None
    return "a PostgreSQL URL such as postgresql://user:password@localhost:5432/name"


def _scheme_and_host(value: str) -> tuple[str, str]:
    """``("https", "example.com")`` for a URL; ``("", "")`` for what is not ``scheme://...``."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return "", ""
    if not parts.scheme or not value[len(parts.scheme) :].startswith("://"):
        return "", ""
    return parts.scheme.lower(), parts.netloc


_TYPES: dict[str, Callable[[Spec, str], str | None]] = {
    "str": lambda spec, value: None,
    "int": _int,
    "float": _float,
    "bool": _bool,
    "url": _url,
    "postgres_url": _postgres_url,
}

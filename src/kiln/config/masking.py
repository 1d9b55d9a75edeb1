"""Keep secrets off the screen: whole values for secret names, only the password inside URLs."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

MASK = "********"
_SECRET_WORDS = ("SECRET", "PASSWORD", "TOKEN", "KEY")


def is_secret_name(name: str) -> bool:
    """Names like ``SECRET_KEY`` or ``STRIPE_TOKEN`` hold secrets, whatever the value looks like."""
    upper = name.upper()
    return any(word in upper for word in _SECRET_WORDS)


def display(value: str, *, secret: bool, reveal: bool) -> str:
    if reveal:
        return value
    return MASK if secret else mask_url_password(value)


def mask_url_password(value: str) -> str:
    """``postgresql://app:pw@db/shop`` -> ``postgresql://app:********@db/shop``; else unchanged."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return value
    if parts.password is None:
        return value
    userinfo, _, host = parts.netloc.rpartition("@")
    user = userinfo.partition(":")[0]
    return urlunsplit(parts._replace(netloc=f"{user}:{MASK}@{host}"))

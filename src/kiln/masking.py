"""Keep secrets off the screen: whole values of secret settings, only the password inside URLs.

Every place kiln prints a URL or a setting goes through here, so the same secret always looks the
same (``********``) whichever command shows it.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

MASK = "********"
_SECRET_WORDS = ("SECRET", "PASSWORD", "TOKEN", "KEY")


def is_secret_name(name: str) -> bool:
    """Names like ``SECRET_KEY`` or ``STRIPE_TOKEN`` hold secrets, whatever the value looks like."""
    upper = name.upper()
    return any(word in upper for word in _SECRET_WORDS)


def display(value: str, *, secret: bool, reveal: bool) -> str:
    """``value`` as it may be printed: masked whole when ``secret``, else its URL password only."""
    if reveal:
        return value
    return MASK if secret else mask_url(value)


def mask_url(value: str) -> str:
    """``postgresql://app:pw@db/shop`` -> ``postgresql://app:********@db/shop``; else unchanged.

    The last ``@`` ends the credentials, so a password that holds ``@`` or ``:`` is masked whole.
    """
    try:
        parts = urlsplit(value)
    except ValueError:
        return value
    userinfo, at, hosts = parts.netloc.rpartition("@")
    if not at or ":" not in userinfo:
        return value
    user = userinfo.partition(":")[0]
    return urlunsplit(parts._replace(netloc=f"{user}:{MASK}@{hosts}"))

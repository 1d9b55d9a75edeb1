"""Keep secrets off the screen, told by their name, by their declaration, or by their shape.

A setting is masked whole when its name says it holds a secret (``DB_PASS``, ``GITHUB_PAT``), when
the project declares it ``secret = true``, or when its value looks like a credential whatever its
name (a ``Bearer`` header, a GitHub or Stripe token, a private key). In a URL, only the secret
parts go: the password, a key used as the user (a Sentry DSN), a ``?password=`` parameter.

Every place kiln prints a URL or a setting goes through here, so the same secret always looks the
same (``********``) whichever command shows it.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

MASK = "********"

# Name parts that hold a secret wherever they appear (``STRIPE_API_KEY``, ``KeyRing``) ...
_SECRET_PARTS = (
    "SECRET",
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "TOKEN",
    "KEY",
    "CREDENTIAL",
    "PRIVATE",
    "AUTHORIZATION",
)
# ... and short ones only as whole words, so PAT is a secret but PATH is not, AUTH but not AUTHOR.
_SECRET_WORDS = frozenset({"PASS", "PW", "PWD", "PAT", "AUTH", "DSN", "SALT"})

# Values that are credentials whatever they are called: the prefixes services give their tokens.
_CREDENTIAL = re.compile(
    r"""
    -----BEGIN[A-Z ]*PRIVATE\ KEY-----
    | ^\s*(?i:Bearer|Basic|Token)\s+[\w.~+/=-]{8,}\s*$  # an Authorization header's value
    | \b(?:
        gh[pousr]_[A-Za-z0-9]{20,}                 # GitHub
      | github_pat_\w{20,}
      | glpat-[\w-]{20,}                           # GitLab
      | (?:sk|rk)_(?:live|test)_\w{10,}            # Stripe secret and restricted keys
      | whsec_\w{10,}
      | xox[abeoprs]-[\w-]{10,}                    # Slack
      | xapp-[\w-]{10,}
      | (?:AKIA|ASIA)[0-9A-Z]{16}                  # AWS access key IDs
      | AIza[\w-]{35}                              # Google API keys
      | sk-(?:proj-|ant-)?[\w-]{20,}               # OpenAI, Anthropic
      | npm_[A-Za-z0-9]{36}
      | pypi-[\w-]{50,}
      | SG\.[\w-]{16,}\.[\w-]{16,}                 # SendGrid
      | eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]*       # a JSON Web Token
    )
    """,
    re.VERBOSE,
)
# A URL's user that is a key rather than a name: Sentry's DSNs carry 32 hex digits there.
_KEY_LIKE_USER = re.compile(r"[0-9a-f]{16,}|(?=.*\d)(?=.*[a-z])[\w-]{24,}", re.IGNORECASE)


def is_secret_name(name: str) -> bool:
    """Names like ``SECRET_KEY``, ``DB_PASS`` or ``SENTRY_DSN`` hold secrets, whatever the value."""
    upper = name.upper()
    words = set(re.split(r"[^A-Z0-9]+", upper))
    return any(part in upper for part in _SECRET_PARTS) or bool(words & _SECRET_WORDS)


def looks_like_credential(value: str) -> bool:
    """Whether ``value`` is shaped like a token, a private key or an Authorization header."""
    return _CREDENTIAL.search(value) is not None


def display(value: str, *, secret: bool, reveal: bool) -> str:
    """``value`` as it may be printed: masked whole when ``secret`` or shaped like a
    credential, else with the secret parts of a URL masked."""
    if reveal:
        return value
    return MASK if secret or looks_like_credential(value) else mask_url(value)


def mask_url(value: str) -> str:
    """``postgresql://app:pw@db/shop`` -> ``postgresql://app:********@db/shop``; else unchanged.

    The last ``@`` ends the credentials, so a password that holds ``@`` or ``:`` is masked whole.
    A user that is a key (``https://KEY@sentry.io/1``) and query parameters with secret names
    (``?password=``, ``?api_key=``) are masked too.
    """
    try:
        parts = urlsplit(value)
    except ValueError:
        return value
    masked = parts._replace(netloc=_mask_userinfo(parts.netloc), query=_mask_query(parts.query))
    return value if masked == parts else urlunsplit(masked)


def _mask_userinfo(netloc: str) -> str:
    """``user:password@host`` with the password masked, and the user too when it is a key."""
    userinfo, at, hosts = netloc.rpartition("@")
    if not at:
        return netloc
    user, colon, _ = userinfo.partition(":")
    if _KEY_LIKE_USER.fullmatch(user) or looks_like_credential(user):
        user = MASK
    return f"{user}{colon}{MASK if colon else ''}@{hosts}"


def _mask_query(query: str) -> str:
    """``?sslmode=require&password=pw`` -> ``?sslmode=require&password=********``."""
    pairs = parse_qsl(query, keep_blank_values=True)
    if not any(is_secret_name(name) for name, _ in pairs):
        return query
    return urlencode([(n, MASK if is_secret_name(n) else v) for n, v in pairs], safe="*/")

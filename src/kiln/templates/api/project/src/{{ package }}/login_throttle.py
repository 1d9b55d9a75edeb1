"""Failed logins, throttled per account and per client address.

After ``LOGIN_FAILURES_PER_ACCOUNT`` failures for one email within ``LOGIN_FAILURE_WINDOW``
(or ``LOGIN_FAILURES_PER_ADDRESS`` from one address: far more, since an office or a mobile
network shares one), logins for it are refused with a 429 until the window ends, the right
password included: checking it would tell a guesser when they found it. A refused login costs
no password hash, so guessing cannot hold the workers busy either.

The counts live in PostgreSQL (``login_failures``), so the limit holds across workers and
machines. A window starts at its key's first failure; a successful login clears the account's
count, never the address's (a guesser could otherwise reset it with an account of their own).
"""

from __future__ import annotations

import ipaddress
import math
from datetime import datetime

from flask import current_app
from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.dialects.postgresql import insert
from werkzeug.exceptions import TooManyRequests

from .extensions import db
from .models import LoginFailure


def check(email: str, address: str | None) -> None:
    """Raise a 429 with ``Retry-After`` while either the account or the address is locked."""
    limits = _limits(email, address)
    ends = LoginFailure.window_started + current_app.config["LOGIN_FAILURE_WINDOW"]
    rows = db.session.execute(
        select(LoginFailure.key, LoginFailure.failures, ends - func.now()).where(
            LoginFailure.key.in_(limits), ends > func.now()
        )
    ).all()
    waits = [left for key, failures, left in rows if failures >= limits[key]]
    if waits:
        seconds = math.ceil(max(waits).total_seconds())
        raise TooManyRequests(
            description=f"Too many failed logins: try again in {_duration(seconds)}",
            retry_after=seconds,
        )


def record_failure(email: str, address: str | None) -> None:
    """Count one failed login against the account and the address; a key whose window is over
    starts a new one (its row, with every other one that is over, is deleted first)."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.window_started <= _window_start()))
    rows = [{"key": key, "failures": 1} for key in _limits(email, address)]
    db.session.execute(
        insert(LoginFailure)
        .values(rows)
        .on_conflict_do_update(
            index_elements=[LoginFailure.key], set_={"failures": LoginFailure.failures + 1}
        )
    )


def forget(email: str) -> None:
    """Clear the account's failures after it logged in."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.key == _account(email)))


def _limits(email: str, address: str | None) -> dict[str, int]:
    """Each key counted for this login, with its limit."""
    config = current_app.config
    limits = {_account(email): config["LOGIN_FAILURES_PER_ACCOUNT"]}
    if address:
        limits[_address(address)] = config["LOGIN_FAILURES_PER_ADDRESS"]
    return limits


def _account(email: str) -> str:
    return f"account:{email.lower()}"


def _address(address: str) -> str:
    """IPv4 addresses one by one; IPv6 by /64, the least a site or a phone gets, so an attacker
    cannot step through the addresses of their own network."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return f"address:{address}"
    if ip.version == 6:
        return f"address:{ipaddress.ip_network(f'{ip}/64', strict=False)}"
    return f"address:{ip}"


def _window_start() -> ColumnElement[datetime]:
    """The earliest failure still counted."""
    return func.now() - current_app.config["LOGIN_FAILURE_WINDOW"]


def _duration(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} seconds"
    return f"{math.ceil(seconds / 60)} minutes"

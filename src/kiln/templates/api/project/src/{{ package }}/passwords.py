"""Passwords, hashed with argon2id; only the hash is stored.

Each hash records the cost it was made with, so raising the cost (``PASSWORD_HASHING`` in
config.py) upgrades a user's hash at their next login (``needs_rehash``).
"""

from __future__ import annotations

import secrets
from functools import cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app

_EXTENSION = "passwords"


class Passwords:
    """The app's hasher, with the cost its config asks for."""

    def __init__(self, **cost: int) -> None:
        self.hasher = PasswordHasher(**cost)

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)

    def check(self, password_hash: str | None, password: str) -> bool:
        """Whether ``password`` matches. Without a hash (no such account, or one without a
        password) a decoy is checked, so the answer takes as long and reveals nothing."""
        if not password_hash:
            self._matches(self._decoy, password)
            return False
        return self._matches(password_hash, password)

    def needs_rehash(self, password_hash: str | None) -> bool:
        """Whether a hash was made with another cost than the config's (and should be redone)."""
        return password_hash is not None and self.hasher.check_needs_rehash(password_hash)

    def _matches(self, password_hash: str, password: str) -> bool:
        try:
            return self.hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    @cached_property
    def _decoy(self) -> str:
        return self.hasher.hash(secrets.token_hex(16))


def init_app(app: Flask) -> None:
    app.extensions[_EXTENSION] = Passwords(**app.config["PASSWORD_HASHING"])


def passwords() -> Passwords:
    """The current app's ``Passwords``."""
    return current_app.extensions[_EXTENSION]

"""What a new password must be: long enough, and hard to guess.

The length comes from ``PASSWORD_MIN_LENGTH`` (config.py). How hard a password is to guess is
zxcvbn's estimate (the ``zxcvbn`` package, Dropbox's algorithm): it knows common passwords, words,
names, keyboard walks, repeats, sequences and dates, and it is told the account's email and
username, so neither passes for a secret. A password must score 3 of 4, "safely unguessable":
enough against an offline attack on a slow hash such as argon2id.
"""

from __future__ import annotations

from collections.abc import Iterable

from zxcvbn import zxcvbn

MIN_SCORE = 3
# zxcvbn's cost grows quickly with length (a second for 128 characters): a longer password is
# judged by its start, which suffices, since a password that starts hard to guess stays so.
CHECKED_LENGTH = 32
_DEFAULT_ADVICE = "Add another word or two. Uncommon words are better."


def weakness(password: str, personal: Iterable[str]) -> str | None:
    """Why ``password`` is too easy to guess, saying what to do instead; ``None`` if it is not.

    ``personal`` is what others know of the account (its email, its username).
    """
    known = [text for value in personal for text in (value, value.partition("@")[0]) if text]
    result = zxcvbn(password[:CHECKED_LENGTH], user_inputs=known)
    if result["score"] >= MIN_SCORE:
        return None
    feedback = result["feedback"]
    advice = " ".join([feedback["warning"], *feedback["suggestions"]]).strip()
    return f"is too easy to guess. {advice or _DEFAULT_ADVICE}"

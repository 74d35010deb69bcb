"""What makes a staff password acceptable, NIST SP 800-63B style: long enough, not common or
easy to guess, and not the account's own email address or name.

The guessing estimate is zxcvbn's (the Dropbox estimator, ported to Python): its frequency
lists of common passwords, words and names, and its patterns (repeats like ``aaaa``,
sequences like ``abcd`` or ``1234``, keyboard runs, dates). No composition rules and no expiry:
NIST advises against both.
"""

from __future__ import annotations

import re
from functools import cache

from pwdlib import PasswordHash

MIN_PASSWORD = 12
# zxcvbn's scores run 0-4; 3 is "safely unguessable: moderate protection from offline attack".
MIN_SCORE = 3
# zxcvbn estimates at most 72 characters (its time grows quickly with length): a longer
# password is judged by its start, which is plenty.
_ESTIMATE_CHARS = 72
_SEPARATORS = re.compile(r"[\s@._+-]+")

_HASHER = PasswordHash.recommended()
# The stored hash of an account whose person hasn't chosen a password yet (an invitation):
# no password matches it, and it is never handed to argon2.
NO_PASSWORD = ""


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password: str, hashed: str) -> bool:
    """The argon2 check itself (the app runs it in threads of its own: api.password_checks)."""
    if hashed == NO_PASSWORD:
        return False
    return _HASHER.verify(password, hashed)


@cache
def dummy_hash() -> str:
    """Checked against when the email is unknown, so a wrong email takes as long as a wrong
    password. Made on first use: an argon2 hash takes about 0.1 s, at every worker's start."""
    return _HASHER.hash("not a real password, only for timing")


def password_problem(password: str, email: str = "", name: str = "") -> str | None:
    """Why this password can't be used, in plain words; None if it can."""
    from zxcvbn import zxcvbn

    if len(password) < MIN_PASSWORD:
        return f"The password must be at least {MIN_PASSWORD} characters long."
    folded = password.lower()
    own = [text.strip().lower() for text in (email, email.split("@")[0], name) if text.strip()]
    if any(len(text) >= 4 and text in folded for text in own):
        return "The password must not have the account's email address or name in it."
    hints = [part for text in own for part in _SEPARATORS.split(text) if len(part) >= 3]
    if zxcvbn(password[:_ESTIMATE_CHARS], user_inputs=hints)["score"] < MIN_SCORE:
        return (
            "This password is too easy to guess. Try three or four ordinary words together, "
            "like: kettle garden blue river."
        )
    return None

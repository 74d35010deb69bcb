"""Two-factor login: a code from an authenticator app (TOTP, RFC 6238) after the password,
or one of the account's recovery codes; and logging in, which asks for it.

The authenticator key is stored as it is (the server must compute the same codes); recovery
codes are long random strings stored as SHA-256 and each works once. A code is accepted for
the 30-second step before and after the current one (a phone's clock a little out), and only
once: a step is never accepted twice, so a code seen over someone's shoulder is no use.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

import pyotp
from sqlalchemy import delete, func, select

from geodata.account_links import AccountLinks, Purpose
from geodata.passwords import verify_password
from geodata.rows import RecoveryCodeRow, UserRow
from geodata.users import LoggedIn, UserStore
from locator.accounts import StaffUser
from locator.errors import AccountInvalid, NotAuthenticated

ISSUER = "Safe Places Locator"
RECOVERY_CODES = 10
# 16 characters of base32 (80 bits): too many to guess, even from the stored hashes.
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_WINDOW = (-1, 0, 1)  # the 30-second steps accepted around now


def new_key() -> str:
    """A new authenticator key (base32, 160 bits as RFC 4226 recommends)."""
    return pyotp.random_base32(32)


def is_key(key: str) -> bool:
    """Is `key` an authenticator key as `new_key` makes them (a form may send anything)?"""
    return len(key) == 32 and all(c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" for c in key)


def key_uri(user: StaffUser, key: str) -> str:
    """The otpauth:// address a QR code carries to the authenticator app."""
    return pyotp.TOTP(key).provisioning_uri(name=user.email, issuer_name=ISSUER)


def spaced(key: str) -> str:
    """The key in groups of four, to type from the page."""
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def _digits(code: str) -> str:
    return "".join(c for c in code if not c.isspace() and c != "-").upper()


def _code_hash(code: str) -> str:
    return hashlib.sha256(_digits(code).encode()).hexdigest()


def _recovery_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def _wrong_code() -> NotAuthenticated:
    return NotAuthenticated(
        "That code is not right. Type the 6 numbers your authenticator app shows now, "
        "or one of your recovery codes.",
        log_message="wrong two-factor code",
    )


@dataclass(frozen=True, slots=True)
class CodeNeeded:
    """A right password for an account with two-factor login: the code comes next, within
    `StaffSettings.code_minutes`, from the browser holding `token`."""

    user: StaffUser
    token: str


class TwoFactor:
    """Turning two-factor login on and off, checking codes, and the login that asks for one."""

    def __init__(self, users: UserStore, links: AccountLinks) -> None:
        self.users = users
        self.links = links

    # -- logging in -----------------------------------------------------------------------

    def start_login(
        self, email: str, password: str, source: str, device: str = ""
    ) -> LoggedIn | CodeNeeded:
        """The password (throttled, as `UserStore.authenticate`); then a session, or, with
        two-factor login on, the code step."""
        user = self.users.authenticate(email, password, source, device)
        if user.two_factor:
            return CodeNeeded(user, self.links.issue(user.id, Purpose.CODE))
        return self.users.admit(user, device)

    def waiting(self, token: str) -> StaffUser | None:
        """The account whose code step `token` is, while it lasts."""
        return self.links.holder(token, Purpose.CODE)

    def finish_login(self, token: str, code: str, source: str, device: str = "") -> LoggedIn:
        """The code after the password: a session. A wrong code is counted with the login
        throttle (`TooManyTries` after too many); an expired step is `NotAuthenticated`."""
        user = self.waiting(token)
        if user is None:
            raise NotAuthenticated(
                "That took too long. Please log in again.", log_message="code step expired"
            )
        keys = self.links.check_tries("code", user.email, source)
        if not self.check(user.id, code):
            self.links.count_try(keys)
            raise _wrong_code()
        if self.links.use(token, Purpose.CODE) is None:  # used by another request meanwhile
            raise NotAuthenticated("Please log in again.", log_message="code step reused")
        return self.users.admit(user, device)

    # -- codes ----------------------------------------------------------------------------

    def check(self, user_id: int, code: str) -> bool:
        """Is `code` the account's authenticator code now (used up if so), or one of its
        unused recovery codes (then used up)?"""
        typed = _digits(code)
        if not typed or len(typed) > 40:
            return False
        with self.users.writes.begin() as session:
            row = session.get(UserRow, user_id, with_for_update=True)
            if row is None or row.totp_secret is None:
                return False
            if typed.isdigit() and len(typed) == 6:
                totp, now = pyotp.TOTP(row.totp_secret), self.users.clock()
                for step in (totp.timecode(now) + d for d in _WINDOW):
                    if step > (row.totp_last_step or -1) and hmac.compare_digest(
                        totp.generate_otp(step), typed
                    ):
                        row.totp_last_step = step
                        return True
                return False
            found = session.scalar(
                select(RecoveryCodeRow).where(
                    RecoveryCodeRow.user_id == user_id,
                    RecoveryCodeRow.code_hash == _code_hash(typed),
                    RecoveryCodeRow.used_at.is_(None),
                )
            )
            if found is None:
                return False
            found.used_at = self.users.clock()
            return True

    def recovery_codes_left(self, user_id: int) -> int:
        with self.users.sessions() as session:
            count = session.scalar(
                select(func.count())
                .select_from(RecoveryCodeRow)
                .where(RecoveryCodeRow.user_id == user_id, RecoveryCodeRow.used_at.is_(None))
            )
            return int(count or 0)

    # -- turning it on and off ------------------------------------------------------------

    def turn_on(self, user_id: int, key: str, code: str) -> list[str]:
        """Two-factor login on with `key`, once `code` shows the app has it. Returns the new
        recovery codes: shown once, never again (only their hashes are kept)."""
        key, typed = _digits(key), _digits(code)
        totp = pyotp.TOTP(key if is_key(key) else new_key())  # a changed key matches nothing
        now_step = totp.timecode(self.users.clock())
        matched = [
            step
            for step in (now_step + d for d in _WINDOW)
            if hmac.compare_digest(totp.generate_otp(step), typed)
        ]
        if not matched:
            message = (
                "That code is not right. Type the 6 numbers your authenticator app shows "
                "for Safe Places Locator now."
            )
            raise AccountInvalid(
                message, log_message="two-factor set-up code wrong", field_errors={"code": message}
            )
        codes = [_recovery_code() for _ in range(RECOVERY_CODES)]
        with self.users.writes.begin() as session:
            row = session.get(UserRow, user_id, with_for_update=True)
            if row is None:
                raise NotAuthenticated("Please log in again.", log_message="account gone")
            row.totp_secret, row.totp_last_step = key, matched[0]
            session.execute(delete(RecoveryCodeRow).where(RecoveryCodeRow.user_id == user_id))
            session.add_all(
                RecoveryCodeRow(user_id=user_id, code_hash=_code_hash(c)) for c in codes
            )
        return codes

    def reset(self, user_id: int) -> None:
        """Two-factor login off without the password: for the server's operator, when
        someone has lost both their phone and their recovery codes."""
        with self.users.writes.begin() as session:
            row = session.get(UserRow, user_id, with_for_update=True)
            if row is not None:
                row.totp_secret, row.totp_last_step = None, None
            session.execute(delete(RecoveryCodeRow).where(RecoveryCodeRow.user_id == user_id))

    def turn_off(self, user_id: int, password: str) -> None:
        """Two-factor login off, once the account's password shows it is its person."""
        with self.users.writes.begin() as session:
            row = session.get(UserRow, user_id, with_for_update=True)
            if row is None or not verify_password(password, row.password_hash):
                message = "Your password is not right. Two-factor login is still on."
                raise AccountInvalid(
                    message,
                    log_message="two-factor turn-off refused",
                    field_errors={"password": message},
                )
            row.totp_secret, row.totp_last_step = None, None
            session.execute(delete(RecoveryCodeRow).where(RecoveryCodeRow.user_id == user_id))

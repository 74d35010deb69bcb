"""Single-use links sent by email: "forgot your password", an invitation, and the short wait
between a right password and its two-factor code.

The link carries a long random token; only its SHA-256 is stored (a fast hash is right for a
high-entropy secret). A link works once, until it expires, and only while it is the newest of
its kind for the account: a new one replaces it, and a password change, a disabled account or
a deleted one ends every link (geodata.users).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from enum import StrEnum

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from geodata.passwords import hash_password, password_problem
from geodata.rows import AccountLinkRow, SessionRow, UserRow
from geodata.throttle import LoginTry
from geodata.users import UserStore
from locator.accounts import StaffUser
from locator.errors import AccountInvalid
from locator.settings import StaffSettings


class Purpose(StrEnum):
    RESET = "reset"  # set a new password (the person forgot theirs, or an admin sent it)
    INVITE = "invite"  # set the first password of an account an admin made
    CODE = "code"  # a right password, waiting for the two-factor code


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _invalid(message: str) -> AccountInvalid:
    return AccountInvalid(
        message, log_message="password link refused", field_errors={"password": message}
    )


class AccountLinks:
    """Issue, check and use account links; `users` gives the database and the clock."""

    def __init__(self, users: UserStore, settings: StaffSettings) -> None:
        self.users = users
        self.settings = settings

    def lifetime(self, purpose: Purpose) -> timedelta:
        if purpose is Purpose.INVITE:
            return timedelta(days=self.settings.invitation_days)
        if purpose is Purpose.CODE:
            return timedelta(minutes=self.settings.code_minutes)
        return timedelta(minutes=self.settings.reset_link_minutes)

    def issue(self, user_id: int, purpose: Purpose) -> str:
        """A new link's token for the account; its older links of this kind stop working (a
        reset and an invitation replace each other: both set the password)."""
        kinds = [purpose.value]
        if purpose is not Purpose.CODE:
            kinds = [Purpose.RESET.value, Purpose.INVITE.value]
        token = secrets.token_urlsafe(32)
        now = self.users.clock()
        with self.users.writes.begin() as session:
            session.execute(
                delete(AccountLinkRow).where(
                    AccountLinkRow.user_id == user_id, AccountLinkRow.purpose.in_(kinds)
                )
            )
            session.add(
                AccountLinkRow(
                    id_hash=_hash(token),
                    user_id=user_id,
                    purpose=purpose.value,
                    created_at=now,
                    expires_at=now + self.lifetime(purpose),
                )
            )
        return token

    def _live(self, session: Session, token: str, purpose: Purpose) -> UserRow | None:
        if not token or len(token) > 100:
            return None
        link = session.get(AccountLinkRow, _hash(token))
        if link is None or link.purpose != purpose.value or link.expires_at <= self.users.clock():
            return None
        user = session.get(UserRow, link.user_id)
        return user if user is not None and user.active else None

    def holder(self, token: str, purpose: Purpose) -> StaffUser | None:
        """The account a live link is for; None if it is unknown, used, replaced or expired."""
        with self.users.sessions() as session:
            row = self._live(session, token, purpose)
            return row.to_user() if row is not None else None

    def use(self, token: str, purpose: Purpose) -> StaffUser | None:
        """Use up a live link (a login's code step): the account, or None."""
        with self.users.writes.begin() as session:
            row = self._live(session, token, purpose)
            session.execute(delete(AccountLinkRow).where(AccountLinkRow.id_hash == _hash(token)))
            return row.to_user() if row is not None else None

    def set_password(self, token: str, purpose: Purpose, new: str, again: str) -> StaffUser:
        """The password chosen through a reset or invitation link. The link and every other
        one for the account stop working, and every session ends (whoever knew the old
        password is logged out); the account's count of wrong tries starts again."""
        expired = _invalid("This link has expired or has already been used. Ask for a new one.")
        if self.holder(token, purpose) is None:
            raise expired
        if new != again:
            raise _invalid("The two passwords are not the same. Type the same one twice.")
        with self.users.writes.begin() as session:
            row = self._live(session, token, purpose)
            if row is None:  # used by another request meanwhile
                raise expired
            problem = password_problem(new, row.email, row.name)
            if problem is not None:
                raise _invalid(problem)
            row.password_hash = hash_password(new)
            session.execute(delete(AccountLinkRow).where(AccountLinkRow.user_id == row.id))
            session.execute(delete(SessionRow).where(SessionRow.user_id == row.id))
            self.users.throttle.forget_account(session, row.email)
            return row.to_user()

    def check_tries(self, kind: str, email: str, source: str) -> list[str]:
        """Ask the login throttle about a request that sends mail or checks a code (`kind`
        "reset" or "code"), counted under keys of its own kind: `TooManyTries` when there
        have been too many lately; else the keys `count_try` adds to."""
        attempt = LoginTry.of(f"{kind}:{email}", source)
        with self.users.sessions() as session:
            return self.users.throttle.check(session, attempt, self.users.clock())

    def count_try(self, keys: list[str]) -> None:
        with self.users.writes.begin() as session:
            self.users.throttle.failed(session, keys, self.users.clock())

    def pending(self, user_id: int) -> bool:
        """Has the account a live invitation link (an invited colleague, not yet expired)?"""
        with self.users.sessions() as session:
            found = session.scalar(
                select(AccountLinkRow.expires_at).where(
                    AccountLinkRow.user_id == user_id,
                    AccountLinkRow.purpose == Purpose.INVITE.value,
                )
            )
            return found is not None and found > self.users.clock()

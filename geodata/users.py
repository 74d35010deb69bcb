"""Staff accounts: argon2 password hashes, throttled logins (geodata.throttle), API tokens.

Tokens are long random strings shown once; only their SHA-256 is stored (a fast hash is
right for high-entropy secrets; passwords, which people choose, get argon2).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from geodata.passwords import (
    NO_PASSWORD,
    dummy_hash,
    hash_password,
    password_problem,
    verify_password,
)
from geodata.rows import AccountLinkRow, RecoveryCodeRow, SessionRow, TokenRow, UserRow
from geodata.throttle import LoginThrottle, LoginTry
from locator.accounts import Role, StaffUser
from locator.errors import AccountDisabled, NotAuthenticated
from locator.settings import LoginSettings

MAX_TEXT = 200  # the email and name columns' size
TOKEN_PREFIX = "sp_"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; they were written in UTC.
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


SESSION_LENGTH = timedelta(hours=8)


@dataclass(frozen=True, slots=True)
class StaffSession:
    user: StaffUser
    csrf_token: str


@dataclass(frozen=True, slots=True)
class LoggedIn:
    """A login that worked: the account, its new session's cookie and the device cookie."""

    user: StaffUser
    session_id: str
    device: str


class UserStore:
    """Accounts and tokens. `clock` is injectable so tests need not wait."""

    def __init__(
        self,
        engine: Engine,
        writer: Engine | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        limits: LoginSettings | None = None,
        verify: Callable[[str, str], bool] = verify_password,
    ) -> None:
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self.writes = sessionmaker(writer or engine, expire_on_commit=False)
        self.clock = clock
        self.throttle = LoginThrottle(limits or LoginSettings())
        self.verify = verify  # for logins: the app gives it threads of its own

    # -- accounts -------------------------------------------------------------------------

    def create_user(
        self,
        email: str,
        name: str,
        role: Role,
        password: str | None,
        areas: frozenset[str] = frozenset(),
    ) -> StaffUser:
        """A new account; with no `password`, an invited one (it sets its own by email)."""
        email = email.strip().lower()
        if "@" not in email:
            raise ValueError("The email address needs an @.")
        if "\x00" in email + name:  # PostgreSQL can't store it
            raise ValueError("The email address and name can't have hidden control characters.")
        if len(email) > MAX_TEXT or len(name.strip()) > MAX_TEXT:
            raise ValueError(f"The email address and name must be at most {MAX_TEXT} characters.")
        if password is not None:
            self._check_password(password, email=email, name=name)
        if role is Role.EDITOR and not areas:
            raise ValueError("An editor needs at least one area (a local authority code).")
        with self.writes.begin() as session:
            if session.scalar(select(UserRow.id).where(UserRow.email == email)) is not None:
                raise ValueError(f"There is already an account for {email}.")
            row = UserRow(
                email=email,
                name=name.strip() or email,
                role=role.value,
                areas=",".join(sorted(areas)),
                password_hash=NO_PASSWORD if password is None else hash_password(password),
                active=True,
                failed_logins=0,
                created_at=self.clock(),
            )
            session.add(row)
            session.flush()
            return row.to_user()

    def _check_password(
        self, password: str, user_id: int | None = None, email: str = "", name: str = ""
    ) -> None:
        if user_id is not None:
            account = self.account(user_id)
            email, name = (account.email, account.name) if account else ("", "")
        problem = password_problem(password, email, name)
        if problem is not None:
            raise ValueError(problem)

    def _row(self, session: Session, user_id: int) -> UserRow:
        row = session.get(UserRow, user_id, with_for_update=True)
        if row is None:
            raise ValueError("There is no such account. It may have been deleted.")
        return row

    def _keep_an_admin(self, session: Session, row: UserRow) -> None:
        """Refuse a change that would leave no active admin to manage accounts."""
        others = session.scalar(
            select(func.count())
            .select_from(UserRow)
            .where(UserRow.role == Role.ADMIN.value, UserRow.active, UserRow.id != row.id)
            .where(UserRow.password_hash != NO_PASSWORD)  # an invited admin can't log in yet
        )
        if row.role == Role.ADMIN.value and row.active and not others:
            raise ValueError(
                f"{row.email} is the only active admin. Make another admin first, "
                "so someone can still manage accounts."
            )

    def _end_sessions(self, session: Session, user_id: int) -> None:
        """Its sessions end, and the links emailed to it (geodata.account_links)."""
        session.execute(delete(SessionRow).where(SessionRow.user_id == user_id))
        session.execute(delete(AccountLinkRow).where(AccountLinkRow.user_id == user_id))

    def _end_access(self, session: Session, user_id: int) -> None:
        """Every way in ends: the sessions, the known devices, and the API tokens (revoked,
        so enabling the account again later doesn't bring them back: whoever held one may not
        be trusted)."""
        self._end_sessions(session, user_id)
        self.throttle.forget_devices(session, user_id)
        session.execute(
            update(TokenRow)
            .where(TokenRow.user_id == user_id, TokenRow.revoked_at.is_(None))
            .values(revoked_at=self.clock())
        )

    def find(self, email: str) -> StaffUser | None:
        """The account with this email, active or not."""
        with self.sessions() as session:
            if "\x00" in email:  # no address has one; PostgreSQL refuses it in a query
                return None
            row = session.scalar(select(UserRow).where(UserRow.email == email.strip().lower()))
            return row.to_user() if row is not None else None

    def account(self, user_id: int) -> StaffUser | None:
        """An account by id, active or not (for managing it; `get` is for logging in)."""
        with self.sessions() as session:
            row = session.get(UserRow, user_id)
            return row.to_user() if row is not None else None

    def set_password(self, user_id: int, password: str) -> StaffUser:
        """A new password (an admin's reset): the account's wrong-try count starts again, and
        its sessions and API tokens end (the old password may have been used to make them)."""
        self._check_password(password, user_id)
        with self.writes.begin() as session:
            row = self._row(session, user_id)
            row.password_hash = hash_password(password)
            self.throttle.forget_account(session, row.email)
            self._end_access(session, user_id)
            return row.to_user()

    def change_own_password(
        self, user_id: int, current: str, new: str, keep_session: str = ""
    ) -> None:
        """A person changing their own password: the current one must be right.

        Their other sessions end (someone else may have been using the old password); the
        session they did it from (`keep_session`, a cookie value) stays.
        """
        self._check_password(new, user_id)
        with self.writes.begin() as session:
            row = self._row(session, user_id)
            if not verify_password(current, row.password_hash):
                raise ValueError("Your current password is not right. Nothing was changed.")
            if current == new:
                raise ValueError("The new password is the same as the current one. Choose another.")
            row.password_hash = hash_password(new)
            session.execute(delete(AccountLinkRow).where(AccountLinkRow.user_id == user_id))
            session.execute(
                delete(SessionRow).where(
                    SessionRow.user_id == user_id, SessionRow.id_hash != _token_hash(keep_session)
                )
            )

    def set_active(self, user_id: int, active: bool) -> StaffUser:
        """Disable (can't log in; sessions end, tokens stop working) or enable an account."""
        with self.writes.begin() as session:
            row = self._row(session, user_id)
            if not active:
                self._keep_an_admin(session, row)
                self._end_access(session, user_id)
            else:
                self.throttle.forget_account(session, row.email)
            row.active = active
            return row.to_user()

    def update(self, user_id: int, role: Role, areas: frozenset[str]) -> StaffUser:
        """Change an account's role and areas."""
        if role is Role.EDITOR and not areas:
            raise ValueError("An editor needs at least one area (a local authority code).")
        with self.writes.begin() as session:
            row = self._row(session, user_id)
            if role is not Role.ADMIN:
                self._keep_an_admin(session, row)
            row.role = role.value
            row.areas = ",".join(sorted(areas)) if role is Role.EDITOR else ""
            return row.to_user()

    def delete_user(self, user_id: int) -> StaffUser:
        """Delete an account with its sessions and tokens.

        Place histories keep the email address that made each change, so nothing is lost.
        """
        with self.writes.begin() as session:
            row = self._row(session, user_id)
            self._keep_an_admin(session, row)
            user = row.to_user()
            self._end_sessions(session, user_id)
            self.throttle.forget_devices(session, user_id)
            session.execute(delete(TokenRow).where(TokenRow.user_id == user_id))
            session.execute(delete(RecoveryCodeRow).where(RecoveryCodeRow.user_id == user_id))
            session.delete(row)
            return user

    def users(self) -> list[StaffUser]:
        with self.sessions() as session:
            return [r.to_user() for r in session.scalars(select(UserRow).order_by(UserRow.email))]

    def names(self) -> dict[str, str]:
        """Each account's name by its email: histories record who by email; staff read names."""
        return {user.email: user.name for user in self.users()}

    def get(self, user_id: int) -> StaffUser | None:
        with self.sessions() as session:
            row = session.get(UserRow, user_id)
            return row.to_user() if row is not None and row.active else None

    def authenticate(
        self, email: str, password: str, source: str = "", device: str = ""
    ) -> StaffUser:
        """The account for these credentials, or `NotAuthenticated` / `TooManyTries`.

        `source` is the client's address and `device` the browser's device cookie. The
        throttle is asked first, so a refused try costs a database read, not a hash; it
        never waits.
        """
        attempt, now = LoginTry.of(email, source, device), self.clock()
        with self.sessions() as session:
            keys = self.throttle.check(session, attempt, now)
        try:
            user = self._verify(attempt.email, password)
        except NotAuthenticated:
            with self.writes.begin() as session:
                self.throttle.failed(session, keys, now)
            raise
        with self.writes.begin() as session:
            self.throttle.passed(session, attempt)
        return user

    def log_in(self, email: str, password: str, source: str, device: str = "") -> LoggedIn:
        """A person logging in to the staff pages: checked as `authenticate`, then a new
        session, and the browser remembered as a known device for the account."""
        return self.admit(self.authenticate(email, password, source, device), device)

    def admit(self, user: StaffUser, device: str = "") -> LoggedIn:
        """A session for someone who has shown who they are (a password, and its code if
        the account has two-factor login on), the browser remembered as a known device."""
        with self.writes.begin() as session:
            device = self.throttle.remember(session, user.id, device, self.clock())
        return LoggedIn(user, self.start_session(user), device)

    def _verify(self, email: str, password: str) -> StaffUser:
        wrong = NotAuthenticated(
            "The email address or password is not right.", log_message="failed login"
        )
        with self.sessions() as session:
            # No address has a NUL, and PostgreSQL refuses one in a query (a 500).
            found = select(UserRow).where(UserRow.email == email)
            row = None if "\x00" in email else session.scalar(found)
        if row is None or row.password_hash == NO_PASSWORD:  # unknown, or invited only
            self.verify(password, dummy_hash())
            raise wrong
        if not self.verify(password, row.password_hash):
            raise wrong
        if not row.active:
            # Only someone who knows the password learns the account is disabled.
            raise AccountDisabled(
                "This account is disabled. Ask an admin to enable it.",
                log_message="login to a disabled account",
            )
        return row.to_user()

    # -- tokens ---------------------------------------------------------------------------

    def create_token(self, user_id: int, name: str) -> str:
        """A new API token for a script; the plain token is returned once and never stored."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self.writes.begin() as session:
            session.add(
                TokenRow(
                    user_id=user_id,
                    name=name,
                    token_hash=_token_hash(token),
                    created_at=self.clock(),
                )
            )
        return token

    def user_for_token(self, token: str) -> StaffUser | None:
        if not token.startswith(TOKEN_PREFIX):
            return None
        with self.sessions() as session:
            row = session.scalar(
                select(UserRow)
                .join(TokenRow, TokenRow.user_id == UserRow.id)
                .where(TokenRow.token_hash == _token_hash(token), TokenRow.revoked_at.is_(None))
            )
            return row.to_user() if row is not None and row.active else None

    def revoke_token(self, token_id: int) -> None:
        with self.writes.begin() as session:
            row = session.get(TokenRow, token_id)
            if row is not None and row.revoked_at is None:
                row.revoked_at = self.clock()

    # -- login sessions -------------------------------------------------------------------

    def start_session(self, user: StaffUser) -> str:
        """A new session for a logged-in user; returns the cookie value (stored hashed)."""
        session_id = secrets.token_urlsafe(32)
        now = self.clock()
        with self.writes.begin() as session:
            session.add(
                SessionRow(
                    id_hash=_token_hash(session_id),
                    user_id=user.id,
                    csrf_token=secrets.token_urlsafe(32),
                    created_at=now,
                    expires_at=now + SESSION_LENGTH,
                )
            )
        return session_id

    def session_for(self, session_id: str) -> StaffSession | None:
        """The live session for a cookie value, or None (unknown, ended or expired)."""
        if not session_id:
            return None
        with self.sessions() as session:
            row = session.get(SessionRow, _token_hash(session_id))
            if row is None or (_aware(row.expires_at) or self.clock()) <= self.clock():
                return None
            user = session.get(UserRow, row.user_id)
            if user is None or not user.active:
                return None
            return StaffSession(user.to_user(), row.csrf_token)

    def end_session(self, session_id: str) -> None:
        with self.writes.begin() as session:
            row = session.get(SessionRow, _token_hash(session_id))
            if row is not None:
                session.delete(row)

    def tokens(self, user_id: int) -> list[tuple[int, str, bool]]:
        """(id, name, revoked) for each of a user's tokens."""
        with self.sessions() as session:
            rows = session.scalars(select(TokenRow).where(TokenRow.user_id == user_id))
            return [(r.id, r.name, r.revoked_at is not None) for r in rows]

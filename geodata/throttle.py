"""Login throttling that a stranger cannot turn against staff or the public.

Wrong passwords are counted over a sliding window (`LoginSettings.window_minutes`) under
several keys, each with its own limit:

- the source: the client address (uvicorn's, which believes ``X-Forwarded-For`` only from the
  proxies in ``SAFEPLACES_SERVER__TRUSTED_PROXIES``); an IPv6 address counts as its /64,
  which one subscriber usually holds whole. `per_source` wrong tries, whatever the accounts.
- the source and the account typed: `per_source_account`.
- the account, for browsers new to it: `per_account`. This is OWASP's "device cookie": a
  successful login gives the browser a random cookie (path /staff, HttpOnly, SameSite=Strict),
  stored hashed beside the account. A try that brings a cookie known for that account is not
  held by the account-wide count and adds nothing to it, so a stranger trying the account from
  many addresses holds up only new browsers, never the officer's own. A known device has its
  own count instead (`per_source_account`): a stolen cookie is no free pass across addresses.

Nothing is locked: a held try is refused at once (`TooManyTries`, saying when the oldest
counted try leaves the window) before any password is hashed, and is not counted itself, so
waiting always works. A right password clears its own source-and-account and device counts; a
stranger's count against the source or the account is left to run out.

The counts are rows in the database, so every worker process shares them; each key is a
SHA-256 hash, so the table holds no addresses or typed emails. Counting and then adding is not
one atomic step: tries racing each other may pass together, a few more than the limit (at most
one per login thread of each worker), never an unbounded number. Rows older than the window go
at every wrong try.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from geodata.rows import DeviceRow, LoginFailureRow, UserRow
from locator.errors import TooManyTries
from locator.settings import LoginSettings

FROM_HERE = "Too many tries from here. Please wait {wait} and try again."
FOR_ACCOUNT = (
    "Too many tries for this account. Please wait {wait} and try again, "
    "or log in from the computer you usually use."
)


def source_of(host: str) -> str:
    """The address a try is counted under: IPv4 as it is, IPv6 as its /64."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host  # a test client's name, or no address at all: counted as given
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def _hash(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class LoginTry:
    """Who is trying: the email typed, where from, and the browser's device cookie ("" if none)."""

    email: str
    source: str
    device: str = ""

    @classmethod
    def of(cls, email: str, source: str, device: str = "") -> LoginTry:
        return cls(email.strip().lower(), source_of(source), device)


@dataclass(frozen=True, slots=True)
class _Count:
    key: str
    limit: int
    words: str


def _wait_words(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


class LoginThrottle:
    """The counts for a `LoginTry`, read and written in the caller's database session."""

    def __init__(self, limits: LoginSettings) -> None:
        self.limits = limits
        self.window = timedelta(minutes=limits.window_minutes)
        self.device_age = timedelta(days=limits.device_days)

    def _known(self, session: Session, attempt: LoginTry, now: datetime) -> bool:
        """Has this browser logged in to this account lately?"""
        if not attempt.device:
            return False
        found = session.scalar(
            select(DeviceRow.token_hash)
            .join(UserRow, UserRow.id == DeviceRow.user_id)
            .where(
                DeviceRow.token_hash == _hash(attempt.device),
                UserRow.email == attempt.email,
                DeviceRow.last_login > now - self.device_age,
            )
        )
        return found is not None

    def _counts(self, attempt: LoginTry, known: bool) -> list[_Count]:
        limits = self.limits
        counts = [
            _Count(_hash("source", attempt.source), limits.per_source, FROM_HERE),
            _Count(
                _hash("pair", attempt.source, attempt.email),
                limits.per_source_account,
                FROM_HERE,
            ),
        ]
        if known:
            counts.append(
                _Count(_hash("device", attempt.device), limits.per_source_account, FROM_HERE)
            )
        else:
            counts.append(_Count(_hash("account", attempt.email), limits.per_account, FOR_ACCOUNT))
        return counts

    def check(self, session: Session, attempt: LoginTry, now: datetime) -> list[str]:
        """Raise `TooManyTries` if any count is full; else the keys a wrong try adds to."""
        counts = self._counts(attempt, self._known(session, attempt, now))
        since = now - self.window
        found = dict(
            session.execute(
                select(LoginFailureRow.key, func.count())
                .where(LoginFailureRow.key.in_([c.key for c in counts]), LoginFailureRow.at > since)
                .group_by(LoginFailureRow.key)
            ).all()
        )
        held = [
            (self._wait(session, c, since, now), c)
            for c in counts
            if found.get(c.key, 0) >= c.limit
        ]
        if held:
            seconds, count = max(held, key=lambda pair: pair[0])
            raise TooManyTries(
                count.words.format(wait=_wait_words(seconds)),
                retry_after_s=seconds,
                log_message="login refused: too many wrong passwords",
            )
        return [c.key for c in counts]

    def _wait(self, session: Session, count: _Count, since: datetime, now: datetime) -> int:
        """Seconds until the count drops below its limit: when its `limit`-th newest try
        leaves the window."""
        oldest_held = session.scalar(
            select(LoginFailureRow.at)
            .where(LoginFailureRow.key == count.key, LoginFailureRow.at > since)
            .order_by(LoginFailureRow.at.desc())
            .offset(count.limit - 1)
            .limit(1)
        )
        if oldest_held is None:
            return 1
        if oldest_held.tzinfo is None:  # SQLite hands back naive datetimes, written in UTC
            oldest_held = oldest_held.replace(tzinfo=now.tzinfo)
        return max(1, math.ceil((oldest_held + self.window - now).total_seconds()))

    def failed(self, session: Session, keys: list[str], now: datetime) -> None:
        """Count a wrong try under `keys` (from `check`), and drop every row past the window."""
        session.execute(delete(LoginFailureRow).where(LoginFailureRow.at <= now - self.window))
        session.add_all(LoginFailureRow(key=key, at=now) for key in keys)

    def passed(self, session: Session, attempt: LoginTry) -> None:
        """A right password: this browser's own counts start again."""
        mine = [_hash("pair", attempt.source, attempt.email)]
        if attempt.device:
            mine.append(_hash("device", attempt.device))
        session.execute(delete(LoginFailureRow).where(LoginFailureRow.key.in_(mine)))

    def remember(self, session: Session, user_id: int, device: str, now: datetime) -> str:
        """The device cookie for a browser that has just logged in: its own, if it was known
        for this account, else a new one. Devices unused for `device_days` are dropped."""
        session.execute(delete(DeviceRow).where(DeviceRow.last_login <= now - self.device_age))
        row = session.get(DeviceRow, _hash(device)) if device else None
        if row is not None and row.user_id == user_id:
            row.last_login = now
            return device
        token = secrets.token_urlsafe(32)
        session.add(DeviceRow(token_hash=_hash(token), user_id=user_id, last_login=now))
        return token

    def forget_account(self, session: Session, email: str) -> None:
        """An admin has vouched for the account (a reset, an enable): its count starts again."""
        account = _hash("account", email.strip().lower())
        session.execute(delete(LoginFailureRow).where(LoginFailureRow.key == account))

    def forget_devices(self, session: Session, user_id: int) -> None:
        """The account's browsers are known no more (its access has ended)."""
        session.execute(delete(DeviceRow).where(DeviceRow.user_id == user_id))

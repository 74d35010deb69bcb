"""Login throttling: per address, per address and account, and per account for new browsers
only (device cookies), on a clock the tests move; nothing ever sleeps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from geodata.rows import LoginFailureRow
from geodata.store import PlaceStore
from geodata.throttle import FOR_ACCOUNT, source_of
from geodata.users import UserStore
from locator.accounts import Role
from locator.errors import NotAuthenticated, TooManyTries
from locator.settings import LoginSettings

PASSWORD = "correct horse battery"
ANN = "ann@council.gov.uk"
# Small limits, so each test needs few (slow, argon2) wrong tries.
LIMITS = LoginSettings(per_source=6, per_source_account=3, per_account=4, window_minutes=15)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def users(database_url: str, clock: Clock) -> UserStore:
    places = PlaceStore.open(database_url)
    users = UserStore(places.engine, places.writer, clock=clock, limits=LIMITS)
    users.create_user(ANN, "Ann", Role.VIEWER, PASSWORD)
    users.create_user("bob@council.gov.uk", "Bob", Role.VIEWER, PASSWORD)
    return users


def _wrong(users: UserStore, email: str, source: str, device: str = "") -> None:
    with pytest.raises(NotAuthenticated):
        users.authenticate(email, "not the password", source, device)


def test_a_stranger_is_held_at_their_address_and_the_officer_elsewhere_is_not(
    users: UserStore,
) -> None:
    for n in range(LIMITS.per_source):
        _wrong(users, f"guess{n}@council.gov.uk", "203.0.113.9")
    with pytest.raises(TooManyTries) as held:
        users.authenticate(ANN, PASSWORD, "203.0.113.9")  # even the right password
    assert held.value.user_message.startswith("Too many tries from here. Please wait 15 minutes")
    assert held.value.retry_after_s == 15 * 60
    assert users.authenticate(ANN, PASSWORD, "198.51.100.20").email == ANN


def test_one_account_from_one_address_has_a_smaller_limit(users: UserStore, clock: Clock) -> None:
    for _ in range(LIMITS.per_source_account):
        _wrong(users, ANN, "203.0.113.9")
        clock.now += timedelta(minutes=1)
    with pytest.raises(TooManyTries) as held:
        users.authenticate(ANN, PASSWORD, "203.0.113.9")
    # The first of the three wrong tries leaves the window 15 minutes after it was made.
    assert held.value.retry_after_s == 12 * 60
    assert "Please wait 12 minutes" in held.value.user_message
    # The same address may still try other accounts; it is not held for everything.
    assert users.authenticate("bob@council.gov.uk", PASSWORD, "203.0.113.9").email.startswith("bob")
    # Refused tries are not counted: waiting always works, however often one is refused.
    clock.now += timedelta(minutes=11, seconds=59)
    with pytest.raises(TooManyTries) as held:
        users.authenticate(ANN, PASSWORD, "203.0.113.9")
    assert held.value.retry_after_s == 1 and "Please wait 1 minute " in held.value.user_message
    clock.now += timedelta(seconds=1)
    assert users.authenticate(ANN, PASSWORD, "203.0.113.9").email == ANN


def test_a_right_password_clears_its_own_count(users: UserStore) -> None:
    device = users.log_in(ANN, PASSWORD, "198.51.100.20").device
    for _ in range(2):
        for _ in range(LIMITS.per_source_account - 1):
            _wrong(users, ANN, "198.51.100.20", device)
        # Ann's typing, then her right password: her address's and device's counts restart.
        assert users.authenticate(ANN, PASSWORD, "198.51.100.20", device).email == ANN


def test_strangers_everywhere_hold_new_browsers_but_not_a_known_device(users: UserStore) -> None:
    # Ann logged in from her office browser yesterday: it holds a device cookie.
    device = users.log_in(ANN, PASSWORD, "198.51.100.20").device
    # Strangers, each from a new address (one with a made-up device cookie), fill the count.
    for n in range(LIMITS.per_account):
        _wrong(users, ANN, f"203.0.113.{n}", device="forged" if n == 0 else "")
    with pytest.raises(TooManyTries) as held:
        users.authenticate(ANN, PASSWORD, "192.0.2.50")  # a new browser, even Ann's
    assert held.value.user_message == FOR_ACCOUNT.format(wait="15 minutes")
    # Her own browser is not held, from anywhere; the cookie stays the same.
    again = users.log_in(ANN, PASSWORD, "192.0.2.51", device)
    assert again.user.email == ANN and again.device == device
    # A device cookie counts only for the account it logged in to.
    with pytest.raises(NotAuthenticated):
        users.authenticate("bob@council.gov.uk", "not the password", "192.0.2.52", device)
    assert users.log_in("bob@council.gov.uk", PASSWORD, "192.0.2.52", device).device != device


def test_a_known_device_has_its_own_count_and_adds_nothing_to_the_account(
    users: UserStore,
) -> None:
    device = users.log_in(ANN, PASSWORD, "198.51.100.20").device
    # Wrong tries from the known browser (from several addresses, as a stolen cookie might be)...
    for n in range(LIMITS.per_source_account):
        _wrong(users, ANN, f"192.0.2.{n}", device)
    with pytest.raises(TooManyTries):
        users.authenticate(ANN, PASSWORD, "192.0.2.99", device)
    # ...are not counted against the account: a new browser elsewhere still gets in.
    assert users.authenticate(ANN, PASSWORD, "198.51.100.30").email == ANN


def test_an_ipv6_address_counts_as_its_64(users: UserStore) -> None:
    assert source_of("2001:db8:1:2::1") == source_of("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert source_of("::ffff:192.0.2.1") == "192.0.2.1"
    for n in range(LIMITS.per_source_account):
        _wrong(users, ANN, f"2001:db8:1:2::{n + 1}")
    with pytest.raises(TooManyTries):
        users.authenticate(ANN, PASSWORD, "2001:db8:1:2:abcd::1")
    assert users.authenticate(ANN, PASSWORD, "2001:db8:1:3::1").email == ANN


def test_old_counts_are_cleaned_and_nothing_is_stored_plainly(
    users: UserStore, clock: Clock
) -> None:
    _wrong(users, ANN, "203.0.113.9")
    with users.sessions() as session:
        stored = session.execute(text("SELECT key FROM login_failures")).scalars().all()
    assert len(stored) == 3  # the address, the address and account, the account
    assert not any(ANN in key or "203.0.113" in key for key in stored)
    clock.now += timedelta(minutes=LIMITS.window_minutes)
    _wrong(users, "bob@council.gov.uk", "198.51.100.20")
    with users.sessions() as session:
        left = session.scalar(select(func.count()).select_from(LoginFailureRow))
        oldest = session.scalar(select(func.min(LoginFailureRow.at)))
    assert left == 3 and oldest is not None and oldest.replace(tzinfo=UTC) == clock.now


def test_a_reset_clears_the_account_count_and_forgets_its_devices(users: UserStore) -> None:
    ann = users.find(ANN)
    assert ann is not None
    device = users.log_in(ANN, PASSWORD, "198.51.100.20").device
    for n in range(LIMITS.per_account):
        _wrong(users, ANN, f"203.0.113.{n}")
    new = "a brand new passphrase"
    users.set_password(ann.id, new)
    assert users.authenticate(ANN, new, "192.0.2.50").email == ANN  # the admin vouched
    for n in range(LIMITS.per_account):
        _wrong(users, ANN, f"203.0.113.{n}", device)  # the old cookie is no longer known
    with pytest.raises(TooManyTries):
        users.authenticate(ANN, new, "192.0.2.60", device)
    users.delete_user(ann.id)  # its devices go with it (a foreign key would refuse otherwise)

"""Two-factor login without HTTP: setting it up, codes within 30 seconds either side and only
once, recovery codes, and a login that asks for the code (throttled)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyotp
import pytest
from sqlalchemy import select

from geodata.account_links import AccountLinks
from geodata.rows import RecoveryCodeRow
from geodata.store import PlaceStore
from geodata.two_factor import CodeNeeded, TwoFactor, is_key, key_uri, new_key
from geodata.users import LoggedIn, UserStore
from locator.accounts import Role, StaffUser
from locator.errors import AccountInvalid, NotAuthenticated, TooManyTries
from locator.settings import LoginSettings, StaffSettings

PASSWORD = "correct horse battery"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 2, 9, 0, 5, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def users(tmp_path: Path, clock: Clock) -> UserStore:
    store = PlaceStore.open(f"sqlite:///{tmp_path / 'places.db'}")
    return UserStore(store.engine, store.writer, clock=clock, limits=LoginSettings())


@pytest.fixture
def two_factor(users: UserStore) -> TwoFactor:
    return TwoFactor(users, AccountLinks(users, StaffSettings()))


@pytest.fixture
def ann(users: UserStore) -> StaffUser:
    return users.create_user("ann@council.gov.uk", "Ann", Role.VIEWER, PASSWORD)


def _code(key: str, at: datetime) -> str:
    return pyotp.TOTP(key).at(at)


def _turned_on(two_factor: TwoFactor, ann: StaffUser, clock: Clock) -> tuple[str, list[str]]:
    key = new_key()
    return key, two_factor.turn_on(ann.id, key, _code(key, clock.now))


def test_setting_up_needs_a_right_code_and_gives_recovery_codes_once(
    two_factor: TwoFactor, users: UserStore, ann: StaffUser, clock: Clock
) -> None:
    key = new_key()
    assert is_key(key) and not is_key(key.lower()) and not is_key("x")
    assert key_uri(ann, key).startswith("otpauth://totp/Safe%20Places%20Locator:ann%40council")
    with pytest.raises(AccountInvalid):
        two_factor.turn_on(ann.id, key, "000000" if _code(key, clock.now) != "000000" else "1")
    with pytest.raises(AccountInvalid):  # a key changed in the form matches nothing
        two_factor.turn_on(ann.id, "not a key", _code(key, clock.now))
    assert not users.get(ann.id).two_factor  # type: ignore[union-attr]
    codes = two_factor.turn_on(ann.id, key, _code(key, clock.now))
    assert len(codes) == 10 and len(set(codes)) == 10
    assert users.get(ann.id).two_factor  # type: ignore[union-attr]
    with users.sessions() as session:
        stored = set(session.scalars(select(RecoveryCodeRow.code_hash)))
    assert len(stored) == 10 and not stored & set(codes)
    assert two_factor.recovery_codes_left(ann.id) == 10


def test_a_code_works_30_seconds_either_side_and_only_once(
    two_factor: TwoFactor, ann: StaffUser, clock: Clock
) -> None:
    key, _ = _turned_on(two_factor, ann, clock)
    clock.now += timedelta(minutes=5)
    assert two_factor.check(ann.id, _code(key, clock.now - timedelta(seconds=30)))
    assert not two_factor.check(ann.id, _code(key, clock.now - timedelta(seconds=30)))  # reused
    later = clock.now + timedelta(seconds=30)
    assert two_factor.check(ann.id, " ".join(_code(key, later)))  # spaces are fine
    clock.now += timedelta(minutes=5)
    assert not two_factor.check(ann.id, _code(key, clock.now + timedelta(seconds=65)))
    assert not two_factor.check(ann.id, _code(key, clock.now - timedelta(seconds=65)))
    assert not two_factor.check(ann.id, "")


def test_each_recovery_code_works_once(two_factor: TwoFactor, ann: StaffUser, clock: Clock) -> None:
    _, codes = _turned_on(two_factor, ann, clock)
    assert two_factor.check(ann.id, codes[0].lower())
    assert not two_factor.check(ann.id, codes[0])
    assert two_factor.check(ann.id, codes[1].replace("-", ""))
    assert two_factor.recovery_codes_left(ann.id) == 8
    assert not two_factor.check(ann.id, "AAAA-BBBB-CCCC-DDDD")


def test_login_asks_for_the_code_and_counts_wrong_ones(
    two_factor: TwoFactor, users: UserStore, ann: StaffUser, clock: Clock
) -> None:
    assert isinstance(two_factor.start_login(ann.email, PASSWORD, "192.0.2.1"), LoggedIn)
    key, _ = _turned_on(two_factor, ann, clock)
    clock.now += timedelta(minutes=1)
    step = two_factor.start_login(ann.email, PASSWORD, "192.0.2.1")
    assert isinstance(step, CodeNeeded) and two_factor.waiting(step.token) == step.user
    for _ in range(LoginSettings().per_source_account):
        with pytest.raises(NotAuthenticated):
            two_factor.finish_login(step.token, "999999x", "192.0.2.1")
    with pytest.raises(TooManyTries):
        two_factor.finish_login(step.token, _code(key, clock.now), "192.0.2.1")
    clock.now += timedelta(minutes=16)  # the throttle's window has passed; so has the step
    with pytest.raises(NotAuthenticated):
        two_factor.finish_login(step.token, _code(key, clock.now), "192.0.2.1")
    step = two_factor.start_login(ann.email, PASSWORD, "192.0.2.1")
    assert isinstance(step, CodeNeeded)
    done = two_factor.finish_login(step.token, _code(key, clock.now), "192.0.2.1")
    assert users.session_for(done.session_id) is not None
    assert two_factor.waiting(step.token) is None  # the step is used up


def test_turning_off_needs_the_password(
    two_factor: TwoFactor, users: UserStore, ann: StaffUser, clock: Clock
) -> None:
    _turned_on(two_factor, ann, clock)
    with pytest.raises(AccountInvalid):
        two_factor.turn_off(ann.id, "wrong password")
    two_factor.turn_off(ann.id, PASSWORD)
    assert not users.get(ann.id).two_factor  # type: ignore[union-attr]
    assert two_factor.recovery_codes_left(ann.id) == 0

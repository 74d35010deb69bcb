"""Staff accounts: hashing, API tokens, and what each role may do (throttling:
test_login_throttle.py)."""

from __future__ import annotations

import io
import sys
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from api.cli import main
from geodata.store import PlaceStore
from geodata.users import UserStore
from locator.accounts import Role, StaffUser
from locator.errors import NotAuthenticated

PASSWORD = "correct horse battery"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def users(database_url: str, clock: Clock) -> UserStore:
    places = PlaceStore.open(database_url)
    return UserStore(places.engine, places.writer, clock=clock)


def test_passwords_are_stored_as_argon2(users: UserStore) -> None:
    users.create_user("Ann@Council.gov.uk", "Ann", Role.ADMIN, PASSWORD)
    with users.sessions() as session:
        stored = session.execute(text("SELECT email, password_hash FROM users")).one()
    assert stored[0] == "ann@council.gov.uk"
    assert stored[1].startswith("$argon2id$") and PASSWORD not in stored[1]


def test_login(users: UserStore) -> None:
    created = users.create_user("ann@council.gov.uk", "Ann", Role.ADMIN, PASSWORD)
    assert users.authenticate(" ANN@council.gov.uk ", PASSWORD) == created
    with pytest.raises(NotAuthenticated):
        users.authenticate("ann@council.gov.uk", "wrong password!")
    with pytest.raises(NotAuthenticated):
        users.authenticate("nobody@council.gov.uk", PASSWORD)


@pytest.mark.parametrize(
    ("email", "role", "password", "areas", "message"),
    [
        ("ann", Role.ADMIN, PASSWORD, frozenset(), "needs an @"),
        ("ann@x.uk", Role.ADMIN, "short", frozenset(), "at least 12"),
        ("ann@x.uk", Role.EDITOR, PASSWORD, frozenset(), "at least one area"),
    ],
)
def test_account_rules(
    users: UserStore, email: str, role: Role, password: str, areas: frozenset[str], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        users.create_user(email, "Ann", role, password, areas)


def test_one_account_per_email(users: UserStore) -> None:
    users.create_user("ann@x.uk", "Ann", Role.VIEWER, PASSWORD)
    with pytest.raises(ValueError, match="already an account"):
        users.create_user("ANN@x.uk", "Ann again", Role.VIEWER, PASSWORD)


def test_api_tokens(users: UserStore) -> None:
    ann = users.create_user("ann@x.uk", "Ann", Role.EDITOR, PASSWORD, frozenset({"E07000035"}))
    token = users.create_token(ann.id, "nightly import")
    assert token.startswith("sp_") and len(token) > 40
    assert users.user_for_token(token) == ann
    assert users.user_for_token(token + "x") is None and users.user_for_token("nope") is None
    with users.sessions() as session:
        stored = session.execute(text("SELECT token_hash FROM api_tokens")).scalar_one()
    assert token not in stored and len(stored) == 64
    [(token_id, name, revoked)] = users.tokens(ann.id)
    assert (name, revoked) == ("nightly import", False)
    users.revoke_token(token_id)
    assert users.user_for_token(token) is None


@pytest.mark.parametrize(
    ("role", "areas", "place_area", "allowed"),
    [
        (Role.ADMIN, frozenset(), "E07000035", True),
        (Role.ADMIN, frozenset(), None, True),
        (Role.EDITOR, frozenset({"E07000035"}), "E07000035", True),
        (Role.EDITOR, frozenset({"E07000035"}), "E06000015", False),
        (Role.EDITOR, frozenset({"E07000035"}), None, False),
        (Role.VIEWER, frozenset(), "E07000035", False),
    ],
)
def test_who_may_edit_a_place(
    role: Role, areas: frozenset[str], place_area: str | None, allowed: bool
) -> None:
    user = StaffUser(1, "a@x.uk", "A", role, areas)
    assert user.can_edit_place(place_area) is allowed
    assert user.can_manage_users is (role is Role.ADMIN)


def test_cli_creates_the_first_admin(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SAFEPLACES_DATABASE_URL", database_url)
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    out = io.StringIO()
    code = main(
        ["users", "create", "--email", "ann@x.uk", "--name", "Ann", "--role", "admin",
         "--password-stdin"],
        out=out,
    )  # fmt: skip
    assert code == 0 and out.getvalue() == "Created admin account ann@x.uk.\n"
    listed = io.StringIO()
    assert main(["users", "list"], out=listed) == 0
    assert listed.getvalue() == "ann@x.uk  admin  Ann\n"
    token = io.StringIO()
    assert main(["tokens", "create", "--email", "ann@x.uk", "--name", "import"], out=token) == 0
    assert token.getvalue().startswith("sp_")
    listed = io.StringIO()
    assert main(["tokens", "list", "--email", "ann@x.uk"], out=listed) == 0
    assert listed.getvalue() == "1  import\n"
    revoked = io.StringIO()
    assert main(["tokens", "revoke", "--email", "ann@x.uk", "--id", "1"], out=revoked) == 0
    assert "revoked" in revoked.getvalue()
    assert main(["tokens", "revoke", "--email", "ann@x.uk", "--id", "9"]) == 2
    # A short password is refused in words, with a non-zero exit.
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    assert main(["users", "create", "--email", "bob@x.uk", "--password-stdin"]) == 2
    assert "at least 12 characters" in capsys.readouterr().err

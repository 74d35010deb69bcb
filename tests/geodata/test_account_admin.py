"""Managing staff accounts: reset and change passwords, disable, enable, change role, delete."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pyotp
import pytest

from api.cli import main
from geodata.account_links import AccountLinks
from geodata.store import PlaceStore
from geodata.two_factor import TwoFactor, new_key
from geodata.users import UserStore
from locator.accounts import Role
from locator.errors import AccountDisabled, NotAuthenticated, TooManyTries
from locator.settings import LoginSettings, StaffSettings

PASSWORD = "correct horse battery"
NEW = "a brand new passphrase"


@pytest.fixture
def store(tmp_path: Path) -> PlaceStore:
    return PlaceStore.open(f"sqlite:///{tmp_path / 'accounts.db'}")


@pytest.fixture
def users(store: PlaceStore) -> UserStore:
    users = UserStore(store.engine, store.writer)
    users.create_user("boss@council.gov.uk", "Boss", Role.ADMIN, PASSWORD)
    return users


def test_an_admin_reset_lets_the_account_in_again_and_logs_out_everywhere(
    users: UserStore,
) -> None:
    ann = users.create_user("ann@council.gov.uk", "Ann", Role.VIEWER, PASSWORD)
    cookie, token = users.start_session(ann), users.create_token(ann.id, "script")
    # Wrong tries from many addresses fill the account's count for new browsers.
    for n in range(LoginSettings().per_account):
        with pytest.raises(NotAuthenticated):
            users.authenticate(ann.email, "not the password", source=f"192.0.2.{n}")
    with pytest.raises(TooManyTries):
        users.authenticate(ann.email, PASSWORD, source="198.51.100.7")
    with pytest.raises(ValueError, match="at least 12"):
        users.set_password(ann.id, "short")
    users.set_password(ann.id, NEW)
    assert users.session_for(cookie) is None
    assert users.user_for_token(token) is None  # a reset ends the API tokens too
    assert users.authenticate(ann.email, NEW) == ann
    with pytest.raises(NotAuthenticated):
        users.authenticate(ann.email, PASSWORD)


def test_changing_your_own_password_needs_the_current_one(users: UserStore) -> None:
    ann = users.create_user("ann@council.gov.uk", "Ann", Role.VIEWER, PASSWORD)
    here, elsewhere = users.start_session(ann), users.start_session(ann)
    with pytest.raises(ValueError, match="current password is not right"):
        users.change_own_password(ann.id, "a wrong guess!!", NEW, keep_session=here)
    assert users.authenticate(ann.email, PASSWORD) == ann
    users.change_own_password(ann.id, PASSWORD, NEW, keep_session=here)
    assert users.session_for(here) is not None  # the session that changed it stays
    assert users.session_for(elsewhere) is None  # any other one ends
    assert users.authenticate(ann.email, NEW) == ann


def test_a_disabled_account_cannot_log_in_or_use_its_tokens(users: UserStore) -> None:
    ann = users.create_user("ann@council.gov.uk", "Ann", Role.EDITOR, PASSWORD, {"E07000035"})
    cookie, token = users.start_session(ann), users.create_token(ann.id, "script")
    disabled = users.set_active(ann.id, False)
    assert not disabled.active
    assert users.session_for(cookie) is None and users.user_for_token(token) is None
    with pytest.raises(AccountDisabled):
        users.authenticate(ann.email, PASSWORD)
    assert users.find(ann.email) == disabled  # still listed, so it can be enabled again
    users.set_active(ann.id, True)
    assert users.authenticate(ann.email, PASSWORD).active
    # Its tokens were cancelled, not paused: enabling the account needs new ones.
    assert users.user_for_token(token) is None
    assert [revoked for _, _, revoked in users.tokens(ann.id)] == [True]
    assert users.user_for_token(users.create_token(ann.id, "new script")) is not None


def test_there_is_always_an_active_admin(users: UserStore) -> None:
    boss = users.find("boss@council.gov.uk")
    assert boss is not None
    for change in (
        lambda: users.set_active(boss.id, False),
        lambda: users.update(boss.id, Role.VIEWER, frozenset()),
        lambda: users.delete_user(boss.id),
    ):
        with pytest.raises(ValueError, match="only active admin"):
            change()
    second = users.create_user("cy@council.gov.uk", "Cy", Role.ADMIN, PASSWORD)
    users.update(boss.id, Role.VIEWER, frozenset())
    with pytest.raises(ValueError, match="only active admin"):
        users.set_active(second.id, False)


def test_change_role_and_areas(users: UserStore) -> None:
    ann = users.create_user("ann@council.gov.uk", "Ann", Role.VIEWER, PASSWORD)
    with pytest.raises(ValueError, match="needs at least one area"):
        users.update(ann.id, Role.EDITOR, frozenset())
    editor = users.update(ann.id, Role.EDITOR, frozenset({"E07000035"}))
    assert editor.role is Role.EDITOR and editor.can_edit_place("E07000035")
    # Areas only mean something for editors: they are cleared for other roles.
    assert users.update(ann.id, Role.VIEWER, frozenset({"E07000035"})).areas == frozenset()


def test_deleting_an_account_keeps_the_history_it_made(users: UserStore, store: PlaceStore) -> None:
    ann = users.create_user("ann@council.gov.uk", "Ann", Role.ADMIN, PASSWORD)
    token = users.create_token(ann.id, "script")
    cookie = users.start_session(ann)
    created = store.create(
        {"name": "Corner Shop", "kind": "safe_place", "category": "shop",
         "postcode": "DE4 3AG", "latitude": 53.14, "longitude": -1.55,
         "location_precision": "postcode"},
        ann.email,
    )  # fmt: skip
    users.delete_user(ann.id)
    assert users.find(ann.email) is None and users.account(ann.id) is None
    assert users.user_for_token(token) is None and users.session_for(cookie) is None
    assert [c.actor for c in store.history(created.id)] == [ann.email]
    with pytest.raises(ValueError, match="no such account"):
        users.delete_user(ann.id)


def _cli(args: list[str], stdin: str = "") -> tuple[int, str]:
    out = io.StringIO()
    sys.stdin = io.StringIO(stdin)
    try:
        return main(args, out=out), out.getvalue()
    finally:
        sys.stdin = sys.__stdin__


def test_cli_manages_accounts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SAFEPLACES_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    for email, role in (("boss@x.uk", "admin"), ("ann@x.uk", "viewer")):
        code, _ = _cli(
            ["users", "create", "--email", email, "--role", role, "--password-stdin"], PASSWORD
        )
        assert code == 0
    assert _cli(["users", "set-password", "--email", "ann@x.uk", "--password-stdin"], NEW) == (
        0,
        "New password set for ann@x.uk. Their sessions and API tokens have ended.\n",
    )
    # A lost phone and lost recovery codes: the operator turns two-factor login off.
    users = UserStore(PlaceStore.open(f"sqlite:///{tmp_path / 'cli.db'}").engine)
    ann = users.find("ann@x.uk")
    assert ann is not None
    key = new_key()
    TwoFactor(users, AccountLinks(users, StaffSettings())).turn_on(
        ann.id, key, pyotp.TOTP(key).now()
    )
    assert "ann@x.uk  viewer  ann@x.uk  (two-factor login)" in _cli(["users", "list"])[1]
    assert _cli(["users", "two-factor-off", "--email", "ann@x.uk"]) == (
        0,
        "Two-factor login is off for ann@x.uk. They can turn it on again.\n",
    )
    assert not users.find("ann@x.uk").two_factor  # type: ignore[union-attr]
    code, said = _cli(["users", "update", "--email", "ann@x.uk", "--role", "editor",
                       "--area", "e07000035"])  # fmt: skip
    assert (code, said) == (0, "ann@x.uk is now editor for Derbyshire Dales.\n")  # by name
    assert _cli(["users", "disable", "--email", "ann@x.uk"]) == (0, "ann@x.uk is disabled.\n")
    listed = _cli(["users", "list"])[1]
    assert "ann@x.uk  editor  ann@x.uk  areas: Derbyshire Dales  (disabled)" in listed
    assert _cli(["users", "enable", "--email", "ann@x.uk"]) == (0, "ann@x.uk is enabled.\n")
    # Delete asks first; anything but yes changes nothing.
    code, said = _cli(["users", "delete", "--email", "ann@x.uk"], "no\n")
    assert code == 0 and "Nothing was changed" in said
    code, said = _cli(["users", "delete", "--email", "ann@x.uk"], "yes\n")
    assert code == 0 and "Deleted the account ann@x.uk" in said
    assert "ann@x.uk" not in _cli(["users", "list"])[1]
    # Plain errors, exit 2: unknown account, the last admin, an unknown area.
    capsys.readouterr()
    assert _cli(["users", "disable", "--email", "nobody@x.uk"])[0] == 2
    assert _cli(["users", "delete", "--email", "boss@x.uk", "--yes"])[0] == 2
    assert _cli(["users", "update", "--email", "boss@x.uk", "--area", "X1"])[0] == 2
    err = capsys.readouterr().err
    assert "There is no account for nobody@x.uk" in err
    assert "only active admin" in err and 'We don\'t know the area "X1"' in err


def test_a_disabled_account_is_told_so_only_with_the_right_password(users: UserStore) -> None:
    ann = users.create_user("ann@council.gov.uk", "Ann", Role.VIEWER, PASSWORD)
    users.set_active(ann.id, False)
    with pytest.raises(AccountDisabled, match="disabled"):
        users.authenticate(ann.email, PASSWORD)
    with pytest.raises(NotAuthenticated):
        users.authenticate(ann.email, "a wrong guess!!")


def test_password_and_account_rules(users: UserStore) -> None:
    ann = users.create_user("ann@council.gov.uk", "Ann", Role.VIEWER, PASSWORD)
    with pytest.raises(ValueError, match="same as the current one"):
        users.change_own_password(ann.id, PASSWORD, PASSWORD)
    with pytest.raises(ValueError, match="at most 200 characters"):
        users.create_user("a" * 200 + "@x.uk", "Long", Role.VIEWER, PASSWORD)

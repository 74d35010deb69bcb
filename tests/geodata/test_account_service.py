"""The account service, without HTTP: only admins manage accounts, and say why not."""

from __future__ import annotations

from pathlib import Path

import pytest

from geodata.account_service import AccountService
from geodata.areas import Areas
from geodata.store import PlaceStore
from geodata.users import UserStore
from locator.accounts import Role, operator
from locator.errors import AccountInvalid, AccountNotFound, Forbidden

PASSWORD = "correct horse battery"
AREAS = Areas({"E07000035": "Derbyshire Dales", "E07000032": "Amber Valley"})


@pytest.fixture
def accounts(tmp_path: Path) -> AccountService:
    store = PlaceStore.open(f"sqlite:///{tmp_path / 'places.db'}")
    users = UserStore(store.engine, store.writer)
    return AccountService(users, AREAS, lambda: {"E07000035", "E07000032"})


def test_admins_add_accounts_with_areas_by_name(accounts: AccountService) -> None:
    admin = accounts.create(operator(), "ann@council.gov.uk", "Ann", "admin", PASSWORD)
    ed = accounts.create(admin, "ed@council.gov.uk", "Ed", "editor", PASSWORD, ["amber valley"])
    assert ed.role is Role.EDITOR and ed.areas == frozenset({"E07000032"})
    with pytest.raises(Forbidden):
        accounts.create(ed, "x@council.gov.uk", "X", "viewer", PASSWORD)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"role": "superuser"}, "role"),
        ({"password": "short"}, "password"),
        ({"email": "no-at-sign"}, "email"),
        ({"role": "editor"}, "areas"),  # an editor needs an area
        ({"role": "editor", "areas": ["Atlantis"]}, "areas"),
    ],
)
def test_refusals_name_their_field(
    accounts: AccountService, fields: dict[str, object], field: str
) -> None:
    asked: dict[str, object] = {
        "email": "new@council.gov.uk", "name": "New", "role": "viewer", "password": PASSWORD,
        "areas": [],
    } | fields  # fmt: skip
    with pytest.raises(AccountInvalid) as refused:
        accounts.create(operator(), **asked)  # type: ignore[arg-type]
    assert set(refused.value.field_errors) == {field}


def test_update_keeps_what_is_not_given(accounts: AccountService) -> None:
    me = operator()
    ed = accounts.create(me, "ed@council.gov.uk", "Ed", "editor", PASSWORD, ["E07000035"])
    assert accounts.update(me, ed.id, areas=["Amber Valley"]).role is Role.EDITOR
    viewer = accounts.update(me, ed.id, role="viewer")
    assert viewer.role is Role.VIEWER and viewer.areas == frozenset()
    with pytest.raises(AccountNotFound):
        accounts.update(me, 999, role="viewer")


def test_nobody_disables_or_deletes_themselves_or_the_last_admin(
    accounts: AccountService,
) -> None:
    admin = accounts.create(operator(), "ann@council.gov.uk", "Ann", "admin", PASSWORD)
    with pytest.raises(Forbidden):
        accounts.set_active(admin, admin.id, False)
    with pytest.raises(Forbidden):
        accounts.delete(admin, admin.id)
    with pytest.raises(AccountInvalid) as last:
        accounts.set_active(operator(), admin.id, False)
    assert "only active admin" in last.value.user_message


def test_passwords_reset_and_changed(accounts: AccountService) -> None:
    me = operator()
    vi = accounts.create(me, "vi@council.gov.uk", "Vi", "viewer", PASSWORD)
    accounts.reset_password(me, vi.id, "another long password")
    assert accounts.users.authenticate("vi@council.gov.uk", "another long password") == vi
    with pytest.raises(AccountInvalid) as typo:
        accounts.change_own_password(vi, "another long password", "a new one here", "typo")
    assert "not the same" in typo.value.user_message
    with pytest.raises(AccountInvalid) as wrong:
        accounts.change_own_password(vi, "wrong", "a new one here!", "a new one here!")
    assert "current password is not right" in wrong.value.user_message
    accounts.change_own_password(vi, "another long password", "a new one here!", "a new one here!")
    assert accounts.users.authenticate("vi@council.gov.uk", "a new one here!") == vi

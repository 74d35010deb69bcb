"""Emailed account links without HTTP: single use, expiring, replaced by a newer one, ended by
a password change, stored only as a hash; and the account service's emails."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from smtp import Mailbox, link_in
from sqlalchemy import select

from geodata.account_links import AccountLinks, Purpose
from geodata.account_service import AccountService
from geodata.areas import Areas
from geodata.rows import AccountLinkRow
from geodata.store import PlaceStore
from geodata.users import UserStore
from locator.accounts import Role, StaffUser, operator
from locator.errors import (
    AccountInvalid,
    Forbidden,
    MailNotSetUp,
    NotAuthenticated,
    SafePlacesError,
    TooManyTries,
)
from locator.settings import LoginSettings, StaffSettings

PASSWORD = "correct horse battery"
NEW = "a brand new passphrase"


@contextmanager
def says(kind: type[SafePlacesError], words: str) -> Iterator[None]:
    """Raises `kind`, telling the person `words`."""
    with pytest.raises(kind) as caught:
        yield
    assert words in caught.value.user_message


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)

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
def links(users: UserStore) -> AccountLinks:
    return AccountLinks(users, StaffSettings())


@pytest.fixture
def ann(users: UserStore) -> StaffUser:
    return users.create_user("ann@council.gov.uk", "Ann", Role.VIEWER, PASSWORD)


def test_a_link_works_once_and_only_its_hash_is_kept(
    links: AccountLinks, users: UserStore, ann: StaffUser
) -> None:
    token = links.issue(ann.id, Purpose.RESET)
    assert links.holder(token, Purpose.RESET) == ann
    assert links.holder(token, Purpose.INVITE) is None  # a link is for one thing
    with users.sessions() as session:
        stored = session.scalars(select(AccountLinkRow.id_hash)).all()
    assert stored and token not in stored
    session_id = users.start_session(ann)
    user = links.set_password(token, Purpose.RESET, NEW, NEW)
    assert user.email == "ann@council.gov.uk"
    assert users.session_for(session_id) is None  # whoever had the old password is out
    with says(AccountInvalid, "expired or has already been used"):
        links.set_password(token, Purpose.RESET, NEW + "!", NEW + "!")
    assert users.authenticate("ann@council.gov.uk", NEW) == user


def test_a_link_expires(links: AccountLinks, ann: StaffUser, clock: Clock) -> None:
    token = links.issue(ann.id, Purpose.RESET)
    clock.now += timedelta(minutes=59)
    assert links.holder(token, Purpose.RESET) is not None
    clock.now += timedelta(minutes=2)
    assert links.holder(token, Purpose.RESET) is None
    invite = links.issue(ann.id, Purpose.INVITE)
    clock.now += timedelta(days=6, hours=23)
    assert links.holder(invite, Purpose.INVITE) is not None
    clock.now += timedelta(hours=2)
    assert links.holder(invite, Purpose.INVITE) is None


def test_a_newer_link_or_a_password_change_ends_a_link(
    links: AccountLinks, users: UserStore, ann: StaffUser
) -> None:
    first = links.issue(ann.id, Purpose.RESET)
    second = links.issue(ann.id, Purpose.RESET)
    assert links.holder(first, Purpose.RESET) is None
    assert links.holder(second, Purpose.RESET) is not None
    users.change_own_password(ann.id, PASSWORD, NEW)
    assert links.holder(second, Purpose.RESET) is None
    third = links.issue(ann.id, Purpose.RESET)
    users.set_active(ann.id, False)
    assert links.holder(third, Purpose.RESET) is None


def test_a_new_password_is_checked_and_the_link_survives_a_mistake(
    links: AccountLinks, ann: StaffUser
) -> None:
    token = links.issue(ann.id, Purpose.RESET)
    with says(AccountInvalid, "not the same"):
        links.set_password(token, Purpose.RESET, NEW, NEW + "x")
    with says(AccountInvalid, "at least 12 characters"):
        links.set_password(token, Purpose.RESET, "short", "short")
    with says(AccountInvalid, "email address or name"):
        links.set_password(token, Purpose.RESET, "ann@council.gov.uk1", "ann@council.gov.uk1")
    assert links.set_password(token, Purpose.RESET, NEW, NEW).email == ann.email


def test_requests_for_links_are_throttled(links: AccountLinks) -> None:
    for _ in range(LoginSettings().per_source_account):
        links.count_try(links.check_tries("reset", "ann@council.gov.uk", "192.0.2.1"))
    with pytest.raises(TooManyTries):
        links.check_tries("reset", "ann@council.gov.uk", "192.0.2.1")
    # Another person's address from elsewhere is not held by it.
    links.check_tries("reset", "bob@council.gov.uk", "192.0.2.9")


def _linker(purpose: Purpose, token: str) -> str:
    return f"http://localhost:8000/staff/{purpose.value}/{token}"


def _service(users: UserStore, mailbox: Mailbox | None) -> AccountService:
    areas = Areas({"E07000035": "Derbyshire Dales"})
    mail = mailbox.settings if mailbox else None
    return AccountService(users, areas, lambda: {"E07000035"}, mail=mail)


def test_an_invitation_makes_an_account_that_cannot_log_in_until_its_link_is_used(
    users: UserStore, mailbox: Mailbox
) -> None:
    accounts = _service(users, mailbox)
    boss = accounts.create(operator(), "boss@council.gov.uk", "Boss", "admin", PASSWORD)
    cy = accounts.invite(boss, "cy@council.gov.uk", "Cy", "editor", ["E07000035"], _linker)
    assert cy.invited and users.find("cy@council.gov.uk") == cy
    message = mailbox.wait_for("cy@council.gov.uk")
    assert message["Subject"] == "Your Safe Places Locator staff account"
    text = message.get_content()
    assert "Boss has made you a staff account" in text and "for 7 days" in text
    token = link_in(message).rsplit("/", 1)[1]
    assert accounts.links.pending(cy.id)
    # An invited admin is no admin yet: the last real one can't be demoted.
    with pytest.raises(AccountInvalid):
        accounts.update(boss, boss.id, "viewer")
    # Sent again: only the newest link works.
    accounts.resend_invitation(boss, cy.id, _linker)
    newer = link_in(mailbox.wait_for("cy@council.gov.uk")).rsplit("/", 1)[1]
    assert accounts.links.holder(token, Purpose.INVITE) is None
    accepted = accounts.links.set_password(newer, Purpose.INVITE, NEW, NEW)
    assert not accepted.invited and users.authenticate("cy@council.gov.uk", NEW).id == cy.id
    with says(AccountInvalid, "already set a password"):
        accounts.cancel_invitation(boss, cy.id)


def test_an_invitation_that_cannot_be_emailed_is_kept_to_send_again(
    users: UserStore, mailbox: Mailbox
) -> None:
    boss = users.create_user("boss@council.gov.uk", "Boss", Role.ADMIN, PASSWORD)
    no_mail = _service(users, None)
    with pytest.raises(MailNotSetUp):
        no_mail.invite(boss, "cy@council.gov.uk", "Cy", "viewer", [], _linker)
    cy = users.find("cy@council.gov.uk")
    assert cy is not None and cy.invited
    _service(users, mailbox).resend_invitation(boss, cy.id, _linker)
    assert mailbox.wait_for("cy@council.gov.uk")
    _service(users, mailbox).cancel_invitation(boss, cy.id)
    assert users.find("cy@council.gov.uk") is None


def test_forgot_password_emails_only_an_active_account(
    users: UserStore, mailbox: Mailbox, ann: StaffUser
) -> None:
    accounts = _service(users, mailbox)
    accounts.forgot_password("nobody@council.gov.uk", _linker)
    accounts.forgot_password(" Ann@Council.gov.uk ", _linker)
    message = mailbox.wait_for("ann@council.gov.uk")
    assert "for 1 hour" in message.get_content()
    assert link_in(message).startswith("http://localhost:8000/staff/reset/")
    users.set_active(ann.id, False)
    accounts.forgot_password("ann@council.gov.uk", _linker)
    assert len(mailbox.messages) == 1
    # Nothing to say either way, even when mail is down: it is only logged.
    _service(users, None).forgot_password("boss@council.gov.uk", _linker)


def test_only_admins_invite_or_send_links(
    users: UserStore, mailbox: Mailbox, ann: StaffUser
) -> None:
    accounts = _service(users, mailbox)
    send: list[Callable[[], object]] = [
        lambda: accounts.invite(ann, "x@council.gov.uk", "X", "viewer", [], _linker),
        lambda: accounts.send_reset(ann, ann.id, _linker),
    ]
    for call in send:
        with says(Forbidden, "Only admins"):
            call()
    assert mailbox.messages == []


def test_an_invitation_waits_until_its_link_expires(
    users: UserStore, links: AccountLinks, clock: Clock
) -> None:
    cy = users.create_user("cy@council.gov.uk", "Cy", Role.VIEWER, None)
    assert cy.invited and not links.pending(cy.id)  # no link sent yet
    links.issue(cy.id, Purpose.INVITE)
    assert links.pending(cy.id)
    clock.now += timedelta(days=7, minutes=1)
    assert not links.pending(cy.id)  # the list says the link has expired
    with says(NotAuthenticated, "not right"):  # and the account still can't log in
        users.authenticate("cy@council.gov.uk", "")

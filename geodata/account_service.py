"""Managing staff accounts, in one place: who may, what is allowed, then the change.

The account pages and the `safeplaces users` command both call `AccountService`; the command
line acts as `locator.accounts.operator`. Storage (hashing, sessions, tokens) is `UserStore`;
the emailed links (a forgotten password, an invitation) are `AccountLinks`, sent by `Mailer`.
Sending waits on the mail server: a web route calls those methods from a thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from geodata.account_links import AccountLinks, Purpose
from geodata.account_mail import Email, invitation_email, reset_email
from geodata.areas import Areas
from geodata.mailer import Mailer
from geodata.users import UserStore
from locator.accounts import Role, StaffUser
from locator.errors import AccountInvalid, AccountNotFound, Forbidden, SafePlacesError
from locator.settings import MailSettings, StaffSettings

log = logging.getLogger(__name__)

# The link an email carries, from the link's purpose and token (the web app knows its address).
Linker = Callable[[Purpose, str], str]


def _invalid(field: str, message: str) -> AccountInvalid:
    return AccountInvalid(
        message, log_message=f"account change refused: {field}", field_errors={field: message}
    )


def _field_of(message: str, default: str) -> str:
    # UserStore says what is wrong in words: show it by the field it is about.
    for word, field in (("password", "password"), ("area", "areas"), ("email", "email")):
        if word in message.lower():
            return field
    return default


class AccountService:
    """Add, change, disable, enable and delete accounts; set and change passwords."""

    def __init__(
        self,
        users: UserStore,
        areas: Areas,
        known_areas: Callable[[], Iterable[str]],
        staff: StaffSettings | None = None,
        mail: MailSettings | None = None,
    ) -> None:
        self.users = users
        self.areas = areas
        # Asked for only when areas are given (the command line loads the postcodes for it).
        self.known_areas = known_areas
        self.staff = staff or StaffSettings()
        self.links = AccountLinks(users, self.staff)
        self.mailer = Mailer(mail or MailSettings())

    # -- reading what staff chose ---------------------------------------------------------

    def parse_areas(self, given: Iterable[str]) -> frozenset[str]:
        """Codes from ticked or typed areas (codes in any case, or names, with commas)."""
        chosen = [g for g in given if g.strip()]
        if not chosen:
            return frozenset()
        try:
            return self.areas.parse(chosen, self.known_areas())
        except ValueError as exc:
            raise _invalid("areas", str(exc)) from None

    @staticmethod
    def parse_role(text: str) -> Role:
        try:
            return Role(text)
        except ValueError:
            raise _invalid("role", "Choose a role: viewer, editor or admin.") from None

    def account(self, user_id: int) -> StaffUser:
        """An account, active or not; `AccountNotFound` if there is none."""
        user = self.users.account(user_id)
        if user is None:
            raise AccountNotFound(
                "There is no such account. It may have been deleted.",
                log_message="unknown account id",
            )
        return user

    # -- changes (admins only) ------------------------------------------------------------

    def create(
        self,
        by: StaffUser,
        email: str,
        name: str,
        role: str,
        password: str,
        areas: Iterable[str] = (),
    ) -> StaffUser:
        require_admin(by)
        chosen = self.parse_role(role)
        codes = self.parse_areas(areas)
        try:
            return self.users.create_user(email, name, chosen, password, codes)
        except ValueError as exc:
            raise _invalid(_field_of(str(exc), "email"), str(exc)) from None

    def update(
        self,
        by: StaffUser,
        user_id: int,
        role: str | None = None,
        areas: Iterable[str] | None = None,
    ) -> StaffUser:
        """A new role and areas; None keeps what the account has."""
        require_admin(by)
        account = self.account(user_id)
        chosen = self.parse_role(role) if role is not None else account.role
        codes = self.parse_areas(areas) if areas is not None else account.areas
        try:
            return self.users.update(user_id, chosen, codes)
        except ValueError as exc:
            raise _invalid(_field_of(str(exc), "role"), str(exc)) from None

    def reset_password(self, by: StaffUser, user_id: int, password: str) -> StaffUser:
        """A new password for someone who forgot theirs: unlocks them, ends their sessions."""
        require_admin(by)
        self.account(user_id)
        try:
            return self.users.set_password(user_id, password)
        except ValueError as exc:
            raise _invalid("password", str(exc)) from None

    def set_active(self, by: StaffUser, user_id: int, active: bool) -> StaffUser:
        require_admin(by)
        account = self.account(user_id)
        if account.id == by.id:
            raise Forbidden("You can't disable your own account. Ask another admin.")
        try:
            return self.users.set_active(user_id, active)
        except ValueError as exc:
            raise _invalid("active", str(exc)) from None

    def delete(self, by: StaffUser, user_id: int) -> StaffUser:
        """Delete an account; place histories keep the address that made each change."""
        require_admin(by)
        account = self.account(user_id)
        if account.id == by.id:
            raise Forbidden("You can't delete your own account. Ask another admin.")
        try:
            return self.users.delete_user(user_id)
        except ValueError as exc:
            raise _invalid("active", str(exc)) from None

    # -- invitations and password links (emailed) -----------------------------------------

    def invite(
        self,
        by: StaffUser,
        email: str,
        name: str,
        role: str,
        areas: Iterable[str],
        link: Linker,
    ) -> StaffUser:
        """Make an account without a password and email its person a link to choose one.

        The account stays if the email can't go (`MailFailed`, `MailNotSetUp`): send the
        invitation again with `resend_invitation` once mail works."""
        require_admin(by)
        chosen = self.parse_role(role)
        codes = self.parse_areas(areas)
        try:
            user = self.users.create_user(email, name, chosen, None, codes)
        except ValueError as exc:
            raise _invalid(_field_of(str(exc), "email"), str(exc)) from None
        self._send_invitation(by, user, link)
        return user

    def resend_invitation(self, by: StaffUser, user_id: int, link: Linker) -> StaffUser:
        """A new invitation link (the old one stops working)."""
        require_admin(by)
        user = self._invited(user_id)
        self._send_invitation(by, user, link)
        return user

    def cancel_invitation(self, by: StaffUser, user_id: int) -> StaffUser:
        """Delete an invited account that has not set its password yet."""
        require_admin(by)
        self._invited(user_id)
        return self.users.delete_user(user_id)

    def send_reset(self, by: StaffUser, user_id: int, link: Linker) -> StaffUser:
        """An admin sends someone a link to set a new password (nobody else sees it)."""
        require_admin(by)
        user = self.account(user_id)
        if user.invited:
            return self.resend_invitation(by, user_id, link)
        if not user.active:
            raise _invalid("active", "This account is disabled. Enable it first.")
        self._send(self._reset_email(user, link))
        return user

    def forgot_password(self, email: str, link: Linker) -> None:
        """ "Forgot your password?": email a link if there is an active account for `email`.

        Says nothing either way (nobody learns who has an account): the page answers the same
        before this runs, and a failure to send is only logged."""
        user = self.users.find(email)
        if user is None or not user.active:
            return
        try:
            self._send(self._reset_email(user, link))
        except SafePlacesError as exc:
            log.warning("password link not sent: %s", exc.log_message)

    def _invited(self, user_id: int) -> StaffUser:
        user = self.account(user_id)
        if not user.invited:
            raise _invalid("active", "This colleague has already set a password.")
        return user

    def _send_invitation(self, by: StaffUser, user: StaffUser, link: Linker) -> None:
        url = link(Purpose.INVITE, self.links.issue(user.id, Purpose.INVITE))
        self._send(invitation_email(user, by, url, self.staff.invitation_days))

    def _reset_email(self, user: StaffUser, link: Linker) -> Email:
        url = link(Purpose.RESET, self.links.issue(user.id, Purpose.RESET))
        return reset_email(user, url, self.staff.reset_link_minutes)

    def _send(self, email: Email) -> None:
        self.mailer.send(email.to, email.subject, email.text)

    # -- your own password ----------------------------------------------------------------

    def change_own_password(
        self, user: StaffUser, current: str, new: str, again: str, keep_session: str = ""
    ) -> None:
        """Change your own password; your other sessions end, this one (`keep_session`)
        stays."""
        if new != again:
            raise _invalid(
                "password", "The two new passwords are not the same. Nothing was changed."
            )
        try:
            self.users.change_own_password(user.id, current, new, keep_session=keep_session)
        except ValueError as exc:
            raise _invalid("password", str(exc)) from None


def require_admin(by: StaffUser) -> None:
    """Only admins see or manage accounts."""
    if not by.can_manage_users:
        raise Forbidden("Only admins can manage staff accounts.")

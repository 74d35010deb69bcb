"""Managing staff accounts, in one place: who may, what is allowed, then the change.

The account pages and the `safeplaces users` command both call `AccountService`; the command
line acts as `locator.accounts.operator`. Storage (hashing, sessions, tokens) is `UserStore`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from geodata.areas import Areas
from geodata.users import UserStore
from locator.accounts import Role, StaffUser
from locator.errors import AccountInvalid, AccountNotFound, Forbidden


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
        self, users: UserStore, areas: Areas, known_areas: Callable[[], Iterable[str]]
    ) -> None:
        self.users = users
        self.areas = areas
        # Asked for only when areas are given (the command line loads the postcodes for it).
        self.known_areas = known_areas

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

"""Who is calling a staff route: an API token (scripts) as a typed dependency."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from geodata.users import UserStore
from locator.accounts import StaffUser
from locator.errors import Forbidden, NotAuthenticated


def get_users(request: Request) -> UserStore:
    users: UserStore = request.app.state.users
    return users


UsersDep = Annotated[UserStore, Depends(get_users)]


def current_staff(
    users: UsersDep, authorization: Annotated[str | None, Header()] = None
) -> StaffUser:
    """The account behind `Authorization: Bearer <token>`; 401 for anyone else."""
    scheme, _, token = (authorization or "").partition(" ")
    user = users.user_for_token(token.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        raise NotAuthenticated(
            "Please log in: send your API token as 'Authorization: Bearer <token>'.",
            log_message="staff route without a valid token",
        )
    return user


CurrentStaff = Annotated[StaffUser, Depends(current_staff)]


def may_edit(user: StaffUser, local_authority_code: str | None) -> None:
    if not user.can_edit_place(local_authority_code):
        raise Forbidden(
            "Your account can't change places in this area.",
            log_message="edit outside the account's role or areas",
        )

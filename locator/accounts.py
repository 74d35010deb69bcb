"""Council staff: roles and what each may do. Plain rules; storage lives in geodata.users."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"  # users and every place
    EDITOR = "editor"  # places in the local authority areas assigned to them
    VIEWER = "viewer"  # read only


@dataclass(frozen=True, slots=True)
class StaffUser:
    id: int
    email: str
    name: str
    role: Role
    # ONS local authority codes (e.g. E07000035) an editor may change places in.
    areas: frozenset[str] = frozenset()
    # A disabled account can't log in and its sessions and tokens stop working.
    active: bool = True
    # Invited by email and not yet set a password (so can't log in yet).
    invited: bool = False
    # Logs in with a code from an authenticator app as well as the password.
    two_factor: bool = False

    def can_edit_place(self, local_authority_code: str | None) -> bool:
        """Admins edit anything; editors only inside their areas; viewers nothing."""
        if self.role is Role.ADMIN:
            return True
        if self.role is Role.EDITOR:
            return local_authority_code is not None and local_authority_code in self.areas
        return False

    @property
    def can_manage_users(self) -> bool:
        return self.role is Role.ADMIN


def operator(name: str = "command line") -> StaffUser:
    """Whoever runs the `safeplaces` command on the server: they hold the database itself, so
    they may do anything; `name` is what the place history records."""
    return StaffUser(id=0, email=name, name=name, role=Role.ADMIN)

"""The emails staff accounts get: a link to set a new password, and an invitation.

Plain text only, in short sentences: every mail program shows it, a screen reader reads it
as it is, and the link is the whole of what to do.
"""

from __future__ import annotations

from dataclasses import dataclass

from locator.accounts import StaffUser

SERVICE = "Safe Places Locator"


@dataclass(frozen=True, slots=True)
class Email:
    to: str
    subject: str
    text: str


def duration_words(minutes: int) -> str:
    if minutes % 60 == 0:
        hours = minutes // 60
        return "1 hour" if hours == 1 else f"{hours} hours"
    return f"{minutes} minutes"


def reset_email(user: StaffUser, link: str, minutes: int) -> Email:
    text = (
        f"Hello {user.name},\n\n"
        f"Someone asked to set a new password for your {SERVICE} staff account "
        f"({user.email}).\n\n"
        f"To choose a new password, open this link:\n\n{link}\n\n"
        f"The link works once, for {duration_words(minutes)}.\n\n"
        "If you did not ask for this, you can ignore this email: your password stays as it "
        "is.\n"
    )
    return Email(user.email, f"Set a new password for {SERVICE}", text)


def invitation_email(user: StaffUser, by: StaffUser, link: str, days: int) -> Email:
    what = {
        "admin": "look after the places and the staff accounts",
        "editor": "keep the places in your area up to date",
        "viewer": "see the places and their history",
    }[user.role.value]
    text = (
        f"Hello {user.name},\n\n"
        f"{by.name} has made you a staff account on {SERVICE}, so you can {what}.\n\n"
        f"To choose your password and start, open this link:\n\n{link}\n\n"
        f"The link works once, for {days} days. After that, ask {by.name} "
        f"({by.email}) to send a new one.\n\n"
        f"You will log in with this email address: {user.email}\n"
    )
    return Email(user.email, f"Your {SERVICE} staff account", text)

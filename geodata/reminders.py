"""The yearly check's reminders: which Safe Places are due (or overdue) a check, who is told,
what the email says, and which reminders have been sent already.

Run daily from cron (`safeplaces reminders send`): each place gets one "due soon" email
when its check falls within `due_within_days`, and one "overdue" email once it has passed.
A check done (or a new date) starts the next year's pair. A venue with a contact email is
written to; one without is listed in its area's officers' email instead, so nothing is missed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from geodata.place_list import check_due
from geodata.rows import PlaceRow, ReminderRow
from locator.accounts import Role, StaffUser
from locator.venues import Kind, Status, check_overdue


class Stage(StrEnum):
    DUE = "due"  # the check falls within the next `due_within_days`
    OVERDUE = "overdue"  # the check's date has passed


@dataclass(frozen=True, slots=True)
class DuePlace:
    """A live Safe Place whose check is due soon or overdue."""

    place_id: str
    name: str
    address: str
    postcode: str | None
    area_code: str | None
    due_on: date
    stage: Stage
    last_checked: date | None  # None: never checked
    contact_name: str | None
    contact_email: str | None


@dataclass(frozen=True, slots=True)
class Email:
    """One email to send, and the places it reminds about (recorded once it has gone)."""

    to: str
    subject: str
    text: str
    places: tuple[DuePlace, ...]


@dataclass(frozen=True, slots=True)
class Letters:
    """The words of the emails. `area_label` names an area ("Amber Valley") from its code."""

    scheme: str
    contact: str  # how a venue gets in touch, e.g. "reply to this email or call 01629 533190"
    staff_url: str | None = None  # the staff place list, linked from officers' emails
    area_label: Callable[[str | None], str] = field(default=lambda code: code or "not known")

    def to_venue(self, place: DuePlace) -> Email:
        when = _day(place.due_on)
        greeting = f"Dear {place.contact_name}," if place.contact_name else "Hello,"
        if place.stage is Stage.DUE:
            subject = f"{self.scheme}: {place.name} is due its yearly check by {when}"
            opening = f"It is nearly a year since {place.name} was last checked as a Safe Place."
            ask = f"Its yearly check is due by {when}."
        elif place.last_checked is None:
            subject = f"{self.scheme}: {place.name}'s yearly check is overdue"
            opening = f"We have no record of a Safe Place check for {place.name} yet."
            ask = "Please could we arrange one soon?"
        else:
            subject = f"{self.scheme}: {place.name}'s yearly check is overdue"
            opening = f"The yearly Safe Place check for {place.name} was due on {when}."
            ask = "It has not been done yet."
        text = "\n\n".join(
            (
                greeting,
                f"{opening} {ask}",
                "The check makes sure your staff still know what to do when someone with a "
                "Keep Safe Card asks for help, that the Safe Place sticker can be seen from "
                "outside, and that your phone number, opening hours and access details are "
                "right on the map.",
                f"To arrange it, please {self.contact}.",
                f"Thank you for being a Safe Place.\n{self.scheme}",
            )
        )
        return Email(place.contact_email or "", subject, text + "\n", (place,))

    def to_officer(self, officer: StaffUser, places: Sequence[DuePlace]) -> Email:
        overdue = [p for p in places if p.stage is Stage.OVERDUE]
        due = [p for p in places if p.stage is Stage.DUE]
        counts = []
        if overdue:
            counts.append(f"{len(overdue)} overdue")
        if due:
            counts.append(f"{len(due)} due soon")
        subject = f"{self.scheme}: yearly checks to arrange ({', '.join(counts)})"
        parts = [
            f"Dear {officer.name or officer.email},",
            "These Safe Places need their yearly check. They have no venue contact email, "
            "so no reminder went to the venue: please get in touch with them yourself, and "
            "add a contact to each place so that next year's reminder reaches them.",
        ]
        for heading, group in (("Overdue", overdue), ("Due soon", due)):
            if group:
                parts.append(f"{heading}:\n" + "\n".join(self._line(p) for p in group))
        if self.staff_url:
            parts.append(f"The place list: {self.staff_url}")
        parts.append(self.scheme)
        return Email(officer.email, subject, "\n\n".join(parts) + "\n", tuple(places))

    def _line(self, place: DuePlace) -> str:
        where = ", ".join(part for part in (place.address, place.postcode) if part)
        if place.last_checked is None:
            when = "never checked"
        elif place.stage is Stage.OVERDUE:
            when = f"was due {_day(place.due_on)}"
        else:
            when = f"due by {_day(place.due_on)}"
        return f"- {place.name} ({where}; {self.area_label(place.area_code)}): {when}"


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def officers_for(area_code: str | None, officers: Iterable[StaffUser]) -> list[StaffUser]:
    """Who looks after an area's places: its active editors; failing those, the active
    admins (so a place in an area nobody edits still reaches someone). Viewers never."""
    active = [o for o in officers if o.active]
    editors = [o for o in active if o.role is Role.EDITOR and area_code in o.areas]
    return editors or [o for o in active if o.role is Role.ADMIN]


@dataclass(frozen=True, slots=True)
class Sent:
    email: Email
    problem: str | None = None  # why it could not be sent; None when it went


class Reminders:
    """Due checks, the emails for them, and the record of what went (table `check_reminders`)."""

    def __init__(
        self, engine: Engine, writer: Engine | None = None, due_within_days: int = 30
    ) -> None:
        self._engine = engine
        self._writer = writer or engine
        self._window = timedelta(days=due_within_days)

    def due(self, today: date) -> list[DuePlace]:
        """Live Safe Places due a check within the window, or overdue, not yet reminded at
        that stage for that due date; soonest first."""
        with Session(self._engine) as session:
            rows = session.scalars(
                select(PlaceRow).where(
                    PlaceRow.status == Status.ACTIVE.value,
                    PlaceRow.kind == Kind.SAFE_PLACE.value,
                )
            ).all()
            sent = {
                (r.place_id, r.stage, r.due_on) for r in session.scalars(select(ReminderRow)).all()
            }
        found = []
        for row in rows:
            # Never checked: overdue since it was added, as the place list counts it (a new
            # place counts as checked on the day it is added: only older ones lack a date).
            due_on = check_due(row.last_checked) or row.created_at.date()
            if check_overdue(row.last_checked, today):
                stage = Stage.OVERDUE
            elif due_on - today <= self._window:
                stage = Stage.DUE
            else:
                continue
            if (row.id, stage.value, due_on) in sent:
                continue
            found.append(
                DuePlace(
                    place_id=row.id,
                    name=row.name,
                    address=row.address,
                    postcode=row.postcode,
                    area_code=row.local_authority_code,
                    due_on=due_on,
                    stage=stage,
                    last_checked=row.last_checked,
                    contact_name=row.contact_name,
                    contact_email=row.contact_email,
                )
            )
        return sorted(found, key=lambda p: (p.due_on, p.name.lower()))

    def plan(self, today: date, officers: Iterable[StaffUser], letters: Letters) -> list[Email]:
        """Each venue with a contact email gets its own email; the rest are gathered into
        one email per officer of their area."""
        staff = list(officers)
        emails: list[Email] = []
        by_officer: dict[str, tuple[StaffUser, list[DuePlace]]] = {}
        for place in self.due(today):
            if place.contact_email:
                emails.append(letters.to_venue(place))
                continue
            for officer in officers_for(place.area_code, staff):
                by_officer.setdefault(officer.email, (officer, []))[1].append(place)
        for officer, places in by_officer.values():
            emails.append(letters.to_officer(officer, places))
        return emails

    def send(self, emails: Iterable[Email], send: Callable[[Email], None]) -> list[Sent]:
        """Send each email with `send`; record its places as reminded once it has gone. A
        failure is reported and not recorded, so tomorrow's run tries again."""
        results = []
        for email in emails:
            try:
                send(email)
            except Exception as exc:  # noqa: BLE001 - one bad address must not stop the rest
                results.append(Sent(email, str(exc) or type(exc).__name__))
                continue
            self._record(email)
            results.append(Sent(email))
        return results

    def _record(self, email: Email) -> None:
        now = datetime.now(UTC)
        with Session(self._writer) as session, session.begin():
            for place in email.places:
                already = session.scalar(
                    select(ReminderRow.id).where(
                        ReminderRow.place_id == place.place_id,
                        ReminderRow.stage == place.stage.value,
                        ReminderRow.due_on == place.due_on,
                    )
                )
                if already is None:
                    session.add(
                        ReminderRow(
                            place_id=place.place_id,
                            stage=place.stage.value,
                            due_on=place.due_on,
                            sent_to=email.to,
                            sent_at=now,
                        )
                    )

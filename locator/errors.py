"""Domain errors: each carries a message a carer can understand, and one for the log.

They say what went wrong, not how to answer it: `api.errors` maps each class to its HTTP
status in one table.

``user_message`` is safe to show to anyone. ``log_message`` is for operators and never contains
what the person searched for (no postcodes, names or coordinates).
"""

from __future__ import annotations


class SafePlacesError(Exception):
    """Base of every error the service explains to the person using it."""

    slug: str = "bad-request"
    title: str = "Something was wrong with the request"

    def __init__(
        self,
        user_message: str,
        *,
        log_message: str | None = None,
        choices: list[object] | None = None,
        field_errors: dict[str, str] | None = None,
    ) -> None:
        super().__init__(log_message or self.slug)
        self.user_message = user_message
        self.log_message = log_message or self.slug
        # Places the person may have meant (geodata's PlaceName; locator can't import it).
        self.choices: list[object] = choices or []
        # A message per form field, for forms and API clients to show beside each field.
        self.field_errors: dict[str, str] = field_errors or {}

    def __reduce__(self) -> tuple[object, ...]:
        # Whole across a process boundary (imports are checked in a child process): the
        # default would call the class again with the log message as the user message.
        return (_rebuilt, (type(self), self.args, self.__dict__))


def _rebuilt(
    cls: type[SafePlacesError], args: tuple[object, ...], state: dict[str, object]
) -> SafePlacesError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class InvalidPostcode(SafePlacesError):
    slug = "invalid-postcode"
    title = "That is not a postcode"


class UnknownPostcode(SafePlacesError):
    slug = "unknown-postcode"
    title = "We couldn't find that postcode"


class UnknownPlace(SafePlacesError):
    slug = "unknown-place"
    title = "We couldn't find that place"


class AmbiguousPlace(SafePlacesError):
    """A place name that matches several places: the caller shows ``choices``, never picks one."""

    slug = "ambiguous-place"
    title = "More than one place has that name"


class InvalidCoordinates(SafePlacesError):
    slug = "invalid-coordinates"
    title = "That location is not valid"


class InvalidParameter(SafePlacesError):
    slug = "invalid-parameter"
    title = "Something in the search was not valid"


class BadQueryParameter(SafePlacesError):
    """A query parameter OGC API - Features says is a 400: a bad value, or one it doesn't know."""

    slug = "bad-query-parameter"
    title = "Something in the request was not valid"


class CollectionNotFound(SafePlacesError):
    slug = "collection-not-found"
    title = "We couldn't find that collection"


class PlaceNotFound(SafePlacesError):
    slug = "place-not-found"
    title = "We couldn't find that place"


class AccountNotFound(SafePlacesError):
    slug = "account-not-found"
    title = "We couldn't find that account"


class PlaceInvalid(SafePlacesError):
    slug = "invalid-place"
    title = "Some details of the place need fixing"


class AccountInvalid(SafePlacesError):
    """An account change that can't be made as asked; `field_errors` says where."""

    slug = "invalid-account"
    title = "Some details of the account need fixing"


class PreconditionRequired(SafePlacesError):
    slug = "precondition-required"
    title = "Say which version you are changing"


class StaleEdit(SafePlacesError):
    """An edit made to an older version of a place than the one stored now."""

    slug = "stale-edit"
    title = "Someone else has changed this place"

    def __init__(self, current_version: int) -> None:
        super().__init__(
            "Someone else changed this place while you were editing it. "
            "Look at the place as it is now, then make your change again.",
            log_message="edit of an out-of-date version",
        )
        self.current_version = current_version


class DuplicateReference(SafePlacesError):
    """A place would take a reference (external_ref) another place already has; nothing was
    written. `field_errors` has the message for the reference field."""

    slug = "duplicate-reference"
    title = "Another place already has this reference"

    def __init__(self, ref: str, holder_id: str, holder_name: str, where: str = "") -> None:
        message = (
            f"{where}Another place already has this reference ({ref}): {holder_name} "
            f"({holder_id}). Give this place a different reference, or change that one."
        )
        super().__init__(
            message,
            log_message="reference already used by another place",
            field_errors={"external_ref": message},
        )
        self.ref = ref
        self.holder_id = holder_id


class NotAuthenticated(SafePlacesError):
    slug = "not-authenticated"
    title = "Please log in"


class Forbidden(SafePlacesError):
    slug = "forbidden"
    title = "You can't do that"


class ForeignOrigin(Forbidden):
    """A change sent from a page on another site (cross-site request forgery), or from a
    browser that didn't say where it came from."""

    slug = "foreign-origin"
    title = "This was sent from another website"


class TwoFactorNeeded(Forbidden):
    """An admin without two-factor login where the service requires it: a page sends them to
    set it up; anything else is refused until they have."""

    slug = "two-factor-needed"
    title = "Turn on two-factor login first"


class TooManyTries(SafePlacesError):
    """Too many wrong passwords lately from this address (or, from a browser new to the
    account, for this account): the try is refused unchecked until `retry_after_s` passes."""

    slug = "too-many-tries"
    title = "Too many tries"

    def __init__(self, user_message: str, *, retry_after_s: int, log_message: str) -> None:
        super().__init__(user_message, log_message=log_message)
        self.retry_after_s = retry_after_s


class AccountDisabled(SafePlacesError):
    slug = "account-disabled"
    title = "This account is disabled"


class GeocoderUnavailable(SafePlacesError):
    slug = "geocoder-unavailable"
    title = "The place-name search is not available just now"


class StorageUnavailable(SafePlacesError):
    """The database (or its disk) can't take a write just now: read-only, full, or failing.
    The write's transaction was rolled back whole, so nothing is half-written."""

    slug = "storage-unavailable"
    title = "We couldn't save this change"

    def __init__(self, log_message: str = "the database can't take a write") -> None:
        super().__init__(
            "We couldn't save this change. Nothing was changed. Please try again later.",
            log_message=log_message,
        )


class DatabaseUnreachable(SafePlacesError):
    """The database server can't be reached (stopped, restarting, or the network to it down).
    Whatever was asked was not done; searches go on answering from the index in memory."""

    slug = "database-unreachable"
    title = "Database unreachable"

    def __init__(self, log_message: str = "database unreachable") -> None:
        super().__init__(
            "The database can't be reached right now. Nothing was changed. "
            "Try again in a few minutes.",
            log_message=log_message,
        )


class MailNotSetUp(SafePlacesError):
    """No mail server is configured (``SAFEPLACES_MAIL__HOST``), so nothing can be sent."""

    slug = "mail-not-set-up"
    title = "Email is not set up"

    def __init__(self) -> None:
        super().__init__(
            "This service can't send email yet: ask council IT to set up its mail server.",
            log_message="no mail host configured (SAFEPLACES_MAIL__HOST)",
        )


class MailFailed(SafePlacesError):
    """The mail server could not be reached, or refused the message; `reason` says which
    in plain words (it never holds the message or a password)."""

    slug = "mail-failed"
    title = "We couldn't send the email"

    def __init__(self, reason: str) -> None:
        super().__init__(
            f"We couldn't send the email: {reason} Please try again later, or ask council IT.",
            log_message=f"mail not sent: {reason}",
        )
        self.reason = reason


class DataError(Exception):
    """Data that cannot be loaded at all (missing file, wrong CRS, no usable rows)."""

"""What a partner asked the embedded map to show, read from its address, and the words for it.

Shared by the embed itself (`/embed`) and the page that writes its code (`/partners/embed`).
"""

from __future__ import annotations

from dataclasses import dataclass

from api.params import kinds_and_categories
from locator.errors import InvalidParameter
from locator.filter import VenueFilter
from locator.search import check_limits
from locator.settings import SearchSettings
from locator.venues import Category, Kind


@dataclass(frozen=True, slots=True)
class EmbedOptions:
    """What a partner asked the embedded map to show, checked."""

    kinds: list[Kind]
    categories: list[Category]
    count: int | None  # None: the default for the kind of search
    show_search: bool

    @classmethod
    def parse(
        cls,
        kind: list[str] | None,
        category: list[str] | None,
        k: str | None,
        search: str | None,
        limits: SearchSettings,
    ) -> EmbedOptions:
        kinds, categories = kinds_and_categories(kind, category, default=Kind.SAFE_PLACE)
        return cls(kinds, categories, parse_count(k, limits), _flag(search, "search"))

    @property
    def filter(self) -> VenueFilter:
        return VenueFilter.of(self.kinds, self.categories)

    def query(self) -> list[tuple[str, str]]:
        """These options as query parameters, to keep them when the box is used."""
        params = [("kind", k.value) for k in self.kinds]
        params += [("category", c.value) for c in self.categories]
        if self.count is not None:
            params.append(("k", str(self.count)))
        if not self.show_search:
            params.append(("search", "no"))
        return params


def parse_count(text: str | None, limits: SearchSettings) -> int | None:
    """How many places (k): empty for the default, else a whole number in the search's
    limits (checked by the search's own rule)."""
    if text is None or not text.strip():
        return None
    count = int(text) if text.strip().isdigit() else 0
    check_limits(count, None, limits)
    return count


def _flag(text: str | None, name: str) -> bool:
    if text is None or text.strip().lower() in ("", "yes", "true", "1", "on"):
        return True
    if text.strip().lower() in ("no", "false", "0", "off"):
        return False
    raise InvalidParameter(f"{name} must be yes or no.")


def what_words(options: EmbedOptions) -> str:
    """What the map shows, in words to use mid-sentence: "Safe Places", "police station…"."""
    return _WORDS[_which(options)][0]


def find_words(options: EmbedOptions) -> str:
    """The heading before a search: "Find a Safe Place"…"""
    return _WORDS[_which(options)][1]


def near_words(options: EmbedOptions, label: str) -> str:
    return f"{sentence(what_words(options))} near {label}"


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _which(options: EmbedOptions) -> str:
    # Categories narrow the kinds: "libraries" can't bring a police front desk.
    kinds = set(options.kinds)
    if options.categories:
        kinds &= {c.kind for c in options.categories}
    if kinds == {Kind.POLICE_ENQUIRY_OFFICE}:
        return "police"
    return "both" if Kind.POLICE_ENQUIRY_OFFICE in kinds else "safe"


_WORDS = {
    "safe": ("Safe Places", "Find a Safe Place"),
    "police": ("police station front desks", "Find a police station front desk"),
    "both": (
        "Safe Places and police station front desks",
        "Find a Safe Place or a police station front desk",
    ),
}

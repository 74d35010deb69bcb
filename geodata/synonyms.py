"""The words people type for what a place is, as our categories: "Library", "GP surgery",
"Chemist". Spelling, case, spaces and punctuation don't matter ("Doctor's surgery",
"doctors surgery" and "DOCTORS-SURGERY" are one)."""

from __future__ import annotations

import re
import unicodedata

from locator.venues import Category, Kind

_WORDS = {
    Category.LIBRARY: ("library", "public library", "mobile library"),
    Category.PHARMACY: ("pharmacy", "chemist", "pharmacist", "drug store", "dispensary"),
    Category.GP_SURGERY: (
        "gp surgery", "gp", "gp practice", "doctor", "doctors surgery", "doctor's surgery",
        "surgery", "health centre", "medical centre", "medical practice",
    ),
    Category.SHOP: ("shop", "store", "retail", "supermarket", "newsagent", "post office"),
    Category.CAFE: ("cafe", "coffee shop", "tea room", "tearoom", "coffee house"),
    Category.COUNCIL_OFFICE: (
        "council office", "council", "town hall", "civic centre", "council building",
        "customer service centre",
    ),
    Category.COMMUNITY_CENTRE: (
        "community centre", "community center", "village hall", "community hall",
        "church hall", "community building",
    ),
    Category.HOSPITAL: ("hospital", "infirmary"),
    Category.POLICE_STATION: ("police station", "police", "police enquiry office", "police office"),
    Category.OTHER: ("other",),
}  # fmt: skip


def squash(text: str) -> str:
    """Text for comparing: no accents, case, spaces or punctuation ("Café" is "cafe")."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.lower())


def _plural(word: str) -> tuple[str, ...]:
    return (word, word + "s", word + "es", word[:-1] + "ies") if word else (word,)


_CATEGORIES: dict[str, Category] = {}
for _category, _names in _WORDS.items():
    for _name in (_category.value, _category.label, *_names):
        for _form in _plural(squash(_name)):
            _CATEGORIES.setdefault(_form, _category)


def category_of(text: str) -> Category | None:
    """The category these words mean, or None: "Library", "GP surgery", "Chemists"."""
    return _CATEGORIES.get(squash(text))


def kind_of(text: str) -> Kind | None:
    """safe_place or police_enquiry_office, as typed: "Safe Place", "Police enquiry office"."""
    return next((k for k in Kind if squash(k.value) == squash(text)), None)


def categories_in_words() -> str:
    """Every category, as a list people can read: "Library, Pharmacy, …, Other"."""
    return ", ".join(c.label for c in Category)

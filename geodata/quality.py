"""Data-quality rules over the place rows: what staff should fill in, check or fix.

Each rule is a function over the places table (`places_table`) that returns the places it
catches, one row each (`ISSUE_COLUMNS`): the rule, the place's id, name, status and area, and
the reason in plain words. A complete, recently checked, well-placed place is caught by none.
Removed places are left out: they are not shown to anyone.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from datetime import date
from typing import Final

import numpy as np
import pandas as pd
import shapely

from geodata.gazetteer import Gazetteer
from geodata.placenames import fold
from geodata.postcodes import parse_postcode
from geodata.rows import PlaceRow
from locator.area import ServiceArea
from locator.contact_details import email_problem, phone_problem
from locator.coverage import pairs_within
from locator.errors import InvalidPostcode
from locator.geo import geodesic_m, wgs84_to_bng
from locator.venues import Status
from locator.venues import check_overdue as is_overdue

FAR_FROM_POSTCODE_M: Final = 500
DUPLICATE_WITHIN_M: Final = 50
# Names at least this alike (0 to 1, see `name_similarity`) count as "similar".
SIMILAR_NAMES: Final = 0.85

PLACE_COLUMNS: Final = (
    "id",
    "name",
    "kind",
    "category",
    "status",
    "postcode",
    "latitude",
    "longitude",
    "phone",
    "contact_phone",
    "email",
    "contact_email",
    "opening_hours",
    "accessibility_notes",
    "last_checked",
    "local_authority_code",
)
ISSUE_COLUMNS: Final = ("rule", "id", "name", "status", "local_authority_code", "reason")

# Each rule's id and what it means, in the order reports show them.
RULES: Final = {
    "missing_phone": "No phone number",
    "unusable_contact": "A phone number or email that isn't right",
    "missing_opening_hours": "No opening hours",
    "missing_accessibility_notes": "No accessibility notes",
    "check_overdue": "Yearly check overdue",
    "far_from_postcode": f"More than {FAR_FROM_POSTCODE_M} m from its postcode's centre",
    "likely_duplicate": f"Likely duplicate (similar name within {DUPLICATE_WITHIN_M} m)",
    "outside_area": "Outside the service area",
}


def places_table(rows: Iterable[PlaceRow]) -> pd.DataFrame:
    """The place rows (any status but removed) as a table with `PLACE_COLUMNS`."""
    records = [
        {c: getattr(r, c) for c in PLACE_COLUMNS} for r in rows if r.status != Status.REMOVED.value
    ]
    return pd.DataFrame(records, columns=list(PLACE_COLUMNS))


def _issues(places: pd.DataFrame, rule: str, reasons: Iterable[str]) -> pd.DataFrame:
    frame = places.loc[:, ["id", "name", "status", "local_authority_code"]].copy()
    frame.insert(0, "rule", rule)
    frame["reason"] = list(reasons)
    return frame.reset_index(drop=True)


def _blank(column: pd.Series) -> pd.Series:
    return column.isna() | (column.astype(str).str.strip() == "")


def missing_phone(places: pd.DataFrame) -> pd.DataFrame:
    """Places with no phone number: staff and carers can't ring ahead."""
    caught = places[_blank(places["phone"])]
    return _issues(caught, "missing_phone", ["No phone number."] * len(caught))


# Each contact column, its words, and the check that says what is wrong with its value.
_CONTACT_CHECKS: Final = (
    ("phone", "Phone", phone_problem),
    ("contact_phone", "Contact's phone", phone_problem),
    ("email", "Email", email_problem),
    ("contact_email", "Contact's email", email_problem),
)


def unusable_contact(places: pd.DataFrame) -> pd.DataFrame:
    """Places with a phone number that isn't a real one, or an email that isn't an address:
    kept as typed (by an older version, or a file) so nothing is lost, for an officer to fix."""
    keep: list[bool] = []
    reasons: list[str] = []
    columns = [places[column] for column, _, _ in _CONTACT_CHECKS]
    for values in zip(*columns, strict=True):
        said = [
            f"{words}: {problem}"
            for value, (_, words, check) in zip(values, _CONTACT_CHECKS, strict=True)
            if isinstance(value, str) and (problem := check(value))
        ]
        keep.append(bool(said))
        if said:
            reasons.append(" ".join(said))
    return _issues(places[np.array(keep, dtype=bool)], "unusable_contact", reasons)


def missing_opening_hours(places: pd.DataFrame) -> pd.DataFrame:
    """Places with no opening hours: the public pages can only say "hours not known"."""
    caught = places[_blank(places["opening_hours"])]
    reason = 'No opening hours: people are told "opening hours not known".'
    return _issues(caught, "missing_opening_hours", [reason] * len(caught))


def missing_accessibility_notes(places: pd.DataFrame) -> pd.DataFrame:
    """Places with no accessibility notes (step-free access, a quiet space, a hearing loop…)."""
    caught = places[_blank(places["accessibility_notes"])]
    reason = "No accessibility notes (step-free access, a quiet space, a hearing loop…)."
    return _issues(caught, "missing_accessibility_notes", [reason] * len(caught))


def _day(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def check_overdue(places: pd.DataFrame, today: date) -> pd.DataFrame:
    """Places never checked, or last checked more than `CHECK_EVERY_DAYS` days ago."""
    reasons: list[str] = []
    keep: list[bool] = []
    for checked in places["last_checked"]:
        if checked is None or pd.isna(checked):
            keep.append(True)
            reasons.append("Never checked.")
            continue
        if isinstance(checked, pd.Timestamp):
            checked = checked.date()
        days = (today - checked).days
        late = is_overdue(checked, today)  # the staff pages' rule
        keep.append(late)
        if late:
            reasons.append(f"Last checked on {_day(checked)}, {days} days ago: checks are yearly.")
    return _issues(places[np.array(keep, dtype=bool)], "check_overdue", reasons)


def far_from_postcode(
    places: pd.DataFrame, gazetteer: Gazetteer, limit_m: float = FAR_FROM_POSTCODE_M
) -> pd.DataFrame:
    """Places more than `limit_m` from the centre of their own postcode, or whose postcode is
    not a known one: the pin or the postcode is probably wrong. Places with no postcode (police
    offices placed by town) are not checked."""
    rows: list[int] = []
    reasons: list[str] = []
    lon: list[float] = []
    lat: list[float] = []
    centres: list[tuple[int, str, float, float]] = []
    for i, (text, plon, plat) in enumerate(
        zip(places["postcode"], places["longitude"], places["latitude"], strict=True)
    ):
        if not isinstance(text, str) or not text.strip():
            continue
        try:
            found = gazetteer.find(parse_postcode(text))
        except InvalidPostcode:
            found = None
        if found is None:
            rows.append(i)
            reasons.append(f"Its postcode {text} is not in the postcode data: mistyped or old?")
            continue
        centres.append((i, found.postcode.value, found.longitude, found.latitude))
        lon.append(float(plon))
        lat.append(float(plat))
    if centres:
        metres = geodesic_m(
            np.array([c[2] for c in centres]),
            np.array([c[3] for c in centres]),
            np.array(lon),
            np.array(lat),
        )
        for (i, postcode, _, _), m in zip(centres, metres.tolist(), strict=True):
            if m > limit_m:
                rows.append(i)
                reasons.append(
                    f"{_distance(m)} from the centre of its postcode {postcode}: "
                    "check the pin and the postcode."
                )
    order = np.argsort(rows, kind="stable")
    return _issues(
        places.iloc[[rows[j] for j in order]], "far_from_postcode", [reasons[j] for j in order]
    )


def _distance(metres: float) -> str:
    return f"{metres / 1000:.1f} km" if metres >= 1000 else f"{metres:.0f} m"


def name_similarity(a: str, b: str) -> float:
    """How alike two place names are, from 0 to 1, ignoring case, accents, punctuation and
    word order. A name whose words are all in the other ("Boots", "Boots Pharmacy") counts 1.

    difflib (the standard library) rather than rapidfuzz: names are only compared for places
    already within a few metres of each other, a handful of pairs even with thousands of
    places, so a faster matcher would buy nothing for a new dependency. (geodata.placenames
    uses difflib for its suggestions too.)
    """
    ta, tb = fold(a).split(), fold(b).split()
    if not ta or not tb:
        return 0.0
    if set(ta) <= set(tb) or set(tb) <= set(ta):
        return 1.0
    return difflib.SequenceMatcher(None, " ".join(sorted(ta)), " ".join(sorted(tb))).ratio()


def likely_duplicates(
    places: pd.DataFrame,
    within_m: float = DUPLICATE_WITHIN_M,
    similarity: float = SIMILAR_NAMES,
) -> pd.DataFrame:
    """Pairs of places within `within_m` metres of each other with similar names (see
    `name_similarity`): probably one place entered twice. Each pair is one row, under the
    first of the two by id, naming the other."""
    ordered = places.sort_values("id", kind="stable").reset_index(drop=True)
    lon, lat = ordered["longitude"].to_numpy(float), ordered["latitude"].to_numpy(float)
    ia, ib, metres = pairs_within(lon, lat, lon, lat, within_m)
    rows: list[int] = []
    reasons: list[str] = []
    names, ids = ordered["name"].tolist(), ordered["id"].tolist()
    for a, b, m in zip(ia.tolist(), ib.tolist(), metres.tolist(), strict=True):
        if a < b and name_similarity(names[a], names[b]) >= similarity:
            rows.append(a)
            reasons.append(
                f'Similar name to "{names[b]}" ({ids[b]}), {m:.0f} m away: '
                "the same place entered twice?"
            )
    return _issues(ordered.iloc[rows], "likely_duplicate", reasons)


def outside_area(places: pd.DataFrame, area: ServiceArea) -> pd.DataFrame:
    """Places whose pin is outside the service area: a wrong position, or a place that needs
    the "outside the area" choice on purpose."""
    lon, lat = places["longitude"].to_numpy(float), places["latitude"].to_numpy(float)
    x, y = wgs84_to_bng(lon, lat) if len(lon) else (lon, lat)
    inside = shapely.intersects_xy(area.geometry, x, y) if len(lon) else np.ones(0, dtype=bool)
    caught = places[~np.asarray(inside, dtype=bool)]
    reason = f"Its pin is outside the area we cover ({area.name}): check the position."
    return _issues(caught, "outside_area", [reason] * len(caught))


def run_rules(
    places: pd.DataFrame, gazetteer: Gazetteer, area: ServiceArea, today: date
) -> pd.DataFrame:
    """Every rule over the places: one table, in the order of `RULES`, then by place id."""
    rules: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {
        "missing_phone": missing_phone,
        "unusable_contact": unusable_contact,
        "missing_opening_hours": missing_opening_hours,
        "missing_accessibility_notes": missing_accessibility_notes,
        "check_overdue": lambda p: check_overdue(p, today),
        "far_from_postcode": lambda p: far_from_postcode(p, gazetteer),
        "likely_duplicate": likely_duplicates,
        "outside_area": lambda p: outside_area(p, area),
    }
    assert list(rules) == list(RULES)
    found = [rule(places).sort_values("id", kind="stable") for rule in rules.values()]
    return pd.concat(found, ignore_index=True) if found else _empty()


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=list(ISSUE_COLUMNS))


def summary(issues: pd.DataFrame, places: pd.DataFrame) -> pd.DataFrame:
    """How many places each rule catches (every rule listed, even at 0), of how many."""
    counts = issues.groupby("rule")["id"].nunique() if len(issues) else pd.Series(dtype=int)
    return pd.DataFrame(
        {
            "rule": list(RULES),
            "description": list(RULES.values()),
            "places": [int(counts.get(rule, 0)) for rule in RULES],
            "of": len(places),
        }
    )

"""Candidate venues: GP practices and pharmacies that could be asked to join the scheme.

They come from the candidates file (NHS ODS data), are not Safe Places, and never go into the
place database: only the coverage report reads them, to rank where to recruit next. Rows are
read and checked as the venue files are (geodata.venues), and a bad row is reported with its
row number, never dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import pandas as pd

from geodata.gazetteer import Gazetteer
from geodata.postcodes import parse_postcode
from geodata.venues import _CATEGORIES, RowProblem, _coordinate, _read_rows
from locator.errors import DataError, InvalidPostcode
from locator.venues import Category, LocationPrecision

COLUMNS: Final = (
    "candidate_id",
    "name",
    "category",
    "category_label",
    "address",
    "postcode",
    "phone",
    "local_authority_code",
    "latitude",
    "longitude",
    "location_precision",
)


@dataclass
class Candidates:
    """The usable candidates (one row each, `COLUMNS`) and the rows that could not be used."""

    frame: pd.DataFrame
    problems: list[RowProblem] = field(default_factory=list)


def load_candidates(path: Path, gazetteer: Gazetteer) -> Candidates:
    """Candidates from the candidates CSV (``candidate_id``, ``name``, ``venue_type``, …).

    A row without coordinates is placed at its postcode's centre, as venues are. Raises
    `DataError` when the file is missing.
    """
    if not path.is_file():
        raise DataError(f"candidates file not found: {path}")
    records: list[dict[str, object]] = []
    problems: list[RowProblem] = []
    file = path.name
    for n, row in enumerate(_read_rows(path), start=1):
        rid = row.text("candidate_id") or "(no id)"
        try:
            text = row.text("postcode")
            postcode = parse_postcode(text) if text else None
            found = gazetteer.find(postcode) if postcode else None
            coordinate = _coordinate(row)
            precision = LocationPrecision.POSTCODE
            if coordinate is None:
                if found is None:
                    raise ValueError("it has no coordinates and no known postcode to place it by")
                coordinate = (found.latitude, found.longitude)
            elif not (row.text("coordinate_source") or "postcode").lower().startswith("postcode"):
                precision = LocationPrecision.BUILDING
            category = _CATEGORIES.get((row.text("venue_type") or "").lower(), Category.OTHER)
            records.append(
                {
                    "candidate_id": row.need("candidate_id"),
                    "name": row.need("name"),
                    "category": category.value,
                    "category_label": category.label,
                    "address": row.text("address") or "",
                    "postcode": postcode.value if postcode else None,
                    "phone": row.text("phone"),
                    "local_authority_code": row.text("local_authority_code")
                    or (found.local_authority_code if found else None),
                    "latitude": coordinate[0],
                    "longitude": coordinate[1],
                    "location_precision": precision.value,
                }
            )
        except (ValueError, InvalidPostcode) as exc:
            reason = exc.user_message if isinstance(exc, InvalidPostcode) else str(exc)
            problems.append(RowProblem(file, n, rid, reason))
    return Candidates(pd.DataFrame(records, columns=list(COLUMNS)), problems)

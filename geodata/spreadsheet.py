"""CSV cells a spreadsheet would run, made safe: every CSV the service writes goes through here.

A cell that starts with = + - @ (or a tab or carriage return) is read by Excel, LibreOffice and
Google Sheets as a formula, so a place named ``=HYPERLINK(...)`` would run on a council PC when
the file is opened. Following OWASP's CSV injection guidance such a text cell is written with a
leading apostrophe, which spreadsheets show as plain text and hide; numbers are left alone.
Importing a file the service wrote takes the apostrophe off again (`restore`), so an export
imports back unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """The value as a spreadsheet may safely read it (text only: numbers are never run)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def restore(value: Any) -> Any:
    """The text a neutralised cell stood for (anything else as it is)."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of the frame with every text cell neutralised, for `to_csv`."""
    import pandas as pd

    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    return out

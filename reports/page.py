"""A report page: one self-contained HTML document of sections, tables, a chart and a map."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from maps.report_map import MapParts, inline_assets

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
)


@dataclass(frozen=True, slots=True)
class Table:
    """A table for the page: text cells, a caption, the columns to right-align (numbers)."""

    caption: str
    headers: list[str]
    rows: list[list[str]]
    numeric: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class Section:
    """A part of the page under its own heading, listed in the contents (`id` is its anchor)."""

    id: str
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figure: Markup | None = None
    map: MapParts | None = None
    map_label: str = ""


def report_page(
    title: str,
    intro: Sequence[str],
    sections: Sequence[Section],
    attribution: Sequence[str],
    generated: datetime,
) -> str:
    """One self-contained HTML document: headings, tables, the chart and the map inline."""
    return TEMPLATES.get_template("report_page.html").render(
        title=title,
        intro=intro,
        sections=sections,
        attribution=attribution,
        generated=f"{generated.day} {generated:%B %Y, %H:%M}",
        assets=inline_assets() if any(s.map for s in sections) else Markup(""),
    )

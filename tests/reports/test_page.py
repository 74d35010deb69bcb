"""A report page on its own: a full document whose every piece of text is escaped, with the
map assets inline only when a section has a map."""

from __future__ import annotations

from datetime import UTC, datetime

from reports.page import Section, Table, report_page

WHEN = datetime(2026, 11, 24, 9, 5, tzinfo=UTC)


def test_page_escapes_text_and_needs_no_map() -> None:
    table = Table(
        "<i>Caption</i>", ["Name", "Places"], [["<script>x</script>", "3"]], frozenset({1})
    )
    page = report_page(
        "A & B", ["Intro <b>bold</b>"], [Section("s1", "First", ["Para"], [table])], ["© Us"], WHEN
    )
    assert page.startswith("<!doctype html>") and '<html lang="en-GB">' in page
    assert "<title>A &amp; B</title>" in page and "Made on 24 November 2026, 09:05" in page
    assert "<script>x</script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
    assert "&lt;i&gt;Caption&lt;/i&gt;" in page and "Intro &lt;b&gt;bold&lt;/b&gt;" in page
    assert '<a href="#s1">First</a>' in page and '<td class="num">3</td>' in page
    assert "<script>" not in page  # no map: no Leaflet

"""The help pages over HTTP: "Report a hate crime" from the contacts file, the help panel's
link, private pages never cached, and the exit hint with and without scripts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pages_app import HTML, REPORT_CONTACTS, pages_client

from api.settings import PagesSettings, Settings


@pytest.fixture(scope="module")
def client(
    synthetic_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    yield from pages_client(synthetic_settings, tmp_path_factory)


def test_hate_crime_page_numbers_come_from_the_contacts_file(client: TestClient) -> None:
    r = client.get("/hate-crime", headers=HTML)
    assert r.status_code == 200
    html = r.text
    assert "<h1>Report a hate crime</h1>" in html
    assert 'href="tel:999"' in html and "Call if you are in danger now." in html
    assert 'href="tel:03000000101"' in html and "Testshire Police" in html
    assert 'href="tel:1800103000000101"' in html and 'id="deaf"' in html
    # A web link is an ordinary link that says nothing about where it came from.
    link = '<a class="sp-call sp-way" href="https://report.example.org/hate" rel="noreferrer">'
    assert link in html and "Report it online" in html
    # Groups the file leaves out are left off the page, with their headings.
    assert "Crimestoppers" not in html and "Talk to someone about it" not in html
    # The nearest front desk: a search on this site.
    assert 'action="/find"' in html and "Find your nearest police station front desk" in html
    assert "<iframe" not in html


def test_packaged_hate_crime_numbers() -> None:
    from api.contacts import DEFAULT_CONTACTS, load_contact_book

    groups = load_contact_book(DEFAULT_CONTACTS).report_groups()
    numbers = {g: [c.number for c in cs] for g, cs in groups.items()}
    assert numbers["emergency"] == ["999"] and numbers["non_emergency"] == ["101"]
    assert numbers["anonymous"] == ["0800 555 111"]
    assert numbers["support"] == ["0800 138 1625", "18001 0800 138 1625"]
    assert numbers["deaf"] == ["18000", None, "18001 101"]
    sms = groups["deaf"][1]
    assert sms.url and sms.url.startswith("https://www.relayuk.bt.com/")
    assert "register first" in sms.say.lower()
    assert groups["online"][0].url == "https://www.report-it.org.uk/"


def test_help_panel_and_footer_link_to_the_hate_crime_page(client: TestClient) -> None:
    for path in ["/", "/find?q=DE4%203AG", "/privacy", "/hate-crime"]:
        html = client.get(path, headers=HTML).text
        panel = html.split('class="sp-help"')[1].split("</section>")[0]
        assert '<a class="sp-action" href="/hate-crime">Report a hate crime</a>' in panel, path
        footer = html.split('class="sp-footer"')[1]
        assert '<a href="/hate-crime">Report a hate crime</a>' in footer, path


def test_private_pages_are_never_cached(client: TestClient) -> None:
    """After "Exit this page", neither Back nor the cache can show a search again."""
    private = [
        "/find?q=DE4%203AG",
        "/find?q=hello",  # an error page still shows what was typed
        "/find?q=" + "x" * 300,
        "/places/S1",
        "/places/NOPE",
        "/embed?q=DE4%203AG",
        "/hate-crime",
    ]
    for path in private:
        assert client.get(path, headers=HTML).headers["cache-control"] == "no-store", path
    for path in ["/", "/privacy", "/about"]:
        assert "cache-control" not in client.get(path, headers=HTML).headers, path
    for path in ["/static/css/site.css", "/static/js/site.js", "/static/icons/icons.svg"]:
        assert client.get(path).headers["cache-control"] == "public, max-age=86400", path


def test_exit_hint_is_true_with_and_without_scripts(client: TestClient) -> None:
    hint = client.get("/", headers=HTML).text.split('class="sp-exit-hint">')[1].split("</p>")[0]
    # Shift 3 times needs the script; without it, the link adds to the history.
    assert (
        '<span class="sp-js-only sp-wide-only" hidden> Or press the Shift key 3 times.</span>'
        in hint
    )
    assert '<span class="sp-no-js">' in hint and "close the tab" in hint


def test_contacts_file_setting_is_checked(tmp_path: Path) -> None:
    from pydantic import ValidationError

    cases = {
        "missing.toml": None,
        "not-toml.toml": "[[contacts]\n",
        "no-number.toml": '[[hate_crime]]\ngroup = "emergency"\nname = "X"\n',
        "bad-group.toml": '[[hate_crime]]\ngroup = "nowhere"\nname = "X"\nnumber = "999"\n',
        "bad-url.toml": (
            '[[hate_crime]]\ngroup = "online"\nname = "X"\nurl = "javascript:alert(1)"\n'
            'link_text = "Go"\n'
        ),
        "typo.toml": '[[contacts]]\nname = "X"\nnumbr = "999"\n',
    }
    for name, text in cases.items():
        path = tmp_path / name
        if text is not None:
            path.write_text(text)
        with pytest.raises(ValidationError, match="contacts"):
            PagesSettings(contacts_file=path)
    good = tmp_path / "good.toml"
    good.write_text(REPORT_CONTACTS)
    assert PagesSettings(contacts_file=good).contacts_file == good

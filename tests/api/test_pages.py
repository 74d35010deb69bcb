"""The public pages over HTTP: content, escaping, errors on the same page, privacy headers."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import get_now
from api.settings import PagesSettings, Settings
from locator.hours import LONDON

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=LONDON)  # a Tuesday morning
HTML = {"accept": "text/html"}
# The hate-crime page's list, in the same file: another area's numbers and links.
REPORT_CONTACTS = """
[[hate_crime]]
group = "emergency"
name = "Testshire emergency"
number = "999"
say = "Call if you are in danger now."
[[hate_crime]]
group = "non_emergency"
name = "Testshire Police"
number = "0300 000 0101"
[[hate_crime]]
group = "online"
name = "Testshire online form"
url = "https://report.example.org/hate"
link_text = "Report it online"
[[hate_crime]]
group = "deaf"
name = "Testshire text relay"
number = "18001 0300 000 0101"
"""


@pytest.fixture(scope="module")
def client(
    synthetic_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    contacts = tmp_path_factory.mktemp("conf") / "contacts.toml"
    contacts.write_text(
        '[[contacts]]\nname = "Emergency"\nnumber = "999"\n'
        '[[contacts]]\nname = "Testshire Hate Crime Line"\nnumber = "0800 000 1234"\n'
        + REPORT_CONTACTS
    )
    settings = synthetic_settings.model_copy(
        update={
            "pages": PagesSettings(
                tile_url="http://127.0.0.1:9/tiles/{z}/{x}/{y}.png", contacts_file=contacts
            )
        }
    )
    app = create_app(settings)
    app.dependency_overrides[get_now] = lambda: NOW
    with TestClient(app) as c:
        yield c


def test_home(client: TestClient) -> None:
    r = client.get("/", headers=HTML)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert '<label class="sp-label" for="q">' in html
    assert 'action="/find"' in html
    assert "Exit this page" in html and 'data-exit-url="https://www.bbc.co.uk/weather"' in html
    # The help contacts come from the deployment's file.
    assert 'href="tel:08000001234"' in html and "Testshire Hate Crime Line" in html
    assert "Use my location" in html


def test_results_list_and_map_match(client: TestClient) -> None:
    r = client.get("/find", params={"q": "DE4 3AG"}, headers=HTML)
    assert r.status_code == 200
    html = r.text
    assert "<h1>Safe Places near DE4 3AG</h1>" in html
    assert 'value="DE4 3AG"' in html
    names = re.findall(r'<span class="sp-visually-hidden">(\d+): </span>([^<]+)</h3>', html)
    assert [n for n, _ in names] == ["1", "2", "3", "4"]
    # Each list number has a map marker with the same number and name.
    for number, name in names:
        assert f'"title": "{number}: {name}"' in html or f'"title": "{number}: ' in html
    assert '"label": "P"' in html
    assert "Nearest police station front desk" in html
    assert "Approximate location: check the address before you go." in html


def test_nearest_open_now_box(client: TestClient) -> None:
    html = client.get("/find", params={"q": "DE4 3AG"}, headers=HTML).text
    box = html.split('id="open-now"')[1].split("</section>")[0]
    assert "Matlock Library" in box and "Open now. Closes at 5pm." in box
    assert "about 7 minutes&#39; walk" in box


def test_no_open_place_offers_phone_numbers(client: TestClient) -> None:
    html = client.get("/find", params={"q": "S40 1AA"}, headers=HTML).text
    box = html.split('id="open-now"')[1].split("</section>")[0]
    assert "No Safe Place is open within about a 15-minute walk." in box
    assert 'href="tel:101"' in box and 'href="tel:999"' in box


def test_venue_text_is_escaped_in_list_and_popups(client: TestClient) -> None:
    html = client.get("/find", params={"q": "DE4 5AA"}, headers=HTML).text
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Shop" in html
    # The map's data: no "<" at all inside the script (it can't be closed early), and the
    # popup HTML carries the name escaped; the title is plain text, set with textContent.
    data = html.split("SafePlaces.addMarkers(")[1].split(");")[0].split(", ", 1)[1]
    assert "<" not in data
    markers = json.loads(data)
    shop = next(m for m in markers if "Shop" in m["title"])
    assert shop["title"].endswith("<script>alert(1)</script> Shop")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Shop" in shop["popup"]
    assert "<script" not in shop["popup"]


def test_place_page(client: TestClient) -> None:
    r = client.get("/places/S1", headers=HTML)
    assert r.status_code == 200
    assert "<h1>Matlock Library</h1>" in r.text
    assert '<th scope="row">Monday</th><td>9am to 5pm</td>' in r.text
    assert '<th scope="row">Sunday</th><td>Closed</td>' in r.text
    assert 'href="tel:01629000000"' in r.text
    missing = client.get("/places/NOPE", headers=HTML)
    assert missing.status_code == 404 and "We couldn&#39;t find that place" in missing.text


@pytest.mark.parametrize(
    ("q", "status", "message"),
    [
        ("hello", 404, "We couldn&#39;t find a place called &#34;hello&#34;"),
        ("SW1A 1AA", 404, "We couldn&#39;t find the postcode SW1A 1AA"),
        ("", 422, "Please type a postcode, or the name of a town or village."),
        ("matl", 200, "Did you mean one of these?"),
    ],
)
def test_errors_come_back_on_the_same_page(
    client: TestClient, q: str, status: int, message: str
) -> None:
    r = client.get("/find", params={"q": q}, headers=HTML)
    assert r.status_code == status
    assert message in r.text
    assert f'value="{q}"' in r.text  # the box is still filled in
    assert 'action="/find"' in r.text


def test_ambiguous_name_shows_choices_as_links(client: TestClient) -> None:
    html = client.get("/find", params={"q": "Newton"}, headers=HTML).text
    assert 'href="/find?q=Newton%2C%20Bolsover"' in html
    assert 'href="/find?q=Newton%2C%20Tameside"' in html


def test_location_search_and_bad_location(client: TestClient) -> None:
    ok = client.get("/find", params={"lat": "53.14", "lon": "-1.55"}, headers=HTML)
    assert ok.status_code == 200 and "Safe Places near your location" in ok.text
    outside = client.get("/find", params={"lat": "51.5", "lon": "-0.14"}, headers=HTML)
    assert "outside the area we cover" in outside.text
    bad = client.get("/find", params={"lat": "north", "lon": "-1.55"}, headers=HTML)
    assert bad.status_code == 422 and "We couldn&#39;t read that location" in bad.text


def test_privacy_headers_and_no_cookies(client: TestClient) -> None:
    for path in ["/", "/find?q=DE4%203AG", "/places/S1", "/privacy", "/about"]:
        r = client.get(path, headers=HTML)
        assert r.status_code == 200, path
        assert r.headers["referrer-policy"] == "no-referrer"
        assert "set-cookie" not in r.headers
        csp = r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self' 'nonce-" in csp
        assert "img-src 'self' data: http://127.0.0.1:9" in csp


def test_pages_load_nothing_from_elsewhere(client: TestClient) -> None:
    """Every script, stylesheet and image is this app's own; only the tile URL points out."""
    for path in ["/", "/find?q=DE4%203AG", "/places/S1", "/privacy"]:
        html = client.get(path, headers=HTML).text
        for url in re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', html):
            assert url.startswith("/") or url == "data:,", (path, url)
        assert "cdn" not in html.lower() and "jquery" not in html.lower()
        assert "bootstrap" not in html.lower()


def test_assets_are_served_cached_and_compressed(client: TestClient) -> None:
    for path in [
        "/static/css/site.css",
        "/static/js/site.js",
        "/static/js/map.js",
        "/static/vendor/leaflet/leaflet.js",
        "/static/vendor/leaflet/leaflet.css",
        "/static/icons/icons.svg",
    ]:
        r = client.get(path, headers={"accept-encoding": "gzip"})
        assert r.status_code == 200, path
        assert r.headers["cache-control"] == "public, max-age=86400"
    big = client.get("/static/vendor/leaflet/leaflet.js", headers={"accept-encoding": "gzip"})
    assert big.headers["content-encoding"] == "gzip"


def test_privacy_and_about_pages(client: TestClient) -> None:
    privacy = client.get("/privacy", headers=HTML).text
    assert "Can anyone tell I have visited this site?" in privacy
    assert "We do not use cookies." in privacy
    # The one other server a page talks to: the tile server, named from the settings.
    assert "The map pictures come from another company" in privacy
    assert "Its address is 127.0.0.1." in privacy
    assert "That computer can see your phone's internet address." in privacy
    assert "It cannot see what you typed." in privacy
    about = client.get("/about", headers=HTML).text
    assert "Contains OS data © Crown copyright and database right 2025." in about
    assert "OpenStreetMap" in about


def test_unknown_page_is_a_page(client: TestClient) -> None:
    r = client.get("/nowhere", headers=HTML)
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "Page not found" in r.text
    api = client.get("/api/v1/nowhere", headers=HTML)
    assert api.headers["content-type"] == "application/problem+json"


def test_too_long_search_is_a_page_error(client: TestClient) -> None:
    r = client.get("/find", params={"q": "x" * 300}, headers=HTML)
    assert r.status_code == 422 and "too long" in r.text


def test_contacts_file_is_checked(tmp_path: Path) -> None:
    from pydantic import ValidationError

    from api.contacts import load_contacts

    bad = tmp_path / "bad.toml"
    bad.write_text('[[contacts]]\nname = "X"\nnumber = "call me"\n')
    with pytest.raises(ValidationError):
        load_contacts(bad)


def test_show_more_places(client: TestClient) -> None:
    html = client.get("/find", params={"q": "DE4 3AG", "k": 2}, headers=HTML).text
    assert html.count('class="sp-place"') == 2 + 2  # two listed, the open-now box, the police
    assert 'href="/find?q=DE4+3AG&amp;k=10"' in html
    bad = client.get("/find", params={"q": "DE4 3AG", "k": 99}, headers=HTML)
    assert bad.status_code == 422 and "from 1 to 50" in bad.text


def test_keep_safe_card_panel_can_never_be_submitted(client: TestClient) -> None:
    html = client.get("/find", params={"q": "DE4 3AG"}, headers=HTML).text
    card = html.split('id="keep-safe-card"')[1].split("</section>")[0]
    # The nearest open place is what "Text my contact" will mention.
    assert 'data-place-name="Matlock Library"' in html
    for field in ["card-name", "card-contact-name", "card-contact-phone", "card-notes"]:
        tag = re.search(rf'<(?:input|textarea)[^>]*id="{field}"[^>]*>', card)
        assert tag is not None, field
        assert " name=" not in tag.group(0), field  # nothing to submit, even by accident
    assert "action=" not in card
    assert '<dialog id="card-full"' in card


def test_card_place_text_is_escaped(client: TestClient) -> None:
    html = client.get("/find", params={"q": "DE4 5AA"}, headers=HTML).text
    root = (
        html.split('id="keep-safe-card"')[0].rsplit("<section", 1)[1]
        + html.split('id="keep-safe-card"')[1].split(">")[0]
    )
    assert "<script>" not in root


def test_error_summary_comes_first(client: TestClient) -> None:
    html = client.get("/find", params={"q": "hello"}, headers=HTML).text
    assert "<title>Error: Find a Safe Place" in html
    summary = html.index('class="sp-error-summary"')
    assert summary < html.index('class="sp-lead"')
    assert 'data-first-focus tabindex="-1"' in html


def test_police_numbers_each_get_their_own_link() -> None:
    from api.views import phone_links

    assert phone_links("101 (non-emergency) / 999 (emergency)") == [
        ("101 (non-emergency)", "tel:101"),
        ("999 (emergency)", "tel:999"),
    ]
    assert phone_links("01629 580000") == [("01629 580000", "tel:01629580000")]
    assert phone_links(None) == [] and phone_links("ask at the desk") == []


def test_incomplete_postcode_and_typo(client: TestClient) -> None:
    partial = client.get("/find", params={"q": "DE4 3A"}, headers=HTML)
    assert partial.status_code == 200
    assert "That postcode looks incomplete, so we used the middle of DE4." in partial.text
    typo = client.get("/find", params={"q": "Matlok"}, headers=HTML).text
    assert 'href="/find?q=Matlock%2C%20Derbyshire%20Dales"' in typo


def test_choices_outside_the_area_say_so(client: TestClient) -> None:
    html = client.get("/find", params={"q": "Newton"}, headers=HTML).text
    assert "Newton, Tameside (SK14)</a> (outside the area we cover)" in html
    assert "Newton, Bolsover (DE55)</a></li>" in html


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
    assert '<span class="sp-js-only" hidden> Or press the Shift key 3 times.</span>' in hint
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

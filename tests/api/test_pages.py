"""The public pages over HTTP: content, escaping, errors on the same page, privacy headers."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pages_app import HTML, pages_client

from api.settings import Settings


@pytest.fixture(scope="module")
def client(
    synthetic_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    yield from pages_client(synthetic_settings, tmp_path_factory)


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
    assert '<h1 class="sp-visually-hidden">Safe Places near DE4 3AG</h1>' in html
    assert "You searched for <strong>DE4 3AG</strong>." in html
    assert 'value="DE4 3AG"' in html
    names = re.findall(r'<span class="sp-visually-hidden">(\d+): </span>([^<]+)</h3>', html)
    assert [n for n, _ in names] == ["1", "2", "3", "4"]
    # Each list number has a map marker with the same number and name.
    for number, name in names:
        assert f'"title":"{number}: {name}"' in html or f'"title":"{number}: ' in html
    assert '"label":"P"' in html
    assert "Nearest police station" in html and "front desk" not in html
    assert "The pin on the map may be a little way off. Check the address." in html


def test_nearest_open_now_box(client: TestClient) -> None:
    html = client.get("/find", params={"q": "DE4 3AG"}, headers=HTML).text
    box = html.split('id="answer-title"')[1].split("</section>")[0]
    assert "Nearest Safe Place open now" in box
    assert "Matlock Library" in box and "Open now. Closes at 5pm." in box
    assert "About 7 minutes&#39; walk" in box
    assert "Show me the way" in box and "More about this place" in box
    # The place's page knows where the search started.
    assert 'href="/places/S1?q=DE4+3AG"' in box


def test_no_open_place_offers_phone_numbers(client: TestClient) -> None:
    html = client.get("/find", params={"q": "S40 1AA"}, headers=HTML).text
    box = html.split('id="answer-title"')[1].split("</section>")[0]
    assert "No Safe Place is open near you now" in box
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
    # Stored in E.164, dialled as RFC 3966 writes it, shown as people in the UK dial it.
    assert '<a class="sp-action" href="tel:+44-1629-000000">' in r.text
    assert "<span>Phone 01629 000000</span>" in r.text
    missing = client.get("/places/NOPE", headers=HTML)
    assert missing.status_code == 404 and "We couldn&#39;t find that place" in missing.text


@pytest.mark.parametrize(
    ("q", "status", "message"),
    [
        ("hello", 404, "We couldn&#39;t find a place called &#34;hello&#34;"),
        ("SW1A 1AA", 404, "We couldn&#39;t find the postcode SW1A 1AA"),
        ("", 422, "Please type a postcode, or the name of a town or village."),
        ("matl", 200, "Did you mean one of these places?"),
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
        # Only "Use my location" may ask for a browser feature; the camera and the rest never.
        policy = r.headers["permissions-policy"]
        assert "geolocation=(self)" in policy and "camera=()" in policy
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
        # Nonces are random letters: one may spell "cdn".
        words = re.sub(r'nonce="[^"]*"', "", html).lower()
        assert "cdn" not in words and "jquery" not in words and "bootstrap" not in words


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
    assert html.count('class="sp-place"') == 2 + 1  # two listed, and the police
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
    assert summary < html.index('class="sp-lead')
    assert 'data-first-focus tabindex="-1"' in html


def test_police_numbers_each_get_their_own_link() -> None:
    from locator.contact_details import phone_links

    assert phone_links("101 (non-emergency) / 999 (emergency)") == [
        ("101 (non-emergency)", "tel:101"),
        ("999 (emergency)", "tel:999"),
    ]
    assert phone_links("+441629580000") == [("01629 580000", "tel:+44-1629-580000")]
    assert phone_links(None) == [] and phone_links("ask at the desk") == []


def test_incomplete_postcode_and_typo(client: TestClient) -> None:
    partial = client.get("/find", params={"q": "DE4 3A"}, headers=HTML)
    assert partial.status_code == 200
    assert "We used the middle of the DE4 3 postcode sector." in partial.text
    typo = client.get("/find", params={"q": "Matlok"}, headers=HTML).text
    assert 'href="/find?q=Matlock%2C%20Derbyshire%20Dales"' in typo


def test_choices_outside_the_area_say_so(client: TestClient) -> None:
    html = client.get("/find", params={"q": "Newton"}, headers=HTML).text
    assert "Which Newton do you mean?" in html and "(SK14)" not in html
    assert "<span>Newton, in Tameside <span" in html and "not in Derbyshire and Derby" in html
    assert "<span>Newton, in Bolsover</span></a></li>" in html


def test_a_place_reached_from_a_search_says_how_far_and_the_way_back(client: TestClient) -> None:
    html = client.get("/places/S1", params={"q": "DE4 3AG"}, headers=HTML).text
    assert "minutes&#39; walk from DE4 3AG" in html
    assert 'href="/find?q=DE4+3AG"' in html and "Back to the Safe Places near DE4 3AG" in html
    # The clock is a Tuesday: today's opening times are picked out.
    assert '<tr class="sp-today"><th scope="row">Tuesday (today)</th>' in html
    plain = client.get("/places/S1", headers=HTML).text
    assert "Back to the Safe Places" not in plain and "walk from" not in plain


def test_pictures_are_served_by_the_app_and_credited(client: TestClient) -> None:
    html = client.get("/find", params={"q": "DE4 3AG"}, headers=HTML).text
    pictures = set(
        re.findall(r'<img class="sp-pic[^"]*" src="(/static/pictures/[0-9A-F]+\.svg)" alt=""', html)
    )
    assert pictures, "no pictures beside the words"
    for src in pictures:
        r = client.get(src)
        assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg")
    assert "OpenMoji" in client.get("/about", headers=HTML).text


def test_a_place_page_with_a_search_that_cannot_be_read_still_shows(client: TestClient) -> None:
    for params in ({"lat": "north", "lon": "-1.55"}, {"q": "Newton"}, {"q": "XX1 1XX"}):
        r = client.get("/places/S1", params=params, headers=HTML)
        assert r.status_code == 200 and "Matlock Library" in r.text, params
        assert "Back to the Safe Places" not in r.text


def test_results_and_their_errors_are_never_kept_by_the_browser(client: TestClient) -> None:
    found = client.get("/find", params={"q": "DE4 3AG"}, headers=HTML)
    assert found.status_code == 200 and found.headers["cache-control"] == "no-store"
    for params in ({"q": "DE4 3AG", "k": "many"}, {"q": "x" * 300}, {"lat": "north"}):
        bad = client.get("/find", params=params, headers=HTML)
        assert bad.status_code == 422, params
        assert bad.headers["content-type"].startswith("text/html")
        assert bad.headers["cache-control"] == "no-store"

"""The embeddable map, the embed code page, framing rules and CORS, over HTTP."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from html import unescape

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from api.app import create_app
from api.deps import get_now
from api.settings import PagesSettings, PartnerSettings, Settings
from locator.hours import LONDON

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=LONDON)  # a Tuesday morning
HTML = {"accept": "text/html"}
PARTNER = "https://partner.example.org"


@pytest.fixture(scope="module")
def client(
    synthetic_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    db = tmp_path_factory.mktemp("embed") / "places.db"
    settings = synthetic_settings.model_copy(
        update={
            "database_url": f"sqlite:///{db}",
            "pages": PagesSettings(tile_url="http://127.0.0.1:9/tiles/{z}/{x}/{y}.png"),
            "partners": PartnerSettings(frame_origins=[PARTNER], cors_origins=[PARTNER + "/"]),
        }
    )
    app = create_app(settings)
    app.dependency_overrides[get_now] = lambda: NOW
    with TestClient(app) as c:
        yield c


def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def _listed(html: str) -> list[str]:
    """The numbered names in the list, in order."""
    return [
        unescape(n)
        for n in re.findall(r'<span class="sp-visually-hidden">\d+: </span>([^<]+)</h3>', html)
    ]


def test_embed_near_a_postcode(client: TestClient) -> None:
    r = client.get("/embed", params={"postcode": "DE4 3AG", "k": "2"}, headers=HTML)
    assert r.status_code == 200
    assert _listed(r.text) == ["Corner Café", "Matlock Library"]
    assert '<h1 class="sp-embed-title">Safe Places near DE4 3AG</h1>' in r.text
    assert "SafePlaces.addMarkers" in r.text  # the map, with the same numbered places
    # Minimal chrome: no site header, footer menu or help panel; the data attribution shows.
    assert 'class="sp-header"' not in r.text and "sp-footer-links" not in r.text
    assert 'class="sp-help"' not in r.text
    assert "Contains OS data" in r.text
    # Links leave the frame for the whole window; the search stays in the frame.
    assert '<base target="_top">' in r.text and 'target="_self"' in r.text


def test_embed_options(client: TestClient) -> None:
    police = client.get(
        "/embed", params={"q": "DE4 3AG", "kind": "police_enquiry_office"}, headers=HTML
    )
    assert police.status_code == 200 and "Police station front desks near DE4 3AG" in police.text
    assert _listed(police.text)[0].startswith("Chesterfield")
    libraries = client.get("/embed", params={"q": "DE4 3AG", "category": "library"}, headers=HTML)
    assert _listed(libraries.text) == ["Matlock Library", "Alfreton Library"]
    # The box keeps the chosen options, so a visitor's search shows the same kind of map.
    assert '<input type="hidden" name="category" value="library">' in libraries.text
    no_box = client.get("/embed", params={"q": "DE4 3AG", "search": "no"}, headers=HTML)
    assert 'name="q"' not in no_box.text
    empty = client.get("/embed", headers=HTML)
    assert (
        empty.status_code == 200 and "Find a Safe Place" in empty.text and 'name="q"' in empty.text
    )
    located = client.get("/embed", params={"lat": "53.139", "lon": "-1.556"}, headers=HTML)
    assert located.status_code == 200 and _listed(located.text)


def test_embed_in_a_bounding_box_lists_by_name(client: TestClient) -> None:
    r = client.get("/embed", params={"bbox": "-1.60,53.10,-1.50,53.20"}, headers=HTML)
    assert r.status_code == 200 and "Safe Places in this area" in r.text
    names = _listed(r.text)
    assert names == sorted(names, key=str.lower) and "Matlock Library" in names
    assert "Alfreton Library" not in names  # outside the box
    capped = client.get(
        "/embed", params={"bbox": "-1.75,52.85,-1.30,53.30", "k": "1"}, headers=HTML
    )
    assert len(_listed(capped.text)) == 1 and "Showing 1 of the" in capped.text


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"bbox": "-1.4,53.2,-1.7,53.0"}, 422, "minimums must not be larger"),
        ({"bbox": "-1.7,53.0,-1.4"}, 422, "bbox must be four numbers"),
        ({"bbox": "-1.7,95,-1.4,96"}, 422, "latitudes must be between"),
        ({"q": "DE4 3AG", "k": "500"}, 422, "from 1 to 50"),
        ({"q": "DE4 3AG", "k": "two"}, 422, "from 1 to 50"),
        ({"q": "DE4 3AG", "kind": "zoo"}, 422, 'We don\'t know the kind "zoo"'),
        ({"q": "DE4 3AG", "search": "maybe"}, 422, "search must be yes or no"),
        ({"search": "no"}, 422, "it needs a postcode (q), a location (lat and lon) or an area"),
        ({"q": "ZZ9 9ZZ"}, 404, ""),
        ({"lat": "91", "lon": "0"}, 422, ""),
    ],
)
def test_bad_embed_parameters_are_explained_in_the_frame(
    client: TestClient, params: dict[str, str], status: int, message: str
) -> None:
    r = client.get("/embed", params=params, headers=HTML)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("text/html")
    assert "There is a problem" in r.text and message in _text(r.text)
    if status == 422 and "lat" not in params:
        # The frame's own options are wrong: the visitor is told to tell the site's owner.
        assert "This map is not set up right" in _text(r.text)
    # Still the frameable page, so the partner's page shows the message, not a refusal.
    assert f"frame-ancestors 'self' {PARTNER}" in r.headers["content-security-policy"]


def test_venue_text_is_escaped_in_the_embed(client: TestClient) -> None:
    r = client.get("/embed", params={"q": "DE4 5AA"}, headers=HTML)
    assert "<script>alert(1)</script>" not in r.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Shop" in r.text


def test_only_the_embed_may_be_framed_and_only_by_partners(client: TestClient) -> None:
    embed = client.get("/embed", params={"q": "DE4 3AG"}, headers=HTML)
    policy = embed.headers["content-security-policy"]
    assert f"frame-ancestors 'self' {PARTNER}" in policy
    assert "x-frame-options" not in embed.headers
    for path in ("/", "/find?q=DE4+3AG", "/places/S1", "/about", "/partners/embed", "/staff/login"):
        r = client.get(path, headers=HTML)
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"], path
        assert r.headers["x-frame-options"] == "DENY", path
    assert client.get("/api/v1/places").headers["x-frame-options"] == "DENY"


def test_embed_sets_no_cookie_and_sends_no_referrer(client: TestClient) -> None:
    r = client.get("/embed", params={"q": "DE4 3AG"}, headers=HTML)
    assert "set-cookie" not in r.headers
    assert r.headers["referrer-policy"] == "no-referrer"


def test_partner_origins_must_be_origins() -> None:
    assert PartnerSettings(frame_origins=["HTTPS://Partner.Example.org/"]).frame_origins == [
        "https://partner.example.org"
    ]
    for bad in ("partner.example.org", "https://partner.example.org/maps", "ftp://x.org", "*"):
        with pytest.raises(ValidationError):
            PartnerSettings(frame_origins=[bad])
    # The documented default: the council's and the police's sites.
    assert PartnerSettings().frame_origins == [
        "https://www.derbyshire.gov.uk",
        "https://www.derbyshire.police.uk",
    ]


def test_cors_preflight_for_partners_get_only(client: TestClient) -> None:
    ok = client.options(
        "/api/v1/places/nearest",
        headers={"Origin": PARTNER, "Access-Control-Request-Method": "GET"},
    )
    assert ok.status_code == 200
    assert ok.headers["access-control-allow-origin"] == PARTNER
    assert ok.headers["access-control-allow-methods"] == "GET"
    # A partner may not POST; another origin may not even GET.
    post = client.options(
        "/api/v1/places/nearest",
        headers={"Origin": PARTNER, "Access-Control-Request-Method": "POST"},
    )
    assert post.status_code == 400 and "Disallowed CORS method" in post.text
    elsewhere = client.options(
        "/api/v1/places/nearest",
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "GET"},
    )
    assert elsewhere.status_code == 400 and "Disallowed CORS origin" in elsewhere.text
    assert "access-control-allow-origin" not in elsewhere.headers


def test_cors_on_public_gets_not_on_staff_routes(client: TestClient) -> None:
    r = client.get(
        "/api/v1/places/nearest", params={"postcode": "DE4 3AG"}, headers={"Origin": PARTNER}
    )
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == PARTNER
    other = client.get(
        "/api/v1/places/nearest", params={"postcode": "DE4 3AG"},
        headers={"Origin": "https://elsewhere.example"},
    )  # fmt: skip
    assert "access-control-allow-origin" not in other.headers
    staff = client.options(
        "/api/v1/admin/places",
        headers={"Origin": PARTNER, "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in staff.headers
    assert (
        "access-control-allow-origin"
        not in client.get("/api/v1/admin/places", headers={"Origin": PARTNER}).headers
    )


def test_the_embed_code_page(client: TestClient) -> None:
    r = client.get(
        "/partners/embed",
        params={"q": "DE4 3AG", "kind": "safe_place", "category": "library", "k": "3",
                "search": "no", "size": "small"},
        headers=HTML,
    )  # fmt: skip
    assert r.status_code == 200
    code = unescape(
        re.search(r'<textarea[^>]*id="e-code"[^>]*>([^<]*)</textarea>', r.text).group(1)
    )  # type: ignore[union-attr]
    src = "http://testserver/embed?q=DE4+3AG&kind=safe_place&category=library&k=3&search=no"
    assert code == (
        f'<iframe src="{src}" title="Map and list of Safe Places near DE4 3AG" '
        'width="300" height="720" style="border:0;max-width:100%" loading="lazy"></iframe>'
    )
    # The live preview is the same map, framed from this site.
    assert (
        'src="/embed?q=DE4+3AG&amp;kind=safe_place&amp;category=library&amp;k=3&amp;search=no"'
        in r.text
    )
    # The code it gives is a page that works.
    assert client.get(src.replace("http://testserver", ""), headers=HTML).status_code == 200
    bad = client.get("/partners/embed", params={"k": "0"}, headers=HTML)
    assert bad.status_code == 422 and "from 1 to 50" in bad.text
    assert 'id="e-code"' not in bad.text  # no code until the options are right
    start = client.get("/partners/embed", headers=HTML)
    assert 'title="Find a Safe Place: map and list"' in unescape(start.text)


def test_the_code_page_keeps_the_choices_and_explains_problems(client: TestClient) -> None:
    r = client.get(
        "/partners/embed",
        params={"q": "DE4 3AG", "kind": "police_enquiry_office", "category": "library",
                "k": "100", "size": "small"},
        headers=HTML,
    )  # fmt: skip
    assert r.status_code == 422
    text = _text(r.text)
    assert "Library is one of the Safe Places, which is not ticked. Tick Safe Places too" in text
    assert "How many places must be a whole number from 1 to 50." in text
    # What was chosen is still chosen, so it can be put right.
    assert re.search(r'id="e-kind-police_enquiry_office"[^>]*checked', r.text)
    assert not re.search(r'id="e-kind-safe_place"[^>]*checked', r.text)
    assert re.search(r'id="e-cat-library"[^>]*checked', r.text)
    assert 'id="e-size-small" name="size" value="small" checked' in r.text
    assert 'href="#e-kind-safe_place"' in r.text and 'href="#e-k"' in r.text
    assert 'id="e-code"' not in r.text


def test_the_code_page_checks_the_start_place(client: TestClient) -> None:
    unknown = client.get("/partners/embed", params={"q": "ZZ9 9ZZ"}, headers=HTML)
    assert unknown.status_code == 422 and "ZZ9 9ZZ" in _text(unknown.text)
    assert 'id="e-code"' not in unknown.text
    fine = client.get("/partners/embed", params={"q": "Matlock"}, headers=HTML)
    assert fine.status_code == 200 and 'id="e-code"' in fine.text


def test_headings_say_what_the_map_can_show(client: TestClient) -> None:
    both_but_libraries = client.get(
        "/embed",
        params={"q": "DE4 3AG", "kind": ["safe_place", "police_enquiry_office"],
                "category": "library"},
        headers=HTML,
    )  # fmt: skip
    assert '<h1 class="sp-embed-title">Safe Places near DE4 3AG</h1>' in both_but_libraries.text
    police = client.get("/partners/embed", params={"q": "DE4 3AG",
                        "kind": "police_enquiry_office"}, headers=HTML)  # fmt: skip
    assert 'title="Map and list of police station front desks near DE4 3AG"' in police.text
    point = client.get("/embed", params={"lat": "53.139", "lon": "-1.556"}, headers=HTML)
    assert "Safe Places near this place" in point.text


def test_police_front_desks_have_their_own_marker(client: TestClient) -> None:
    r = client.get("/embed", params={"q": "DE4 3AG", "kind": "police_enquiry_office"}, headers=HTML)
    assert '"kind":"police"' in r.text and '"kind":"safe_place"' not in r.text


@pytest.mark.parametrize(
    "path",
    [
        "/embed?q=DE4+3AG",
        "/api/v1/places/nearest?postcode=DE4+3AG",
        "/",
        "/api/v1/downloads/places.csv",
    ],
)
def test_head_is_get_without_the_body(client: TestClient, path: str) -> None:
    get = client.get(path, headers={"accept-encoding": "identity"})
    head = client.head(path, headers={"accept-encoding": "identity"})
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers["content-length"] == get.headers["content-length"]


def test_partner_scripts_can_read_the_caching_headers(client: TestClient) -> None:
    pre = client.options(
        "/api/v1/downloads/places.csv",
        headers={"Origin": PARTNER, "Access-Control-Request-Method": "GET",
                 "Access-Control-Request-Headers": "if-none-match"},
    )  # fmt: skip
    assert (
        pre.status_code == 200
        and "if-none-match" in pre.headers["access-control-allow-headers"].lower()
    )
    r = client.get("/api/v1/downloads/places.csv", headers={"Origin": PARTNER})
    exposed = r.headers["access-control-expose-headers"].lower()
    assert {"etag", "last-modified", "link"} <= {h.strip() for h in exposed.split(",")}


def test_the_embed_has_an_exit_that_leaves_the_partner_page(client: TestClient) -> None:
    r = client.get("/embed", params={"q": "DE4 3AG"}, headers=HTML)
    exits = re.findall(r"<a [^>]*data-exit-url[^>]*>[^<]*</a>", r.text)
    assert exits == [
        '<a class="sp-exit" href="https://www.bbc.co.uk/weather" '
        'data-exit-url="https://www.bbc.co.uk/weather" target="_top" rel="noreferrer">'
        "Exit this page</a>"
    ]
    # It comes first, before the heading and the search box.
    assert r.text.index("data-exit-url") < r.text.index('class="sp-embed-title"')
    # Without scripts it is an ordinary link: the frame says what that means.
    hint = r.text.split('class="sp-embed-exit-hint">')[1].split("</p>")[0]
    assert '<span class="sp-no-js">' in hint and "Close the tab" in hint
    # A search in the frame is never kept in the browser's cache.
    assert r.headers["cache-control"] == "no-store"

"""Turning typed text into a search origin, including the optional online geocoder."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from pydantic import HttpUrl

from api.settings import Settings
from geodata.datasets import load_datasets
from geodata.gazetteer import DistrictLocation, SectorLocation
from geodata.geocoder import OnlineGeocoder
from geodata.resolver import LocationResolver
from locator.errors import (
    AmbiguousPlace,
    GeocoderUnavailable,
    InvalidParameter,
    InvalidPostcode,
    UnknownPlace,
    UnknownPostcode,
)
from locator.origin import Choices, OriginSource
from locator.settings import GeocoderSettings


@pytest.fixture(scope="module")
def resolver(synthetic_settings: Settings) -> LocationResolver:
    return load_datasets(synthetic_settings).resolver(synthetic_settings)


def test_postcode(resolver: LocationResolver) -> None:
    origin = resolver.resolve("de4 3ag")
    assert not isinstance(origin, Choices)
    assert (origin.latitude, origin.longitude, origin.label) == (53.142342, -1.551396, "DE4 3AG")
    assert origin.source is OriginSource.POSTCODE and not origin.approximate
    assert origin.message is None


def test_unknown_postcode_in_a_known_district_uses_the_district(resolver: LocationResolver) -> None:
    origin = resolver.postcode("DE4 9ZZ")
    assert origin.source is OriginSource.POSTCODE_DISTRICT and origin.approximate
    assert origin.message == "We couldn't find DE4 9ZZ, so we used the middle of DE4."


def test_district_alone(resolver: LocationResolver) -> None:
    origin = resolver.postcode("de4")
    assert origin.label == "DE4" and origin.approximate
    assert origin.message == "We used the middle of the DE4 postcode area."


def test_unknown_district(resolver: LocationResolver) -> None:
    # No national table here (as when its file is missing): a real postcode elsewhere is
    # one the service may not know, and the words say so.
    assert resolver.national is None
    with pytest.raises(UnknownPostcode) as err:
        resolver.resolve("SW1A 1AA")
    assert err.value.user_message == (
        "We couldn't find the postcode SW1A 1AA in the area we cover (Derbyshire and Derby). "
        "Please check it and try again."
    )


SECTOR_DE4_3 = (
    "We used the middle of the DE4 3 postcode sector. Type the whole postcode to be more exact."
)


@pytest.mark.parametrize("typed", ["DE4 3", "de4 3a", "DE4 3A", "DE 4 3"])
def test_partly_typed_postcode_is_its_sector(resolver: LocationResolver, typed: str) -> None:
    for origin in (resolver.resolve(typed), resolver.postcode(typed)):
        assert not isinstance(origin, Choices)
        assert origin.label == "DE4 3" and origin.source is OriginSource.POSTCODE_SECTOR
        assert origin.approximate and origin.message == SECTOR_DE4_3
        # The middle of DE4 3AG, 3AH and 3ZZ, not of the whole district (DE4 5AA is 6 km off).
        assert 53.138 < origin.latitude < 53.1424 and -1.560 < origin.longitude < -1.5513


def test_empty_sector_falls_back_to_the_district(resolver: LocationResolver) -> None:
    origin = resolver.resolve("DE4 9")
    assert not isinstance(origin, Choices)
    assert origin.label == "DE4" and origin.source is OriginSource.POSTCODE_DISTRICT
    assert origin.message == (
        "We don't know any postcodes that start DE4 9, so we used the middle of DE4. "
        "Type the whole postcode to be more exact."
    )


def test_partly_typed_postcode_is_never_another_district(resolver: LocationResolver) -> None:
    # DE55 is known; "DE5 5" is a sector of DE5, which the data doesn't have.
    district = resolver.resolve("DE55")
    assert not isinstance(district, Choices) and district.label == "DE55"
    with pytest.raises(UnknownPostcode) as err:
        resolver.resolve("DE5 5")
    assert "DE5 5" in err.value.user_message and "DE55" not in err.value.user_message


def test_postcode_shaped_text_is_answered_as_a_postcode(resolver: LocationResolver) -> None:
    for ask in (resolver.resolve, resolver.postcode):
        with pytest.raises(UnknownPostcode) as err:
            ask("XX1 1XX")
        assert err.value.user_message == (
            "We don't know the postcode XX1 1XX. Check it on a letter or ask someone. "
            "Or type the name of your town or village."
        )


def test_terminated_postcode_is_used_and_said(resolver: LocationResolver) -> None:
    origin = resolver.postcode("DE4 3ZZ")
    assert origin.terminated
    assert origin.message == "The postcode DE4 3ZZ is no longer used, so we used where it was."


def test_not_a_postcode(resolver: LocationResolver) -> None:
    with pytest.raises(InvalidPostcode):
        resolver.postcode("Matlock")


def test_locate_a_sector(resolver: LocationResolver) -> None:
    found = resolver.locate("DE4 3")
    assert isinstance(found, SectorLocation) and found.postcode_count == 3
    district = resolver.locate("DE4")
    assert isinstance(district, DistrictLocation) and district.postcode_count == 4
    with pytest.raises(UnknownPostcode):
        resolver.locate("DE4 9")


def test_place_names(resolver: LocationResolver) -> None:
    for typed in ["Matlock", "matlock", "chapel en le frith", "Chapel-en-le-Frith", "Pear Tree"]:
        origin = resolver.resolve(typed)
        assert not isinstance(origin, Choices), typed
        assert origin.source is OriginSource.PLACE_NAME


def test_ambiguous_name_gives_choices_never_a_pick(resolver: LocationResolver) -> None:
    found = resolver.resolve("Newton")
    assert isinstance(found, Choices) and found.exact
    assert [p.label for p in found.options] == [
        "Newton, Bolsover (DE55)",
        "Newton, Tameside (SK14)",
    ]
    found = resolver.resolve("Newton")
    assert isinstance(found, Choices)
    error = found.error()
    assert isinstance(error, AmbiguousPlace) and len(error.choices) == 2
    chosen = resolver.resolve("Newton, Tameside")
    assert not isinstance(chosen, Choices) and chosen.longitude == -2.063672


def test_partial_name_suggests(resolver: LocationResolver) -> None:
    found = resolver.resolve("matl")
    assert isinstance(found, Choices) and not found.exact
    assert [p.name for p in found.options] == ["Matlock", "Matlock Bath"]
    assert "Did you mean" in found.message


def test_unknown_place(resolver: LocationResolver) -> None:
    with pytest.raises(UnknownPlace) as err:
        resolver.resolve("Atlantis")
    assert "Atlantis" in err.value.user_message


@pytest.mark.parametrize("text", ["", "   ", "x" * 101])
def test_empty_or_too_long(resolver: LocationResolver, text: str) -> None:
    with pytest.raises(InvalidParameter):
        resolver.resolve(text)


# -- the online fallback, against a local fake Nominatim ----------------------------------


class FakeNominatim(BaseHTTPRequestHandler):
    requests: list[dict[str, list[str]]] = []
    fail = False

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        url = urlparse(self.path)
        query = parse_qs(url.query)
        type(self).requests.append({"path": [url.path], **query})
        if type(self).fail:
            self.send_response(500)
            self.end_headers()
            return
        body: list[dict[str, str]] = []
        if query.get("q") == ["Tesco Extra Matlock"]:
            body = [{"lat": "53.1400", "lon": "-1.5600", "display_name": "Tesco, Matlock, DE4"}]
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def fake_nominatim() -> Iterator[str]:
    FakeNominatim.requests = []
    FakeNominatim.fail = False
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeNominatim)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _online(synthetic_settings: Settings, url: str, delay: float = 0.0) -> LocationResolver:
    settings = synthetic_settings.model_copy(
        update={
            "geocoder": GeocoderSettings(
                enabled=True, url=HttpUrl(url), min_delay_seconds=delay, timeout_seconds=2
            )
        }
    )
    return load_datasets(settings).resolver(settings)


def test_geocoder_is_off_by_default(resolver: LocationResolver) -> None:
    assert resolver.geocoder is None
    assert Settings().geocoder.enabled is False


def test_geocoder_fallback(synthetic_settings: Settings, fake_nominatim: str) -> None:
    online = _online(synthetic_settings, fake_nominatim)
    origin = online.resolve("Tesco Extra Matlock")
    assert not isinstance(origin, Choices)
    assert origin.source is OriginSource.GEOCODER and origin.approximate
    assert (origin.latitude, origin.longitude) == (53.14, -1.56)
    [request] = FakeNominatim.requests
    assert request["path"] == ["/search"]
    assert request["countrycodes"] == ["gb"]
    assert "viewbox" in request
    # Cached: the same search again (any case or spacing) asks nothing more.
    online.resolve("tesco  extra matlock")
    assert len(FakeNominatim.requests) == 1
    # Known names and postcodes never go online.
    online.resolve("Matlock")
    online.resolve("DE4 3AG")
    assert len(FakeNominatim.requests) == 1


def test_geocoder_no_match_falls_back_to_not_found(
    synthetic_settings: Settings, fake_nominatim: str
) -> None:
    with pytest.raises(UnknownPlace):
        _online(synthetic_settings, fake_nominatim).resolve("Atlantis")
    assert len(FakeNominatim.requests) == 1


def test_geocoder_failure_is_a_plain_message(
    synthetic_settings: Settings, fake_nominatim: str
) -> None:
    FakeNominatim.fail = True
    with pytest.raises(GeocoderUnavailable) as err:
        _online(synthetic_settings, fake_nominatim).resolve("Somewhere Else")
    assert "try a postcode" in err.value.user_message


def test_geocoder_is_rate_limited(synthetic_settings: Settings, fake_nominatim: str) -> None:
    import time

    online = _online(synthetic_settings, fake_nominatim, delay=0.3)
    start = time.monotonic()
    for name in ["Place One", "Place Two", "Place Three"]:
        with pytest.raises(UnknownPlace):
            online.resolve(name)
    # Three requests at least 0.3 s apart: a lower bound on behaviour, not a speed check.
    assert time.monotonic() - start >= 0.6
    assert len(FakeNominatim.requests) == 3


def test_geocoder_cache_is_bounded(fake_nominatim: str) -> None:
    geocoder = OnlineGeocoder(
        GeocoderSettings(url=HttpUrl(fake_nominatim), min_delay_seconds=0, cache_size=2)
    )
    for name in ["a place", "b place", "c place", "a place"]:
        geocoder.lookup(name)
    assert len(FakeNominatim.requests) == 4  # "a place" was evicted by the third

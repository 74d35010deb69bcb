from api.settings import PagesSettings
from locator.origin import Origin, OriginSource
from maps.frame import draw_frame
from maps.render import results_map


def _origin(lat: float, lon: float) -> Origin:
    return Origin(lat, lon, "DE4 3AG", OriginSource.POSTCODE)


def test_every_map_shares_its_frame_and_has_its_own_centre() -> None:
    pages = PagesSettings(tile_url="/frame-test/{z}/{x}/{y}.png")
    first = results_map(_origin(53.1, -1.5), [], None, pages)
    second = results_map(_origin(53.2, -1.6), [], None, pages)
    # One frame, drawn once: the same element (and map variable) for both.
    assert first.html == second.html
    assert "center: [53.1,-1.5]," in first.script
    assert "center: [53.2,-1.6]," in second.script
    for parts in (first, second):
        assert parts.script.count("L.map(") == 1
        assert parts.script.count('"/frame-test/{z}/{x}/{y}.png"') == 1
        assert "-89.98" not in parts.script  # the frame's own mark is never sent


def test_frames_follow_the_tile_settings() -> None:
    a = results_map(_origin(53.1, -1.5), [], None, PagesSettings(tile_url="/a/{z}/{x}/{y}.png"))
    b = results_map(_origin(53.1, -1.5), [], None, PagesSettings(tile_url="/b/{z}/{x}/{y}.png"))
    assert '"/a/{z}/{x}/{y}.png"' in a.script and "/b/" not in a.script
    assert '"/b/{z}/{x}/{y}.png"' in b.script and "/a/" not in b.script
    assert a.html != b.html


def test_a_frame_is_cut_where_the_centre_goes() -> None:
    frame = draw_frame(PagesSettings(), 16)
    assert frame.before_centre.rstrip().endswith("center:")
    assert frame.after_centre.lstrip().startswith(",")
    assert f'id="{frame.name}"' in frame.html
    assert '"zoom": 16' in frame.after_centre

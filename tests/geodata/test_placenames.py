from pathlib import Path

import pytest

from geodata.placenames import PlaceName, PlaceNames, fold


def _place(
    name: str,
    la: str = "Derbyshire Dales",
    district: str = "DE4",
    kind: str = "village",
    inside: bool = True,
) -> PlaceName:
    return PlaceName(name, kind, 53.0, -1.5, district, la, inside)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Chapel-en-le-Frith", "chapel en le frith"),
        ("CHAPEL  EN-LE FRITH", "chapel en le frith"),
        ("Pear Tree", "pear tree"),
        ("St. Mary's", "st marys"),
        ("Ashby-de-la-Zouch", "ashby de la zouch"),
        ("Caf\u00e9 Corner", "cafe corner"),
        ("  Matlock  ", "matlock"),
    ],
)
def test_fold(a: str, b: str) -> None:
    assert fold(a) == b


@pytest.fixture
def names() -> PlaceNames:
    return PlaceNames(
        [
            _place("Matlock", kind="town"),
            _place("Matlock Bath"),
            _place("Chapel-en-le-Frith", "High Peak", "SK23", "town"),
            _place("Newton", "Bolsover", "DE55"),
            _place("Newton", "Tameside", "SK14", "suburb", inside=False),
            _place("Youlgreave", district="DE45"),
            _place("Ågård"),
        ],
        alt_names={5: "Youlgrave"},
    )


def test_exact_is_case_punctuation_and_accent_insensitive(names: PlaceNames) -> None:
    for typed in ["Chapel-en-le-Frith", "chapel en le frith", "CHAPEL-EN-LE-FRITH"]:
        assert [p.name for p in names.exact(typed)] == ["Chapel-en-le-Frith"]
    assert [p.name for p in names.exact("agard")] == ["Ågård"]


def test_exact_does_not_return_longer_names(names: PlaceNames) -> None:
    assert [p.name for p in names.exact("matlock")] == ["Matlock"]


def test_ambiguous_name_gives_every_choice_service_area_first(names: PlaceNames) -> None:
    found = names.exact("newton")
    assert [p.local_authority for p in found] == ["Bolsover", "Tameside"]
    assert found[0].label == "Newton, Bolsover (DE55)"


def test_qualifier_picks_one(names: PlaceNames) -> None:
    assert [p.local_authority for p in names.exact("Newton, Tameside")] == ["Tameside"]
    assert [p.local_authority for p in names.exact("newton, de55")] == ["Bolsover"]
    assert names.exact("Newton, Nowhere") == []


def test_alternative_name(names: PlaceNames) -> None:
    assert [p.name for p in names.exact("Youlgrave")] == ["Youlgreave"]


def test_prefix_for_type_ahead(names: PlaceNames) -> None:
    assert [p.name for p in names.prefix("mat")] == ["Matlock", "Matlock Bath"]
    assert [p.name for p in names.prefix("MATLOCK B")] == ["Matlock Bath"]
    assert [p.name for p in names.prefix("chapel-en")] == ["Chapel-en-le-Frith"]
    assert names.prefix("zzz") == []
    assert names.prefix("") == []
    assert len(names.prefix("m", limit=1)) == 1


def test_real_place_names(real_data_dir: Path) -> None:
    names = PlaceNames.load(real_data_dir / "places_derbyshire.csv")
    assert len(names) == 1088
    for typed, expected in [
        ("Matlock", "Matlock"),
        ("Chapel-en-le-Frith", "Chapel-en-le-Frith"),
        ("chapel en le frith", "Chapel-en-le-Frith"),
        ("Pear Tree", "Pear Tree"),
        ("youlgrave", "Youlgreave"),
    ]:
        found = names.exact(typed)
        assert [p.name for p in found] == [expected], typed
        assert found[0].in_service_area
    newton = names.exact("Newton")
    assert len(newton) > 1
    assert len({p.label for p in newton}) == len(newton)


def test_similar_spellings(names: PlaceNames) -> None:
    assert [p.name for p in names.similar("Matlok")] == ["Matlock"]
    assert [p.name for p in names.similar("chapel en le frit")] == ["Chapel-en-le-Frith"]
    assert names.similar("zz") == [] and names.similar("Qwertyuiop") == []


def test_label_drops_a_repeated_council_name() -> None:
    assert _place("Chesterfield", "Chesterfield", "S40").label == "Chesterfield (S40)"
    assert _place("Newton", "Bolsover", "DE55").label == "Newton, Bolsover (DE55)"
